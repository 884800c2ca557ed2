import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.close();
});

const A = { team: 'TA', user: 'UA' };
const B = { team: 'TB', user: 'UB' };

async function createList(name: string, as = A, description = '') {
  const opened = await herald.command('list create', as);
  return herald.submitView(opened.view, { name, description }, as);
}

const listRow = (name: string) =>
  herald.db.primary.maybeOne(sql.type(z.object({ id: z.bigint(), name: z.string(), deleted: z.boolean() }))`
    SELECT id, name, deleted_at IS NOT NULL AS deleted FROM lists WHERE name = ${name}`);

describe('/herald list create', () => {
  it('opens a modal and creates the list on submit', async () => {
    const opened = await herald.command('list create', A);
    expect(opened.view.callback_id).toBe('list_create');
    const saved = await herald.submitView(opened.view, { name: '  Newsletter  ', description: 'Monthly news' }, A);
    expect(saved.status).toBe(200);
    expect(saved.body).toBe('');
    expect(saved.text).toContain('Created the list *Newsletter*');
    expect(await listRow('Newsletter')).toMatchObject({ deleted: false });
  });

  it('shows a field error for a duplicate or empty name and creates nothing', async () => {
    const duplicate = await createList('newsletter');
    expect(duplicate.json).toEqual({ response_action: 'errors', errors: { name: 'There is already a list called “newsletter”. Pick another name.' } });
    const empty = await createList('   ');
    expect(empty.json.errors.name).toBe('Give the list a name.');
    const names = await herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM lists ORDER BY id`);
    expect(names).toEqual(['Newsletter']);
  });
});

describe('/herald lists, rename, delete', () => {
  beforeAll(async () => {
    await createList('Customers', A);
    await createList('Secret plans', B);
  });

  it('lists names, contact counts and creation dates of the own workspace only', async () => {
    const outcome = await herald.command('lists', A);
    expect(outcome.text).toContain('*Customers* — 0 contacts · created ');
    expect(outcome.text).toContain('*Newsletter*');
    expect(outcome.text).not.toContain('Secret plans');
  });

  it('renames with quoted names and refuses a list of another workspace', async () => {
    const renamed = await herald.command('list rename Customers “Paying customers”', A);
    expect(renamed.text).toContain('Renamed “Customers” to “Paying customers”.');
    const foreign = await herald.command('list rename "Secret plans" Mine', A);
    expect(foreign.text).toContain('There is no list called “Secret plans”');
    expect(await listRow('Secret plans')).toMatchObject({ deleted: false });
    const wrong = await herald.command('list rename Customers', A);
    expect(wrong.text).toContain('Usage: `/herald list rename <list> <new name>`');
  });

  it('deletes only after confirmation, softly', async () => {
    const asked = await herald.command('list delete "Paying customers"', A);
    const list = await listRow('Paying customers');
    expect(asked.text).toContain('Delete the list *Paying customers*?');
    expect(list?.deleted).toBe(false);
    const button = asked.responses[0].blocks.at(-1).elements[0];
    expect(button.action_id).toBe('list_delete_confirm');
    const cancelled = await herald.action('list_delete_cancel', { ...A, value: button.value });
    expect(cancelled.responses[0]).toMatchObject({ replace_original: true, text: 'Kept the list.' });
    expect((await listRow('Paying customers'))?.deleted).toBe(false);
    const confirmed = await herald.action('list_delete_confirm', { ...A, value: button.value });
    expect(confirmed.responses[0]).toMatchObject({ replace_original: true, text: 'Deleted the list “Paying customers”.' });
    expect((await listRow('Paying customers'))?.deleted).toBe(true);
    const again = await herald.action('list_delete_confirm', { ...A, value: button.value });
    expect(again.text).toContain('already deleted');
  });

  it('ignores a guessed list id of another workspace', async () => {
    const secret = await listRow('Secret plans');
    const attempt = await herald.action('list_delete_confirm', { ...A, value: String(secret?.id) });
    expect(attempt.text).toContain('already deleted');
    expect((await listRow('Secret plans'))?.deleted).toBe(false);
    const forged = await herald.action('list_delete_confirm', { ...A, value: '1; drop table lists' });
    expect(forged.text).toContain('That button is no longer valid');
  });
});
