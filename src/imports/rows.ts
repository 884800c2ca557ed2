import { z } from 'zod';
import { normalizeEmail, parseTags } from '../contacts/fields.ts';
import type { ParsedCsv } from './csv.ts';
import type { Mapping } from './mapping.ts';

export type ImportRow = {
  line: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  customFields: Record<string, string>;
  tags: string[];
};

export const RejectionSchema = z.object({
  line: z.number(),
  email: z.string(),
  reason: z.enum(['invalid', 'duplicate', 'suppressed']),
  detail: z.string(),
});
export type Rejection = z.infer<typeof RejectionSchema>;

const NAME_MAX = 255;
const VALUE_MAX = 2000;

const clip = (value: string | undefined, max: number) => {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed.slice(0, max);
};

/** "Ann Lee" → ['Ann', 'Lee']; "Ann" → ['Ann', null]. */
function splitName(full: string | null): [string | null, string | null] {
  if (!full) return [null, null];
  const space = full.indexOf(' ');
  return space < 0 ? [full, null] : [full.slice(0, space), full.slice(space + 1).trim() || null];
}

export type ContactRows = {
  /** One pass over the file's rows: the contacts to import, validated as they are read. */
  rows: Generator<ImportRow>;
  /** Rows rejected so far: complete once `rows` has been read to the end. */
  rejected: Rejection[];
};

/**
 * CSV rows → contacts to import. Rows without a valid email are rejected as invalid, a
 * repeated email as a duplicate of its first line; everything else is kept. Lazy, so an
 * import validates rows while the ones before them are already on their way to PostgreSQL.
 */
export function contactRows(csv: ParsedCsv, mapping: Mapping): ContactRows {
  const rejected: Rejection[] = [];
  return { rows: acceptedRows(csv, mapping, rejected), rejected };
}

function* acceptedRows(csv: ParsedCsv, mapping: Mapping, rejected: Rejection[]): Generator<ImportRow> {
  const column = (target: string) => mapping.find((entry) => entry.target === target)?.column;
  const emailAt = column('email');
  const firstAt = column('first_name');
  const lastAt = column('last_name');
  const fullAt = column('full_name');
  const tagsAt = column('tags');
  const fields = mapping.filter((entry) => entry.target === 'field' && entry.key).map((entry) => [entry.column, entry.key as string] as const);
  const firstLineOf = new Map<string, number>();
  for (const [index, record] of csv.rows.entries()) {
    const line = csv.lines[index] ?? index + 2;
    const raw = emailAt === undefined ? '' : (record[emailAt] ?? '').trim();
    const email = normalizeEmail(raw);
    if (!email) {
      rejected.push({ line, email: raw, reason: 'invalid', detail: raw ? `“${raw.slice(0, 100)}” is not an email address` : 'no email address' });
      continue;
    }
    const first = firstLineOf.get(email);
    if (first !== undefined) {
      rejected.push({ line, email, reason: 'duplicate', detail: `same email as line ${first}` });
      continue;
    }
    firstLineOf.set(email, line);
    const [splitFirst, splitLast] = splitName(fullAt === undefined ? null : clip(record[fullAt], NAME_MAX));
    const customFields: Record<string, string> = {};
    for (const [at, key] of fields) {
      const value = clip(record[at], VALUE_MAX);
      if (value !== null) customFields[key] = value;
    }
    yield {
      line,
      email,
      firstName: (firstAt === undefined ? null : clip(record[firstAt], NAME_MAX)) ?? splitFirst,
      lastName: (lastAt === undefined ? null : clip(record[lastAt], NAME_MAX)) ?? splitLast,
      customFields,
      tags: tagsAt === undefined ? [] : parseTags(record[tagsAt] ?? ''),
    };
  }
}
