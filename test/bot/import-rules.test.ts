import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addRecipients, createCampaign } from '../helpers/fixtures.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;
const A = { team: 'TRULES', user: 'URULES', channel: 'CRULES' };
let fileSeq = 0;

beforeAll(async () => {
  herald = await startTestHerald();
  const opened = await herald.command('list create', A);
  await herald.submitView(opened.view, { name: 'Main' }, A);
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'TRULES'`);
});
afterAll(async () => {
  await herald.close();
});

const count = (table: string) => herald.db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`
  SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE user_id = ${userId}`);
const snapshot = async () => ({ contacts: await count('contacts'), memberships: await count('list_contacts') });

/** Uploads `csv`, runs the dry run and opens the mapping modal; returns the modal. */
async function review(csv: string) {
  const id = `FRULE${++fileSeq}`;
  herald.slack.addFile({ id, name: `${id}.csv`, content: Buffer.from(csv), user: A.user });
  const summary = await herald.command(`import Main ${id}`, A);
  const opened = await herald.action('import_review', { ...A, value: summary.responses[0].blocks.at(-1).elements[0].value });
  return opened.view;
}

const lastEphemeral = () => herald.slack.messages.filter((m) => m.user === A.user).at(-1)?.text;

describe('import rules', () => {
  it('enforces contact_limit with a clear message and imports nothing', async () => {
    await herald.db.primary.query(sql.unsafe`UPDATE users SET contact_limit = 2 WHERE id = ${userId}`);
    const modal = await review('email\na@rules.test\nb@rules.test\nc@rules.test\n');
    const before = await snapshot();
    await herald.submitView(modal, {}, A);
    expect(lastEphemeral()).toBe('This import would add 3 new contacts, but your plan allows 2 and the account already has 0. Import fewer rows or raise the contact limit. Nothing was imported.');
    expect(await snapshot()).toEqual(before);
    expect(herald.slack.messages.some((m) => m.text?.includes('failed; nothing was imported'))).toBe(true);
    const status = await herald.db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`
      SELECT status FROM imports WHERE user_id = ${userId} ORDER BY id DESC LIMIT 1`);
    expect(status).toBe('failed');
    await herald.db.primary.query(sql.unsafe`UPDATE users SET contact_limit = 2000 WHERE id = ${userId}`);
  });

  it('runs one import at a time per account', async () => {
    const first = await review('email\nrun1@rules.test\n');
    const second = await review('email\nrun2@rules.test\n');
    const firstId = BigInt(JSON.parse(first.private_metadata).importId);
    await herald.db.primary.query(sql.unsafe`UPDATE imports SET status = 'running', started_at = now() WHERE id = ${firstId}`);
    await herald.submitView(second, {}, A);
    expect(lastEphemeral()).toContain('Another import is running for this workspace.');
    expect(await herald.db.primary.exists(sql.unsafe`SELECT 1 FROM contacts WHERE email = 'run2@rules.test'`)).toBe(false);
    await herald.db.primary.query(sql.unsafe`UPDATE imports SET status = 'failed' WHERE id = ${firstId}`);
  });

  it('undoes an import: new contacts and memberships go, updated contacts are restored', async () => {
    await herald.command('contact add', A).then((o) => herald.submitView(o.view, { email: 'kept@rules.test', first_name: 'Original', tags: 'old' }, A));
    const before = await snapshot();
    const modal = await review('email,first_name,tags\nkept@rules.test,Changed,new\nfresh1@rules.test,F1,\nfresh2@rules.test,F2,\n');
    await herald.submitView(modal, {}, A);
    const importId = JSON.parse(modal.private_metadata).importId as string;
    expect(await snapshot()).toEqual({ contacts: before.contacts + 2, memberships: before.memberships + 3 });
    const undone = await herald.command(`import undo ${importId}`, A);
    expect(undone.text).toContain(`Undid import ${importId}: removed 2 new contacts, took 1 existing contact off the list and restored 1 updated contact.`);
    expect(await snapshot()).toEqual(before);
    const kept = await herald.db.primary.one(sql.type(z.object({ first_name: z.string(), tags: z.array(z.string()) }))`
      SELECT first_name, tags FROM contacts WHERE user_id = ${userId} AND email = 'kept@rules.test'`);
    expect(kept).toEqual({ first_name: 'Original', tags: ['old'] });
    const again = await herald.command(`import undo ${importId}`, A);
    expect(again.text).toContain(`Import ${importId} is undone; only a completed import can be undone.`);
  });

  it('undo keeps the contacts it added that unsubscribed, joined other lists or were edited since, off the list, and says so', async () => {
    const list = await herald.command('list create', A);
    await herald.submitView(list.view, { name: 'Other' }, A);
    const csv = 'email,first_name\ngone@undo.test,Gone\nmoved@undo.test,Moved\nedited@undo.test,Edited\nplain@undo.test,Plain\n';
    const modal = await review(csv);
    await herald.submitView(modal, {}, A);
    const importId = JSON.parse(modal.private_metadata).importId as string;
    await herald.command('contact unsubscribe gone@undo.test', A);
    await herald.command('contact add Other', A).then((o) => herald.submitView(o.view, { email: 'moved@undo.test' }, A));
    await herald.command('contact edit edited@undo.test', A).then((o) => herald.submitView(o.view, { first_name: 'Edited by hand' }, A));

    const undone = await herald.command(`import undo ${importId}`, A);
    expect(undone.text).toBe(`Undid import ${importId}: removed 1 new contact, took 0 existing contacts off the list and restored 0 updated contacts. ` +
      'Kept 3 contacts it added, now off the list: 1 unsubscribed, bounced or complained (removing it would let a new import subscribe it again), ' +
      '1 on other lists since, 1 edited since.');
    const left = await herald.db.primary.any(sql.type(z.object({ email: z.string(), status: z.string(), first_name: z.string(), lists: z.array(z.string()) }))`
      SELECT c.email, c.status, c.first_name,
             ARRAY(SELECT l.name FROM list_contacts lc JOIN lists l ON l.user_id = lc.user_id AND l.id = lc.list_id
                    WHERE lc.user_id = c.user_id AND lc.contact_id = c.id ORDER BY l.name) AS lists
        FROM contacts c WHERE c.user_id = ${userId} AND c.email LIKE '%@undo.test' ORDER BY c.email`);
    expect(left).toEqual([
      { email: 'edited@undo.test', status: 'subscribed', first_name: 'Edited by hand', lists: [] },
      { email: 'gone@undo.test', status: 'unsubscribed', first_name: 'Gone', lists: [] },
      { email: 'moved@undo.test', status: 'subscribed', first_name: 'Moved', lists: ['Other'] },
    ]);

    // importing the file again brings the others back, never the unsubscribed one
    await herald.submitView(await review(csv), {}, A);
    const statuses = await herald.db.primary.any(sql.type(z.object({ email: z.string(), status: z.string(), on_main: z.boolean() }))`
      SELECT c.email, c.status, EXISTS (SELECT 1 FROM list_contacts lc JOIN lists l ON l.user_id = lc.user_id AND l.id = lc.list_id
                                         WHERE lc.user_id = c.user_id AND lc.contact_id = c.id AND l.name = 'Main') AS on_main
        FROM contacts c WHERE c.user_id = ${userId} AND c.email LIKE '%@undo.test' ORDER BY c.email`);
    expect(statuses).toEqual([
      { email: 'edited@undo.test', status: 'subscribed', on_main: true },
      { email: 'gone@undo.test', status: 'unsubscribed', on_main: false },
      { email: 'moved@undo.test', status: 'subscribed', on_main: true },
      { email: 'plain@undo.test', status: 'subscribed', on_main: true },
    ]);
  });

  it('refuses to undo once a campaign includes its new contacts', async () => {
    const modal = await review('email\nreached@rules.test\n');
    await herald.submitView(modal, {}, A);
    const importId = JSON.parse(modal.private_metadata).importId as string;
    const contactId = await herald.db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      SELECT id FROM contacts WHERE user_id = ${userId} AND email = 'reached@rules.test'`);
    await addRecipients(herald.db.primary, userId, await createCampaign(herald.db.primary, userId), [contactId]);
    const refused = await herald.command(`import undo ${importId}`, A);
    expect(refused.text).toContain(`Import ${importId} can no longer be undone: campaigns already include 1 of the contacts it added.`);
    expect(await herald.db.primary.exists(sql.unsafe`SELECT 1 FROM contacts WHERE email = 'reached@rules.test'`)).toBe(true);
  });

  it('keeps imports of other workspaces out of reach', async () => {
    const modal = await review('email\nmine@rules.test\n');
    await herald.submitView(modal, {}, A);
    const importId = JSON.parse(modal.private_metadata).importId as string;
    const foreign = await herald.command(`import undo ${importId}`, { team: 'TSTRANGER', user: 'USTRANGER' });
    expect(foreign.text).toContain(`There is no import ${importId} in this workspace.`);
    const foreignReview = await herald.action('import_review', { team: 'TSTRANGER', user: 'USTRANGER', value: importId });
    expect(foreignReview.view).toBeUndefined();
    expect(foreignReview.text).toContain('That import does not exist in this workspace.');
    expect(await herald.db.primary.exists(sql.unsafe`SELECT 1 FROM contacts WHERE email = 'mine@rules.test'`)).toBe(true);
    const usage = await herald.command('import undo abc', A);
    expect(usage.text).toContain('Usage: `/herald import undo <import id>`');
    const history = await herald.command('imports', A);
    expect(history.text).toContain(`*${importId}*`);
  });
});
