import type Handlebars from 'handlebars';

/*
 * The helpers a template may use besides Handlebars' built-ins (if, unless, each, with,
 * lookup). Each returns plain text, so {{…}} still HTML-escapes what it returns.
 *
 *   {{default first_name "there"}}       the value, or the fallback when the value is empty
 *   {{upper company}} {{lower company}}  the value in upper / lower case
 *   {{capitalize first_name}}            the value with its first letter in upper case
 *   {{#if (eq plan "pro")}}…{{/if}}      whether two values are equal
 */

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

const helpers = {
  default: (value: unknown, fallback: unknown) => (text(value).trim() === '' ? text(fallback) : text(value)),
  upper: (value: unknown) => text(value).toUpperCase(),
  lower: (value: unknown) => text(value).toLowerCase(),
  capitalize: (value: unknown) => text(value).charAt(0).toUpperCase() + text(value).slice(1),
  eq: (a: unknown, b: unknown) => text(a) === text(b),
} as const;

export const TEMPLATE_HELPER_NAMES = Object.keys(helpers) as Array<keyof typeof helpers>;
export const BUILT_IN_HELPER_NAMES = ['if', 'unless', 'each', 'with', 'lookup'] as const;

/**
 * For compile options: knownHelpersOnly rejects every helper not listed here. Handlebars'
 * own `log` is switched off: it writes its arguments (a recipient's data) to the console.
 * (Its runtime helper is replaced rather than deleted: a deleted key would put the helper
 * table, copied for every render, into V8's slow dictionary mode.)
 */
export const KNOWN_HELPERS: Record<string, boolean> = { ...Object.fromEntries(TEMPLATE_HELPER_NAMES.map((name) => [name, true])), log: false };

export function registerTemplateHelpers(instance: typeof Handlebars): void {
  instance.registerHelper('log', () => '');
  for (const name of TEMPLATE_HELPER_NAMES) {
    // Handlebars passes its options object last; the helpers only look at their own arguments
    instance.registerHelper(name, helpers[name] as (...args: unknown[]) => unknown);
  }
}
