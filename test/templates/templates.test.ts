import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
const A = { team: 'TTPL', user: 'UTPL', channel: 'CTPL' };
const B = { team: 'TTPLB', user: 'UTPLB', channel: 'CTPLB' };

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.close();
});

const GOOD = { name: 'Welcome', subject: 'Hi {{default first_name "there"}}', html: '<p>Hello {{first_name}} from {{company}}</p>\n{{#if (eq plan "pro")}}<b>Pro</b>{{/if}}', text: '' };

async function save(values: Record<string, string>, as = A, command = 'template create') {
  const opened = await herald.command(command, as);
  return herald.submitView(opened.view, values, as);
}

const Row = z.object({ id: z.bigint(), name: z.string(), merge_fields: z.array(z.string()), deleted: z.boolean() });
const template = (name: string) => herald.db.primary.maybeOne(sql.type(Row)`
  SELECT id, name, merge_fields, deleted_at IS NOT NULL AS deleted FROM templates WHERE name = ${name}`);

describe('saving templates', () => {
  it('compiles, stores the merge fields and confirms', async () => {
    const saved = await save(GOOD);
    expect(saved.body).toBe('');
    expect(saved.text).toContain('Saved the template *Welcome*. It uses `first_name`, `company`, `plan`.');
    expect((await template('Welcome'))?.merge_fields).toEqual(['first_name', 'company', 'plan']);
  });

  it('rejects a syntax error with its line number as a field error', async () => {
    const broken = await save({ ...GOOD, name: 'Broken', html: '<p>one</p>\n<p>two</p>\n<p>{{first_name}</p>' });
    expect(broken.json.response_action).toBe('errors');
    expect(broken.json.errors.html).toMatch(/^Line 3: syntax error near/);
    const unclosed = await save({ ...GOOD, name: 'Broken', html: 'a\n{{#if vip}}\nb' });
    expect(unclosed.json.errors.html).toMatch(/^Line \d+: /);
    expect(await template('Broken')).toBeNull();
  });

  it('rejects unknown helpers, internals, partials and unescaped HTML output', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ html: '<p>{{shout name}}</p>' }, 'html', /^Line 1: “shout” is not a helper Herald knows\. Available: default, upper/],
      [{ html: '<p>ok</p>\n{{constructor.constructor "alert(1)"}}' }, 'html', /^Line 2: /],
      [{ html: '{{lookup this "constructor"}}' }, 'html', /^Line 1: “constructor” is not a field a template can use\.$/],
      [{ html: '{{#with this}}{{__proto__}}{{/with}}' }, 'html', /^Line 1: “__proto__” is not a field a template can use\.$/],
      [{ html: '{{> header}}' }, 'html', /^Line 1: partials/],
      [{ html: '<p>{{{company}}}</p>' }, 'html', /^Line 1: unescaped output/],
      [{ html: '<p>{{log email}}</p>' }, 'html', /^Line 1: “log” is not a helper Herald knows/],
      [{ subject: 'Hi {{first_name' }, 'subject', /^Line 1: syntax error/],
      [{ text: 'plain\n{{upper}}\n{{nope x}}' }, 'text', /^Line 3: “nope” is not a helper/],
    ];
    for (const [change, field, message] of cases) {
      const outcome = await save({ ...GOOD, name: 'Unsafe', ...change });
      expect(outcome.json?.errors?.[field], JSON.stringify(change)).toMatch(message);
    }
    expect(await template('Unsafe')).toBeNull();
  });

  it('asks for the missing parts and refuses a duplicate name', async () => {
    const empty = await save({ name: ' ', subject: '', html: '', text: '' });
    expect(empty.json.errors).toEqual({ name: 'Give the template a name.', subject: 'Write a subject line.', html: 'Write the HTML body.' });
    const duplicate = await save({ ...GOOD, name: 'welcome' });
    expect(duplicate.json.errors).toEqual({ name: 'There is already a template called “welcome”.' });
  });

  it('edits through the prefilled modal', async () => {
    const opened = await herald.command('template edit Welcome', A);
    expect(opened.view.blocks.find((b: any) => b.block_id === 'subject').element.initial_value).toBe(GOOD.subject);
    await herald.submitView(opened.view, { html: '<p>{{upper first_name}} at {{city}}</p>' }, A);
    expect((await template('Welcome'))?.merge_fields).toEqual(['first_name', 'city']);
  });
});

describe('list, show, preview, delete', () => {
  beforeAll(async () => {
    const opened = await herald.command('contact add', A);
    await herald.submitView(opened.view, { email: 'eve@example.com', first_name: '<b>Eve</b>', fields: 'city=<script>alert("x")</script> & Co' }, A);
  });

  it('lists and shows templates of the own workspace only', async () => {
    expect((await herald.command('template list', A)).text).toContain('*Welcome* — Hi {{default first_name "there"}}');
    expect((await herald.command('templates', B)).text).toContain('No templates yet.');
    expect((await herald.command('template show Welcome', A)).text).toContain('Merge fields: `first_name`, `city`');
    expect((await herald.command('template show Welcome', B)).text).toContain('There is no template called “Welcome”');
  });

  it('previews for a real contact: text only to the member, escaped HTML as a file in their DM with Herald, nothing in the channel', async () => {
    const preview = await herald.command('template preview Welcome eve@example.com', A);
    expect(preview.responses).toEqual([expect.objectContaining({ response_type: 'ephemeral' })]);
    expect(preview.text).toContain('Preview of *Welcome* for eve@example.com — the HTML version is in your DM with Herald');
    expect(preview.text).toContain('*Subject:* Hi &lt;b&gt;Eve&lt;/b&gt;');
    const opened = preview.calls.find((c) => c.method === 'conversations.open');
    expect(opened?.args.users).toBe('UTPL');
    const upload = preview.calls.find((c) => c.method === 'files.completeUploadExternal');
    expect(upload?.args.channel_id).toBe('DTPL');
    expect(JSON.parse(String(upload?.args.files))).toEqual([expect.objectContaining({ title: 'Preview of Welcome for eve@example.com' })]);
    expect(preview.calls.filter((c) => JSON.stringify(c.args).includes('CTPL'))).toEqual([]);
    const html = herald.slack.uploads.at(-1)!.bytes.toString();
    expect(html).toContain('&lt;B&gt;EVE&lt;/B&gt; at &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script>');
  });

  it('previews with a sample contact and names a missing one', async () => {
    const sample = await herald.command('template preview Welcome', A);
    expect(sample.text).toContain('for sam@example.com');
    expect(sample.calls.find((c) => c.method === 'files.completeUploadExternal')?.args.channel_id).toBe('DTPL');
    expect(herald.slack.uploads.at(-1)!.bytes.toString()).toContain('SAM at [city]');
    const missing = await herald.command('template preview Welcome nobody@example.com', A);
    expect(missing.text).toContain('There is no contact “nobody@example.com” in this account to preview with.');
  });

  it('deletes after confirmation and ignores guessed ids of other workspaces', async () => {
    const id = String((await template('Welcome'))?.id);
    const foreign = await herald.action('template_delete_confirm', { ...B, value: id });
    expect(foreign.text).toContain('already deleted');
    expect((await template('Welcome'))?.deleted).toBe(false);
    const asked = await herald.command('template delete Welcome', A);
    const button = asked.responses[0].blocks.at(-1).elements[0];
    await herald.action(button.action_id, { ...A, value: button.value });
    expect((await template('Welcome'))?.deleted).toBe(true);
  });
});
