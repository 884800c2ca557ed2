import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../../src/accounts/actor.ts';
import { createCampaign, editCampaign, rescheduleCampaign } from '../../src/campaigns/drafts.ts';
import type { CampaignForm } from '../../src/campaigns/form.ts';
import {
  approveCampaign,
  cancelCampaign,
  holdOverdueSchedules,
  requestApproval,
  resumeCampaign,
  scheduleCampaign,
} from '../../src/campaigns/workflow.ts';
import type { Database } from '../../src/db/pool.ts';
import { UserError } from '../../src/errors.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { addToList, createAccount, createContacts, createList } from '../helpers/fixtures.ts';
import { until } from '../helpers/slack-sign.ts';

let db: Database & { url: string };
let userId: string;
let listId: bigint;
let templateId: bigint;
const author: () => Actor = () => ({ userId, teamId: 'T1', memberId: 'UAUTHOR', role: 'editor' });
const approver: () => Actor = () => ({ userId, teamId: 'T1', memberId: 'UAPPROVER', role: 'approver' });

beforeAll(async () => {
  db = await openTestDatabase();
  userId = await createAccount(db.primary);
  listId = await createList(db.primary, userId, 'Customers');
  await addToList(db.primary, userId, listId, await createContacts(db.primary, userId, 3));
  templateId = await db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO templates (user_id, name, subject, html_content) VALUES (${userId}, 'News', 'Hello {{first_name}}', '<p>Hi</p>')
    RETURNING id`);
});
afterAll(async () => {
  await db.close();
});

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

function form(overrides: Partial<CampaignForm> = {}): CampaignForm {
  return {
    name: `Campaign ${Math.random().toString(36).slice(2, 8)}`, templateId: String(templateId), subject: '', body: '',
    fromName: 'Acme', fromEmail: 'news@acme.test', listIds: [String(listId)], tags: '', field: '', engagedDays: '',
    sendDate: tomorrow(), sendTime: '10:00', timezone: 'Europe/Berlin', ...overrides,
  };
}

async function approved() {
  const campaign = await createCampaign(db.primary, author(), form());
  const requested = await requestApproval(db.primary, author(), campaign, { unsubscribeMailto: false });
  return approveCampaign(db.primary, approver(), campaign.id, requested.campaign.content_hash, '');
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const auditActions = (campaignId: bigint) =>
  db.primary.anyFirst(sql.type(z.object({ action: z.string() }))`
    SELECT action FROM audit_log WHERE user_id = ${userId} AND entity_type = 'campaign' AND entity_id = ${campaignId} ORDER BY id`);

describe('campaign workflow (domain)', () => {
  it('copies the template subject and records the approved hash', async () => {
    const { campaign, entry } = await approved();
    expect(campaign.subject).toBe('Hello {{first_name}}');
    expect(campaign.status).toBe('approved');
    expect(campaign.approved_hash).toBe(campaign.content_hash);
    expect(entry).toEqual({ action: 'approve', from_status: 'pending_approval', to_status: 'approved', content_hash: campaign.content_hash });
    const scheduled = await scheduleCampaign(db.primary, author(), campaign.id);
    expect(scheduled.campaign.status).toBe('scheduled');
    expect(await auditActions(campaign.id)).toEqual(['create', 'request_approval', 'approve', 'schedule']);
  });

  it('resets an approved campaign to draft when its send time changes, with the reason', async () => {
    const { campaign } = await approved();
    const { campaign: after, changes, resetFrom } = await rescheduleCampaign(db.primary, author(), campaign.id,
      { sendDate: tomorrow(), sendTime: '11:30', timezone: 'Europe/Berlin' });
    expect({ changes, resetFrom }).toEqual({ resetFrom: 'approved', changes: ['send time'] });
    expect(after.status).toBe('draft');
    expect(after.approved_hash).toBeNull();
  });

  it('keeps the approval when an edit changes nothing that is sent', async () => {
    const { campaign } = await approved();
    const { resetFrom, campaign: after } = await editCampaign(db.primary, author(), campaign.id, {
      ...form(), name: `${campaign.name} renamed`, sendDate: tomorrow(), sendTime: '10:00', subject: campaign.subject,
    });
    expect(resetFrom).toBeNull();
    expect(after.status).toBe('approved');
  });

  it('refuses an approver who changed the content, even after a later save by the author changed nothing or changed more', async () => {
    const fourEyes = async (authorEdit: Partial<CampaignForm>) => {
      const campaign = await createCampaign(db.primary, author(), form());
      const byApprover = await editCampaign(db.primary, approver(), campaign.id, { ...form(), name: campaign.name, subject: 'The approver wrote this' });
      expect(byApprover.campaign.edited_by).toBe('UAPPROVER');
      const byAuthor = await editCampaign(db.primary, author(), campaign.id, { ...form(), name: campaign.name, subject: 'The approver wrote this', ...authorEdit });
      const requested = await requestApproval(db.primary, author(), byAuthor.campaign, { unsubscribeMailto: false });
      return rejection(approveCampaign(db.primary, approver(), campaign.id, requested.campaign.content_hash, ''));
    };
    // a save that changes nothing an approval covers leaves the approver as the last editor
    expect((await fourEyes({})).message).toContain('someone else has to approve it');
    // the author's later change does not make the approver's earlier text reviewed
    expect((await fourEyes({ subject: 'The author changed it again' })).message).toContain('someone else has to approve it');
  });

  it('reschedules the content as it is when the campaign is locked, keeping an edit saved meanwhile', async () => {
    const campaign = await createCampaign(db.primary, author(), form());
    const colleague = await db.copy.connect();
    await colleague.query('BEGIN');
    await colleague.query(`UPDATE campaigns SET subject = 'A colleague changed this' WHERE id = $1`, [String(campaign.id)]);
    const rescheduled = rescheduleCampaign(db.primary, author(), campaign.id, { sendDate: tomorrow(), sendTime: '11:30', timezone: 'Europe/Berlin' });
    // committed only once the reschedule waits for the campaign's row lock
    await until(() => db.primary.exists(sql.type(z.object({ pid: z.number() }))`
      SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'`));
    await colleague.query('COMMIT');
    colleague.release();
    const { campaign: after } = await rescheduled;
    expect(after.subject).toBe('A colleague changed this');
  });

  it('refuses a send time in the past on the right input and writes nothing', async () => {
    const error = await rejection(createCampaign(db.primary, author(), form({ name: 'Past', sendDate: '2020-01-01' })));
    expect(error.fields).toHaveProperty('send_date');
    expect(await db.primary.exists(sql.type(z.object({ id: z.bigint() }))`SELECT id FROM campaigns WHERE name = 'Past'`)).toBe(false);
  });

  it('cancels, and approving the cancelled campaign is a clear no-op', async () => {
    const campaign = await createCampaign(db.primary, author(), form());
    const requested = await requestApproval(db.primary, author(), campaign, { unsubscribeMailto: false });
    await cancelCampaign(db.primary, author(), campaign.id);
    const error = await rejection(approveCampaign(db.primary, approver(), campaign.id, requested.campaign.content_hash, ''));
    expect(error.message).toContain('was cancelled');
    expect(await auditActions(campaign.id)).not.toContain('approve');
  });

  it('holds an overdue scheduled campaign, and resuming sends it now', async () => {
    const { campaign } = await approved();
    await scheduleCampaign(db.primary, author(), campaign.id);
    await db.primary.query(sql.unsafe`UPDATE campaigns SET scheduled_at = now() - interval '3 hours' WHERE id = ${campaign.id}`);
    const held = await holdOverdueSchedules(db.primary, 60);
    expect(held.map((h) => h.campaign_id)).toContain(campaign.id);
    expect(await holdOverdueSchedules(db.primary, 60)).toEqual([]);
    const resumed = await resumeCampaign(db.primary, author(), campaign.id);
    expect(resumed.campaign.status).toBe('scheduled');
    expect(resumed.campaign.held_at).toBeNull();
    expect(resumed.entry.from_status).toBe('paused');
    expect(await auditActions(campaign.id)).toEqual(['create', 'request_approval', 'approve', 'schedule', 'hold_overdue', 'confirm_overdue']);
  });
});
