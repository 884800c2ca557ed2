import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import type { ImportRow, Rejection } from '../imports/rows.ts';
import { arrayLiteral, copyLine, copyRows } from './copy.ts';
import type { PreviewCounts } from './imports.ts';

/*
 * The bulk part of a CSV import. It runs on one plain pg connection (Slonik has no COPY):
 * rows are COPYed into a temporary staging table, matched against the account's contacts
 * there and merged into them with set-based statements; new contacts and their
 * memberships are COPYed straight in. All in one transaction. Results are parsed with zod
 * like every other query.
 */

export type Staged = { newRows: number; updatedRows: number; suppressedRows: number };

async function rowsOf<T>(client: pg.PoolClient, schema: z.ZodType<T>, text: string, values: unknown[]): Promise<T[]> {
  const result = await client.query(text, values);
  return result.rows.map((row) => schema.parse(row));
}

const Capacity = z.object({ contact_limit: z.number(), live_contacts: z.number() });

/** Same lock as single contact adds (db/contacts.ts lockContactCapacity): contact_limit is checked one writer at a time. */
export async function lockCapacity(client: pg.PoolClient, userId: string): Promise<z.infer<typeof Capacity>> {
  const [capacity] = await rowsOf(client, Capacity, `
    SELECT u.contact_limit,
           (SELECT count(*)::int FROM contacts c WHERE c.user_id = u.id AND c.deleted_at IS NULL) AS live_contacts
      FROM users u WHERE u.id = $1 FOR NO KEY UPDATE OF u`, [userId]);
  if (!capacity) throw new Error(`account ${userId} not found`);
  return capacity;
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** A row as staged first: its line and email, all that matching it against contacts needs. */
const emailLine = (row: ImportRow) => `${row.line},${quote(row.email)}\n`;

/** The rest of a row, staged only for rows that match a contact (merging reads it). */
function detailsLine(row: ImportRow): string {
  const nullable = (value: string | null) => (value === null ? '' : quote(value));
  return `${row.line},${nullable(row.firstName)},${nullable(row.lastName)},${quote(JSON.stringify(row.customFields))},${quote(arrayLiteral(row.tags))}\n`;
}

const BATCH = 1000;

/** COPY text for `rows`, BATCH lines a chunk; each row read is also pushed onto `staged` when given. */
function* csvBatches(rows: Iterable<ImportRow>, line: (row: ImportRow) => string, staged?: ImportRow[], onRows?: (copied: number) => void): Generator<string> {
  let chunk = '';
  let count = 0;
  for (const row of rows) {
    chunk += line(row);
    staged?.push(row);
    count += 1;
    if (count % BATCH === 0) {
      yield chunk;
      chunk = '';
      onRows?.(count);
    }
  }
  if (chunk === '') return;
  yield chunk;
  onRows?.(count);
}

/**
 * Creates the staging tables and COPYs the rows' lines and emails in, as the rows come;
 * `onRows` hears how many are in so far. Returns the rows staged: new contacts are later
 * COPYed from them. import_details gets the rest of the rows that match a contact (markExisting).
 */
export async function stageRows(client: pg.PoolClient, rows: Iterable<ImportRow>, onRows?: (copied: number) => void): Promise<ImportRow[]> {
  await client.query(`
    CREATE TEMP TABLE import_rows (line int NOT NULL, email text NOT NULL, existing_id bigint) ON COMMIT DROP;
    CREATE TEMP TABLE import_details (line int PRIMARY KEY, first_name text, last_name text,
                                      custom_fields jsonb NOT NULL, tags text[] NOT NULL) ON COMMIT DROP`);
  const staged: ImportRow[] = [];
  await pipeline(Readable.from(csvBatches(rows, emailLine, staged, onRows)),
    client.query(copyFrom('COPY import_rows (line, email) FROM STDIN WITH (FORMAT csv)')));
  // a temp table has no statistics: without them the planner picks nested loops over 200k rows
  await client.query('ANALYZE import_rows (email)');
  return staged;
}

/**
 * Marks the staged rows that match a contact of the account (live, removed or suppressed),
 * stages the rest of those rows for merging, and returns their lines. Called under
 * lockCapacity, so the other rows are new contacts until the transaction ends.
 */
export async function markExisting(client: pg.PoolClient, userId: string, staged: readonly ImportRow[]): Promise<Set<number>> {
  const marked = await rowsOf(client, z.object({ line: z.number() }), `
    UPDATE import_rows s SET existing_id = c.id FROM contacts c WHERE c.user_id = $1 AND c.email = s.email RETURNING s.line`, [userId]);
  const lines = new Set(marked.map((row) => row.line));
  if (lines.size > 0) await stageDetails(client, staged.filter((row) => lines.has(row.line)));
  return lines;
}

async function stageDetails(client: pg.PoolClient, rows: readonly ImportRow[]): Promise<void> {
  await pipeline(Readable.from(csvBatches(rows, detailsLine)),
    client.query(copyFrom('COPY import_details (line, first_name, last_name, custom_fields, tags) FROM STDIN WITH (FORMAT csv)')));
}

/** A matched row (`r`, with existing_id) and its details (`s`): what merging reads. */
const MATCHED_ROWS = `import_details s JOIN import_rows r USING (line)`;

/** Whether a staged row's details `s` would change the live contact it matches (the merge rules of upsertContact). */
const CHANGES_CONTACT = `(
  (s.first_name IS NOT NULL AND s.first_name IS DISTINCT FROM c.first_name)
  OR (s.last_name IS NOT NULL AND s.last_name IS DISTINCT FROM c.last_name)
  OR NOT c.custom_fields @> s.custom_fields
  OR NOT c.tags @> s.tags)`;
const SUPPRESSED = `(c.status <> 'subscribed' OR c.deleted_at IS NOT NULL)`;

const Counts = z.object({ new_rows: z.number(), updated_rows: z.number(), suppressed_rows: z.number() });

/** What merging the staged rows would do (the dry run shows these), once markExisting has run. */
export async function stagedCounts(client: pg.PoolClient, userId: string): Promise<Staged> {
  const [counts] = await rowsOf(client, Counts, `
    SELECT count(*) FILTER (WHERE c.id IS NULL)::int AS new_rows,
           count(*) FILTER (WHERE c.id IS NOT NULL AND NOT ${SUPPRESSED} AND ${CHANGES_CONTACT})::int AS updated_rows,
           count(*) FILTER (WHERE c.id IS NOT NULL AND ${SUPPRESSED})::int AS suppressed_rows
      FROM import_rows r LEFT JOIN import_details s USING (line) LEFT JOIN contacts c ON c.user_id = $1 AND c.id = r.existing_id`, [userId]);
  return { newRows: counts?.new_rows ?? 0, updatedRows: counts?.updated_rows ?? 0, suppressedRows: counts?.suppressed_rows ?? 0 };
}

const Suppressed = z.object({ line: z.number(), email: z.string(), status: z.string(), deleted: z.boolean() });

/** Staged rows matching unsubscribed, bounced, complained or removed contacts: never imported. */
export async function suppressedRows(client: pg.PoolClient, userId: string, limit: number): Promise<Rejection[]> {
  const rows = await rowsOf(client, Suppressed, `
    SELECT s.line, s.email, c.status, c.deleted_at IS NOT NULL AS deleted
      FROM import_rows s JOIN contacts c ON c.user_id = $1 AND c.id = s.existing_id
     WHERE ${SUPPRESSED} ORDER BY s.line LIMIT $2`, [userId, limit]);
  return rows.map((row) => ({
    line: row.line, email: row.email, reason: 'suppressed',
    detail: row.deleted ? 'the contact was removed from the account' : `the contact is ${row.status}`,
  }));
}

/**
 * Merges the staged rows into contacts and puts them on the list. Rows matching a contact
 * (markExisting) update it (what it looked like before is kept for undo) and add it to
 * the list, their new memberships marked with the import. The other rows become contacts
 * marked with the import, COPYed in with ids drawn for them, and so do their memberships:
 * no conflict checks (the account is locked), no import mark (undo deletes those contacts,
 * which takes their memberships along, or takes those it keeps off the import's list), no
 * second look at contacts.
 */
export async function mergeIntoList(
  client: pg.PoolClient,
  target: { userId: string; listId: bigint; importId: bigint },
  staged: { rows: readonly ImportRow[]; existingLines: ReadonlySet<number> },
): Promise<{ created: number; updated: number }> {
  const updated = staged.existingLines.size > 0 ? await mergeExisting(client, target) : 0;
  const fresh = staged.rows.filter((row) => !staged.existingLines.has(row.line));
  await insertContacts(client, target, fresh);
  return { created: fresh.length, updated };
}

async function mergeExisting(client: pg.PoolClient, target: { userId: string; listId: bigint; importId: bigint }): Promise<number> {
  const { userId, listId, importId } = target;
  await client.query(`
    INSERT INTO import_contact_changes (user_id, import_id, contact_id, previous)
    SELECT c.user_id, $2, c.id, jsonb_build_object('first_name', c.first_name, 'last_name', c.last_name,
                                                     'custom_fields', c.custom_fields, 'tags', to_jsonb(c.tags))
      FROM ${MATCHED_ROWS} JOIN contacts c ON c.user_id = $1 AND c.id = r.existing_id
     WHERE NOT ${SUPPRESSED} AND ${CHANGES_CONTACT}`, [userId, importId]);
  const updated = await client.query(`
    UPDATE contacts c SET
      first_name = coalesce(s.first_name, c.first_name),
      last_name = coalesce(s.last_name, c.last_name),
      custom_fields = c.custom_fields || s.custom_fields,
      tags = ARRAY(SELECT DISTINCT t FROM unnest(c.tags || s.tags) AS t ORDER BY t)
      FROM ${MATCHED_ROWS}
     WHERE c.user_id = $1 AND c.id = r.existing_id AND NOT ${SUPPRESSED} AND ${CHANGES_CONTACT}`, [userId]);
  await client.query(`
    INSERT INTO list_contacts (user_id, list_id, contact_id, import_id)
    SELECT $1, $2, c.id, $3
      FROM import_rows s JOIN contacts c ON c.user_id = $1 AND c.id = s.existing_id
     WHERE NOT ${SUPPRESSED}
    ON CONFLICT (user_id, list_id, contact_id) DO NOTHING`, [userId, listId, importId]);
  return updated.rowCount ?? 0;
}

/** New contacts from which an import refreshes the statistics of contacts (a fraction of a second). */
const FRESH_STATISTICS_ROWS = 1_000;

/** `count` new contact ids, drawn from the identity's sequence. */
async function drawContactIds(client: pg.PoolClient, count: number): Promise<string[]> {
  const [drawn] = await rowsOf(client, z.object({ ids: z.string().nullable() }),
    `SELECT string_agg(nextval('contacts_id_seq')::text, ',') AS ids FROM generate_series(1, $1)`, [count]);
  return drawn?.ids ? drawn.ids.split(',') : [];
}

/** COPYs new contacts and their memberships: COPY inserts in batches, INSERT … SELECT row by row. */
async function insertContacts(client: pg.PoolClient, target: { userId: string; listId: bigint; importId: bigint }, rows: readonly ImportRow[]): Promise<void> {
  if (rows.length === 0) return;
  const { userId, listId, importId } = target;
  const ids = await drawContactIds(client, rows.length);
  await copyRows(client, 'COPY contacts (user_id, id, email, first_name, last_name, custom_fields, tags, import_id) FROM STDIN', rows,
    (row, index) => copyLine([userId, ids[index], row.email, row.firstName, row.lastName, JSON.stringify(row.customFields), arrayLiteral(row.tags), String(importId)]));
  // Statistics that know the new contacts, before the list-size trigger joins them: its plan
  // is kept from its first run in this session, and one made while contacts was small
  // looks each new member up through all of the account's contacts. Only the columns of
  // that join: the sample is read either way, the statistics of emails, fields and tags
  // are what take the time.
  if (rows.length >= FRESH_STATISTICS_ROWS) await client.query('ANALYZE contacts (user_id, id, deleted_at)');
  await copyRows(client, 'COPY list_contacts (user_id, list_id, contact_id) FROM STDIN', ids, (id) => copyLine([userId, String(listId), id]));
}

export type Completion = PreviewCounts & { errors: readonly Rejection[] };

/** Marks the import completed in the same transaction as its data: both commit or neither. */
export async function completeImport(client: pg.PoolClient, userId: string, importId: bigint, done: Completion): Promise<void> {
  const completed = await client.query(`
    UPDATE imports SET status = 'completed', finished_at = now(), total_rows = $3, new_count = $4, updated_count = $5,
           invalid_count = $6, duplicate_count = $7, suppressed_count = $8, errors = $9
     WHERE user_id = $1 AND id = $2 AND status = 'running'`,
    [userId, importId, done.totalRows, done.newCount, done.updatedCount, done.invalidCount, done.duplicateCount,
      done.suppressedCount, JSON.stringify(done.errors)]);
  if (completed.rowCount !== 1) throw new Error(`import ${importId} is not running`);
}
