import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';
import type { Segment } from '../recipients/segment.ts';
import { billingPeriodStartOn, quotaPeriodEndedBy, utcDate } from './quota.ts';
import { segmentConditions } from './recipients.ts';

/**
 * Live contacts on the campaign's live lists that match its segment, once each, whatever
 * their status, with how many of those lists they are on (the dispatcher's audience before
 * suppression). Columns: the contact `c.*` and `lists`.
 */
function targetedContacts(ref: CampaignRef, segment: Segment) {
  return sql.fragment`
    SELECT c.*, m.lists
      FROM (SELECT lc.contact_id, count(*)::int AS lists
              FROM campaign_lists cl
              JOIN lists l ON l.user_id = cl.user_id AND l.id = cl.list_id AND l.deleted_at IS NULL
              JOIN list_contacts lc ON lc.user_id = cl.user_id AND lc.list_id = cl.list_id
             WHERE cl.user_id = ${ref.userId} AND cl.campaign_id = ${ref.campaignId}
             GROUP BY lc.contact_id) m
      JOIN contacts c ON c.user_id = ${ref.userId} AND c.id = m.contact_id
     WHERE c.deleted_at IS NULL AND ${segmentConditions(segment)}`;
}

const AudienceCounts = z.object({
  recipients: z.number(),
  targeted: z.number(),
  memberships: z.number(),
  unsubscribed: z.number(),
  bounced: z.number(),
  complained: z.number(),
});
export type AudienceCounts = z.infer<typeof AudienceCounts>;

export async function countAudience(db: CommonQueryMethods, ref: CampaignRef, segment: Segment): Promise<AudienceCounts> {
  return db.one(sql.type(AudienceCounts)`
    SELECT count(*) FILTER (WHERE t.status = 'subscribed')::int AS recipients,
           count(*)::int AS targeted,
           coalesce(sum(t.lists), 0)::int AS memberships,
           count(*) FILTER (WHERE t.status = 'unsubscribed')::int AS unsubscribed,
           count(*) FILTER (WHERE t.status = 'bounced')::int AS bounced,
           count(*) FILTER (WHERE t.status = 'complained')::int AS complained
      FROM (${targetedContacts(ref, segment)}) t`);
}

/** A merge field as stored: a contact column, or a key of custom_fields. */
export type FieldSource = { field: string; column: 'first_name' | 'last_name' | 'full_name' | 'custom'; key: string };

const Missing = z.object({ field: z.string(), missing: z.number() });

/** For each field, how many recipients (subscribed) have it empty or absent. */
export async function countMissingFields(
  db: CommonQueryMethods,
  ref: CampaignRef,
  segment: Segment,
  fields: readonly FieldSource[],
): Promise<ReadonlyMap<string, number>> {
  if (fields.length === 0) return new Map();
  const rows = await db.any(sql.type(Missing)`
    SELECT f.field,
           count(*) FILTER (WHERE CASE f.source
             WHEN 'first_name' THEN coalesce(btrim(t.first_name), '') = ''
             WHEN 'last_name' THEN coalesce(btrim(t.last_name), '') = ''
             WHEN 'full_name' THEN coalesce(btrim(t.first_name), '') = '' AND coalesce(btrim(t.last_name), '') = ''
             ELSE coalesce(btrim(t.custom_fields ->> f.key), '') = '' END)::int AS missing
      FROM (${targetedContacts(ref, segment)}) t
     CROSS JOIN ${sql.unnest(fields.map((f) => [f.field, f.column, f.key]), ['text', 'text', 'text'])} AS f(field, source, key)
     WHERE t.status = 'subscribed'
     GROUP BY f.field`);
  return new Map(rows.map((row) => [row.field, row.missing]));
}

const Quota = z.object({
  monthly_email_limit: z.number(),
  /** Sent in the billing period of the send: 0 when that period has not been started yet. */
  monthly_emails_sent: z.number(),
  /** The start of the send's billing period when it is later than today's, else null. */
  later_period_start: z.string().nullable(),
});
export type Quota = z.infer<typeof Quota>;

/** The quota of the billing period a send at `sendAt` falls in, judged `now`. */
export async function findQuota(db: CommonQueryMethods, userId: string, sendAt: Date, now: Date): Promise<Quota> {
  const sendDay = utcDate(sendAt);
  return db.one(sql.type(Quota)`
    SELECT monthly_email_limit,
           CASE WHEN ${quotaPeriodEndedBy(sendDay)} THEN 0 ELSE monthly_emails_sent END AS monthly_emails_sent,
           CASE WHEN ${billingPeriodStartOn(sendDay)} > ${billingPeriodStartOn(utcDate(now))}
                THEN ${billingPeriodStartOn(sendDay)}::text END AS later_period_start
      FROM users WHERE id = ${userId}`);
}

const Sample = z.object({
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  custom_fields: z.record(z.string(), z.unknown()),
});
export type SampleRecipient = z.infer<typeof Sample>;

/** One recipient to render a preview for (the first by id, so previews are stable). */
export async function sampleRecipient(db: CommonQueryMethods, ref: CampaignRef, segment: Segment): Promise<SampleRecipient | null> {
  return db.maybeOne(sql.type(Sample)`
    SELECT t.email, t.first_name, t.last_name, t.custom_fields
      FROM (${targetedContacts(ref, segment)}) t
     WHERE t.status = 'subscribed'
     ORDER BY t.id
     LIMIT 1`);
}
