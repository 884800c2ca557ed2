import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** The UTC date of `at` as SQL; without `at`, the database's today (the clock `scheduled_at <= now()` goes by). */
export const utcDate = (at?: Date): FragmentSqlToken =>
  at ? sql.fragment`${at.toISOString().slice(0, 10)}::date` : sql.fragment`(now() AT TIME ZONE 'UTC')::date`;

/** The start of the billing period `day` falls in, for the users row in scope. */
export const billingPeriodStartOn = (day: FragmentSqlToken) => sql.fragment`billing_period_start(billing_anchor, ${day})`;

/**
 * Whether the users row in scope still counts a billing period that ended by `day`: its new
 * billing month, the one definition the quota job, the dispatcher's claim and pre-flight use.
 */
export const quotaPeriodEndedBy = (day: FragmentSqlToken) => sql.fragment`quota_period_start < ${billingPeriodStartOn(day)}`;

const Reset = z.object({ id: z.string(), quota_period_start: z.string() });

/**
 * Starts a new billing period for every account (or the one given) whose period ended by
 * `day`: monthly_emails_sent back to 0. The WHERE is re-checked on the locked row, so a
 * second run in the same period, or a second process racing this one, resets nothing.
 */
export function resetEndedQuotaPeriods(db: CommonQueryMethods, day: FragmentSqlToken, userId?: string): Promise<readonly z.infer<typeof Reset>[]> {
  return db.any(sql.type(Reset)`
    UPDATE users
       SET monthly_emails_sent = 0, quota_warned_percent = 0, quota_period_start = ${billingPeriodStartOn(day)}
     WHERE deleted_at IS NULL AND ${quotaPeriodEndedBy(day)}
       ${userId ? sql.fragment`AND id = ${userId}` : sql.fragment``}
    RETURNING id, quota_period_start::text AS quota_period_start`);
}

const Warning = z.object({
  id: z.string(),
  level: z.union([z.literal(80), z.literal(100)]),
  /** The level warned about before this claim (0, or 80 when the warning is 100 %). */
  previous_level: z.number(),
  monthly_emails_sent: z.number(),
  monthly_email_limit: z.number(),
});
export type QuotaWarning = z.infer<typeof Warning>;

/**
 * Accounts that crossed 80 % or 100 % of their quota since the last warning, each claimed
 * by raising quota_warned_percent in the same statement: every level is warned about once
 * per billing period, whichever process sees it first. The rows are locked while read, so
 * previous_level is the value this claim replaced.
 */
export function claimQuotaWarnings(db: CommonQueryMethods, userId?: string): Promise<readonly QuotaWarning[]> {
  return db.any(sql.type(Warning)`
    WITH due AS (
      SELECT u.id, u.quota_warned_percent AS previous_level, l.level
        FROM users u
       CROSS JOIN LATERAL (SELECT CASE WHEN u.monthly_emails_sent >= u.monthly_email_limit THEN 100 ELSE 80 END AS level) l
       WHERE u.deleted_at IS NULL AND u.monthly_email_limit > 0
         AND u.monthly_emails_sent::bigint * 100 >= u.monthly_email_limit::bigint * 80
         AND u.quota_warned_percent < l.level
         ${userId ? sql.fragment`AND u.id = ${userId}` : sql.fragment``}
         FOR UPDATE OF u
    )
    UPDATE users u SET quota_warned_percent = due.level
      FROM due
     WHERE u.id = due.id
    RETURNING u.id, due.level, due.previous_level, u.monthly_emails_sent, u.monthly_email_limit`);
}

/**
 * Gives back a claimed warning that could not be posted, so a later run warns again. Only
 * while the claim still stands: a new billing period (reset to 0) or a higher warning since
 * then is left alone.
 */
export async function releaseQuotaWarning(db: CommonQueryMethods, warning: Pick<QuotaWarning, 'id' | 'level' | 'previous_level'>): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE users SET quota_warned_percent = ${warning.previous_level}
     WHERE id = ${warning.id} AND quota_warned_percent = ${warning.level}`);
}
