import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AUTO_PAUSE_ACTIONS } from '../../src/bot/views/auto-pause.ts';
import { resumeCampaign } from '../../src/campaigns/workflow.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { genericSignature } from '../../src/webhooks/generic.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness, TEST_SECRET } from '../helpers/delivery.ts';
import { interactiveBody, postSigned, until } from '../helpers/slack-sign.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

// The dispatcher with 50-recipient batches against a real SMTP sink; hard bounces arrive
// through the signed generic webhook, as a provider would report them.
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let ref: CampaignRef;

async function reportHardBounces(messageIds: readonly string[]) {
  const body = JSON.stringify({
    events: messageIds.map((messageId, i) => ({ id: `bounce-${i}`, type: 'bounce', bounce_type: 'hard', message_id: messageId, reason: '550 5.1.1 user unknown' })),
  });
  const response = await fetch(`${harness.base}/webhooks/generic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-herald-signature': genericSignature(TEST_SECRET, body) },
    body,
  });
  expect(response.status).toBeLessThan(300);
}

async function pressButton(actionId: string, user: string) {
  const responseId = `press-${user}`;
  const payload = {
    type: 'block_actions', team: { id: 'T1', domain: 't1' }, user: { id: user, team_id: 'T1' }, api_app_id: 'AHERALD',
    trigger_id: 'trigger.1', channel: { id: 'CCAMPAIGNS' }, message: { ts: '1700000000.000001', text: '' },
    container: { type: 'message', channel_id: 'CCAMPAIGNS', message_ts: '1700000000.000001' },
    response_url: harness.slack.responseUrl(responseId),
    actions: [{ type: 'button', action_id: actionId, block_id: 'auto_pause', value: String(ref.campaignId), action_ts: '1700000000.1' }],
  };
  const response = await postSigned(`${harness.base}/slack/events`, 'delivery-signing-secret', interactiveBody(payload));
  expect(response.status).toBe(200);
  await until(() => harness.slack.responses.some((r) => r.path === `/response/${responseId}`));
  return harness.slack.responses.find((r) => r.path === `/response/${responseId}`)!.body;
}

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink();
  harness = await startDeliveryHarness(db, sink.url(), { batchSize: 50 });
  const userId = await seedAccount(db.primary);
  await db.primary.query(sql.unsafe`
    INSERT INTO slack_workspaces (team_id, user_id, installed_by) VALUES ('T1', ${userId}, 'UADMIN')`);
  await db.primary.query(sql.unsafe`
    INSERT INTO members (user_id, slack_user_id, role) VALUES (${userId}, 'UADMIN', 'admin'), (${userId}, 'UEDITOR', 'editor')`);
  const contacts = await seedContacts(db.primary, userId, Array.from({ length: 400 }, (_, i) => ({ email: `reader${i}@example.org` })));
  ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, contacts)] });
}, 60_000);

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

describe('auto-pause while the dispatcher sends', () => {
  it('pauses on hard bounces past 5 %: no further messages reach the SMTP server, the thread gets the alert, an editor cannot resume', async () => {
    await harness.dispatcher.runRound();
    await harness.dispatcher.runRound();
    expect(sink.received).toHaveLength(100);

    // 10 of the first 100 bounce hard (10 %)
    await reportHardBounces(sink.received.slice(0, 10).map((r) => r.mail!.messageId!));
    expect(await harness.sendUntilSettled(ref)).toBe('paused');
    const sentBeforePause = sink.received.length;
    expect(sentBeforePause).toBeLessThanOrEqual(150); // at most the batch in hand when the bounces were judged
    for (let round = 0; round < 3; round += 1) expect(await harness.dispatcher.runRound()).toBe(0);
    expect(sink.received).toHaveLength(sentBeforePause);

    const alert = (await harness.thread(ref)).find((text) => text.includes('Herald paused'));
    expect(alert).toMatch(/hard bounces \d+\.\d %/);

    const refused = await pressButton(AUTO_PAUSE_ACTIONS.resume, 'UEDITOR');
    expect(refused.text).toContain('Only approvers and admins can resume a campaign Herald paused');
    // nor through the card's Resume or `/herald campaign resume`, which end in the same domain call
    // (on a campaign that was approved, as one that is sending was)
    await db.primary.query(sql.unsafe`
      UPDATE campaigns c SET approved_hash = campaign_content_hash(c), approved_by = 'UADMIN' WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
    const editor = { userId: ref.userId, teamId: 'T1', memberId: 'UEDITOR', role: 'editor' } as const;
    const byCard = await resumeCampaign(db.primary, editor, ref.campaignId).then(() => null, (error: Error) => error);
    expect(byCard?.message).toContain('Only approvers and admins can resume a campaign Herald paused for its bounces or complaints');
    expect((await campaignRow(db.primary, ref)).status).toBe('paused');
    expect(await harness.dispatcher.runRound()).toBe(0);
    expect(sink.received).toHaveLength(sentBeforePause);
    const pending = await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      SELECT count(*) AS n FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND status = 'pending'`);
    expect(Number(pending)).toBe(400 - sentBeforePause);

    const byAdmin = await resumeCampaign(db.primary, { ...editor, memberId: 'UADMIN', role: 'admin' }, ref.campaignId);
    expect(byAdmin.campaign.status).toBe('scheduled');
  });
});
