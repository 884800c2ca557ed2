import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RETRY_UNKNOWN_ACTION } from '../../src/bot/views/delivery-report.ts';
import { retryUnknown } from '../../src/delivery/retry-unknown.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { CARD_CHANNEL, campaignRow, recipientCounts, seedDueCampaign, startSinkAndHarness } from '../helpers/delivery.ts';
import type { SinkScript } from '../helpers/smtp-sink.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await openTestDatabase();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await db?.close();
});

/** A sink scripted as given, a harness sending to it, and a due campaign to `count` contacts. */
async function scenario(count: number, script: SinkScript, maxAttempts = 5) {
  const { sink, harness, close } = await startSinkAndHarness(db, script, { batchSize: 25, maxAttempts });
  closers.push(close);
  const { ref, address } = await seedDueCampaign(db.primary, count);
  return { sink, harness, ref, address };
}

async function recipient(ref: CampaignRef, email: string) {
  return db.primary.one(sql.type(z.object({ status: z.string(), attempts: z.number(), error: z.string().nullable() }))`
    SELECT status, attempts::int AS attempts, error FROM campaign_recipients
     WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND email = ${email}`);
}

describe('SMTP answers', () => {
  it('421 for a while, then recovery: everyone is sent exactly once', async () => {
    let refusals = 0;
    const { sink, harness, ref } = await scenario(100, {
      rcpt: () => (refusals++ < 10 ? { code: 421, message: 'Try again later' } : undefined),
    });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(sink.refusals).toHaveLength(10);
    expect(sink.received).toHaveLength(100);
    expect(sink.countsByAddress().size).toBe(100);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 100 });
  });

  it('550 for one address: that recipient fails with the reason, the others are sent', async () => {
    const { sink, harness, ref, address } = await scenario(40, {
      rcpt: (to) => (to === address(7) ? { code: 550, message: 'No such user' } : undefined),
    });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 39, failed: 1 });
    expect(await recipient(ref, address(7))).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('550') });
    expect(sink.received.map((r) => r.to)).not.toContain(address(7));
    expect((await harness.thread(ref)).at(-1)).toBe('Sending finished: 39 sent, 1 failed, 0 skipped, 0 unknown (40 recipients).');
  });

  it('4xx on every attempt: retried with backoff up to the limit, then failed', async () => {
    const { harness, ref, address } = await scenario(5, {
      rcpt: (to) => (to === address(2) ? { code: 450, message: 'Mailbox busy' } : undefined),
    }, 3);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(await recipient(ref, address(2))).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringContaining('450') });
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 4, failed: 1 });
  });

  it('connection lost after the message was transmitted: unknown, never resent automatically, resent on "retry unknown"', async () => {
    let dropped = false;
    const { sink, harness, ref, address } = await scenario(30, {
      dropAfterData: (to) => to === address(3) && !dropped && (dropped = true),
    });
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(sink.dropped).toEqual([address(3)]);
    expect(sink.countsByAddress().get(address(3))).toBeUndefined();
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 29, unknown: 1 });
    for (let round = 0; round < 3; round++) await harness.dispatcher.runRound();
    expect(sink.dropped).toHaveLength(1);

    const report = harness.slack.thread(CARD_CHANNEL, (await campaignRow(db.primary, ref)).slack_message_ts).at(-1);
    expect(report?.text).toBe('Sending finished: 29 sent, 0 failed, 0 skipped, 1 unknown (30 recipients).');
    const retryButton = report?.blocks?.flatMap((b) => (b.accessory ? [b.accessory] : [])).find((e) => e.action_id === RETRY_UNKNOWN_ACTION);
    expect(retryButton?.value).toBe(String(ref.campaignId));

    expect(await retryUnknown(db.primary, ref, 'UAPPROVER')).toBe(1);
    expect((await campaignRow(db.primary, ref)).status).toBe('sending');
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(sink.countsByAddress().get(address(3))).toBe(1);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 30 });
    await expect(retryUnknown(db.primary, ref, 'UAPPROVER')).rejects.toThrow('nothing to retry');
  });
});
