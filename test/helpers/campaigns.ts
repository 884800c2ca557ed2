import { sql } from 'slonik';
import { expect } from 'vitest';
import { z } from 'zod';
import { CAMPAIGN_ACTIONS } from '../../src/bot/views/campaign-ids.ts';
import { textOf, type As, type Outcome, type TestHerald } from './herald-app.ts';

/**
 * A Slack workspace set up for campaign tests, driven only through signed requests: an admin,
 * an author (editor), an approver and another editor; a list "Customers" with contacts added
 * through the contact form; and a template written in the template form.
 */

export const CHANNEL = 'CMARKETING';
export const ADMIN: As = { user: 'UADMIN', channel: CHANNEL };
export const AUTHOR: As = { user: 'UAUTHOR', channel: CHANNEL };
export const APPROVER: As = { user: 'UAPPROVER', channel: CHANNEL };
export const EDITOR: As = { user: 'UEDITOR', channel: CHANNEL };

const Id = z.object({ id: z.bigint() });
const Row = z.object({
  id: z.bigint(), status: z.string(), subject: z.string(), approved_hash: z.string().nullable(), content_hash: z.string(),
  approved_by: z.string().nullable(), slack_channel_id: z.string().nullable(), slack_message_ts: z.string().nullable(),
  held_at: z.date().nullable(),
});
export type CampaignRow = z.infer<typeof Row>;

export const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

export type CampaignTeam = Awaited<ReturnType<typeof setUpCampaignTeam>>;

export async function setUpCampaignTeam(herald: TestHerald, contacts: ReadonlyArray<{ email: string; first_name?: string }>) {
  await herald.command('members', ADMIN);
  for (const member of [AUTHOR, APPROVER, EDITOR]) await herald.command('members', member);
  await herald.command('role <@UAPPROVER> approver', ADMIN);
  const db = herald.db.primary;
  const userId = await db.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  const opened = await herald.command('list create', AUTHOR);
  await herald.submitView(opened.view, { name: 'Customers' }, AUTHOR);
  for (const contact of contacts) {
    const add = await herald.command('contact add Customers', AUTHOR);
    await herald.submitView(add.view, { email: contact.email, first_name: contact.first_name ?? '', fields: 'company=Acme' }, AUTHOR);
  }
  const template = await herald.command('template create', AUTHOR);
  const savedTemplate = await herald.submitView(template.view, {
    name: 'Newsletter', subject: 'News for {{first_name}}', html: '<p>Hi {{first_name}}, see <a href="https://acme.test/sale">the sale</a></p>',
  }, AUTHOR);
  expect(savedTemplate.json).toBeUndefined();
  const listId = await db.oneFirst(sql.type(Id)`SELECT id FROM lists WHERE user_id = ${userId} AND name = 'Customers'`);
  const templateId = await db.oneFirst(sql.type(Id)`SELECT id FROM templates WHERE user_id = ${userId} AND name = 'Newsletter'`);

  const row = async (name: string): Promise<CampaignRow> => {
    const found = await db.maybeOne(sql.type(Row)`
      SELECT c.id, c.status, c.subject, c.approved_hash, campaign_content_hash(c) AS content_hash, c.approved_by,
             c.slack_channel_id, c.slack_message_ts, c.held_at
        FROM campaigns c WHERE c.user_id = ${userId} AND c.name = ${name} AND c.deleted_at IS NULL`);
    if (!found) throw new Error(`no campaign called ${name}`);
    return found;
  };

  const formValues = (name: string, overrides: Record<string, unknown> = {}) => ({
    name, template: String(templateId), from_email: 'news@acme.test', from_name: 'Acme', lists: [String(listId)],
    send_date: tomorrow(), send_time: '10:00', timezone: 'Europe/Berlin', ...overrides,
  });

  const click = (action: keyof typeof CAMPAIGN_ACTIONS, campaignId: bigint, as: As): Promise<Outcome> =>
    herald.action(CAMPAIGN_ACTIONS[action], { ...as, value: String(campaignId) });

  /** `/herald campaign new` and the form submitted with `overrides`. */
  const draft = async (name: string, as: As = AUTHOR, overrides: Record<string, unknown> = {}) => {
    const opened = await herald.command('campaign new', as);
    expect(opened.view?.callback_id).toBe('campaign_save');
    const saved = await herald.submitView(opened.view, formValues(name, overrides), as);
    expect(saved.json).toBeUndefined();
    return row(name);
  };

  const pendingApproval = async (name: string, as: As = AUTHOR) => {
    const campaign = await draft(name, as);
    await click('requestApproval', campaign.id, as);
    return row(name);
  };

  /** Drafted by AUTHOR, approved by APPROVER in the approval modal. */
  const approved = async (name: string) => {
    const campaign = await pendingApproval(name);
    const opened = await click('approve', campaign.id, APPROVER);
    await herald.submitView(opened.view, { decision: 'approve' }, APPROVER);
    return row(name);
  };

  /** The card's text and the thread's replies, oldest first. */
  const threadOf = (campaign: Pick<CampaignRow, 'slack_channel_id' | 'slack_message_ts'>) => {
    const [card, ...replies] = herald.slack.thread(campaign.slack_channel_id ?? '', campaign.slack_message_ts ?? '');
    return { card: textOf(card?.blocks ?? card?.text), replies: replies.map((m) => textOf(m.blocks ?? m.text)) };
  };

  return { userId, listId, templateId, row, formValues, click, draft, pendingApproval, approved, threadOf };
}
