import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { retryUnknown } from '../../src/delivery/retry-unknown.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { genericSignature, SIGNATURE_HEADER } from '../../src/webhooks/generic.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { countRows, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness, TEST_SECRET } from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
let ref: CampaignRef;

beforeAll(async () => {
  db = await openTestDatabase();
  sink = await startSmtpSink({ parse: false });
  // DELIVERED_ON=webhook: deliveries are counted when the provider reports them, not on SMTP acceptance
  harness = await startDeliveryHarness(db, sink.url(), { deliveredOnAcceptance: false });
  const userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, ['hard', 'soft', 'complainer', 'forged', 'fine'].map((name) => ({ email: `${name}@example.org` })));
  ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
  expect(await harness.sendUntilSettled(ref)).toBe('sent');
});

afterAll(async () => {
  await harness?.close();
  await sink?.close();
  await db?.close();
});

const messageIdOf = (email: string) =>
  db.primary.oneFirst(sql.type(z.object({ message_id: z.string() }))`
    SELECT message_id FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND email = ${email}`);

const contactOf = (email: string) =>
  db.primary.one(sql.type(z.object({ status: z.string(), soft_bounce_count: z.number() }))`
    SELECT status, soft_bounce_count FROM contacts WHERE user_id = ${ref.userId} AND email = ${email}`);

const campaignStats = () =>
  db.primary.one(sql.type(z.object({ emails_bounced: z.number(), emails_hard_bounced: z.number(), emails_complained: z.number(), emails_delivered: z.number() }))`
    SELECT emails_bounced, emails_hard_bounced, emails_complained, emails_delivered FROM campaigns WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);

async function post(body: string, signature: string | null = genericSignature(TEST_SECRET, body), provider = 'generic') {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers[SIGNATURE_HEADER] = signature;
  const response = await fetch(`${harness.base}/webhooks/${provider}`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as { results?: string[]; error?: string } };
}

const rowsWritten = async () => ({
  events: await countRows(db.primary, 'email_events'),
  keys: await countRows(db.primary, 'processed_events'),
});

describe('generic signed webhook', () => {
  it('applies a hard bounce once however often it is delivered', async () => {
    const body = JSON.stringify({ id: 'evt-hard-1', type: 'bounce', bounce_type: 'hard', message_id: await messageIdOf('hard@example.org'), reason: '550 5.1.1 unknown user' });
    const before = await rowsWritten();
    const replies = [await post(body), await post(body), await post(body)];
    expect(replies).toEqual([
      { status: 200, json: { results: ['applied'] } },
      { status: 200, json: { results: ['duplicate'] } },
      { status: 200, json: { results: ['duplicate'] } },
    ]);
    expect(await rowsWritten()).toEqual({ events: before.events + 1, keys: before.keys + 1 });
    expect(await contactOf('hard@example.org')).toMatchObject({ status: 'bounced' });
    expect(await campaignStats()).toMatchObject({ emails_bounced: 1, emails_hard_bounced: 1 });
    const reason = await db.primary.oneFirst(sql.type(z.object({ bounce_reason: z.string() }))`
      SELECT bounce_reason FROM email_events WHERE user_id = ${ref.userId} AND event_type = 'bounced'`);
    expect(reason).toBe('550 5.1.1 unknown user');
  });

  it('refuses a forged or missing signature with 401 and writes nothing', async () => {
    const body = JSON.stringify({ id: 'evt-forged', type: 'complaint', message_id: await messageIdOf('forged@example.org') });
    const before = await rowsWritten();
    expect((await post(body, genericSignature('not-the-secret-0123456789', body))).status).toBe(401);
    expect((await post(body, `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body.replace('complaint', 'bounce'), genericSignature(TEST_SECRET, body))).status).toBe(401);
    expect(await rowsWritten()).toEqual(before);
    expect(await contactOf('forged@example.org')).toMatchObject({ status: 'subscribed' });
  });

  it('counts a soft bounce once per message, however often the provider reports it', async () => {
    const messageId = await messageIdOf('soft@example.org');
    const soft = (n: number) => JSON.stringify({ id: `evt-soft-${n}`, type: 'bounce', bounce_type: 'soft', message_id: messageId });
    const bouncedBefore = (await campaignStats()).emails_bounced;
    for (const n of [1, 2, 3, 4]) expect(await post(soft(n))).toEqual({ status: 200, json: { results: ['applied'] } });
    expect(await contactOf('soft@example.org')).toEqual({ status: 'subscribed', soft_bounce_count: 1 });
    expect(await campaignStats()).toMatchObject({ emails_bounced: bouncedBefore + 1 });
  });

  it('suppresses after soft bounces of 3 messages with no delivery between; a reported delivery starts the count again', async () => {
    const [contactId] = await seedContacts(db.primary, ref.userId, [{ email: 'flaky@example.org' }]) as [bigint];
    const listId = await seedList(db.primary, ref.userId, [contactId]);
    /** A campaign sent to flaky@example.org alone: the Message-ID it got. */
    const sendOne = async () => {
      const campaign = await seedCampaign(db.primary, ref.userId, { listIds: [listId] });
      expect(await harness.sendUntilSettled(campaign)).toBe('sent');
      return db.primary.oneFirst(sql.type(z.object({ message_id: z.string() }))`
        SELECT message_id FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${campaign.campaignId}`);
    };
    let seq = 0;
    const report = async (type: 'bounce' | 'delivery', messageId: string) =>
      post(JSON.stringify({ id: `evt-flaky-${++seq}`, type, bounce_type: 'soft', message_id: messageId }));

    await report('bounce', await sendOne());
    await report('bounce', await sendOne());
    expect(await contactOf('flaky@example.org')).toEqual({ status: 'subscribed', soft_bounce_count: 2 });
    await report('delivery', await sendOne());
    expect(await contactOf('flaky@example.org')).toEqual({ status: 'subscribed', soft_bounce_count: 0 });

    for (const expected of [1, 2]) {
      await report('bounce', await sendOne());
      expect(await contactOf('flaky@example.org')).toEqual({ status: 'subscribed', soft_bounce_count: expected });
    }
    await report('bounce', await sendOne());
    expect(await contactOf('flaky@example.org')).toEqual({ status: 'bounced', soft_bounce_count: 3 });
  });

  it('marks a complaint and counts a reported delivery, in a batch of events', async () => {
    const deliveredBefore = (await campaignStats()).emails_delivered;
    expect(deliveredBefore).toBe(0); // nothing counted as delivered on SMTP acceptance
    const body = JSON.stringify({
      events: [
        { id: 'evt-complaint', type: 'complaint', message_id: await messageIdOf('complainer@example.org') },
        { id: 'evt-delivered', type: 'delivery', message_id: (await messageIdOf('fine@example.org')).replace(/[<>]/g, '') },
        { id: 'evt-stranger', type: 'bounce', message_id: '<nobody@elsewhere.example>' },
      ],
    });
    expect(await post(body)).toEqual({ status: 200, json: { results: ['applied', 'applied', 'unattributed'] } });
    expect(await contactOf('complainer@example.org')).toMatchObject({ status: 'complained' });
    expect(await contactOf('fine@example.org')).toMatchObject({ status: 'subscribed' });
    expect(await campaignStats()).toMatchObject({ emails_complained: 1, emails_delivered: deliveredBefore + 1 });
  });

  it('attributes a complaint about the first copy of a message "Retry unknown" sent again; the campaign keeps when its sending first ended', async () => {
    const [contactId] = await seedContacts(db.primary, ref.userId, [{ email: 'retried@example.org' }]) as [bigint];
    const campaign = await seedCampaign(db.primary, ref.userId, { listIds: [await seedList(db.primary, ref.userId, [contactId])] });
    const recipient = () =>
      db.primary.one(sql.type(z.object({ message_id: z.string(), sent_at: z.date() }))`
        SELECT r.message_id, c.sent_at FROM campaign_recipients r JOIN campaigns c ON c.user_id = r.user_id AND c.id = r.campaign_id
         WHERE r.user_id = ${campaign.userId} AND r.campaign_id = ${campaign.campaignId}`);
    expect(await harness.sendUntilSettled(campaign)).toBe('sent');
    const first = await recipient();
    // the server accepted it, but the outcome was lost: the lease ran out before it was recorded
    await db.primary.query(sql.unsafe`
      UPDATE campaign_recipients SET status = 'unknown' WHERE user_id = ${campaign.userId} AND campaign_id = ${campaign.campaignId}`);
    expect(await retryUnknown(db.primary, campaign, 'U_ADMIN')).toBe(1);
    expect(await harness.sendUntilSettled(campaign)).toBe('sent');
    const second = await recipient();
    expect(second.message_id).not.toBe(first.message_id);
    expect(second.sent_at).toEqual(first.sent_at);

    const complaint = JSON.stringify({ id: 'evt-first-copy', type: 'complaint', message_id: first.message_id });
    expect(await post(complaint)).toEqual({ status: 200, json: { results: ['applied'] } });
    expect(await contactOf('retried@example.org')).toMatchObject({ status: 'complained' });
  });

  it('dates a report stamped in the future (a wrong clock) when it arrives, so it never waits in the default partition', async () => {
    const body = JSON.stringify({ id: 'evt-future-1', type: 'delivery', message_id: await messageIdOf('fine@example.org'), occurred_at: '2099-06-01T00:00:00Z' });
    expect(await post(body)).toEqual({ status: 200, json: { results: ['applied'] } });
    const stored = await db.primary.one(sql.type(z.object({ in_future: z.boolean(), in_default: z.boolean() }))`
      SELECT e.created_at > now() AS in_future, e.tableoid = 'email_events_default'::regclass AS in_default
        FROM email_events e WHERE e.metadata->>'provider_event_id' = 'evt-future-1'`);
    expect(stored).toEqual({ in_future: false, in_default: false });
  });

  it('answers 400 to a signed body it cannot read, 413 to a huge one, 404 to an unknown provider', async () => {
    const before = await rowsWritten();
    const bad = JSON.stringify({ id: 'evt-bad', type: 'explosion', message_id: '<x@y>' });
    expect(await post(bad)).toMatchObject({ status: 400, json: { error: expect.stringContaining('type') } });
    const huge = JSON.stringify({ id: 'evt-huge', type: 'bounce', message_id: '<x@y>', reason: 'x'.repeat(300_000) });
    expect((await fetch(`${harness.base}/webhooks/generic`, { method: 'POST', headers: { [SIGNATURE_HEADER]: genericSignature(TEST_SECRET, huge) }, body: huge })).status).toBe(413);
    expect((await post('{}', genericSignature(TEST_SECRET, '{}'), 'mailgun')).status).toBe(404);
    expect(await rowsWritten()).toEqual(before);
  });
});
