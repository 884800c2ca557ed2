import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const DigestSubscription = z.object({
  user_id: z.string(),
  id: z.bigint(),
  channel_id: z.string(),
  frequency: z.enum(['daily', 'weekly']),
  time_of_day: z.string(),
  weekday: z.number(),
  timezone: z.string(),
  created_by: z.string(),
  next_run_at: z.date(),
  last_run_at: z.date().nullable(),
  last_list_counts: z.record(z.string(), z.number()),
});
export type DigestSubscription = z.infer<typeof DigestSubscription>;

const COLUMNS = sql.fragment`
  user_id, id, channel_id, frequency, to_char(time_of_day, 'HH24:MI') AS time_of_day, weekday, timezone,
  created_by, next_run_at, last_run_at, last_list_counts`;

export type NewDigestSubscription = {
  userId: string;
  channelId: string;
  frequency: 'daily' | 'weekly';
  timeOfDay: string;
  weekday: number;
  timezone: string;
  createdBy: string;
  nextRunAt: Date;
};

export function insertDigestSubscription(db: CommonQueryMethods, s: NewDigestSubscription): Promise<DigestSubscription> {
  return db.one(sql.type(DigestSubscription)`
    INSERT INTO digest_subscriptions (user_id, channel_id, frequency, time_of_day, weekday, timezone, created_by, next_run_at)
    VALUES (${s.userId}, ${s.channelId}, ${s.frequency}, ${s.timeOfDay}::time, ${s.weekday}, ${s.timezone},
            ${s.createdBy}, ${s.nextRunAt.toISOString()})
    RETURNING ${COLUMNS}`);
}

export function listDigestSubscriptions(db: CommonQueryMethods, userId: string): Promise<readonly DigestSubscription[]> {
  return db.any(sql.type(DigestSubscription)`
    SELECT ${COLUMNS} FROM digest_subscriptions WHERE user_id = ${userId} AND deleted_at IS NULL ORDER BY id`);
}

/** Soft-deletes one subscription; false when it did not exist (or was removed already). */
export async function deleteDigestSubscription(db: CommonQueryMethods, userId: string, id: bigint): Promise<boolean> {
  const deleted = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE digest_subscriptions SET deleted_at = now()
     WHERE user_id = ${userId} AND id = ${id} AND deleted_at IS NULL
    RETURNING id`);
  return deleted !== null;
}

/** Subscriptions of every account whose digest is due (or overdue) at `now`. */
export function dueDigestSubscriptions(db: CommonQueryMethods, now: Date, limit: number): Promise<readonly DigestSubscription[]> {
  return db.any(sql.type(DigestSubscription)`
    SELECT ${COLUMNS} FROM digest_subscriptions
     WHERE deleted_at IS NULL AND next_run_at <= ${now.toISOString()}
     ORDER BY next_run_at
     LIMIT ${limit}`);
}

/**
 * Takes a due digest for posting by moving next_run_at to `retryAt`, when it is tried again
 * unless its post is recorded first. The WHERE re-checks that it is still due on the row
 * version it locks, so when two processes race, the second one's UPDATE matches nothing:
 * each due time is posted by exactly one of them.
 */
export async function claimDueDigest(
  db: CommonQueryMethods,
  subscription: Pick<DigestSubscription, 'user_id' | 'id'>,
  now: Date,
  retryAt: Date,
): Promise<boolean> {
  const claimed = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE digest_subscriptions SET next_run_at = ${retryAt.toISOString()}
     WHERE user_id = ${subscription.user_id} AND id = ${subscription.id}
       AND deleted_at IS NULL AND next_run_at <= ${now.toISOString()}
    RETURNING id`);
  return claimed !== null;
}

/**
 * Records a posted digest: the end of the period it reported on (the next one starts there),
 * the list sizes it reported (the next one reports changes against them) and its next due time.
 */
export async function recordDigestPosted(
  db: CommonQueryMethods,
  subscription: Pick<DigestSubscription, 'user_id' | 'id'>,
  posted: { periodEnd: Date; listCounts: Record<string, number>; nextRunAt: Date },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE digest_subscriptions
       SET last_run_at = ${posted.periodEnd.toISOString()}, last_list_counts = ${sql.jsonb(posted.listCounts)},
           next_run_at = ${posted.nextRunAt.toISOString()}
     WHERE user_id = ${subscription.user_id} AND id = ${subscription.id}`);
}
