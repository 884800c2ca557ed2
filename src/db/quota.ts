import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const Reset = z.object({ id: z.string(), quota_period_start: z.string() });

/**
 * Starts a new billing period for every account whose period ended by `day` (UTC date,
 * 'YYYY-MM-DD'): monthly_emails_sent back to 0. The WHERE is re-checked on the locked row,
 * so a second run in the same period, or a second process racing this one, resets nothing.
 */
export function resetEndedQuotaPeriods(db: CommonQueryMethods, day: string): Promise<readonly z.infer<typeof Reset>[]> {
  return db.any(sql.type(Reset)`
    UPDATE users
       SET monthly_emails_sent = 0, quota_warned_percent = 0,
           quota_period_start = billing_period_start(billing_anchor, ${day}::date)
     WHERE deleted_at IS NULL AND quota_period_start < billing_period_start(billing_anchor, ${day}::date)
    RETURNING id, quota_period_start::text AS quota_period_start`);
}

const Warning = z.object({
  id: z.string(),
  level: z.union([z.literal(80), z.literal(100)]),
  monthly_emails_sent: z.number(),
  monthly_email_limit: z.number(),
});
export type QuotaWarning = z.infer<typeof Warning>;

/**
 * Accounts that crossed 80 % or 100 % of their quota since the last warning, each claimed
 * by raising quota_warned_percent in the same statement: every level is warned about once
 * per billing period, whichever process sees it first.
 */
export function claimQuotaWarnings(db: CommonQueryMethods, userId?: string): Promise<readonly QuotaWarning[]> {
  return db.any(sql.type(Warning)`
    UPDATE users u SET quota_warned_percent = l.level
      FROM (SELECT id, CASE WHEN monthly_emails_sent >= monthly_email_limit THEN 100 ELSE 80 END AS level
              FROM users
             WHERE deleted_at IS NULL AND monthly_email_limit > 0
               AND monthly_emails_sent::bigint * 100 >= monthly_email_limit::bigint * 80
               ${userId ? sql.fragment`AND id = ${userId}` : sql.fragment``}) l
     WHERE u.id = l.id AND u.quota_warned_percent < l.level
    RETURNING u.id, l.level, u.monthly_emails_sent, u.monthly_email_limit`);
}
