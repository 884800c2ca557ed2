import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';
import { resetEndedQuotaPeriods, utcDate } from './quota.ts';

/** The campaign queries of the dispatcher: finding work, and the status changes sending makes. */

const Ref = z.object({ user_id: z.string(), id: z.bigint() });
const toRef = (row: z.infer<typeof Ref>): CampaignRef => ({ userId: row.user_id, campaignId: row.id });

/** Campaigns whose time has come, across accounts (each is then handled within its own account). */
export async function findDueCampaigns(db: CommonQueryMethods, limit: number): Promise<CampaignRef[]> {
  const rows = await db.any(sql.type(Ref)`
    SELECT user_id, id FROM campaigns
     WHERE status = 'scheduled' AND scheduled_at <= now() AND deleted_at IS NULL
     ORDER BY scheduled_at LIMIT ${limit}`);
  return rows.map(toRef);
}

/** Campaigns being sent, across accounts. */
export async function findSendingCampaigns(db: CommonQueryMethods): Promise<CampaignRef[]> {
  const rows = await db.any(sql.type(Ref)`
    SELECT user_id, id FROM campaigns WHERE status = 'sending' AND deleted_at IS NULL ORDER BY scheduled_at NULLS FIRST, id`);
  return rows.map(toRef);
}

const Plan = z.object({ segment: z.unknown(), materialised: z.boolean() });

/** Who a campaign goes to, and whether its ledger is already written (a campaign resumed after a pause). */
export async function sendingPlan(db: CommonQueryMethods, ref: CampaignRef): Promise<z.infer<typeof Plan>> {
  return db.one(sql.type(Plan)`
    SELECT segment, recipients_materialized_at IS NOT NULL AS materialised FROM campaigns
     WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
}

/** Marks the ledger written and stores its size. */
export async function markMaterialised(db: CommonQueryMethods, ref: CampaignRef): Promise<number> {
  return db.oneFirst(sql.type(z.object({ recipients_total: z.number() }))`
    UPDATE campaigns SET recipients_materialized_at = now(),
           recipients_total = (SELECT count(*) FROM campaign_recipients
                                WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId})
     WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}
    RETURNING recipients_total`);
}

const Account = z.object({
  sendable: z.boolean(),
  subscription_status: z.string(),
  monthly_email_limit: z.number(),
  remaining: z.number(),
});
export type AccountAllowance = z.infer<typeof Account>;

/**
 * Locks the account row for the claim: the quota check and its increment happen with no
 * other claim in between, so concurrent dispatchers never send past the limit. A billing
 * month that began (by the database's clock, which also says when a campaign is due) is
 * started here if the quota job has not got to it yet, so a campaign due at the turn of the
 * month sends on the new quota, and what it sends is not wiped by the job's reset. Trialing
 * accounts send like active ones; cancelled, past-due and deleted accounts do not.
 */
export async function lockAccountAllowance(db: CommonQueryMethods, userId: string): Promise<AccountAllowance> {
  await resetEndedQuotaPeriods(db, utcDate(), userId);
  return db.one(sql.type(Account)`
    SELECT subscription_status IN ('active', 'trialing') AND deleted_at IS NULL AS sendable, subscription_status,
           monthly_email_limit, greatest(0, monthly_email_limit - monthly_emails_sent) AS remaining
      FROM users WHERE id = ${userId} FOR UPDATE`);
}

/** Counts emails against the monthly quota (negative: gives back what was claimed but not sent). */
export async function chargeQuota(db: CommonQueryMethods, userId: string, emails: number): Promise<void> {
  if (emails === 0) return;
  await db.query(sql.unsafe`
    UPDATE users SET monthly_emails_sent = greatest(0, monthly_emails_sent + ${emails}) WHERE id = ${userId}`);
}

const statusQuery = (ref: CampaignRef, lock: FragmentSqlToken) => sql.type(z.object({ status: z.string() }))`
  SELECT status FROM campaigns WHERE user_id = ${ref.userId} AND id = ${ref.campaignId} AND deleted_at IS NULL ${lock}`;

/** The current status, unlocked: the check between groups of a batch's sends. */
export async function campaignStatus(db: CommonQueryMethods, ref: CampaignRef): Promise<string | null> {
  return db.maybeOneFirst(statusQuery(ref, sql.fragment``));
}

/**
 * The current status, holding it until the transaction ends: status changes lock the campaign
 * row FOR UPDATE first, so a pause or cancel either waits for this transaction or is seen by
 * it. KEY SHARE does not wait on the stats trigger's counter updates of the same row.
 */
export async function lockCampaignStatus(db: CommonQueryMethods, ref: CampaignRef): Promise<string | null> {
  return db.maybeOneFirst(statusQuery(ref, sql.fragment`FOR KEY SHARE`));
}
