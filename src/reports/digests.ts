import type { CommonQueryMethods } from 'slonik';
import {
  claimDueDigest,
  deleteDigestSubscription,
  dueDigestSubscriptions,
  insertDigestSubscription,
  listDigestSubscriptions,
  recordDigestPosted,
  type DigestSubscription,
} from '../db/digests.ts';
import type { Database } from '../db/pool.ts';
import { campaignsSentBetween, listSizes, periodTotals, type CampaignCounters, type PeriodTotals } from '../db/reports.ts';
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { isTimeZone } from '../zoned-time.ts';
import { renderOpensClicksChart } from './chart.ts';
import { digestPeriod, nextRunAfter, parseTimeOfDay, periodLength, type DigestSchedule, type Frequency, type Period } from './schedule.ts';

/** A digest lists at most this many campaigns (and charts them); more are summarised. */
export const DIGEST_CAMPAIGN_LIMIT = 15;
const DUE_BATCH = 50;
/** A claimed digest that was not posted (Slack failed, the process died) is tried again this much later. */
export const DIGEST_RETRY_MS = 10 * 60_000;

export type ListChange = { name: string; before: number; after: number };

export type Digest = {
  frequency: Frequency;
  /** Since the previous digest (see digestPeriod). */
  period: Period;
  campaigns: readonly CampaignCounters[];
  current: PeriodTotals;
  previous: PeriodTotals;
  /** Lists whose size changed since the last digest; null for a first digest (nothing to compare). */
  listChanges: readonly ListChange[] | null;
};

export type DigestChart = { png: Buffer; filename: string; title: string };

/** Where a digest goes: its channel, and the member who subscribed (for when Herald cannot post there). */
export type DigestTarget = { channelId: string; subscriberId: string };
export type PostedDigest = { channel: string; ts: string };

/** How a digest reaches its channel (Slack in production; see src/bot/digest-publisher.ts). */
export type DigestPublisher = {
  /** Resolves once the digest is posted: from then on it counts as delivered. */
  post(target: DigestTarget, digest: Digest): Promise<PostedDigest>;
  /** Adds the chart under a posted digest. */
  attachChart(posted: PostedDigest, chart: DigestChart): Promise<void>;
};

export const scheduleOf = (s: DigestSubscription): DigestSchedule => ({
  frequency: s.frequency,
  timeOfDay: s.time_of_day,
  weekday: s.weekday,
  timezone: s.timezone,
});

export type SubscribeInput = {
  userId: string;
  memberId: string;
  channelId: string;
  frequency: Frequency;
  timeOfDay: string;
  weekday: number;
  timezone: string;
};

/** A subscription about to be saved. */
export type PlannedDigest = { schedule: DigestSchedule; channelId: string; nextRunAt: Date };

/**
 * Saves a subscription once `announce` resolved: the subscriber's side announces it in the
 * channel, which also proves Herald can post there, so a digest that could never arrive is
 * refused now, while someone is there to fix it.
 */
export async function subscribeToDigest(
  db: CommonQueryMethods,
  input: SubscribeInput,
  now: Date,
  announce: (planned: PlannedDigest) => Promise<void> = async () => {},
): Promise<DigestSubscription> {
  if (!parseTimeOfDay(input.timeOfDay)) throw new UserError(`“${input.timeOfDay}” is not a time of day; write it as HH:MM, e.g. 09:00.`);
  if (!isTimeZone(input.timezone)) throw new UserError(`Your Slack time zone “${input.timezone}” is unknown to Herald.`);
  const schedule = { frequency: input.frequency, timeOfDay: input.timeOfDay, weekday: input.weekday, timezone: input.timezone };
  const nextRunAt = nextRunAfter(schedule, now);
  await announce({ schedule, channelId: input.channelId, nextRunAt });
  return insertDigestSubscription(db, {
    ...schedule,
    userId: input.userId,
    channelId: input.channelId,
    createdBy: input.memberId,
    nextRunAt,
  });
}

export const listDigests = listDigestSubscriptions;

export async function unsubscribeFromDigest(db: CommonQueryMethods, userId: string, id: bigint): Promise<void> {
  if (!(await deleteDigestSubscription(db, userId, id))) {
    throw new UserError(`There is no digest subscription #${id}. \`/herald digest list\` shows yours.`);
  }
}

function listChangesSince(previous: Record<string, number>, lists: readonly { id: bigint; name: string; contact_count: number }[]): ListChange[] {
  return lists
    .map((list) => ({ name: list.name, before: previous[String(list.id)] ?? 0, after: list.contact_count }))
    .filter((change) => change.before !== change.after);
}

/** What a digest posted at `at` says. Reads only counters: a handful of queries per digest. */
export async function buildDigest(
  db: CommonQueryMethods,
  subscription: DigestSubscription,
  at: Date,
): Promise<{ digest: Digest; listCounts: Record<string, number> }> {
  // last_run_at is where the previous digest's period ended
  const period = digestPeriod(subscription.frequency, at, subscription.last_run_at);
  const [campaigns, totals, lists] = await Promise.all([
    campaignsSentBetween(db, subscription.user_id, period.from, period.to, DIGEST_CAMPAIGN_LIMIT),
    periodTotals(db, subscription.user_id, period.from, period.to),
    listSizes(db, subscription.user_id),
  ]);
  const firstDigest = subscription.last_run_at === null || Object.keys(subscription.last_list_counts).length === 0;
  return {
    digest: {
      frequency: subscription.frequency,
      period,
      campaigns,
      ...totals,
      listChanges: firstDigest ? null : listChangesSince(subscription.last_list_counts, lists),
    },
    listCounts: Object.fromEntries(lists.map((list) => [String(list.id), list.contact_count])),
  };
}

export async function digestChart(digest: Digest): Promise<DigestChart | null> {
  if (digest.campaigns.length === 0) return null;
  const title = `Unique opens and clicks per campaign, last ${periodLength(digest.period)}`;
  const png = await renderOpensClicksChart(
    digest.campaigns.map((c) => ({ label: c.name, opens: c.emails_opened, clicks: c.emails_clicked })),
    title,
  );
  return { png, filename: `herald-digest-${digest.period.to.toISOString().slice(0, 10)}.png`, title };
}

export type DigestRunner = { db: Pick<Database, 'primary' | 'read'>; publisher: DigestPublisher; log: Logger; now: () => Date };

/**
 * Posts one claimed digest and records it as soon as it is posted: a chart that fails
 * afterwards costs the chart, never a second digest or the list sizes it reported.
 */
async function postDigest(deps: DigestRunner, subscription: DigestSubscription, at: Date): Promise<void> {
  // `subscription` still holds the list sizes of the last posted digest (the claim leaves them)
  const { digest, listCounts } = await buildDigest(deps.db.read, subscription, at);
  const posted = await deps.publisher.post({ channelId: subscription.channel_id, subscriberId: subscription.created_by }, digest);
  await recordDigestPosted(deps.db.primary, subscription, { periodEnd: at, listCounts, nextRunAt: nextRunAfter(scheduleOf(subscription), at) });
  try {
    const chart = await digestChart(digest);
    if (chart) await deps.publisher.attachChart(posted, chart);
  } catch (error) {
    deps.log.warn({ err: error, userId: subscription.user_id, digest: String(subscription.id) }, 'digest posted without its chart');
  }
}

/**
 * Posts every digest that is due. A digest missed while Herald was down is due once: its
 * next run is computed from when it posts, not from the missed time, so it posts once and
 * moves on. Each one is claimed before posting, so with several processes each is posted
 * once; a claimed digest whose post failed is tried again DIGEST_RETRY_MS later (a digest
 * is posted twice only if the database fails between its post and its record).
 */
export async function runDueDigests(deps: DigestRunner): Promise<number> {
  const now = deps.now();
  const retryAt = new Date(now.getTime() + DIGEST_RETRY_MS);
  let posted = 0;
  for (;;) {
    const due = await dueDigestSubscriptions(deps.db.primary, now, DUE_BATCH);
    let claimed = 0;
    for (const subscription of due) {
      if (!(await claimDueDigest(deps.db.primary, subscription, now, retryAt))) continue;
      claimed += 1;
      try {
        await postDigest(deps, subscription, now);
        posted += 1;
      } catch (error) {
        deps.log.error({ err: error, userId: subscription.user_id, digest: String(subscription.id), retryAt }, 'digest not posted; it is tried again later');
      }
    }
    if (due.length < DUE_BATCH || claimed === 0) return posted;
  }
}
