import { z } from 'zod';
import { fieldKey, RESERVED_FIELDS } from '../contacts/fields.ts';

export const COLUMN_TARGETS = ['email', 'first_name', 'last_name', 'full_name', 'tags', 'field', 'ignore'] as const;
/** What a CSV column becomes. `field` columns become custom fields under `key`. */
export type ColumnTarget = (typeof COLUMN_TARGETS)[number];
export const MappingSchema = z.array(z.object({
  column: z.number().int().min(0),
  header: z.string(),
  target: z.enum(COLUMN_TARGETS),
  key: z.string().optional(),
}));
export type ColumnMapping = z.infer<typeof MappingSchema>[number];
export type Mapping = ColumnMapping[];

const ALIASES: Record<string, ColumnTarget> = {
  email: 'email', email_address: 'email', e_mail: 'email', e_mail_address: 'email', mail: 'email', emailaddress: 'email',
  first_name: 'first_name', firstname: 'first_name', given_name: 'first_name', fname: 'first_name', vorname: 'first_name',
  last_name: 'last_name', lastname: 'last_name', surname: 'last_name', family_name: 'last_name', lname: 'last_name', nachname: 'last_name',
  name: 'full_name', full_name: 'full_name', fullname: 'full_name', contact_name: 'full_name',
  tags: 'tags', tag: 'tags', labels: 'tags',
};

/** Columns Mailchimp adds to every export: bookkeeping, not data worth keeping per contact. */
const MAILCHIMP_BOOKKEEPING = new Set([
  'member_rating', 'optin_time', 'optin_ip', 'confirm_time', 'confirm_ip', 'latitude', 'longitude', 'gmtoff', 'dstoff',
  'timezone', 'cc', 'region', 'last_changed', 'leid', 'euid', 'notes',
]);

function customFieldAllowed(key: string | null, taken: ReadonlySet<string>): key is string {
  return key !== null && !RESERVED_FIELDS.has(key) && !MAILCHIMP_BOOKKEEPING.has(key) && !taken.has(key);
}

/**
 * A first guess at what each column means, from its header: known names (including
 * Mailchimp's "Email Address", "First Name", "TAGS") map to contact data, other headers to
 * custom fields, and headers that make no usable field name (or repeat one) are ignored.
 */
export function suggestMapping(headers: readonly string[]): Mapping {
  const taken = new Set<string>();
  return headers.map((header, column) => {
    const key = fieldKey(header);
    const alias = key ? ALIASES[key] : undefined;
    const target: ColumnTarget = alias ? (taken.has(alias) ? 'ignore' : alias) : customFieldAllowed(key, taken) ? 'field' : 'ignore';
    if (target !== 'ignore') taken.add(target === 'field' ? (key as string) : target);
    return target === 'field' ? { column, header, target, key: key as string } : { column, header, target };
  });
}

/** Applies a person's choice for one column; a custom field takes its key from the header. */
export function remapColumn(mapping: Mapping, column: number, target: ColumnTarget): Mapping {
  return mapping.map((entry) => {
    if (entry.column !== column) return entry;
    const key = fieldKey(entry.header);
    if (target === 'field' && key && !RESERVED_FIELDS.has(key)) return { column, header: entry.header, target, key };
    return { column, header: entry.header, target: target === 'field' ? 'ignore' : target };
  });
}

/** Human sentences for a mapping that cannot import: no email column, or one target twice. */
export function mappingProblem(mapping: Mapping): string | null {
  const emails = mapping.filter((entry) => entry.target === 'email');
  if (emails.length === 0) return 'Choose the column that holds the email addresses.';
  for (const target of ['email', 'first_name', 'last_name', 'full_name', 'tags'] as const) {
    const columns = mapping.filter((entry) => entry.target === target);
    if (columns.length > 1) return `Only one column can be ${TARGET_LABELS[target].toLowerCase()} (${columns.map((c) => `“${c.header}”`).join(', ')}).`;
  }
  const keys = mapping.filter((entry) => entry.target === 'field').map((entry) => entry.key);
  const repeated = keys.find((key, i) => keys.indexOf(key) !== i);
  return repeated ? `Two columns would both become the custom field “${repeated}”; ignore one of them.` : null;
}

export const TARGET_LABELS: Record<ColumnTarget, string> = {
  email: 'Email',
  first_name: 'First name',
  last_name: 'Last name',
  full_name: 'Full name (split)',
  tags: 'Tags',
  field: 'Custom field',
  ignore: 'Ignore',
};
