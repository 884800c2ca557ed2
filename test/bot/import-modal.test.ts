import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
const A = { team: 'TMOD', user: 'UMOD', channel: 'CMOD' };

beforeAll(async () => {
  herald = await startTestHerald();
  const opened = await herald.command('list create', A);
  await herald.submitView(opened.view, { name: 'Big' }, A);
});
afterAll(async () => {
  await herald.close();
});

const count = (table: string) => herald.db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([table])}`);
const inputs = (view: any) => view.blocks.filter((b: any) => b.type === 'input');

describe('mapping modal', () => {
  it('re-counts when a column changes and refuses to import without an email column', async () => {
    herald.slack.addFile({ id: 'FMAP', name: 'people.csv', content: Buffer.from('Name,Mail,Size\nAnn Lee,ann@map.test,5\nBob,bob@map.test,7\n'), user: A.user });
    const summary = await herald.command('import Big <https://team.slack.com/files/UMOD/FMAP/people.csv>', A);
    expect(summary.text).toContain('*2* new');
    const review = await herald.action('import_review', { ...A, value: summary.responses[0].blocks.at(-1).elements[0].value });
    expect(inputs(review.view).map((b: any) => b.element.initial_option.value)).toEqual(['full_name', 'email', 'field']);

    const changed = await herald.action('import_column', { ...A, view: review.view, values: { col_1: 'ignore' } });
    const update = changed.calls.find((c) => c.method === 'views.update');
    expect(update?.args.view_id).toBe(review.view.id ?? update?.args.view_id);
    expect(changed.view.blocks[1].text.text).toContain('Choose the column that holds the email addresses.');
    expect(inputs(changed.view)[1].element.initial_option.value).toBe('ignore');

    const refused = await herald.submitView(changed.view, {}, A);
    expect(refused.json).toEqual({ response_action: 'errors', errors: { col_0: 'Choose the column that holds the email addresses.' } });
    expect(await count('contacts')).toBe(0);

    const fixed = await herald.action('import_column', { ...A, view: changed.view, values: { col_1: 'email', col_2: 'ignore' } });
    const done = await herald.submitView(fixed.view, {}, A);
    expect(done.body).toBe('');
    const ann = await herald.db.primary.one(sql.type(z.object({ first_name: z.string(), last_name: z.string(), custom_fields: z.record(z.string(), z.unknown()) }))`
      SELECT first_name, last_name, custom_fields FROM contacts WHERE email = 'ann@map.test'`);
    expect(ann).toEqual({ first_name: 'Ann', last_name: 'Lee', custom_fields: {} });
  });

  it('does not import the same preview twice', async () => {
    herald.slack.addFile({ id: 'FTWICE', name: 'twice.csv', content: Buffer.from('email\ntwice@map.test\n'), user: A.user });
    const summary = await herald.command('import Big FTWICE', A);
    const review = await herald.action('import_review', { ...A, value: summary.responses[0].blocks.at(-1).elements[0].value });
    await herald.submitView(review.view, {}, A);
    const again = await herald.submitView(review.view, {}, A);
    expect(again.json.errors.col_0).toBe('That import is already completed.');
  });
});

describe('message shortcut on a file', () => {
  it('asks for the list, then posts the dry run of a file shared in the channel privately there', async () => {
    herald.slack.addFile({ id: 'FSHORT', name: 'short.csv', content: Buffer.from('email\nshort@map.test\n'), user: 'UCOLLEAGUE', channels: [A.channel] });
    const message = { ts: '1700000001.000100', text: '', user: 'UCOLLEAGUE', files: [{ id: 'FSHORT', name: 'short.csv' }] };
    const opened = await herald.shortcut('import_csv', { ...A, message });
    expect(opened.view.callback_id).toBe('import_choose_list');
    const chosen = await herald.submitView(opened.view, { list: opened.view.blocks[0].element.options[0].value }, A);
    const ephemeral = chosen.calls.find((c) => c.method === 'chat.postEphemeral');
    expect(ephemeral?.args).toMatchObject({ channel: 'CMOD', user: 'UMOD' });
    expect(chosen.text).toContain('Dry run of *short.csv* into *Big* — 1 row');
  });

  it('explains itself on a message without a file', async () => {
    const outcome = await herald.shortcut('import_csv', { ...A, message: { ts: '1700000001.000200', text: 'hello' } });
    expect(outcome.text).toContain('Use “Import CSV into Herald” on a message that has a CSV file attached.');
    expect(outcome.view).toBeUndefined();
  });
});

describe('large files', () => {
  it('posts progress in the thread, updates it in place, and attaches rejected rows as a CSV', async () => {
    const rows = Array.from({ length: 6_000 }, (_, i) => (i % 200 === 0 ? `broken-${i}` : `bulk${i}@map.test`));
    herald.slack.addFile({ id: 'FBIGFILE', name: 'big.csv', content: Buffer.from(`email\n${rows.join('\n')}\n`), user: A.user });
    await herald.db.primary.query(sql.unsafe`UPDATE users SET contact_limit = 100000`);
    const summary = await herald.command('import Big FBIGFILE', A);
    const review = await herald.action('import_review', { ...A, value: summary.responses[0].blocks.at(-1).elements[0].value });
    const done = await herald.submitView(review.view, {}, A);
    const parent = herald.slack.messages.find((m) => m.text?.startsWith('Imported big.csv'));
    const thread = herald.slack.thread('CMOD', parent!.ts);
    const progress = thread.find((m) => m.thread_ts && m.text?.startsWith('Saving'));
    expect(progress).toBeDefined();
    expect(done.calls.filter((c) => c.method === 'chat.update' && c.args.ts === progress?.ts).length).toBeGreaterThan(0);
    expect(thread.at(-1)?.text).toContain('5,970 new, 0 updated, 30 rejected');
    const upload = done.calls.find((c) => c.method === 'files.completeUploadExternal');
    expect(upload?.args).toMatchObject({ channel_id: 'CMOD', thread_ts: parent!.ts });
    const csv = herald.slack.uploads.at(-1)!.bytes.toString();
    expect(csv).toContain('"2","broken-0","invalid","“broken-0” is not an email address"');
    expect(csv.match(/"invalid"/g)).toHaveLength(30);
  });
});
