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
  const tags = raw.split(/[,;]/).map((tag) => tag.trim().replace(/^"+|"+$/g, '').trim().toLowerCase().slice(0, 64)).filter(Boolean);
  return [...new Set(tags)].sort().slice(0, MAX_TAGS);
}

export type FieldProblem = { line: number; message: string };

/**
 * `key=value` lines (the contact form's custom fields box) → fields, or the first problem
 * with its line number.
 */
export function parseFieldLines(text: string): { fields: Record<string, string> } | { problem: FieldProblem } {
  const fields: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const separator = line.indexOf('=');
    const key = separator > 0 ? fieldKey(line.slice(0, separator)) : null;
    if (key === null) return { problem: { line: index + 1, message: `Line ${index + 1}: write fields as key=value, e.g. company=Acme.` } };
    if (RESERVED_FIELDS.has(key)) return { problem: { line: index + 1, message: `Line ${index + 1}: “${key}” is built in; use the field for it above.` } };
    fields[key] = line.slice(separator + 1).trim().slice(0, 2000);
  }
  return { fields };
}

export function fieldLines(fields: Record<string, unknown>): string {
  return Object.entries(fields).map(([key, value]) => `${key}=${String(value)}`).join('\n');
}
