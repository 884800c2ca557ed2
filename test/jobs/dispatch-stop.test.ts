import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Actor } from '../../src/accounts/actor.ts';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../src/campaigns/workflow.ts';
import type { DispatchOptions } from '../../src/delivery/context.ts';
import { retryUnknown } from '../../src/delivery/retry-unknown.ts';
import { expireLeases } from '../../src/db/recipients.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { campaignRow, recipientCounts, seedDueCampaign, startSinkAndHarness } from '../helpers/delivery.ts';
import type { Refusal } from '../helpers/smtp-sink.ts';

/**
 * What a dispatcher does with the batch in its hands when the campaign stops or its leases
 * age: the SMTP sink holds its replies, so a pause, a cancel or another dispatcher's lease
 * expiry happens while known messages are in flight.
 */

let db: Awaited<ReturnType<typeof openTestDatabase>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await db?.close();
});

/** Replies the sink holds until the test lets them go, oldest first. */
function heldReplies() {
  const held: Array<(reply: Refusal | undefined) => void> = [];
  const arrivals: Array<() => void> = [];
  let holding = true;
  return {
    hold(): Promise<Refusal | undefined> {
      if (!holding) return Promise.resolve(undefined);
      const { promise, resolve } = Promise.withResolvers<Refusal | undefined>();
      held.push(resolve);
      arrivals.splice(0).forEach((arrived) => arrived());
      return promise;
    },
    /** resolves once `count` messages are waiting for their reply */
    async waiting(count: number): Promise<void> {
      while (held.length < count) await new Promise<void>((resolve) => arrivals.push(resolve));
    },
    /** answers the oldest held message (accepted unless a refusal is given) */
    answer(reply?: Refusal): void {
      held.shift()?.(reply);
    },
    /** accepts everything held and everything after */
    stopHolding(): void {
      holding = false;
      while (held.length > 0) this.answer();
    },
  };
}

async function scenario(count: number, options: Partial<DispatchOptions>) {
  const replies = heldReplies();
  const { sink, harness, close } = await startSinkAndHarness(db, { hold: () => replies.hold() }, options);
  closers.push(close);
  const { userId, ref } = await seedDueCampaign(db.primary, count);
  const actor: Actor = { userId, teamId: 'T1', memberId: 'UAPPROVER', role: 'approver' };
  return { replies, sink, harness, ref, actor };
}

const Row = z.object({ status: z.string(), attempts: z.number(), error: z.string().nullable() });
const recipients = (ref: CampaignRef) => db.primary.any(sql.type(Row)`
  SELECT status, attempts::int AS attempts, error FROM campaign_recipients
   WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} ORDER BY contact_id`);

const emailsCharged = (ref: CampaignRef) =>
  db.primary.oneFirst(sql.type(z.object({ monthly_emails_sent: z.number() }))`
    SELECT monthly_emails_sent FROM users WHERE id = ${ref.userId}`);

describe('a pause or cancel while a batch is in flight', () => {
  it('cancel: no further message goes out, an in-flight 4xx is not queued again, the rest is skipped', async () => {
    const { replies, sink, harness, ref, actor } = await scenario(10, { batchSize: 10, concurrency: 2, statusCheckMillis: 0 });
    const round = harness.dispatcher.runRound();
    await replies.waiting(2);
    await cancelCampaign(db.primary, actor, ref.campaignId);
    replies.answer();
    replies.answer({ code: 451, message: 'Try again later' });
    replies.stopHolding();
    await round;

    expect(sink.received).toHaveLength(1);
    expect(sink.refusals.map((r) => r.code)).toEqual([451]);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 1, skipped: 9 });
    const skipped = (await recipients(ref)).filter((r) => r.status === 'skipped');
    expect(new Set(skipped.map((r) => r.error))).toEqual(new Set(['campaign cancelled']));
    expect(await emailsCharged(ref)).toBe(1);

    expect(await harness.dispatcher.runRound()).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect((await campaignRow(db.primary, ref)).status).toBe('cancelled');
  });

  it('pause: the rest of the batch goes back to pending untried, and resuming sends each recipient once', async () => {
    const { replies, sink, harness, ref, actor } = await scenario(10, { batchSize: 10, concurrency: 2, statusCheckMillis: 0 });
    const round = harness.dispatcher.runRound();
    await replies.waiting(2);
    await pauseCampaign(db.primary, actor, ref.campaignId);
    replies.stopHolding();
    await round;

    expect(sink.received).toHaveLength(2);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 2, pending: 8 });
    const pending = (await recipients(ref)).filter((r) => r.status === 'pending');
    expect(pending.map((r) => r.attempts)).toEqual(Array(8).fill(0));
    expect(await emailsCharged(ref)).toBe(2);

    await db.primary.query(sql.unsafe`
      UPDATE campaigns SET approved_hash = campaign_content_hash(campaigns) WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
    await resumeCampaign(db.primary, actor, ref.campaignId);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(sink.received).toHaveLength(10);
    expect(Math.max(...sink.countsByAddress().values())).toBe(1);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 10 });
    expect(await emailsCharged(ref)).toBe(10);
  });
});

describe('leases of a slow batch', () => {
  it('are renewed while the batch goes out, so another dispatcher does not declare its recipients unknown', async () => {
    const { replies, sink, harness, ref } = await scenario(3, { batchSize: 3, concurrency: 1, leaseSeconds: 4, statusCheckMillis: 0 });
    const round = harness.dispatcher.runRound();
    await replies.waiting(1);
    await sleep(2_000);
    replies.answer();
    await replies.waiting(1);
    await sleep(3_000); // past the claim's lease
    expect(await expireLeases(db.primary)).toBe(0);
    replies.stopHolding();
    await round;

    expect(sink.received).toHaveLength(3);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 3 });
  });

  it('that ran out are not sent: those recipients stay unknown, and "Retry unknown" sends each of them once', async () => {
    const { replies, sink, harness, ref } = await scenario(3, { batchSize: 3, concurrency: 1, leaseSeconds: 1, statusCheckMillis: 0 });
    const round = harness.dispatcher.runRound();
    await replies.waiting(1);
    await sleep(1_500);
    expect(await expireLeases(db.primary)).toBe(3); // as another dispatcher would, with the first message in flight
    replies.stopHolding();
    await round;

    expect(sink.received).toHaveLength(1);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 1, unknown: 2 });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(await retryUnknown(db.primary, ref, 'UAPPROVER')).toBe(2);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(sink.received).toHaveLength(3);
    expect(Math.max(...sink.countsByAddress().values())).toBe(1);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 3 });
    expect(await emailsCharged(ref)).toBe(3);
  });
});
