import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CAMPAIGN_FROM_MESSAGE_SHORTCUT, CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../src/bot/views/campaign-ids.ts';
import { ADMIN, APPROVER, AUTHOR, CHANNEL, EDITOR, setUpCampaignTeam, type CampaignTeam } from '../helpers/campaigns.ts';
import { startTestHerald, textOf, type As, type Outcome, type TestHerald } from '../helpers/herald-app.ts';

/**
 * Campaigns driven the way Slack drives Herald: signed slash commands, modal submissions and
 * button clicks in, the fake Slack Web API out. The database is only read, to check.
 */

let herald: TestHerald;
let team: CampaignTeam;

const campaignCount = () => herald.db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM campaigns`);
const approvals = (campaignId: bigint) =>
  herald.db.primary.anyFirst(sql.type(z.object({ actor: z.string() }))`
    SELECT actor FROM audit_log WHERE entity_type = 'campaign' AND entity_id = ${campaignId} AND action = 'approve'`);
const campaignNamed = (name: string) =>
  herald.db.primary.maybeOneFirst(sql.type(z.object({ id: z.bigint() }))`SELECT id FROM campaigns WHERE name = ${name} AND deleted_at IS NULL`);

const row = (name: string) => team.row(name);
const draft = (name: string, as?: As) => team.draft(name, as);
const pendingApproval = (name: string, as?: As) => team.pendingApproval(name, as);
const click: CampaignTeam['click'] = (action, campaignId, as) => team.click(action, campaignId, as);
const threadOf: CampaignTeam['threadOf'] = (campaign) => team.threadOf(campaign);
const formValues: CampaignTeam['formValues'] = (name, overrides) => team.formValues(name, overrides);
const openApproval = (campaignId: bigint, as: As): Promise<Outcome> => click('approve', campaignId, as);

beforeAll(async () => {
  herald = await startTestHerald();
  team = await setUpCampaignTeam(herald, [
    { email: 'ann@example.com', first_name: 'Ann' }, { email: 'bob@example.com', first_name: 'Bob' }, { email: 'cem@example.com' },
  ]);
});
afterAll(async () => {
  await herald?.close();
});

describe('a campaign from draft to scheduled, in Slack', () => {
  it('drafts, checks, gets approved by a second person, is scheduled with the approved hash, and the thread tells it all', async () => {
    const campaign = await draft('Spring sale');
    expect(campaign).toMatchObject({ status: 'draft', subject: 'News for {{first_name}}', slack_channel_id: CHANNEL });

    const check = await herald.command('campaign check "Spring sale"', AUTHOR);
    expect(check.text).toContain('Posted the pre-flight check');

    const requested = await click('requestApproval', campaign.id, AUTHOR);
    expect(requested.text).toContain('<@UAUTHOR> asks for approval');
    expect(requested.text).toContain('<@UAPPROVER>');

    const opened = await openApproval(campaign.id, APPROVER);
    // the modal opens before the pre-flight runs (a trigger id lasts 3 s), then shows the review
    const viewCalls = opened.calls.filter((c) => c.method.startsWith('views.'));
    expect(viewCalls.map((c) => [c.method, JSON.parse(String(c.args.view)).callback_id])).toEqual([
      ['views.open', 'campaign_approval_pending'],
      ['views.update', 'campaign_approval'],
    ]);
    expect(opened.view?.callback_id).toBe('campaign_approval');
    expect(textOf(opened.view)).toContain('News for Ann');
    const decided = await herald.submitView(opened.view, { decision: 'approve', comment: 'Looks good' }, APPROVER);
    expect(decided.json).toBeUndefined();

    await click('schedule', campaign.id, AUTHOR);
    const scheduled = await row('Spring sale');
    expect(scheduled.status).toBe('scheduled');
    expect(scheduled.approved_by).toBe('UAPPROVER');
    expect(scheduled.approved_hash).toBe(scheduled.content_hash);

    const { card, replies } = threadOf(scheduled);
    expect(card).toContain('Scheduled');
    expect(card).toContain('approved by <@UAPPROVER>');
    expect(card).toContain('*Recipients:* 3 (unique, subscribed');
    expect(replies).toHaveLength(5);
    expect(replies[0]).toContain('<@UAUTHOR> drafted *Spring sale*');
    expect(replies[1]).toContain('Pre-flight check: Spring sale');
    expect(replies[2]).toContain('asks for approval');
    expect(replies[3]).toContain('Approved by <@UAPPROVER>');
    expect(replies[3]).toContain('Looks good');
    expect(replies[4]).toContain('<@UAUTHOR> scheduled it for');
    expect(herald.slack.callsTo('chat.update').length).toBeGreaterThanOrEqual(3);
  });

  it('says what stays saved when telling the thread fails after a button changed the status', async () => {
    const campaign = await draft('Told later');
    herald.slack.failNext('chat.postMessage', 'fatal_error');
    const requested = await click('requestApproval', campaign.id, AUTHOR);
    expect(requested.text).toContain('“Told later” is waiting for approval now.');
    expect(requested.text).toContain('what was saved stays');
    expect(requested.text).not.toContain('nothing was changed');
    expect((await row('Told later')).status).toBe('pending_approval');
  });

  it('lists campaigns with their status, and those whose name contains a text', async () => {
    const listed = await herald.command('campaigns', EDITOR);
    expect(listed.text).toContain('*Spring sale* — :calendar: Scheduled');
    await draft('Autumn digest');
    const spring = await herald.command('campaigns SPRING', EDITOR);
    expect(spring.text).toContain('1 campaign whose name contains “SPRING”');
    expect(spring.text).toContain('*Spring sale*');
    expect(spring.text).not.toContain('Autumn digest');
  });
});

describe('four-eyes approval', () => {
  it('refuses the author, even when the author is an approver, and records nothing', async () => {
    const campaign = await pendingApproval('Own work', APPROVER);
    const attempt = await openApproval(campaign.id, APPROVER);
    expect(attempt.text).toContain('someone else has to approve it');
    expect(attempt.view).toBeUndefined();
    const byAdmin = await openApproval(campaign.id, ADMIN);
    const forged = await herald.submitView(byAdmin.view, { decision: 'approve' }, APPROVER);
    expect(forged.json.response_action).toBe('errors');
    expect(forged.json.errors.decision).toContain('someone else has to approve it');
    expect(await approvals(campaign.id)).toEqual([]);
    expect((await row('Own work')).status).toBe('pending_approval');
  });

  it('refuses editors', async () => {
    const campaign = await pendingApproval('Editor try');
    const attempt = await openApproval(campaign.id, EDITOR);
    expect(attempt.text).toContain('Only approvers and admins can approve campaigns');
    expect(await approvals(campaign.id)).toEqual([]);
  });

  it('refuses an approval of content that was edited after the approver opened it', async () => {
    const campaign = await pendingApproval('Moving target');
    const opened = await openApproval(campaign.id, APPROVER);
    const edit = await herald.command('campaign edit "Moving target"', AUTHOR);
    await herald.submitView(edit.view, { subject: 'A different subject' }, AUTHOR);
    expect((await row('Moving target')).status).toBe('draft');
    const late = await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    expect(late.json.errors.decision).toContain('went back to draft after you opened it');
    expect(await approvals(campaign.id)).toEqual([]);
  });

  it('records exactly one approval when two approvers submit at the same moment', async () => {
    const campaign = await pendingApproval('Race');
    const [first, second] = await Promise.all([openApproval(campaign.id, APPROVER), openApproval(campaign.id, ADMIN)]);
    const outcomes = await Promise.all([
      herald.submitView(first.view, { decision: 'approve' }, APPROVER),
      herald.submitView(second.view, { decision: 'approve' }, ADMIN),
    ]);
    expect(await approvals(campaign.id)).toHaveLength(1);
    const refused = outcomes.filter((o) => o.json?.response_action === 'errors');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.json.errors.decision).toContain('was already approved by');
    const approvedReplies = threadOf(await row('Race')).replies.filter((r) => r.includes('Approved by'));
    expect(approvedReplies).toHaveLength(1);
  });

  it('says so, and changes nothing, when the same approver approves twice', async () => {
    const campaign = await pendingApproval('Twice');
    const opened = await openApproval(campaign.id, APPROVER);
    await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    const again = await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    expect(again.json.errors.decision).toContain('was already approved by you');
    expect(await approvals(campaign.id)).toEqual(['UAPPROVER']);
  });

  it('treats approving a cancelled campaign as a clear no-op', async () => {
    const campaign = await pendingApproval('Called off');
    const opened = await openApproval(campaign.id, APPROVER);
    const cancelled = await herald.command('campaign cancel "Called off"', AUTHOR);
    expect(cancelled.text).toContain('Cancelled by <@UAUTHOR>');
    const late = await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    expect(late.json.errors.decision).toContain('was cancelled, so there is nothing to approve');
    expect(await approvals(campaign.id)).toEqual([]);
    expect((await row('Called off')).status).toBe('cancelled');
  });

  it('rejects back to draft with the comment in the thread', async () => {
    const campaign = await pendingApproval('Not yet');
    const opened = await click('reject', campaign.id, APPROVER);
    await herald.submitView(opened.view, { decision: 'reject', comment: 'Fix the subject' }, APPROVER);
    expect((await row('Not yet')).status).toBe('draft');
    expect(threadOf(await row('Not yet')).replies.at(-1)).toContain('Rejected by <@UAPPROVER>: back to draft.\n> Fix the subject');
  });
});

describe('another workspace', () => {
  it('can neither see nor change this workspace’s campaigns, even with their ids', async () => {
    const other: As = { team: 'T2', user: 'UOTHER', channel: 'COTHER' };
    const campaign = await row('Spring sale');
    const cancel = await click('cancel', campaign.id, other);
    expect(cancel.text).toContain('That campaign no longer exists');
    const check = await herald.command('campaign check "Spring sale"', other);
    expect(check.text).toContain('There is no campaign called “Spring sale”');
    expect((await herald.command('campaigns', other)).text).toContain('No campaigns yet');
    expect((await row('Spring sale')).status).toBe('scheduled');
  });
});

describe('editing an approved campaign', () => {
  it('sends it back to draft, voids the approval, and the thread says why', async () => {
    const campaign = await pendingApproval('Edited later');
    const opened = await openApproval(campaign.id, APPROVER);
    await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    expect((await row('Edited later')).status).toBe('approved');
    const edit = await herald.command('campaign edit "Edited later"', AUTHOR);
    const saved = await herald.submitView(edit.view, { subject: 'Now with a new subject' }, AUTHOR);
    expect(saved.json).toBeUndefined();
    const after = await row('Edited later');
    expect(after).toMatchObject({ status: 'draft', approved_hash: null, approved_by: null, subject: 'Now with a new subject' });
    const { card, replies } = threadOf(after);
    expect(replies.at(-1)).toContain('<@UAUTHOR> changed the subject of a campaign that was approved');
    expect(replies.at(-1)).toContain('back to *draft*');
    expect(replies.at(-1)).toContain('needs a new approval');
    expect(card).toContain('Draft');
    const schedule = await click('schedule', campaign.id, AUTHOR);
    expect(schedule.text).toContain('is a draft, so it cannot be scheduled');
  });
});

describe('the campaign form', () => {
  it.each([
    ['a past send time', { send_date: '2020-01-01' }, 'send_date', 'in the past'],
    ['no lists', { lists: [] }, 'lists', 'Pick at least one list'],
    ['an unknown template', { template: '999999' }, 'template', 'does not exist'],
    ['a bad from address', { from_email: 'news at acme' }, 'from_email', 'is not an email address'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone', 'is not a time zone'],
    ['unescaped output in a typed body', { body: 'Hi {{{first_name}}}' }, 'body', 'unescaped output'],
    ['Handlebars\' log helper in a typed body', { body: 'Hi {{log email}}' }, 'body', '“log” is not a helper Herald knows'],
    ['a partial in the subject', { subject: 'News {{> footer}}' }, 'subject', 'partials'],
  ])('answers %s with an error on that input and saves nothing', async (_case, overrides, field, message) => {
    const before = await campaignCount();
    const opened = await herald.command('campaign new', AUTHOR);
    const outcome = await herald.submitView(opened.view, formValues(`Bad ${field}`, overrides), AUTHOR);
    expect(outcome.json.response_action).toBe('errors');
    expect(Object.keys(outcome.json.errors)).toEqual([field]);
    expect(outcome.json.errors[field]).toContain(message);
    expect(await campaignCount()).toBe(before);
  });

  it('fills in the subject of the template picked, unless one was typed', async () => {
    const opened = await herald.command('campaign new', AUTHOR);
    const subjectOf = (view: { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> }) =>
      view.blocks.find((b) => b.block_id === 'subject')?.element?.initial_value;
    const picked = await herald.action(CAMPAIGN_TEMPLATE_PICK_ACTION, { ...AUTHOR, view: opened.view, values: { template: String(team.templateId) } });
    expect(picked.calls.map((c) => c.method)).toContain('views.update');
    expect(subjectOf(picked.view)).toBe('News for {{first_name}}');
    const typed = await herald.action(CAMPAIGN_TEMPLATE_PICK_ACTION, {
      ...AUTHOR, view: picked.view, values: { template: String(team.templateId), subject: 'My own words', name: 'Kept' },
    });
    expect(subjectOf(typed.view)).toBe('My own words');
    expect(typed.view.blocks.find((b: { block_id?: string }) => b.block_id === 'name').element.initial_value).toBe('Kept');
  });

  it('drafts from a message with the message as the body', async () => {
    const opened = await herald.shortcut(CAMPAIGN_FROM_MESSAGE_SHORTCUT, {
      ...AUTHOR, message: { ts: '1700000000.000900', text: 'Big news: <https://acme.test/launch|our launch> is *today*' },
    });
    const body = opened.view.blocks.find((b: { block_id?: string }) => b.block_id === 'body');
    expect(body.element.initial_value).toBe('Big news: our launch (https://acme.test/launch) is *today*');
    await herald.submitView(opened.view, formValues('From a message', { body: body.element.initial_value }), AUTHOR);
    const html = await herald.db.primary.oneFirst(sql.type(z.object({ html_content: z.string() }))`
      SELECT html_content FROM campaigns WHERE name = 'From a message'`);
    expect(html).toBe('<p>Big news: our launch (<a href="https://acme.test/launch">https://acme.test/launch</a>) is <strong>today</strong></p>');
  });

  it('deletes drafts only', async () => {
    await draft('Scrap me');
    const deleted = await herald.command('campaign delete "Scrap me"', AUTHOR);
    expect(deleted.text).toContain('Deleted the draft “Scrap me”');
    expect(await campaignNamed('Scrap me')).toBeNull();
    const scheduled = await herald.command('campaign delete "Spring sale"', AUTHOR);
    expect(scheduled.text).toContain('only drafts can be deleted');
  });
});
