import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type Outcome, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
const A = { team: 'TIMP', user: 'UIMP', channel: 'CIMPORT' };
let fileSeq = 0;

beforeAll(async () => {
  herald = await startTestHerald();
  for (const name of ['Customers', 'Other']) {
    const opened = await herald.command('list create', A);
    await herald.submitView(opened.view, { name }, A);
  }
});
afterAll(async () => {
  await herald.close();
});

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/csv', name));

/** Uploads a file the way Slack tells Herald about it (file_shared). */
async function upload(name: string, content: Buffer, as = A, size?: number): Promise<string> {
  const id = `FIMP${++fileSeq}`;
  herald.slack.addFile({ id, name, content, size, user: as.user, channels: [as.channel] });
  await herald.event({ type: 'file_shared', file_id: id, user_id: as.user, channel_id: as.channel, file: { id }, event_ts: '1700000000.1' }, { team: as.team });
  return id;
}

const importIdOf = (summary: Outcome) => summary.responses[0]?.blocks?.at(-1)?.elements?.[0]?.value as string | undefined;

async function dryRun(name: string, list = 'Customers', as = A) {
  await upload(name, fixture(name), as);
  return herald.command(`import ${list}`, as);
}

async function importFixture(name: string, list = 'Customers', as = A) {
  const summary = await dryRun(name, list, as);
  const review = await herald.action('import_review', { ...as, value: importIdOf(summary) });
  const confirmed = await herald.submitView(review.view, {}, as);
  return { summary, review, confirmed };
}

const Contact = z.object({ email: z.string(), first_name: z.string().nullable(), last_name: z.string().nullable(),
  status: z.string(), custom_fields: z.record(z.string(), z.unknown()), tags: z.array(z.string()) });
const contact = (email: string) => herald.db.primary.maybeOne(sql.type(Contact)`
  SELECT email, first_name, last_name, status, custom_fields, tags FROM contacts WHERE email = ${email}`);
const count = (query: string) => herald.db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM ${sql.identifier([query])}`);
const snapshot = async () => ({ contacts: await count('contacts'), memberships: await count('list_contacts') });

describe('dry run and import through Slack', () => {
  it('finds the uploaded file, shows a dry run, and imports on confirm with the report in a thread', async () => {
    const before = await snapshot();
    const summary = await dryRun('utf8-bom.csv');
    expect(summary.text).toContain('Dry run of *utf8-bom.csv* into *Customers* — 2 rows, nothing imported yet.');
    expect(summary.text).toContain('*2* new · *0* updated · *0* unchanged · *0* invalid · *0* duplicate · *0* suppressed');
    expect(await snapshot()).toEqual(before);
    expect(herald.slack.calls.filter((c) => c.method === 'files.info').at(-1)?.auth).toBe('Bearer xoxb-test-token');

    const review = await herald.action('import_review', { ...A, value: importIdOf(summary) });
    expect(review.view.callback_id).toBe('import_confirm');
    const labels = review.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.label.text, b.element.initial_option.value]);
    expect(labels).toEqual([['email', 'email'], ['first_name', 'first_name'], ['last_name', 'last_name'], ['company', 'field']]);

    const confirmed = await herald.submitView(review.view, {}, A);
    expect(confirmed.body).toBe('');
    const parent = herald.slack.messages.find((m) => m.channel === 'CIMPORT' && m.text?.startsWith('Imported utf8-bom.csv'));
    expect(parent).toBeDefined();
    const thread = herald.slack.thread('CIMPORT', parent!.ts);
    expect(thread.at(-1)?.text).toContain('Imported utf8-bom.csv into “Customers”: 2 new, 0 updated, 0 rejected.');
    expect(JSON.stringify(thread.at(-1)?.blocks)).toContain('/herald import undo');
    expect(await contact('ann@example.com')).toMatchObject({ first_name: 'Änne', last_name: 'Müller', custom_fields: { company: 'Ünïcode GmbH' } });
    expect(await snapshot()).toEqual({ contacts: before.contacts + 2, memberships: before.memberships + 2 });
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await snapshot();
    const updatedAt = () => herald.db.primary.oneFirst(sql.type(z.object({ t: z.date() }))`
      SELECT max(updated_at) AS t FROM contacts WHERE email IN ('ann@example.com', 'bob@example.com')`);
    const stamp = await updatedAt();
    const again = await importFixture('utf8-bom.csv');
    expect(again.summary.text).toContain('*0* new · *0* updated · *2* unchanged');
    expect(await snapshot()).toEqual(before);
    expect(await updatedAt()).toEqual(stamp);
  });

  it('reads semicolon-delimited files with German headers', async () => {
    await importFixture('semicolon.csv');
    expect(await contact('dieter@example.de')).toMatchObject({ first_name: 'Dieter', last_name: 'Weber', custom_fields: { firma: 'Semi;colon GmbH' } });
  });

  it('keeps newlines inside quoted values and splits a full name', async () => {
    await importFixture('quoted-newlines.csv');
    expect(await contact('erin@example.com')).toMatchObject({ first_name: 'Erin', last_name: 'Lee', custom_fields: { address: '12 Main St\nApt 4\nSpringfield' } });
    expect(await contact('frank@example.com')).toMatchObject({ first_name: 'Frank', last_name: null });
  });

  it('maps a Mailchimp export: names, tags, useful fields; bookkeeping columns ignored', async () => {
    await importFixture('mailchimp-export.csv');
    const gina = await contact('gina@example.com');
    expect(gina).toMatchObject({ first_name: 'Gina', last_name: 'Gray', tags: ['customer', 'vip'] });
    expect(gina?.custom_fields).toEqual({ address: '5 Elm St  Springfield IL 62701 US', phone_number: '555-0100' });
  });

  it('decodes Windows-1252 files', async () => {
    await importFixture('windows-1252.csv');
    expect(await contact('ned@example.com')).toMatchObject({ first_name: 'Renée', last_name: 'Café' });
  });

  it('rejects invalid emails and duplicates with their line numbers, importing the rest', async () => {
    const { summary } = await importFixture('invalid-and-duplicates.csv');
    expect(summary.text).toContain('*2* new · *0* updated · *0* unchanged · *3* invalid · *2* duplicate · *0* suppressed');
    expect(summary.text).toContain('Line 3 — “not-an-email” is not an email address');
    expect(summary.text).toContain('Line 4 — no email address');
    expect(summary.text).toContain('Line 6 — same email as line 2');
    const report = herald.slack.messages.filter((m) => m.text?.startsWith('Imported invalid-and-duplicates.csv')).at(-1);
    expect(report?.text).toContain('2 new, 0 updated, 5 rejected');
    expect(JSON.stringify(report?.blocks)).toContain('Line 8 — “kate@@example.com” is not an email address');
    expect((await contact('ivy@example.com'))?.first_name).toBe('Ivy');
  });

  it('ignores a __proto__ or constructor column and stores the rest as plain data', async () => {
    const { review } = await importFixture('proto-header.csv');
    const targets = review.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.label.text, b.element.initial_option.value]);
    expect(targets).toEqual([['email', 'email'], ['__proto__', 'ignore'], ['constructor', 'ignore'], ['company', 'field']]);
    const leo = await contact('leo@example.com');
    expect(leo?.custom_fields).toEqual({ company: 'Good Co' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps unsubscribed, bounced and complained contacts suppressed whatever the CSV says', async () => {
    await herald.db.primary.query(sql.unsafe`UPDATE contacts SET status = 'unsubscribed' WHERE email = 'ann@example.com'`);
    await herald.db.primary.query(sql.unsafe`UPDATE contacts SET status = 'complained' WHERE email = 'bob@example.com'`);
    const { summary } = await importFixture('utf8-bom.csv', 'Other');
    expect(summary.text).toContain('*0* new · *0* updated · *0* unchanged · *0* invalid · *0* duplicate · *2* suppressed');
    expect(summary.text).toContain('(ann@example.com, kept suppressed)');
    expect((await contact('ann@example.com'))?.status).toBe('unsubscribed');
    expect((await contact('bob@example.com'))?.status).toBe('complained');
    const onOther = await herald.command('lists', A);
    expect(onOther.text).toContain('*Other* — 0 contacts');
  });
});

describe('files that cannot be imported', () => {
  const cases: Array<[string, string]> = [
    ['empty.csv', 'The file is empty.'],
    ['binary.csv', 'This file is not a CSV text file (it contains binary data).'],
    ['unclosed-quote.csv', 'A quoted value is never closed'],
  ];
  for (const [name, message] of cases) {
    it(`${name}: says why, as an ephemeral message, and imports nothing`, async () => {
      const before = await snapshot();
      const outcome = await dryRun(name);
      expect(outcome.responses).toHaveLength(1);
      expect(outcome.responses[0].response_type).toBe('ephemeral');
      expect(outcome.text).toContain(message);
      expect(outcome.text).not.toContain('Sorry, something went wrong');
      expect(await snapshot()).toEqual(before);
    });
  }

  it('refuses a file over the size limit before downloading it', async () => {
    const id = await upload('huge.csv', Buffer.from('email\nx@example.com\n'), A, 30 * 1024 * 1024);
    const outcome = await herald.command(`import Customers <https://team.slack.com/files/UIMP/${id}/huge.csv>`, A);
    expect(outcome.text).toContain('The file is 30.0 MB; Herald imports files up to 25.0 MB.');
    expect(herald.slack.downloads).not.toContain(id);
  });

  it('asks for an upload when there is no file, and names the expected form for bad arguments', async () => {
    const none = await herald.command('import Customers', { ...A, channel: 'CEMPTY' });
    expect(none.text).toContain('Upload the CSV file in this conversation first');
    const usage = await herald.command('import', A);
    expect(usage.text).toContain('Usage: `/herald import <list> [file link]`');
    const unknownList = await herald.command('import Nope', A);
    expect(unknownList.text).toContain('There is no list called “Nope”');
  });
});
