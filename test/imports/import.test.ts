import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../src/errors.ts';
import { importCsv, previewImport } from '../../src/imports/import.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { createAccount, createList } from '../helpers/fixtures.ts';
import { until } from '../helpers/slack-sign.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db.close();
});

const file = (text: string) => ({ bytes: Buffer.from(text), fileId: null, filename: 'contacts.csv' });
const count = (userId: string, table: string) => db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`
  SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE user_id = ${userId}`);

const listSize = (listId: bigint) => db.primary.oneFirst(sql.type(z.object({ contact_count: z.number() }))`
  SELECT contact_count FROM lists WHERE id = ${listId}`);

describe('importCsv (the import without Slack)', () => {
  it('imports a CSV buffer in one call and reports what it did', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    const csv = `email,first_name\n${Array.from({ length: 2000 }, (_, i) => `p${i}@example.com,P${i}`).join('\n')}\nbroken,x\np1@example.com,dup\n`;
    const report = await importCsv(db, { userId, memberId: 'UBENCH' }, listId, file(csv));
    expect(report).toMatchObject({ totalRows: 2002, newCount: 2000, updatedCount: 0, invalidCount: 1, duplicateCount: 1, suppressedCount: 0 });
    expect(report.rejected.map((r) => [r.line, r.reason])).toEqual([[2002, 'invalid'], [2003, 'duplicate']]);
    expect(await count(userId, 'list_contacts')).toBe(2000);
    expect(await listSize(listId)).toBe(2000);
    const again = await importCsv(db, { userId, memberId: 'UBENCH' }, listId, file(csv));
    expect(again).toMatchObject({ newCount: 0, updatedCount: 0, unchangedCount: 2000 });
    expect(await count(userId, 'contacts')).toBe(2000);
    expect(await listSize(listId)).toBe(2000);
  });

  it('stores new contacts exactly as written (quotes, backslashes, tabs, newlines) next to updated ones', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    await importCsv(db, { userId, memberId: 'U1' }, listId, file('email,first_name,plan\nold@example.com,Old,basic\n'));
    const csv = 'email,first_name,last_name,plan,tags\n' +
      'old@example.com,,,pro,\n' +
      'new@example.com,"Ann ""Q"" \\ Lee","Tab\there\nnext line",\\N,"vip, ""beta"""\n';
    const report = await importCsv(db, { userId, memberId: 'U1' }, listId, file(csv));
    expect(report).toMatchObject({ newCount: 1, updatedCount: 1, unchangedCount: 0 });
    const Contact = z.object({
      email: z.string(), first_name: z.string().nullable(), last_name: z.string().nullable(),
      custom_fields: z.record(z.string(), z.string()), tags: z.array(z.string()),
    });
    const contacts = await db.primary.any(sql.type(Contact)`
      SELECT email, first_name, last_name, custom_fields, tags FROM contacts WHERE user_id = ${userId} ORDER BY email`);
    expect(contacts).toEqual([
      { email: 'new@example.com', first_name: 'Ann "Q" \\ Lee', last_name: 'Tab\there\nnext line', custom_fields: { plan: '\\N' }, tags: ['beta', 'vip'] },
      { email: 'old@example.com', first_name: 'Old', last_name: null, custom_fields: { plan: 'pro' }, tags: [] },
    ]);
    expect(await listSize(listId)).toBe(2);
  });

  it('draws no contact ids in a dry run', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    const nextId = async () => BigInt(await db.primary.oneFirst(sql.type(z.object({ id: z.string() }))`SELECT nextval('contacts_id_seq')::text AS id`));
    const before = await nextId();
    const csv = `email\n${Array.from({ length: 50 }, (_, i) => `d${i}@example.com`).join('\n')}\n`;
    const preview = await previewImport(db, { userId, memberId: 'U1' }, listId, file(csv));
    expect(preview.newCount).toBe(50);
    expect(await nextId()).toBe(before + 1n);
  });

  it('keeps an import that created contacts from being deleted', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    const { importId } = await importCsv(db, { userId, memberId: 'U1' }, listId, file('email\nkept@example.com\n'));
    const deleteImport = () => db.primary.query(sql.unsafe`DELETE FROM imports WHERE user_id = ${userId} AND id = ${importId}`);
    await expect(deleteImport()).rejects.toThrow(/foreign key/i);
    await db.primary.query(sql.unsafe`DELETE FROM contacts WHERE user_id = ${userId}`);
    await expect(deleteImport()).resolves.toMatchObject({ rowCount: 1 });
  });

  it('lets only one import of an account run at a time', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    // hold the account row so the first import waits inside its transaction, already 'running'
    const blocker = await db.copy.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
    const first = importCsv(db, { userId, memberId: 'U1' }, listId, file('email\nfirst@example.com\n'));
    await until(() => db.primary.exists(sql.unsafe`SELECT 1 FROM imports WHERE user_id = ${userId} AND status = 'running'`));
    const second = importCsv(db, { userId, memberId: 'U2' }, listId, file('email\nsecond@example.com\n'));
    await expect(second).rejects.toThrow(new UserError('Another import is running for this workspace. Wait until it has finished, then confirm again.'));
    await blocker.query('COMMIT');
    blocker.release();
    await expect(first).resolves.toMatchObject({ newCount: 1 });
    const emails = await db.primary.anyFirst(sql.type(z.object({ email: z.string() }))`SELECT email FROM contacts WHERE user_id = ${userId}`);
    expect(emails).toEqual(['first@example.com']);
  });

  it('rolls everything back when it fails, and records why', async () => {
    const userId = await createAccount(db.primary);
    const listId = await createList(db.primary, userId);
    await db.primary.query(sql.unsafe`UPDATE users SET contact_limit = 10 WHERE id = ${userId}`);
    await expect(importCsv(db, { userId, memberId: 'U1' }, listId, file(`email\n${Array.from({ length: 11 }, (_, i) => `l${i}@example.com`).join('\n')}`)))
      .rejects.toThrow('This import would add 11 new contacts, but your plan allows 10');
    expect(await count(userId, 'contacts')).toBe(0);
    const failed = await db.primary.one(sql.type(z.object({ status: z.string(), error_message: z.string() }))`
      SELECT status, error_message FROM imports WHERE user_id = ${userId}`);
    expect(failed.status).toBe('failed');
    expect(failed.error_message).toContain('plan allows 10');
  });
});
