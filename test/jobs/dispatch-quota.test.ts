import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cancelCampaign, pauseCampaign } from '../../src/campaigns/workflow.ts';
import { campaignRow, recipientCounts, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryBed, startDeliveryHarness, type DeliveryBed } from '../helpers/delivery.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

let { db, sink, harness, close } = {} as DeliveryBed;
beforeAll(async () => ({ db, sink, harness, close } = await startDeliveryBed({ batchSize: 25 })));
afterAll(() => close?.());

async function campaignTo(count: number, account: Parameters<typeof seedAccount>[1] = {}) {
  const userId = await seedAccount(db.primary, account);
  const prefix = Math.random().toString(36).slice(2, 8);
  const ids = await seedContacts(db.primary, userId, Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.org` })));
  const listId = await seedList(db.primary, userId, ids);
  const ref = await seedCampaign(db.primary, userId, { listIds: [listId] });
  const received = () => sink.received.filter((r) => r.to.startsWith(prefix)).length;
  return { userId, ref, listId, received, prefix };
}

const emailsSent = (userId: string) =>
  db.primary.oneFirst(sql.type(z.object({ monthly_emails_sent: z.number() }))`SELECT monthly_emails_sent FROM users WHERE id = ${userId}`);

describe('monthly quota', () => {
  it('with 10 emails left, a 50-recipient campaign sends 10, pauses, and says so in its thread', async () => {
    const { userId, ref, received } = await campaignTo(50, { monthlyLimit: 100, sentThisMonth: 90 });
    expect(await harness.sendUntilSettled(ref)).toBe('paused');
    expect(received()).toBe(10);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 10, pending: 40 });
    expect(await emailsSent(userId)).toBe(100);
    expect((await harness.thread(ref)).at(-1)).toBe(
      "Sending paused: the account's monthly email limit of 100 is used up. 10 sent so far, 40 still waiting. " +
        'Raise the limit or wait for the next billing period, then resume the campaign.',
    );
  });

  it('continues where it stopped after the limit is raised and the campaign resumed, without re-reading its lists', async () => {
    const { userId, ref, listId, received, prefix } = await campaignTo(30, { monthlyLimit: 10 });
    expect(await harness.sendUntilSettled(ref)).toBe('paused');
    // joins the list while paused: the ledger was written when sending started, so it is not added
    const [late] = await seedContacts(db.primary, userId, [{ email: `${prefix}late@example.org` }]);
    await db.primary.query(sql.unsafe`INSERT INTO list_contacts (user_id, list_id, contact_id) VALUES (${userId}, ${listId}, ${late!})`);
    await db.primary.query(sql.unsafe`UPDATE users SET monthly_email_limit = 1000 WHERE id = ${userId}`);
    await db.primary.query(sql.unsafe`UPDATE campaigns SET status = 'scheduled' WHERE user_id = ${userId} AND id = ${ref.campaignId}`);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(received()).toBe(30);
    expect(sink.countsByAddress().size).toBe(sink.received.length);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 30 });
    expect(await emailsSent(userId)).toBe(30);
  });

  it('gives back quota for messages that were refused', async () => {
    const refusing = await startSmtpSink({ parse: false, rcpt: () => ({ code: 550, message: 'No' }) });
    const refused = await startDeliveryHarness(db, refusing.url());
    try {
      const { userId, ref } = await campaignTo(5, { monthlyLimit: 100 });
      expect(await refused.sendUntilSettled(ref)).toBe('sent');
      expect(await recipientCounts(db.primary, ref)).toEqual({ failed: 5 });
      expect(await emailsSent(userId)).toBe(0);
    } finally {
      await refused.close();
      await refusing.close();
    }
  });
});

describe('send rate', () => {
  it('claims no more recipients than the account rate sends well within the lease', async () => {
    // 30 messages a second per account and 1-second leases: 10 a claim (a third of the lease), not 25
    const slow = await startDeliveryHarness(db, sink.url(), { batchSize: 25, leaseSeconds: 1, accountRatePerSecond: 30 });
    try {
      const { ref, received } = await campaignTo(25);
      await slow.dispatcher.runRound();
      expect(received()).toBe(10);
      expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 10, pending: 15 });
      expect(await slow.sendUntilSettled(ref)).toBe('sent');
      expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 25 });
    } finally {
      await slow.close();
    }
  });
});

describe('account and campaign status', () => {
  it('an account whose subscription is not active sends nothing; the campaign pauses and says why', async () => {
    const { ref, received } = await campaignTo(5, { status: 'past_due' });
    expect(await harness.sendUntilSettled(ref)).toBe('paused');
    expect(received()).toBe(0);
    expect((await harness.thread(ref)).at(-1)).toContain("the account's subscription is past due");
  });

  it('a pause by someone else stops the next batch; cancelling then skips the recipients not tried', async () => {
    const { ref, received } = await campaignTo(60);
    const actor = { userId: ref.userId, teamId: 'T1', memberId: 'UADMIN', role: 'admin' as const };
    await harness.dispatcher.runRound();
    expect(received()).toBe(25);
    await pauseCampaign(db.primary, actor, ref.campaignId);
    for (let round = 0; round < 3; round++) await harness.dispatcher.runRound();
    expect(received()).toBe(25);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 25, pending: 35 });
    await cancelCampaign(db.primary, actor, ref.campaignId);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 25, skipped: 35 });
  });

  it('re-checks suppression at send time: a contact unsubscribed after sending started is skipped', async () => {
    const { userId, ref, prefix, received } = await campaignTo(40);
    await harness.dispatcher.runRound();
    await db.primary.query(sql.unsafe`UPDATE contacts SET status = 'unsubscribed' WHERE user_id = ${userId} AND email = ${`${prefix}33@example.org`}`);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(received()).toBe(39);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 39, skipped: 1 });
    expect((await campaignRow(db.primary, ref)).emails_sent).toBe(39);
  });
});

describe('audience', () => {
  it('applies the segment: all tags, a custom field value, engagement within N days', async () => {
    const userId = await seedAccount(db.primary);
    const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const ids = await seedContacts(db.primary, userId, [
      { email: 'match@example.org', tags: ['vip', 'eu'], custom_fields: { plan: 'pro' } },
      { email: 'one-tag@example.org', tags: ['vip'], custom_fields: { plan: 'pro' } },
      { email: 'other-plan@example.org', tags: ['vip', 'eu'], custom_fields: { plan: 'free' } },
      { email: 'stale@example.org', tags: ['vip', 'eu'], custom_fields: { plan: 'pro' } },
    ]);
    await db.primary.query(sql.unsafe`
      UPDATE contacts SET last_engaged_at = ${recent}::timestamptz WHERE user_id = ${userId} AND email <> 'stale@example.org'`);
    const ref = await seedCampaign(db.primary, userId, {
      listIds: [await seedList(db.primary, userId, ids)],
      segment: { tags: ['vip', 'eu'], field: { key: 'plan', value: 'pro' }, engagedWithinDays: 7 },
    });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    const audience = await db.primary.anyFirst(sql.type(z.object({ email: z.string() }))`
      SELECT email FROM campaign_recipients WHERE user_id = ${userId} AND campaign_id = ${ref.campaignId}`);
    expect(audience).toEqual(['match@example.org']);
  });

  it('fails a campaign whose segment is invalid, with the reason in its thread', async () => {
    const userId = await seedAccount(db.primary);
    const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, [])], segment: { engagedWithinDays: -3 } });
    expect(await harness.sendUntilSettled(ref)).toBe('failed');
    expect((await harness.thread(ref)).at(-1)).toMatch(/^Sending failed: The audience filter is invalid \(engagedWithinDays: /);
  });
});
