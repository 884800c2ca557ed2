import Handlebars from 'handlebars';
import { KNOWN_HELPERS, registerTemplateHelpers } from './helpers.ts';

/**
 * Herald's own Handlebars: an isolated instance (helpers registered here never leak into
 * or come from the global one), the built-in helpers plus the small set in helpers.ts, and
 * no prototype access (the 4.6+ default, never loosened). Templates are compiled once and rendered many times; a
 * field missing from a contact renders empty (strict: false) rather than failing a send.
 */
const handlebars = Handlebars.create();
registerTemplateHelpers(handlebars);

const COMPILE_OPTIONS = { knownHelpersOnly: true, knownHelpers: KNOWN_HELPERS, strict: false } as const;

export type Render = (context: Record<string, unknown>) => string;

/** HTML: {{field}} is escaped. */
export function compileHtml(source: string): Render {
  return precompiled(source, { ...COMPILE_OPTIONS, noEscape: false });
}

/** Subject lines and text parts: nothing is HTML-escaped. */
export function compilePlain(source: string): Render {
  return precompiled(source, { ...COMPILE_OPTIONS, noEscape: true });
}

/** compile() is lazy; precompile() first so a broken template fails here, not on the first recipient. */
function precompiled(source: string, options: CompileOptions): Render {
  handlebars.precompile(source, options);
  const template = handlebars.compile(source, options);
  return (context) => template(context, { allowProtoMethodsByDefault: false, allowProtoPropertiesByDefault: false });
}

type CompileOptions = Parameters<typeof handlebars.compile>[1];
