import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runQuotaJob, type QuotaDeps } from '../../src/jobs/quota.ts';
import { recipientCounts, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryBed, type DeliveryBed } from '../helpers/delivery.ts';

/**
 * The turn of an account's billing month when a campaign is due before the quota job has run
 * (it runs every 5 minutes): the dispatcher starts the new month itself, by the job's rule.
 * Days come from the database's clock, which also decides when a campaign is due.
 */

let { db, sink, harness, close } = {} as DeliveryBed;
beforeAll(async () => ({ db, sink, harness, close } = await startDeliveryBed({ batchSize: 10 })));
afterAll(() => close?.());

const Quota = z.object({ monthly_emails_sent: z.number(), quota_period_start: z.string(), quota_warned_percent: z.number() });
const quotaOf = (userId: string) =>
  db.primary.one(sql.type(Quota)`
    SELECT monthly_emails_sent, quota_period_start::text AS quota_period_start, quota_warned_percent FROM users WHERE id = ${userId}`);

/**
 * A campaign to `count` recipients, due now, of an account whose billing month starts today
 * and which still counts `sentLastMonth` of the month before (as at 00:00 UTC on its anchor day).
 */
async function campaignAtTurnOfMonth(count: number, limit: number, sentLastMonth: number) {
  const userId = await seedAccount(db.primary, { monthlyLimit: limit, sentThisMonth: sentLastMonth });
  const anchorDay = await db.primary.oneFirst(sql.type(z.object({ billing_anchor: z.string() }))`
    UPDATE users SET billing_anchor = (now() AT TIME ZONE 'UTC')::date,
                     quota_period_start = ((now() AT TIME ZONE 'UTC')::date - interval '1 month')::date,
                     quota_warned_percent = ${sentLastMonth >= limit ? 100 : 0}
     WHERE id = ${userId} RETURNING billing_anchor::text AS billing_anchor`);
  const prefix = Math.random().toString(36).slice(2, 8);
  const ids = await seedContacts(db.primary, userId, Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.org` })));
  const ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
  return { userId, ref, anchorDay, received: () => sink.received.filter((r) => r.to.startsWith(prefix)).length };
}

const jobAt = (now: string): QuotaDeps => ({ db: db.primary, notifier: harness.notifier, log: harness.dispatcherDeps.log, now: () => new Date(now) });

describe('a campaign due at the start of the billing month, before the quota job has run', () => {
  it('sends on the new month’s quota although last month’s was used up', async () => {
    const { userId, ref, anchorDay, received } = await campaignAtTurnOfMonth(30, 100, 100);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    expect(received()).toBe(30);
    expect(await recipientCounts(db.primary, ref)).toEqual({ sent: 30 });
    expect(await quotaOf(userId)).toEqual({ monthly_emails_sent: 30, quota_period_start: anchorDay, quota_warned_percent: 0 });
  });

  it('keeps what it sent counted when the job runs after it', async () => {
    const { userId, ref, anchorDay } = await campaignAtTurnOfMonth(30, 100, 10);
    expect(await harness.sendUntilSettled(ref)).toBe('sent');
    await runQuotaJob(jobAt(`${anchorDay}T00:05:00Z`));
    expect(await quotaOf(userId)).toMatchObject({ monthly_emails_sent: 30, quota_period_start: anchorDay });
  });
});
