import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../src/bot/views/campaign-ids.ts';
import { LIST_SELECT_ACTION } from '../../src/bot/views/lists.ts';
import { APPROVER, AUTHOR, CHANNEL, setUpCampaignTeam, type CampaignTeam } from '../helpers/campaigns.ts';
import { assertValidOptionsResponse } from '../helpers/fake-slack.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { interactiveBody } from '../helpers/slack-sign.ts';

/**
 * An account with more lists (300) and templates (150) than a Slack select holds (100): every
 * one must stay reachable in the campaign, contact and import forms, and the current ones selected.
 */

let herald: TestHerald;
let team: CampaignTeam;
const OTHER = { team: 'TOTHER', user: 'UOTHER', channel: 'COTHER' };

const Id = z.object({ id: z.bigint() });
const listId = (name: string, userId = team.userId) =>
  herald.db.primary.oneFirst(sql.type(Id)`SELECT id FROM lists WHERE user_id = ${userId} AND name = ${name}`);
const templateId = (name: string) =>
  herald.db.primary.oneFirst(sql.type(Id)`SELECT id FROM templates WHERE user_id = ${team.userId} AND name = ${name}`);
const campaignLists = (campaignId: bigint) =>
  herald.db.primary.anyFirst(sql.type(z.object({ list_id: z.bigint() }))`
    SELECT list_id FROM campaign_lists WHERE user_id = ${team.userId} AND campaign_id = ${campaignId} ORDER BY list_id`);
const elementOf = (view: any, blockId: string) => view.blocks.find((b: any) => b.block_id === blockId).element;
const optionTexts = (answer: any) => answer.options.map((o: any) => o.text.text);

beforeAll(async () => {
  herald = await startTestHerald();
  team = await setUpCampaignTeam(herald, [{ email: 'ann@example.com', first_name: 'Ann' }]);
  await herald.db.primary.query(sql.unsafe`
    INSERT INTO lists (user_id, name) SELECT ${team.userId}, 'List ' || lpad(n::text, 3, '0') FROM generate_series(1, 300) AS n`);
  await herald.db.primary.query(sql.unsafe`
    INSERT INTO templates (user_id, name, subject, html_content, created_by)
    SELECT ${team.userId}, 'Template ' || lpad(n::text, 3, '0'), 'Subject ' || n, '<p>Hello</p>', 'UAUTHOR' FROM generate_series(1, 150) AS n`);
  await herald.db.primary.query(sql.unsafe`
    INSERT INTO list_contacts (user_id, list_id, contact_id)
    SELECT l.user_id, l.id, c.id FROM lists l JOIN contacts c ON c.user_id = l.user_id AND c.email = 'ann@example.com'
     WHERE l.user_id = ${team.userId} AND l.name IN ('List 003', 'List 250')`);
  await herald.command('members', OTHER);
  await herald.db.primary.query(sql.unsafe`INSERT INTO lists (user_id, name) VALUES (${await otherUserId()}, 'List 250 of another team')`);
});
afterAll(async () => {
  await herald?.close();
});

describe('the campaign form with 300 lists and 150 templates', () => {
  it('editing an approved campaign on lists #3 and #250 keeps both, and the approval', async () => {
    const lists = [String(await listId('List 003')), String(await listId('List 250'))];
    const campaign = await team.draft('Two lists', AUTHOR, { lists });
    await team.click('requestApproval', campaign.id, AUTHOR);
    const review = await team.click('approve', campaign.id, APPROVER);
    await herald.submitView(review.view, { decision: 'approve' }, APPROVER);
    expect((await team.row('Two lists')).status).toBe('approved');

    const edit = await herald.command('campaign edit "Two lists"', AUTHOR);
    expect(elementOf(edit.view, 'lists').initial_options.map((o: any) => o.text.text)).toEqual(['List 003', 'List 250']);
    const saved = await herald.submitView(edit.view, {}, AUTHOR);
    expect(saved.json).toBeUndefined();
    expect((await campaignLists(campaign.id)).map(String)).toEqual(lists);
    expect((await team.row('Two lists')).status).toBe('approved');
  });

  it('a campaign whose only list and template sort beyond #100 can be edited and saved', async () => {
    const list = String(await listId('List 250'));
    const template = String(await templateId('Template 120'));
    const campaign = await team.draft('Far down', AUTHOR, { lists: [list], template, subject: 'Far down' });
    const edit = await herald.command('campaign edit "Far down"', AUTHOR);
    expect(elementOf(edit.view, 'template').initial_option).toMatchObject({ value: template, text: { text: 'Template 120' } });
    const saved = await herald.submitView(edit.view, { name: 'Far down, renamed' }, AUTHOR);
    expect(saved.json).toBeUndefined();
    expect((await campaignLists(campaign.id)).map(String)).toEqual([list]);
    expect((await team.row('Far down, renamed')).subject).toBe('Far down');
  });

  it('the options endpoint answers with the caller’s lists and templates matching the typed text, at most 100', async () => {
    const opened = await herald.command('campaign new', AUTHOR);
    const lists = await herald.suggest(opened.view, { ...AUTHOR, actionId: LIST_SELECT_ACTION, value: '25' });
    expect(lists.status).toBe(200);
    assertValidOptionsResponse(lists.json);
    expect(optionTexts(lists.json)).toEqual(['List 025', 'List 125', 'List 225', ...Array.from({ length: 10 }, (_, i) => `List 25${i}`)]);
    expect(lists.json.options.find((o: any) => o.text.text === 'List 250').value).toBe(String(await listId('List 250')));

    const first = await herald.suggest(opened.view, { ...AUTHOR, actionId: LIST_SELECT_ACTION, value: '' });
    assertValidOptionsResponse(first.json);
    expect(optionTexts(first.json)).toEqual(['Customers', ...Array.from({ length: 99 }, (_, i) => `List ${String(i + 1).padStart(3, '0')}`)]);
    expect(optionTexts((await herald.suggest(opened.view, { ...AUTHOR, actionId: LIST_SELECT_ACTION, value: 'LIST 3' })).json)).toEqual(['List 300']);

    const templates = await herald.suggest(opened.view, { ...AUTHOR, actionId: CAMPAIGN_TEMPLATE_PICK_ACTION, value: 'template 12' });
    assertValidOptionsResponse(templates.json);
    expect(optionTexts(templates.json)).toEqual(Array.from({ length: 10 }, (_, i) => `Template 12${i}`));

    const foreign = String(await listId('List 250 of another team', await otherUserId()));
    const other = await herald.suggest(opened.view, { ...OTHER, actionId: LIST_SELECT_ACTION, value: '25' });
    expect(other.json.options).toEqual([{ text: { type: 'plain_text', text: 'List 250 of another team' }, value: foreign }]);
    expect((await herald.suggest(opened.view, { ...OTHER, actionId: CAMPAIGN_TEMPLATE_PICK_ACTION, value: '' })).json).toEqual({ options: [] });
    // an option value is only a claim: the submission checks the list is the account's own
    const refused = await herald.submitView(opened.view, team.formValues('Foreign list', { lists: [foreign] }), AUTHOR);
    expect(refused.json).toMatchObject({ response_action: 'errors', errors: { lists: expect.stringContaining('does not exist') } });

    const forged = await herald.post(interactiveBody({ type: 'block_suggestion', team: { id: 'T1' }, user: { id: 'UAUTHOR' }, action_id: LIST_SELECT_ACTION, value: '' }), { secret: 'wrong-secret' });
    expect(forged.status).toBe(401);
  });
});

describe('contacts and imports with 300 lists', () => {
  it('/herald contact add "List 250" preselects the list and adds the contact to it', async () => {
    const opened = await herald.command('contact add "List 250"', AUTHOR);
    expect(elementOf(opened.view, 'list')).toMatchObject({ type: 'external_select', initial_option: { text: { text: 'List 250' } } });
    const saved = await herald.submitView(opened.view, { email: 'far@example.com' }, AUTHOR);
    expect(saved.text).toContain('Added far@example.com.');
    const onList = await herald.db.primary.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT l.name FROM list_contacts lc JOIN lists l ON l.user_id = lc.user_id AND l.id = lc.list_id
        JOIN contacts c ON c.user_id = lc.user_id AND c.id = lc.contact_id
       WHERE c.user_id = ${team.userId} AND c.email = 'far@example.com'`);
    expect(onList).toEqual(['List 250']);
  });

  it('the Import CSV shortcut reaches list #250 by searching', async () => {
    const file = { id: 'FFAR', name: 'far.csv', content: Buffer.from('email\nimported@example.com\n'), user: 'UAUTHOR', channels: [CHANNEL] };
    herald.slack.addFile(file);
    const message = { ts: '1700000002.000100', text: '', user: 'UAUTHOR', files: [{ id: 'FFAR', name: 'far.csv' }] };
    const opened = await herald.shortcut('import_csv', { ...AUTHOR, message });
    expect(elementOf(opened.view, 'list').type).toBe('external_select');
    const found = await herald.suggest(opened.view, { ...AUTHOR, actionId: LIST_SELECT_ACTION, value: 'list 250' });
    expect(optionTexts(found.json)).toEqual(['List 250']);
    const chosen = await herald.submitView(opened.view, { list: found.json.options[0].value }, AUTHOR);
    expect(chosen.text).toContain('Dry run of *far.csv* into *List 250* — 1 row');
  });
});

describe('/herald lists and /herald templates with 300 lists and 150 templates', () => {
  const names = (text: string, prefix: string) => text.match(new RegExp(`\\*${prefix} \\d{3}\\*`, 'g')) ?? [];

  it('show what fits one message, say how many more there are, and find the rest by name', async () => {
    const all = await herald.command('lists', AUTHOR);
    const shown = all.text.match(/ contacts · created /g)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(all.text).toContain('*301 lists*'); // and the team's Customers
    expect(all.text).toContain(`…and ${301 - shown} more. \`/herald lists <part of a name>\` shows the lists whose name contains it.`);

    const found = await herald.command('lists 25', AUTHOR);
    expect(found.text).toContain('*13 lists whose name contains “25”*');
    expect(names(found.text, 'List')).toEqual(['*List 025*', '*List 125*', '*List 225*',
      ...Array.from({ length: 10 }, (_, i) => `*List ${250 + i}*`)]);
    expect(found.text).not.toContain('another team');
    expect(found.text).not.toContain('more.');
    expect((await herald.command('lists "no such"', AUTHOR)).text).toContain('No list’s name contains “no such”. `/herald lists` shows them all.');

    const templates = await herald.command('templates 14', AUTHOR);
    expect(templates.text).toContain('*12 templates whose name contains “14”*');
    expect(names(templates.text, 'Template')).toEqual(['*Template 014*', '*Template 114*',
      ...Array.from({ length: 10 }, (_, i) => `*Template ${140 + i}*`)]);
    expect(names((await herald.command('template list', AUTHOR)).text, 'Template')).toHaveLength(150);
  });
});

function otherUserId(): Promise<string> {
  return herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'TOTHER'`);
}
