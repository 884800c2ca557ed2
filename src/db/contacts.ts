import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const CONTACT_STATUSES = ['subscribed', 'unsubscribed', 'bounced', 'complained'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

const Contact = z.object({
  id: z.bigint(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  status: z.enum(CONTACT_STATUSES),
  custom_fields: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  created_at: z.date(),
});
export type Contact = z.infer<typeof Contact>;

const CONTACT_COLUMNS = sql.fragment`id, email, first_name, last_name, status, custom_fields, tags, created_at`;

export type ContactInput = {
  email: string;
  firstName: string | null;
  lastName: string | null;
  customFields: Record<string, string>;
  tags: string[];
};

const Capacity = z.object({ contact_limit: z.number(), live_contacts: z.number() });

/**
 * Locks the account row so concurrent adds and imports check contact_limit one at a
 * time, and returns the limit with the live contact count. NO KEY UPDATE, not UPDATE:
 * foreign key checks of other writes of the account (KEY SHARE) are not blocked.
 */
export async function lockContactCapacity(db: CommonQueryMethods, userId: string): Promise<z.infer<typeof Capacity>> {
  return db.one(sql.type(Capacity)`
    SELECT u.contact_limit,
           (SELECT count(*)::int FROM contacts c WHERE c.user_id = u.id AND c.deleted_at IS NULL) AS live_contacts
      FROM users u WHERE u.id = ${userId} FOR NO KEY UPDATE OF u`);
}

export async function isLiveContact(db: CommonQueryMethods, userId: string, email: string): Promise<boolean> {
  return db.exists(sql.unsafe`SELECT 1 FROM contacts WHERE user_id = ${userId} AND email = ${email} AND deleted_at IS NULL`);
}

/**
 * Adds a contact, or merges into the one with the same email: given names win, custom
 * fields are merged, tags united, a removed contact comes back. Status is never touched,
 * so unsubscribed, bounced and complained contacts stay suppressed.
 */
export async function upsertContact(db: CommonQueryMethods, userId: string, input: ContactInput): Promise<{ contact: Contact; created: boolean }> {
  const row = await db.one(sql.type(Contact.extend({ created: z.boolean() }))`
    INSERT INTO contacts AS c (user_id, email, first_name, last_name, custom_fields, tags)
    VALUES (${userId}, ${input.email}, ${input.firstName}, ${input.lastName}, ${sql.jsonb(input.customFields)},
            ${sql.array(input.tags, 'text')})
    ON CONFLICT (user_id, email) DO UPDATE SET
      first_name = coalesce(EXCLUDED.first_name, c.first_name),
      last_name = coalesce(EXCLUDED.last_name, c.last_name),
      custom_fields = c.custom_fields || EXCLUDED.custom_fields,
      tags = ARRAY(SELECT DISTINCT t FROM unnest(c.tags || EXCLUDED.tags) AS t ORDER BY t),
      deleted_at = NULL
    RETURNING ${CONTACT_COLUMNS}, (xmax = 0) AS created`);
  const { created, ...contact } = row;
  return { contact, created };
}

/** Custom fields and tags that are undefined stay as they are (the edit form did not offer them). */
export type ContactEdit = { firstName: string | null; lastName: string | null; customFields?: Record<string, string>; tags?: string[] };

/** Sets a contact's names, and its custom fields and tags where given. */
export async function updateContact(db: CommonQueryMethods, userId: string, contactId: bigint, edit: ContactEdit): Promise<Contact | null> {
  const customFields = edit.customFields === undefined ? sql.fragment`custom_fields` : sql.jsonb(edit.customFields);
  const tags = edit.tags === undefined ? sql.fragment`tags` : sql.array(edit.tags, 'text');
  return db.maybeOne(sql.type(Contact)`
    UPDATE contacts SET first_name = ${edit.firstName}, last_name = ${edit.lastName}, custom_fields = ${customFields}, tags = ${tags}
     WHERE user_id = ${userId} AND id = ${contactId} AND deleted_at IS NULL
    RETURNING ${CONTACT_COLUMNS}`);
}

export async function findContactByEmail(db: CommonQueryMethods, userId: string, email: string): Promise<Contact | null> {
  return db.maybeOne(sql.type(Contact)`
    SELECT ${CONTACT_COLUMNS} FROM contacts WHERE user_id = ${userId} AND email = ${email} AND deleted_at IS NULL`);
}

export async function findContact(db: CommonQueryMethods, userId: string, contactId: bigint): Promise<Contact | null> {
  return db.maybeOne(sql.type(Contact)`
    SELECT ${CONTACT_COLUMNS} FROM contacts WHERE user_id = ${userId} AND id = ${contactId} AND deleted_at IS NULL`);
}

export async function listNamesOfContact(db: CommonQueryMethods, userId: string, contactId: bigint): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT l.name FROM list_contacts lc JOIN lists l ON l.user_id = lc.user_id AND l.id = lc.list_id
     WHERE lc.user_id = ${userId} AND lc.contact_id = ${contactId} AND l.deleted_at IS NULL ORDER BY lower(l.name)`);
}

/** Conditional status change: only from one of `from`, so a bounce is never overwritten by a resubscribe. */
export async function changeContactStatus(
  db: CommonQueryMethods,
  userId: string,
  contactId: bigint,
  from: readonly ContactStatus[],
  to: ContactStatus,
): Promise<boolean> {
  const changed = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE contacts SET status = ${to}
     WHERE user_id = ${userId} AND id = ${contactId} AND deleted_at IS NULL
       AND status = ANY(${sql.array([...from], 'text')})
    RETURNING id`);
  return changed !== null;
}

export async function addToList(db: CommonQueryMethods, userId: string, listId: bigint, contactId: bigint): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO list_contacts (user_id, list_id, contact_id) VALUES (${userId}, ${listId}, ${contactId})
    ON CONFLICT (user_id, list_id, contact_id) DO NOTHING`);
}

export async function removeFromList(db: CommonQueryMethods, userId: string, listId: bigint, contactId: bigint): Promise<boolean> {
  const removed = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    DELETE FROM list_contacts WHERE user_id = ${userId} AND list_id = ${listId} AND contact_id = ${contactId} RETURNING id`);
  return removed !== null;
}
