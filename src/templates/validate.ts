import Handlebars from 'handlebars';
import { compileHtml, compilePlain } from './handlebars.ts';
import { BUILT_IN_HELPER_NAMES, TEMPLATE_HELPER_NAMES } from './helpers.ts';

export type TemplatePart = 'subject' | 'html' | 'text';
export type TemplateProblem = { part: TemplatePart; line: number; message: string };

type Node = { type: string; loc?: { start: { line: number } }; [key: string]: unknown };

/** Names that reach into JavaScript internals; a template never needs them. */
const FORBIDDEN_NAME = /^(constructor|prototype|__.*)$/;
const AVAILABLE = [...TEMPLATE_HELPER_NAMES, ...BUILT_IN_HELPER_NAMES].join(', ');

function lineOf(node: Node): number {
  return node.loc?.start.line ?? 1;
}

function children(node: Node): Node[] {
  const nested = [node.path, node.program, node.inverse, ...((node.params as Node[]) ?? []), ...((node.body as Node[]) ?? []),
    ...(((node.hash as { pairs?: Array<{ value: Node }> } | undefined)?.pairs ?? []).map((pair) => pair.value))];
  return nested.filter((child): child is Node => Boolean(child && typeof child === 'object' && 'type' in (child as object)));
}

/** What Handlebars itself would accept but Herald does not: partials, decorators, unescaped output in HTML, internals. */
function structuralProblem(node: Node, html: boolean): { line: number; message: string } | null {
  switch (node.type) {
    case 'PartialStatement':
    case 'PartialBlockStatement':
      return { line: lineOf(node), message: 'partials ({{> name}}) are not available in Herald templates.' };
    case 'Decorator':
    case 'DecoratorBlock':
      return { line: lineOf(node), message: 'decorators ({{* name}}) are not available in Herald templates.' };
    case 'MustacheStatement':
      if (html && node.escaped === false) return { line: lineOf(node), message: 'unescaped output ({{{…}}} or {{& …}}) is not allowed in HTML; use {{…}}.' };
      break;
    case 'PathExpression': {
      const forbidden = (node.parts as string[]).find((part) => FORBIDDEN_NAME.test(part));
      if (forbidden) return { line: lineOf(node), message: `“${forbidden}” is not a field a template can use.` };
      break;
    }
    case 'StringLiteral':
      if (FORBIDDEN_NAME.test(String(node.value))) return { line: lineOf(node), message: `“${String(node.value)}” is not a field a template can use.` };
      break;
  }
  for (const child of children(node)) {
    const problem = structuralProblem(child, html);
    if (problem) return problem;
  }
  return null;
}

/** Handlebars' own errors, reworded: parse errors carry the line in the message, compile errors as "- line:column". */
function compileProblem(error: Error & { lineNumber?: number }): { line: number; message: string } {
  const parse = /^Parse error on line (\d+):\n(.*)\n/.exec(error.message);
  if (parse) return { line: Number(parse[1]), message: `syntax error near “${(parse[2] ?? '').trim()}”. Check that every {{ has a matching }} and every {{#block}} its {{/block}}.` };
  const position = / - (\d+):(\d+)$/.exec(error.message);
  const line = error.lineNumber ?? Number(position?.[1] ?? 1);
  const helper = /unknown helper (\S+)/.exec(error.message)?.[1];
  if (helper) return { line, message: `“${helper}” is not a helper Herald knows. Available: ${AVAILABLE}.` };
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(error.message);
  if (mismatch) return { line, message: `{{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}.` };
  return { line, message: `${error.message.replace(/ - \d+:\d+$/, '')}.` };
}

/** The first problem of one part of a template, with its line, or null when it compiles and is allowed. */
export function checkTemplatePart(part: TemplatePart, source: string): TemplateProblem | null {
  try {
    if (part === 'html') compileHtml(source);
    else compilePlain(source);
    const problem = structuralProblem(Handlebars.parse(source) as unknown as Node, part === 'html');
    return problem ? { part, ...problem } : null;
  } catch (error) {
    return { part, ...compileProblem(error as Error) };
  }
}

/** Every part's first problem, as "Line 3: …" sentences keyed by part. */
export function templateProblems(parts: Partial<Record<TemplatePart, string | null>>): Partial<Record<TemplatePart, string>> {
  const problems: Partial<Record<TemplatePart, string>> = {};
  for (const [part, source] of Object.entries(parts) as Array<[TemplatePart, string | null | undefined]>) {
    if (!source) continue;
    const problem = checkTemplatePart(part, source);
    if (problem) problems[part] = `Line ${problem.line}: ${problem.message}`;
  }
  return problems;
}
