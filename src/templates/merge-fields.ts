import Handlebars from 'handlebars';
import { BUILT_IN_HELPER_NAMES, TEMPLATE_HELPER_NAMES } from './helpers.ts';

type Node = { type: string; [key: string]: unknown };
type Path = { type: 'PathExpression'; original: string; data: boolean; parts: string[] };

const HELPERS = new Set<string>([...BUILT_IN_HELPER_NAMES, 'log', ...TEMPLATE_HELPER_NAMES]);
/** Blocks whose body sees another context ({{#each items}}{{name}}…): their inner names are not contact fields. */
const CONTEXT_CHANGING = new Set(['each', 'with']);

/**
 * The top-level names a template reads ({{first_name}}, {{custom.plan}}, {{#if vip}}), in order
 * of first use. Names inside #each/#with bodies belong to another context and are left out.
 * Throws on a template that does not parse.
 */
export function mergeFieldsOf(...sources: readonly (string | null)[]): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    if (source) walk(Handlebars.parse(source) as unknown as Node, found);
  }
  return [...found];
}

function walk(node: Node | null | undefined, found: Set<string>): void {
  if (!node) return;
  switch (node.type) {
    case 'Program':
      for (const statement of node.body as Node[]) walk(statement, found);
      return;
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement': {
      const path = node.path as Node;
      const params = (node.params as Node[]) ?? [];
      const hashPairs = ((node.hash as { pairs?: Array<{ value: Node }> } | undefined)?.pairs ?? []).map((pair) => pair.value);
      const helper = path.type === 'PathExpression' && HELPERS.has((path as Path).original);
      if (!helper && params.length === 0 && hashPairs.length === 0) addPath(path, found);
      for (const argument of [...params, ...hashPairs]) {
        if (argument.type === 'SubExpression') walk(argument, found);
        else addPath(argument, found);
      }
      if (node.type === 'BlockStatement') {
        if (!CONTEXT_CHANGING.has((path as Path).original)) walk(node.program as Node, found);
        walk(node.inverse as Node, found);
      }
      return;
    }
    default:
      return;
  }
}

function addPath(node: Node, found: Set<string>): void {
  if (node.type !== 'PathExpression') return;
  const path = node as unknown as Path;
  if (path.data || path.parts.length === 0 || path.original.startsWith('this') || path.original.startsWith('../')) return;
  found.add(path.parts.join('.'));
}
