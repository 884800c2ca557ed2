import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

/** Normalised email (trimmed, lower case) or null when it is not an address. */
const Email = z.email();
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return email.length <= 320 && Email.safeParse(email).success ? email : null;
}

/** Built-in contact data; custom fields may not shadow them in templates. */
export const RESERVED_FIELDS = new Set(['email', 'first_name', 'last_name', 'name', 'tags', 'status', 'unsubscribe_url']);
/** Names that reach into JavaScript object internals; never used as field keys. */
const FORBIDDEN_FIELDS = new Set(['__proto__', 'constructor', 'prototype', 'proto']);

/**
 * A custom field key as templates use it ({{company_size}}): lower case letters, digits and
 * underscores, starting with a letter. Null when nothing usable is left or the name is forbidden.
 */
export function fieldKey(raw: string): string | null {
  const trimmed = raw.trim().toLowerCase();
  if (FORBIDDEN_FIELDS.has(trimmed)) return null;
  const key = trimmed.replace(/[^a-z0-9]+/g, '_').replace(/^[_0-9]+|_+$/g, '').slice(0, 64);
  return key === '' || FORBIDDEN_FIELDS.has(key) ? null : key;
}

export const MAX_TAGS = 50;

/** "VIP, beta ,vip" or Mailchimp's "\"VIP\",\"beta\"" → ['beta', 'vip']: unquoted, trimmed, lower case, unique, sorted. */
export function parseTags(raw: string): string[] {
  return uniqueTags(raw).slice(0, MAX_TAGS);
}

function uniqueTags(raw: string): string[] {
  const tags = raw.split(/[,;]/).map((tag) => tag.trim().replace(/^"+|"+$/g, '').trim().toLowerCase().slice(0, 64)).filter(Boolean);
  return [...new Set(tags)].sort();
}

/** Tags a person typed, or how many too many there are: typed tags are never dropped silently. */
export function parseTypedTags(raw: string): { tags: string[] } | { problem: string } {
  const tags = uniqueTags(raw);
  if (tags.length <= MAX_TAGS) return { tags };
  const extra = tags.length - MAX_TAGS;
  return { problem: `A contact holds at most ${MAX_TAGS} tags; this has ${tags.length}. Remove ${extra}.` };
}

export type FieldProblem = { line: number; message: string };

const VALUE_MAX = 2000;

/** One field per line, so line breaks in values are written \n (and a backslash \\). */
const escapeValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const ESCAPED = { '\\': '\\', n: '\n', r: '\r' } as const;
const unescapeValue = (text: string) => text.replace(/\\([\\nr])/g, (_, c: keyof typeof ESCAPED) => ESCAPED[c]);

/**
 * `key=value` lines (the contact form's custom fields box) → fields, or the first problem
 * with its line number.
 */
export function parseFieldLines(text: string): { fields: Record<string, string> } | { problem: FieldProblem } {
  const fields: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const problem = (message: string) => ({ problem: { line: index + 1, message: `Line ${index + 1}: ${message}` } });
    const separator = line.indexOf('=');
    const key = separator > 0 ? fieldKey(line.slice(0, separator)) : null;
    if (key === null) return problem('write fields as key=value, e.g. company=Acme.');
    if (RESERVED_FIELDS.has(key)) return problem(`“${key}” is built in; use the field for it above.`);
    const value = unescapeValue(line.slice(separator + 1).trim());
    if (value.length > VALUE_MAX) return problem(`a value holds at most ${VALUE_MAX} characters; this one has ${value.length}.`);
    fields[key] = value;
  }
  return { fields };
}

export function fieldLines(fields: Record<string, string>): string {
  return Object.entries(fields).map(([key, value]) => `${key}=${escapeValue(value)}`).join('\n');
}

/**
 * The fields as the form's text, or null when that text would not save back exactly what
 * is stored (values that are not text, keys or values the form would change).
 */
export function editableFieldLines(fields: Record<string, unknown>): string | null {
  if (!Object.values(fields).every((value) => typeof value === 'string')) return null;
  const text = fieldLines(fields as Record<string, string>);
  const parsed = parseFieldLines(text);
  return 'fields' in parsed && isDeepStrictEqual(parsed.fields, fields) ? text : null;
}

/** The tags as the form's text, or null when that text would not save back exactly these tags. */
export function editableTags(tags: readonly string[]): string | null {
  const text = tags.join(', ');
  return isDeepStrictEqual(parseTags(text), tags) ? text : null;
}
