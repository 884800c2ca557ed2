import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDispatcher, type Dispatcher } from '../../src/delivery/dispatcher.ts';
import { createDeliveryRuntime, type DeliveryRuntime } from '../../src/delivery/runtime.ts';
import { createMailTransport, type MailTransport } from '../../src/mail/transport.ts';
import { createTrackingUrls } from '../../src/tracking/urls.ts';
import { APPROVER, AUTHOR, setUpCampaignTeam, tomorrow, type CampaignRow, type CampaignTeam } from '../helpers/campaigns.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

/**
 * From approval to the mailbox, with the real dispatcher and a real SMTP server: send now,
 * pause and resume, the pre-flight test send, and the stale-schedule guard (a campaign whose
 * time passed while Herald was down is held, and nothing is sent until a person confirms).
 */

let herald: TestHerald;
let team: CampaignTeam;
let sink: SmtpSink;
let runtime: DeliveryRuntime;
let transport: MailTransport;
let dispatcher: Dispatcher;

const CONTACTS = ['ann@example.com', 'bob@example.com', 'cem@example.com'];

beforeAll(async () => {
  sink = await startSmtpSink();
  herald = await startTestHerald({ env: { HERALD_SECRET: 'sending-test-secret-0123456789', SMTP_URL: sink.url() } });
  team = await setUpCampaignTeam(herald, CONTACTS.map((email) => ({ email, first_name: email.slice(0, 3) })));
  runtime = await createDeliveryRuntime(herald.services);
  transport = createMailTransport({ smtpUrl: sink.url(), ratePerSecond: 1000, dataDir: herald.services.config.DATA_DIR });
  dispatcher = createDispatcher(
    { db: herald.db.primary, transport, notifier: herald.notifier, log: herald.services.log,
      urls: createTrackingUrls(herald.base, runtime.signer), defaultFrom: 'herald@acme.test' },
    { scheduleGraceMinutes: 60 },
  );
});
afterAll(async () => {
  dispatcher?.stop();
  await transport?.close();
  await runtime?.stop();
  // the app's mail pool first: the sink would wait 30 s for its connection otherwise
  await herald?.close();
  await sink?.close();
});

/** Approved and scheduled through Slack, then its time moved into the past: Herald "was down" since. */
async function scheduledThenMissed(name: string, missedBy: string): Promise<CampaignRow> {
  const campaign = await team.approved(name);
  await team.click('schedule', campaign.id, AUTHOR);
  expect((await team.row(name)).status).toBe('scheduled');
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET scheduled_at = now() - ${missedBy}::interval WHERE id = ${campaign.id}`);
  return team.row(name);
}

async function dispatchUntilIdle(): Promise<void> {
  await dispatcher.runUntilIdle();
  await herald.web.idle();
}

const ledgerSize = (campaignId: bigint) =>
  herald.db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ${campaignId}`);

describe('the stale-schedule guard', () => {
  it('holds a campaign scheduled 3 hours in the past, sends nothing, and asks in the thread', async () => {
    const campaign = await scheduledThenMissed('Missed launch', '3 hours');
    await dispatchUntilIdle();
    await dispatchUntilIdle();

    const held = await team.row('Missed launch');
    expect(held.status).toBe('paused');
    expect(held.held_at).not.toBeNull();
    expect(sink.received).toHaveLength(0);
    expect(await ledgerSize(campaign.id)).toBe(0n);
    const { card, replies } = team.threadOf(held);
    expect(card).toContain('Held');
    expect(card).toContain('Confirm: send now');
    const prompts = replies.filter((reply) => reply.includes('Herald was not running then'));
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toContain('Confirm: send now');
    expect(prompts[0]).toContain('Reschedule');
  });

  it('sends once a person confirms, and only then', async () => {
    const campaign = await team.row('Missed launch');
    const confirmed = await team.click('resume', campaign.id, AUTHOR);
    expect(confirmed.text).toContain('<@UAUTHOR> confirmed the overdue send');
    expect((await team.row('Missed launch')).status).toBe('scheduled');
    await dispatchUntilIdle();
    expect((await team.row('Missed launch')).status).toBe('sent');
    expect(sink.received.map((r) => r.to).sort()).toEqual(CONTACTS);
  });

  it('offers rescheduling instead, which needs a new approval', async () => {
    const campaign = await scheduledThenMissed('Missed again', '5 hours');
    await dispatchUntilIdle();
    const opened = await team.click('reschedule', campaign.id, AUTHOR);
    expect(opened.view?.callback_id).toBe('campaign_reschedule');
    await herald.submitView(opened.view, { send_date: tomorrow(), send_time: '11:15' }, AUTHOR);
    const rescheduled = await team.row('Missed again');
    expect(rescheduled).toMatchObject({ status: 'draft', held_at: null, approved_hash: null });
    expect(team.threadOf(rescheduled).replies.at(-1)).toContain('changed the send time of a campaign that was held');
    await dispatchUntilIdle();
    expect(await ledgerSize(campaign.id)).toBe(0n);
  });

  it('sends a campaign that is late by less than the grace without asking', async () => {
    const before = sink.received.length;
    await scheduledThenMissed('Slightly late', '10 minutes');
    await dispatchUntilIdle();
    expect((await team.row('Slightly late')).status).toBe('sent');
    expect(sink.received.length - before).toBe(CONTACTS.length);
  });

  it('lets an approver check the held state with /herald campaigns', async () => {
    const listed = await herald.command('campaigns', APPROVER);
    expect(listed.text).toContain('*Missed again* — :memo: Draft');
    expect(listed.text).toContain('*Missed launch* — :mailbox_with_mail: Sent');
  });
});

describe('after approval', () => {
  it('sends now on the next dispatcher round, and the card shows it was sent', async () => {
    const campaign = await team.approved('Right away');
    const before = sink.received.length;
    await team.click('sendNow', campaign.id, AUTHOR);
    expect((await team.row('Right away')).status).toBe('scheduled');
    await dispatchUntilIdle();
    expect((await team.row('Right away')).status).toBe('sent');
    expect(sink.received.length - before).toBe(CONTACTS.length);
    const { card, replies } = team.threadOf(await team.row('Right away'));
    expect(replies).toContainEqual(expect.stringContaining('<@UAUTHOR> chose *Send now*'));
    expect(card).toContain('Sent');
    expect(card).toContain(`${CONTACTS.length} of ${CONTACTS.length} sent`);
  });

  it('pauses and resumes by command without moving a future send time', async () => {
    const campaign = await team.approved('Later on');
    await team.click('schedule', campaign.id, AUTHOR);
    const paused = await herald.command('campaign pause "Later on"', AUTHOR);
    expect(paused.text).toContain('Paused by <@UAUTHOR>');
    expect((await team.row('Later on')).status).toBe('paused');
    const resumed = await herald.command('campaign resume "Later on"', AUTHOR);
    expect(resumed.text).toContain('Resumed by <@UAUTHOR>');
    const after = await team.row('Later on');
    expect(after.status).toBe('scheduled');
    await dispatchUntilIdle();
    expect(await ledgerSize(campaign.id)).toBe(0n);
    const again = await herald.command('campaign resume "Later on"', AUTHOR);
    expect(again.text).toContain('is scheduled, so it cannot be resumed');
  });
});

describe('send test', () => {
  it('sends the rendered email to the addresses given, and the thread records it', async () => {
    herald.slack.setUser('UAUTHOR', { tz: 'Europe/Berlin', name: 'Author', email: 'author@acme.test' });
    const campaign = await team.draft('Tested');
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    expect(opened.view?.callback_id).toBe('campaign_send_test');
    const to = opened.view.blocks.find((b: { block_id?: string }) => b.block_id === 'addresses');
    expect(to.element.initial_value).toBe('author@acme.test');
    const before = sink.received.length;
    const sent = await herald.submitView(opened.view, { addresses: 'author@acme.test, boss@acme.test' }, AUTHOR);
    expect(sent.json).toBeUndefined();
    const tests = sink.received.slice(before);
    expect(tests.map((r) => r.to).sort()).toEqual(['author@acme.test', 'boss@acme.test']);
    expect(tests[0]?.mail?.subject).toMatch(/^\[Test\] News for /);
    expect(team.threadOf(campaign).replies.at(-1)).toContain('<@UAUTHOR> sent a test to author@acme.test, boss@acme.test');
    expect(await ledgerSize(campaign.id)).toBe(0n);
  });

  it('refuses bad addresses under the input and sends nothing', async () => {
    const campaign = await team.row('Tested');
    const opened = await team.click('sendTest', campaign.id, AUTHOR);
    const before = sink.received.length;
    const refused = await herald.submitView(opened.view, { addresses: 'not-an-address' }, AUTHOR);
    expect(refused.json.response_action).toBe('errors');
    expect(refused.json.errors.addresses).toContain('valid email addresses');
    expect(sink.received.length).toBe(before);
  });
});
