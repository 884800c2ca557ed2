import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AUTO_PAUSE_ACTIONS } from '../../src/bot/views/auto-pause.ts';
import { checkSendingCampaigns } from '../../src/jobs/auto-pause.ts';
import { autoPauseSettings, breachesOf } from '../../src/reports/auto-pause.ts';
import { recordEvents } from '../helpers/campaign-events.ts';
import { addRecipients, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;

const statusOf = (campaignId: bigint) =>
  herald.db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`
    SELECT status FROM campaigns WHERE user_id = ${userId} AND id = ${campaignId}`);

/** A campaign mid-send with a card in #CAMPAIGNS, and its first `sent` events. */
async function sendingCampaign(recipients: number) {
  const contacts = await createContacts(herald.db.primary, userId, recipients);
  const campaignId = await createCampaign(herald.db.primary, userId);
  await addRecipients(herald.db.primary, userId, campaignId, contacts);
  const card = await herald.web.app.client.chat.postMessage({ channel: 'CCAMPAIGNS', text: 'the campaign card' });
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET status = 'sending', approved_hash = campaign_content_hash(campaigns), approved_by = 'UAPPROVER',
                         slack_channel_id = 'CCAMPAIGNS', slack_message_ts = ${card.ts!}
     WHERE user_id = ${userId} AND id = ${campaignId}`);
  return { campaignId, contacts, cardTs: card.ts! };
}

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('help', { user: 'UADMIN' }); // installs the workspace; UADMIN is admin
  await herald.command('role <@UAPPROVER> approver');
  await herald.command('help', { user: 'UEDITOR' });
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
});
afterAll(() => herald.close());

describe('auto-pause limits', () => {
  const defaults = autoPauseSettings(undefined);

  it('defaults to 5 % hard bounces and 0.3 % complaints after 100 sends, overridable per account', () => {
    expect(defaults).toEqual({ hard_bounce_percent: 5, complaint_percent: 0.3, minimum_sample: 100 });
    expect(autoPauseSettings({ hard_bounce_percent: 2 })).toEqual({ ...defaults, hard_bounce_percent: 2 });
    expect(autoPauseSettings({ hard_bounce_percent: 'lots' })).toEqual(defaults);
  });

  it('judges rates only after the minimum sample, and only what was sent since the last pause', () => {
    expect(breachesOf({ sent: 99, hard_bounced: 50, complained: 0 }, null, defaults)).toEqual([]);
    expect(breachesOf({ sent: 100, hard_bounced: 5, complained: 0 }, null, defaults)).toEqual([]);
    expect(breachesOf({ sent: 100, hard_bounced: 6, complained: 1 }, null, defaults).map((b) => b.kind)).toEqual(['hard bounces', 'complaints']);
    const baseline = { sent: 100, hard_bounced: 6, complained: 1 };
    expect(breachesOf({ sent: 150, hard_bounced: 9, complained: 1 }, baseline, defaults)).toEqual([]); // 50 new sends: too few
    expect(breachesOf({ sent: 300, hard_bounced: 16, complained: 1 }, baseline, defaults)).toEqual([]); // 10 of 200 = 5 %: not past
    expect(breachesOf({ sent: 300, hard_bounced: 17, complained: 1 }, baseline, defaults)).toEqual([
      { kind: 'hard bounces', count: 11, sample: 200, percent: 5.5, limit: 5 },
    ]);
  });
});

describe('auto-pause while sending', () => {
  it('pauses a campaign whose hard bounces pass the limit, alerts its thread, and lets only approvers resume', async () => {
    const { campaignId, contacts, cardTs } = await sendingCampaign(200);
    const deps = { db: herald.db.primary, notifier: herald.notifier, log: herald.services.log };
    await recordEvents(herald.db.primary, userId, campaignId, contacts.slice(0, 120).map((contactId) => ({ contactId, type: 'sent' as const })));
    await recordEvents(herald.db.primary, userId, campaignId, contacts.slice(0, 6).map((contactId) => ({ contactId, type: 'bounced' as const, bounceType: 'hard' as const })));
    expect(await checkSendingCampaigns(deps)).toBe(0); // 6 of 120 = 5 %: at the limit, not past it
    expect(await statusOf(campaignId)).toBe('sending');

    await recordEvents(herald.db.primary, userId, campaignId, [{ contactId: contacts[6]!, type: 'bounced', bounceType: 'hard' }]);
    expect(await checkSendingCampaigns(deps)).toBe(1);
    expect(await checkSendingCampaigns(deps)).toBe(0);
    expect(await statusOf(campaignId)).toBe('paused');
    const audit = await herald.db.primary.one(sql.type(z.object({ actor: z.string(), from_status: z.string(), to_status: z.string() }))`
      SELECT actor, from_status, to_status FROM audit_log WHERE user_id = ${userId} AND entity_id = ${campaignId} AND action = 'auto_pause'`);
    expect(audit).toEqual({ actor: 'herald', from_status: 'sending', to_status: 'paused' });

    const alerts = herald.slack.thread('CCAMPAIGNS', cardTs).filter((m) => m.ts !== cardTs);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain('hard bounces 5.8 %');
    const buttons = alerts[0]!.blocks!.find((b) => b.type === 'actions')!.elements.map((e: { action_id: string }) => e.action_id);
    expect(buttons).toEqual([AUTO_PAUSE_ACTIONS.resume, AUTO_PAUSE_ACTIONS.cancel]);

    const refused = await herald.action(AUTO_PAUSE_ACTIONS.resume, { user: 'UEDITOR', value: String(campaignId), channel: 'CCAMPAIGNS' });
    expect(refused.text).toContain('Only approvers and admins can resume a campaign Herald paused');
    expect(await statusOf(campaignId)).toBe('paused');

    const resumed = await herald.action(AUTO_PAUSE_ACTIONS.resume, { user: 'UAPPROVER', value: String(campaignId), channel: 'CCAMPAIGNS' });
    expect(resumed.responses.at(-1)).toMatchObject({ replace_original: true, text: '<@UAPPROVER> resumed sending.' });
    expect(await statusOf(campaignId)).toBe('scheduled');
    expect(resumed.calls.filter((c) => c.method === 'chat.update').map((c) => c.args.ts)).toEqual([cardTs]);

    // the dispatcher picks it up again; what was already judged does not pause it twice
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET status = 'sending' WHERE user_id = ${userId} AND id = ${campaignId}`);
    expect(await checkSendingCampaigns(deps)).toBe(0);
    expect(await statusOf(campaignId)).toBe('sending');
  });

  it('pauses on complaints past the account’s own limit; an editor cannot cancel, an admin can', async () => {
    await herald.db.primary.query(sql.unsafe`
      UPDATE users SET settings = settings || '{"auto_pause": {"complaint_percent": 1, "minimum_sample": 50}}' WHERE id = ${userId}`);
    const { campaignId, contacts } = await sendingCampaign(60);
    await recordEvents(herald.db.primary, userId, campaignId, [
      ...contacts.map((contactId) => ({ contactId, type: 'sent' as const })),
      { contactId: contacts[0]!, type: 'complained' },
    ]);
    const deps = { db: herald.db.primary, notifier: herald.notifier, log: herald.services.log };
    expect(await checkSendingCampaigns(deps)).toBe(1); // 1 of 60 = 1.7 % > 1 %
    expect(await statusOf(campaignId)).toBe('paused');

    const refused = await herald.action(AUTO_PAUSE_ACTIONS.cancel, { user: 'UEDITOR', value: String(campaignId), channel: 'CCAMPAIGNS' });
    expect(refused.text).toContain('Only approvers and admins can cancel a campaign Herald paused');
    expect(await statusOf(campaignId)).toBe('paused');
    await herald.action(AUTO_PAUSE_ACTIONS.cancel, { user: 'UADMIN', value: String(campaignId), channel: 'CCAMPAIGNS' });
    expect(await statusOf(campaignId)).toBe('cancelled');
  });
});
