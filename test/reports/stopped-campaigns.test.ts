import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cancelCampaign } from '../../src/campaigns/workflow.ts';
import { claimCardsWithNewCounters } from '../../src/db/card-refresh.ts';
import { homeCampaigns } from '../../src/db/home.ts';
import { stopSending } from '../../src/delivery/transitions.ts';
import { CARD_REFRESH_DAYS } from '../../src/jobs/card-refresh.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { buildDigest } from '../../src/reports/digests.ts';
import { FIRST_PAGES } from '../../src/reports/home.ts';
import { accountOverview } from '../../src/reports/stats.ts';
import { recordEvents } from '../helpers/campaign-events.ts';
import { seedAccount, seedCampaign, seedContacts, seedList, startDeliveryBed, type DeliveryBed } from '../helpers/delivery.ts';

/**
 * A campaign that sent part of its audience, then was cancelled or failed, still sent those
 * emails: /herald stats, digests, the App Home and its card's refreshes count it.
 */

let { db, sink, harness, close } = {} as DeliveryBed;
beforeAll(async () => ({ db, sink, harness, close } = await startDeliveryBed({ batchSize: 10 })));
afterAll(() => close?.());

async function campaignTo(count: number, account: Parameters<typeof seedAccount>[1] = {}): Promise<CampaignRef> {
  const userId = await seedAccount(db.primary, account);
  const prefix = Math.random().toString(36).slice(2, 8);
  const ids = await seedContacts(db.primary, userId, Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.org` })));
  return seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
}

const Row = z.object({ status: z.string(), emails_sent: z.number(), sent_at: z.date().nullable() });
const row = (ref: CampaignRef) =>
  db.primary.one(sql.type(Row)`SELECT status, emails_sent, sent_at FROM campaigns WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);

const admin = (ref: CampaignRef) => ({ userId: ref.userId, teamId: 'T1', memberId: 'UADMIN', role: 'admin' as const });

/** Where the campaign shows: /herald stats, a daily digest posted `digestAt`, the App Home's sent section. */
async function whereItShows(ref: CampaignRef, digestAt: Date) {
  const overview = await accountOverview(db.read, ref.userId);
  const subscription = {
    user_id: ref.userId, id: 1n, channel_id: 'CDIGEST', frequency: 'daily' as const, time_of_day: '09:00', weekday: 1,
    timezone: 'UTC', created_by: 'UADMIN', next_run_at: digestAt, last_run_at: null, last_list_counts: {},
  };
  const { digest } = await buildDigest(db.read, subscription, digestAt);
  const home = await homeCampaigns(db.read, { userId: ref.userId, memberId: 'UADMIN', canApprove: true }, FIRST_PAGES, 10);
  return {
    overview: overview.campaigns.map((c) => c.id),
    digest: digest.campaigns.map((c) => c.id),
    digestSent: digest.current.sent,
    homeSent: home.filter((c) => c.section === 'sent').map((c) => c.id),
  };
}

/** The campaigns whose card refresh this call claims (their counters moved since last drawn). */
async function cardsToRefresh(): Promise<bigint[]> {
  return (await claimCardsWithNewCounters(db.primary, CARD_REFRESH_DAYS)).map((ref) => ref.campaignId);
}

describe('a campaign stopped part-way through sending', () => {
  it('cancelled after sending paused: dated when it was cancelled, and counted everywhere', async () => {
    const ref = await campaignTo(30, { monthlyLimit: 10 });
    expect(await harness.sendUntilSettled(ref)).toBe('paused'); // the quota stopped it after 10
    await cancelCampaign(db.primary, admin(ref), ref.campaignId);
    const cancelled = await row(ref);
    expect(cancelled).toMatchObject({ status: 'cancelled', emails_sent: 10 });
    expect(cancelled.sent_at).not.toBeNull();

    const shows = await whereItShows(ref, new Date(cancelled.sent_at!.getTime() + 3_600_000));
    expect(shows).toEqual({ overview: [ref.campaignId], digest: [ref.campaignId], digestSent: 10, homeSent: [ref.campaignId] });
  });

  it('failed while sending: counted everywhere, and its card keeps following bounces', async () => {
    const ref = await campaignTo(100);
    await harness.dispatcher.runRound();
    expect(await stopSending(db.primary, ref, 'failed', 'the template broke')).toBe(true);
    const failed = await row(ref);
    expect(failed.status).toBe('failed');
    expect(failed.emails_sent).toBeGreaterThan(0);
    expect(failed.sent_at).not.toBeNull();

    const shows = await whereItShows(ref, new Date(failed.sent_at!.getTime() + 3_600_000));
    expect(shows).toMatchObject({ overview: [ref.campaignId], digest: [ref.campaignId], homeSent: [ref.campaignId] });

    await cardsToRefresh(); // the card as drawn now
    const [bounced] = await db.primary.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
      SELECT contact_id FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND status = 'sent' LIMIT 1`);
    await recordEvents(db.primary, ref.userId, ref.campaignId, [{ contactId: bounced!, type: 'bounced', bounceType: 'hard' }]);
    expect(await cardsToRefresh()).toEqual([ref.campaignId]);
  });

  it('one stopped before sent_at was recorded gets it from the audit row that stopped it (migration 0078)', async () => {
    const ref = await campaignTo(30, { monthlyLimit: 10 });
    expect(await harness.sendUntilSettled(ref)).toBe('paused');
    await cancelCampaign(db.primary, admin(ref), ref.campaignId);
    // as a cancel before this release left it
    await db.primary.query(sql.unsafe`UPDATE campaigns SET sent_at = NULL WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
    const cancelledAt = await db.primary.oneFirst(sql.type(z.object({ created_at: z.date() }))`
      SELECT created_at FROM audit_log WHERE user_id = ${ref.userId} AND entity_id = ${ref.campaignId} AND action = 'cancel'`);

    const migration = await readFile(new URL('../../migrations/0078_stopped_campaigns_sent_at.sql', import.meta.url), 'utf8');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(migration.split('-- Down Migration')[0]!);
    } finally {
      await client.end();
    }
    expect((await row(ref)).sent_at).toEqual(cancelledAt);
  });

  it('a campaign cancelled before it sent anything stays out of them', async () => {
    const ref = await campaignTo(5, { monthlyLimit: 0 });
    expect(await harness.sendUntilSettled(ref)).toBe('paused'); // nothing left of the quota
    await cancelCampaign(db.primary, admin(ref), ref.campaignId);
    expect(await row(ref)).toMatchObject({ status: 'cancelled', emails_sent: 0 });
    const shows = await whereItShows(ref, new Date(Date.now() + 3_600_000));
    expect(shows).toEqual({ overview: [], digest: [], digestSent: 0, homeSent: [] });
  });
});
