import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { CAMPAIGN_COUNTERS, SENT_SOMETHING } from './campaigns.ts';

// Every report reads the counters the email_events triggers maintain on campaigns,
// campaign_recipients and campaign_links: never an aggregate over email_events, so a
// report costs the same whether a campaign had ten events or ten million.

const count = z.union([z.number(), z.bigint()]).transform(Number);

export const CampaignCounters = z.object({
  id: z.bigint(),
  name: z.string(),
  status: z.string(),
  sent_at: z.date().nullable(),
  ...CAMPAIGN_COUNTERS,
  emails_hard_bounced: z.number(),
  emails_complained: z.number(),
  bounce_rate: z.number(),
});
export type CampaignCounters = z.infer<typeof CampaignCounters>;

const COUNTER_COLUMNS = sql.fragment`
  c.id, c.name, c.status, c.sent_at, c.recipients_total, c.emails_sent, c.emails_delivered,
  c.emails_opened, c.emails_clicked, c.emails_bounced, c.emails_hard_bounced,
  c.emails_unsubscribed, c.emails_complained, c.open_rate, c.click_rate, c.bounce_rate`;

const CampaignReport = CampaignCounters.extend({ unknown_count: count, failed_count: count });
export type CampaignReport = z.infer<typeof CampaignReport>;

const campaignReportQuery = (where: ReturnType<typeof sql.fragment>) => sql.type(CampaignReport)`
  SELECT ${COUNTER_COLUMNS},
         -- few rows, found through the campaign_recipients_unresolved partial index
         (SELECT count(*) FROM campaign_recipients r
           WHERE r.user_id = c.user_id AND r.campaign_id = c.id AND r.status = 'unknown') AS unknown_count,
         (SELECT count(*) FROM campaign_recipients r
           WHERE r.user_id = c.user_id AND r.campaign_id = c.id AND r.status = 'failed') AS failed_count
    FROM campaigns c
   WHERE ${where} AND c.deleted_at IS NULL`;

/** One campaign's counters, addressed by its name (case-insensitive). */
export function findCampaignReportByName(db: CommonQueryMethods, userId: string, name: string): Promise<CampaignReport | null> {
  return db.maybeOne(campaignReportQuery(sql.fragment`c.user_id = ${userId} AND lower(c.name) = lower(${name})`));
}

export function findCampaignReport(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<CampaignReport | null> {
  return db.maybeOne(campaignReportQuery(sql.fragment`c.user_id = ${userId} AND c.id = ${campaignId}`));
}

const TopLink = z.object({ url: z.string(), link_text: z.string().nullable(), clicks: z.number() });
export type TopLink = z.infer<typeof TopLink>;

export function topClickedLinks(db: CommonQueryMethods, userId: string, campaignId: bigint, limit = 5): Promise<readonly TopLink[]> {
  return db.any(sql.type(TopLink)`
    SELECT url, link_text, clicks FROM campaign_links
     WHERE user_id = ${userId} AND campaign_id = ${campaignId} AND clicks > 0
     ORDER BY clicks DESC, id
     LIMIT ${limit}`);
}

/**
 * The account's most recent campaigns that have started sending, newest first: whatever
 * their status once they sent anything (one cancelled or failed part-way included).
 */
export function recentCampaignCounters(db: CommonQueryMethods, userId: string, limit = 10): Promise<readonly CampaignCounters[]> {
  return db.any(sql.type(CampaignCounters)`
    SELECT ${COUNTER_COLUMNS} FROM campaigns c
     WHERE c.user_id = ${userId} AND c.deleted_at IS NULL
       AND (c.emails_sent > 0 OR c.status IN ('sending', 'paused', 'sent'))
     ORDER BY coalesce(c.sent_at, c.updated_at) DESC, c.id DESC
     LIMIT ${limit}`);
}

const Quota = z.object({
  monthly_email_limit: z.number(),
  monthly_emails_sent: z.number(),
  quota_period_start: z.string(),
});
export type Quota = z.infer<typeof Quota>;

export function accountQuota(db: CommonQueryMethods, userId: string): Promise<Quota> {
  return db.one(sql.type(Quota)`
    SELECT monthly_email_limit, monthly_emails_sent, quota_period_start::text AS quota_period_start
      FROM users WHERE id = ${userId}`);
}

/**
 * Campaigns whose sending ended in [from, to): finished, or cancelled or failed after they sent
 * something (sent_at is when sending ended; see src/delivery/transitions.ts).
 */
const endedSending = (from: Date, to: Date) => sql.fragment`
  c.sent_at >= ${from.toISOString()} AND c.sent_at < ${to.toISOString()} AND ${SENT_SOMETHING}`;

/** Campaigns whose sending ended inside [from, to), for digests. */
export function campaignsSentBetween(db: CommonQueryMethods, userId: string, from: Date, to: Date, limit: number): Promise<readonly CampaignCounters[]> {
  return db.any(sql.type(CampaignCounters)`
    SELECT ${COUNTER_COLUMNS} FROM campaigns c
     WHERE c.user_id = ${userId} AND c.deleted_at IS NULL
       AND ${endedSending(from, to)}
     ORDER BY c.sent_at, c.id
     LIMIT ${limit}`);
}

const PeriodTotals = z.object({
  campaigns: count,
  sent: count,
  delivered: count,
  opened: count,
  clicked: count,
  bounced: count,
});
export type PeriodTotals = z.infer<typeof PeriodTotals>;

/** Totals of the campaigns whose sending ended in [from, to) and in the equally long period before it. */
export async function periodTotals(
  db: CommonQueryMethods,
  userId: string,
  from: Date,
  to: Date,
): Promise<{ current: PeriodTotals; previous: PeriodTotals }> {
  const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const rows = await db.any(sql.type(PeriodTotals.extend({ period: z.enum(['current', 'previous']) }))`
    SELECT CASE WHEN c.sent_at >= ${from.toISOString()} THEN 'current' ELSE 'previous' END AS period,
           count(*) AS campaigns, coalesce(sum(c.emails_sent), 0) AS sent,
           coalesce(sum(c.emails_delivered), 0) AS delivered, coalesce(sum(c.emails_opened), 0) AS opened,
           coalesce(sum(c.emails_clicked), 0) AS clicked, coalesce(sum(c.emails_bounced), 0) AS bounced
      FROM campaigns c
     WHERE c.user_id = ${userId} AND c.deleted_at IS NULL
       AND ${endedSending(previousFrom, to)}
     GROUP BY 1`);
  const empty: PeriodTotals = { campaigns: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0 };
  return {
    current: rows.find((row) => row.period === 'current') ?? empty,
    previous: rows.find((row) => row.period === 'previous') ?? empty,
  };
}

const ListSize = z.object({ id: z.bigint(), name: z.string(), contact_count: z.number() });
export type ListSize = z.infer<typeof ListSize>;

export function listSizes(db: CommonQueryMethods, userId: string): Promise<readonly ListSize[]> {
  return db.any(sql.type(ListSize)`
    SELECT id, name, contact_count FROM lists WHERE user_id = ${userId} AND deleted_at IS NULL ORDER BY id`);
}
