import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const Id = z.object({ id: z.bigint() });

export async function createAccount(pool: DatabasePool, email = `acct-${Math.random().toString(36).slice(2)}@example.com`) {
  return pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO users (email) VALUES (${email}) RETURNING id`);
}

export async function createList(pool: DatabasePool, userId: string, name = `list-${Math.random().toString(36).slice(2)}`) {
  return pool.oneFirst(sql.type(Id)`INSERT INTO lists (user_id, name) VALUES (${userId}, ${name}) RETURNING id`);
}

export async function createContacts(pool: DatabasePool, userId: string, count: number, prefix = 'c') {
  const emails = Array.from({ length: count }, (_, i) => `${prefix}${i}-${Math.random().toString(36).slice(2, 6)}@example.com`);
  return pool.anyFirst(sql.type(Id)`
    INSERT INTO contacts (user_id, email)
    SELECT ${userId}, e FROM unnest(${sql.array(emails, 'text')}::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n
    RETURNING id`);
}

export async function addToList(pool: DatabasePool, userId: string, listId: bigint, contactIds: readonly bigint[]) {
  await pool.query(sql.unsafe`
    INSERT INTO list_contacts (user_id, list_id, contact_id)
    SELECT ${userId}, ${listId}, c FROM unnest(${sql.array(contactIds.map(String), 'int8')}::int8[]) AS c`);
}

export async function createCampaign(pool: DatabasePool, userId: string, name = `camp-${Math.random().toString(36).slice(2)}`) {
  return pool.oneFirst(sql.type(Id)`
    INSERT INTO campaigns (user_id, name, subject, html_content) VALUES (${userId}, ${name}, 'Hello', '<p>Hi</p>')
    RETURNING id`);
}

export async function addRecipients(pool: DatabasePool, userId: string, campaignId: bigint, contactIds: readonly bigint[]) {
  await pool.query(sql.unsafe`
    INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email)
    SELECT ${userId}, ${campaignId}, c.id, c.email FROM contacts c
     WHERE c.user_id = ${userId} AND c.id = ANY(${sql.array(contactIds.map(String), 'int8')}::int8[])`);
}
