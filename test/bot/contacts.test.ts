import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, textOf, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
  const opened = await herald.command('list create', A);
  await herald.submitView(opened.view, { name: 'Leads' }, A);
});
afterAll(async () => {
  await herald.close();
});

const A = { team: 'TA', user: 'UA' };
const B = { team: 'TB', user: 'UB' };

const Row = z.object({ id: z.bigint(), email: z.string(), first_name: z.string().nullable(), status: z.string(),
  custom_fields: z.record(z.string(), z.unknown()), tags: z.array(z.string()), team: z.string() });
const contactRows = (email: string) =>
  herald.db.primary.any(sql.type(Row)`
    SELECT c.id, c.email, c.first_name, c.status, c.custom_fields, c.tags, w.team_id AS team
      FROM contacts c JOIN slack_workspaces w ON w.user_id = c.user_id WHERE c.email = ${email} ORDER BY w.team_id`);

async function addContact(values: Record<string, unknown>, as = A, list = '') {
  const opened = await herald.command(`contact add ${list}`, as);
  return herald.submitView(opened.view, values, as);
}

describe('/herald contact add', () => {
  it('normalises the email, parses fields and tags, and adds to the chosen list', async () => {
    const opened = await herald.command('contact add Leads', A);
    const listBlock = opened.view.blocks.find((b: any) => b.block_id === 'list');
    expect(listBlock.element.initial_option.text.text).toBe('Leads');
    const saved = await herald.submitView(opened.view, { email: '  Ann@Example.COM ', first_name: 'Ann', fields: 'company=Acme\nCompany Size = 50', tags: 'VIP, beta,vip' }, A);
    expect(saved.text).toContain('Added ann@example.com.');
    const [ann] = await contactRows('ann@example.com');
    expect(ann).toMatchObject({ first_name: 'Ann', status: 'subscribed', custom_fields: { company: 'Acme', company_size: '50' }, tags: ['beta', 'vip'] });
    const lists = await herald.command('lists', A);
    expect(lists.text).toContain('*Leads* — 1 contacts');
  });

  it('merges a duplicate email instead of failing', async () => {
    const merged = await addContact({ email: 'ANN@example.com', fields: 'city=Berlin', tags: 'newsletter' });
    expect(merged.text).toContain('ann@example.com was already a contact; merged the new details.');
    const rows = await contactRows('ann@example.com');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ first_name: 'Ann', custom_fields: { company: 'Acme', company_size: '50', city: 'Berlin' }, tags: ['beta', 'newsletter', 'vip'] });
  });

  it('shows field errors for a bad email or custom field line and saves nothing', async () => {
    const badEmail = await addContact({ email: 'not an email' });
    expect(badEmail.json).toEqual({ response_action: 'errors', errors: { email: '“not an email” is not an email address.' } });
    const badField = await addContact({ email: 'bob@example.com', fields: 'company=Acme\njust words' });
    expect(badField.json.errors).toEqual({ fields: 'Line 2: write fields as key=value, e.g. company=Acme.' });
    const reserved = await addContact({ email: 'bob@example.com', fields: 'email=x@y.z' });
    expect(reserved.json.errors.fields).toContain('“email” is built in');
    expect(await contactRows('bob@example.com')).toEqual([]);
  });

  it('enforces the account contact_limit with a clear message', async () => {
    await addContact({ email: 'first@limit.test' }, { team: 'TLIMIT', user: 'UL' });
    await herald.db.primary.query(sql.unsafe`
      UPDATE users SET contact_limit = 1 WHERE id = (SELECT user_id FROM slack_workspaces WHERE team_id = 'TLIMIT')`);
    const refused = await addContact({ email: 'second@limit.test' }, { team: 'TLIMIT', user: 'UL' });
    expect(refused.json.errors.email).toContain('Your plan allows 1 contacts and you have reached it');
    expect(await contactRows('second@limit.test')).toEqual([]);
    const merge = await addContact({ email: 'first@limit.test', first_name: 'Still fine' }, { team: 'TLIMIT', user: 'UL' });
    expect(merge.text).toContain('merged');
  });
});

describe('show, edit, unsubscribe, resubscribe, remove', () => {
  it('shows a contact card with lists, tags and fields', async () => {
    const card = await herald.command('contact show ann@example.com', A);
    expect(card.text).toContain('*ann@example.com* — Ann');
    expect(card.text).toContain('*Lists:* Leads');
    expect(card.text).toContain('company: Acme');
  });

  it('edits through the modal from the card button', async () => {
    const card = await herald.command('contact show ann@example.com', A);
    const edit = card.responses[0].blocks.find((b: any) => b.type === 'actions').elements[0];
    const opened = await herald.action(edit.action_id, { ...A, value: edit.value });
    expect(opened.view.callback_id).toBe('contact_edit');
    expect(opened.view.blocks.find((b: any) => b.block_id === 'fields').element.initial_value).toContain('company=Acme');
    await herald.submitView(opened.view, { first_name: 'Anna', fields: 'company=Acme GmbH', tags: 'vip' }, A);
    expect((await contactRows('ann@example.com'))[0]).toMatchObject({ first_name: 'Anna', custom_fields: { company: 'Acme GmbH' }, tags: ['vip'] });
  });

  it('unsubscribes and resubscribes, keeping bounced contacts suppressed', async () => {
    expect((await herald.command('contact unsubscribe ann@example.com', A)).text).toContain('ann@example.com is unsubscribed.');
    expect((await herald.command('contact unsubscribe ann@example.com', A)).text).toContain('is not subscribed (status: unsubscribed)');
    expect((await contactRows('ann@example.com'))[0]?.status).toBe('unsubscribed');
    expect((await herald.command('contact resubscribe ann@example.com', A)).text).toContain('is subscribed again');
    await addContact({ email: 'gone@example.com' });
    await herald.db.primary.query(sql.unsafe`UPDATE contacts SET status = 'bounced' WHERE email = 'gone@example.com'`);
    const refused = await herald.command('contact resubscribe gone@example.com', A);
    expect(refused.text).toContain('bounced, so Herald keeps them suppressed');
    const readd = await addContact({ email: 'gone@example.com', first_name: 'Back' });
    expect(readd.text).toContain('merged');
    expect((await contactRows('gone@example.com'))[0]?.status).toBe('bounced');
  });

  it('removes a contact from a list', async () => {
    const removed = await herald.command('contact remove ann@example.com from Leads', A);
    expect(removed.text).toContain('Removed ann@example.com from “Leads”.');
    const again = await herald.command('contact remove ann@example.com from Leads', A);
    expect(again.text).toContain('is not on the list “Leads”');
    const usage = await herald.command('contact remove ann@example.com Leads', A);
    expect(usage.text).toContain('Usage: `/herald contact remove <email> from <list>`');
  });
});

describe('tenancy', () => {
  it('never shows or changes contacts of another workspace, even with guessed ids', async () => {
    await addContact({ email: 'shared@example.com', first_name: 'Of A' }, A);
    await addContact({ email: 'shared@example.com', first_name: 'Of B' }, B);
    const rows = await contactRows('shared@example.com');
    expect(rows.map((r) => [r.team, r.first_name])).toEqual([['TA', 'Of A'], ['TB', 'Of B']]);
    const idOfA = String(rows[0]?.id);
    expect((await herald.command('contact show ann@example.com', B)).text).toContain('There is no contact “ann@example.com”');
    const unsubscribe = await herald.action('contact_unsubscribe', { ...B, value: idOfA });
    expect(unsubscribe.text).toContain('That contact no longer exists.');
    const editOpen = await herald.action('contact_edit_open', { ...B, value: idOfA });
    expect(editOpen.view).toBeUndefined();
    const forgedEdit = await herald.submitView({ callback_id: 'contact_edit', private_metadata: JSON.stringify({ contactId: idOfA }),
      blocks: [{ type: 'input', block_id: 'first_name', element: { type: 'plain_text_input', action_id: 'value' } }] }, { first_name: 'Hijacked' }, B);
    expect(forgedEdit.json.errors.first_name).toBe('That contact no longer exists.');
    expect((await contactRows('shared@example.com')).map((r) => [r.first_name, r.status])).toEqual([['Of A', 'subscribed'], ['Of B', 'subscribed']]);
  });
});

describe('editing a contact keeps what the form did not show or the member did not touch', () => {
  const C = { team: 'TEDIT', user: 'UEDIT', channel: 'CEDIT' };

  let fileSeq = 0;
  beforeAll(async () => {
    const opened = await herald.command('list create', C);
    await herald.submitView(opened.view, { name: 'Imported' }, C);
  });

  /** A CSV uploaded in the channel and imported through Slack, as a member would. */
  async function importCsv(csv: string) {
    const id = `FEDIT${++fileSeq}`;
    herald.slack.addFile({ id, name: 'crm.csv', content: Buffer.from(csv), user: C.user, channels: [C.channel] });
    await herald.event({ type: 'file_shared', file_id: id, user_id: C.user, channel_id: C.channel, file: { id }, event_ts: '1700000000.1' }, { team: C.team });
    const summary = await herald.command('import Imported', C);
    const review = await herald.action('import_review', { ...C, value: summary.responses[0].blocks.at(-1).elements[0].value });
    await herald.submitView(review.view, {}, C);
  }

  async function openEdit(email: string) {
    const opened = await herald.command(`contact edit ${email}`, C);
    expect(opened.view.callback_id).toBe('contact_edit');
    return opened.view;
  }
  const input = (view: any, blockId: string) => view.blocks.find((b: any) => b.block_id === blockId);

  it('shows an imported value with line breaks escaped and saves it back unchanged', async () => {
    await importCsv('email,first_name,comments\nlee@crm.test,Lee,"Called on Monday.\nWants a demo \\\\ pricing."\n');
    const [imported] = await contactRows('lee@crm.test');
    expect(imported?.custom_fields).toEqual({ comments: 'Called on Monday.\nWants a demo \\\\ pricing.' });
    const view = await openEdit('lee@crm.test');
    expect(input(view, 'fields').element.initial_value).toBe('comments=Called on Monday.\\nWants a demo \\\\\\\\ pricing.');
    const saved = await herald.submitView(view, { first_name: 'Leigh' }, C);
    expect(saved.json).toBeUndefined();
    const [after] = await contactRows('lee@crm.test');
    expect(after).toMatchObject({ first_name: 'Leigh', custom_fields: imported!.custom_fields, tags: imported!.tags });
    const edited = await herald.submitView(view, { fields: 'comments=Demo booked.\\nSend the deck.' }, C);
    expect(edited.json).toBeUndefined();
    expect((await contactRows('lee@crm.test'))[0]?.custom_fields).toEqual({ comments: 'Demo booked.\nSend the deck.' });
  });

  it('shows fields and tags too long for the form read-only and leaves them unchanged on save', async () => {
    const fields = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`note_${i}`, `${'n'.repeat(990)}${i}`]));
    const tags = Array.from({ length: 50 }, (_, i) => `segment-${'t'.repeat(50)}-${String(i).padStart(2, '0')}`);
    const header = ['email', ...Object.keys(fields), 'tags'].join(',');
    await importCsv(`${header}\nkim@crm.test,${Object.values(fields).join(',')},"${tags.join(', ')}"\n`);
    const [imported] = await contactRows('kim@crm.test');
    expect(imported).toMatchObject({ custom_fields: fields, tags });
    const view = await openEdit('kim@crm.test');
    expect(input(view, 'fields')).toBeUndefined();
    expect(input(view, 'tags')).toBeUndefined();
    expect(textOf(view)).toContain('Custom fields (4) are too long to edit here');
    expect(textOf(view)).toContain('Tags (50) are too long to edit here');
    expect(textOf(view)).toContain('segment-');
    const saved = await herald.submitView(view, { first_name: 'Kim' }, C);
    expect(saved.json).toBeUndefined();
    expect((await contactRows('kim@crm.test'))[0]).toMatchObject({ first_name: 'Kim', custom_fields: fields, tags });
  });

  it('refuses more tags than a contact can hold instead of dropping the rest', async () => {
    await importCsv('email\nmo@crm.test\n');
    const view = await openEdit('mo@crm.test');
    const tooMany = Array.from({ length: 51 }, (_, i) => `t${i}`).join(', ');
    const refused = await herald.submitView(view, { tags: tooMany }, C);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { tags: 'A contact holds at most 50 tags; this has 51. Remove 1.' } });
    expect((await contactRows('mo@crm.test'))[0]?.tags).toEqual([]);
  });
});
