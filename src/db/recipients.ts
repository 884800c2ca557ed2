import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';
import type { Segment } from '../recipients/segment.ts';

/**
 * campaign_recipients is the send ledger. A recipient goes pending → sending (claimed with
 * a lease, committed before any network I/O) → sent | failed | pending again (retry after a
 * 4xx) | unknown (the lease ran out while sending: never retried automatically). Skipped
 * recipients were suppressed when materialised or when claimed.
 */
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'failed', 'unknown', 'skipped'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

export function segmentConditions(segment: Segment) {
  const conditions = [sql.fragment`TRUE`];
  if (segment.tags?.length) conditions.push(sql.fragment`c.tags @> ${sql.array(segment.tags, 'text')}`);
  if (segment.field) conditions.push(sql.fragment`c.custom_fields ->> ${segment.field.key} = ${segment.field.value}`);
  if (segment.engagedWithinDays) {
    conditions.push(sql.fragment`c.last_engaged_at >= now() - make_interval(days => ${segment.engagedWithinDays})`);
  }
  return sql.join(conditions, sql.fragment` AND `);
}

/**
 * Writes the ledger of a campaign: every contact on any of its lists (once, however many
 * lists it is on) that matches the segment. Suppressed contacts are written as 'skipped'
 * with the reason, so the campaign keeps a record of who was not sent and why.
 * Returns the number of recipients.
 */
export async function materialiseRecipients(db: CommonQueryMethods, ref: CampaignRef, segment: Segment): Promise<number> {
  const result = await db.query(sql.unsafe`
    INSERT INTO campaign_recipients (user_id, campaign_id, contact_id, email, status, error)
    SELECT c.user_id, ${ref.campaignId}, c.id, c.email,
           CASE WHEN c.status = 'subscribed' AND c.deleted_at IS NULL THEN 'pending' ELSE 'skipped' END,
           CASE WHEN c.deleted_at IS NOT NULL THEN 'contact deleted'
                WHEN c.status <> 'subscribed' THEN 'contact ' || c.status END
      FROM contacts c
     WHERE c.user_id = ${ref.userId}
       AND c.id IN (SELECT lc.contact_id
                      FROM campaign_lists cl
                      JOIN lists l ON l.user_id = cl.user_id AND l.id = cl.list_id AND l.deleted_at IS NULL
                      JOIN list_contacts lc ON lc.user_id = cl.user_id AND lc.list_id = cl.list_id
                     WHERE cl.user_id = ${ref.userId} AND cl.campaign_id = ${ref.campaignId})
       AND ${segmentConditions(segment)}
    ON CONFLICT (user_id, campaign_id, contact_id) DO NOTHING`);
  return result.rowCount;
}

/** Recipients whose lease ran out mid-send (their process died) become 'unknown': they may have been sent. */
export async function expireLeases(db: CommonQueryMethods): Promise<number> {
  const result = await db.query(sql.unsafe`
    UPDATE campaign_recipients
       SET status = 'unknown', lease_expires_at = NULL,
           error = 'the sending process stopped before it recorded the outcome; the message may have been sent'
     WHERE status = 'sending' AND lease_expires_at < now()`);
  return result.rowCount;
}

const Claimed = z.object({
  contact_id: z.bigint(),
  status: z.enum(['sending', 'skipped']),
  email: z.string(),
  message_id: z.string().nullable(),
  attempts: z.number(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  custom_fields: z.record(z.string(), z.unknown()),
});
export type ClaimedRecipient = z.infer<typeof Claimed>;

/**
 * Claims up to `limit` due pending recipients of one campaign. Rows other dispatchers hold
 * are skipped, so several processes share the work without waiting on each other. The
 * contact's status is read now (send time): a contact suppressed since the ledger was
 * written is 'skipped' instead. Each claimed row gets a lease and a fresh Message-ID.
 */
export async function claimRecipients(
  db: CommonQueryMethods,
  ref: CampaignRef,
  claim: { limit: number; leaseSeconds: number; messageIdDomain: string },
): Promise<readonly ClaimedRecipient[]> {
  return db.any(sql.type(Claimed)`
    WITH picked AS (
      SELECT r.contact_id
        FROM campaign_recipients r
       WHERE r.user_id = ${ref.userId} AND r.campaign_id = ${ref.campaignId} AND r.status = 'pending'
         AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= now())
       ORDER BY r.contact_id
       LIMIT ${claim.limit}
         FOR UPDATE SKIP LOCKED
    ),
    judged AS (
      SELECT p.contact_id, c.first_name, c.last_name, c.custom_fields,
             CASE WHEN c.deleted_at IS NOT NULL THEN 'contact deleted'
                  WHEN c.status <> 'subscribed' THEN 'contact ' || c.status END AS suppressed
        FROM picked p
        JOIN contacts c ON c.user_id = ${ref.userId} AND c.id = p.contact_id
    )
    UPDATE campaign_recipients r
       SET status = CASE WHEN j.suppressed IS NULL THEN 'sending' ELSE 'skipped' END,
           error = j.suppressed,
           attempts = r.attempts + (j.suppressed IS NULL)::int,
           lease_expires_at = CASE WHEN j.suppressed IS NULL THEN now() + make_interval(secs => ${claim.leaseSeconds}) END,
           message_id = CASE WHEN j.suppressed IS NULL
                             THEN '<' || gen_random_uuid() || '@' || ${claim.messageIdDomain} || '>' END,
           next_attempt_at = NULL
      FROM judged j
     WHERE r.user_id = ${ref.userId} AND r.campaign_id = ${ref.campaignId} AND r.contact_id = j.contact_id
    RETURNING r.contact_id, r.status, r.email, r.message_id, r.attempts::int AS attempts,
              j.first_name, j.last_name, j.custom_fields`);
}

/** One claim of a recipient: its row is ours while it is 'sending' under this Message-ID. */
export type Attempt = { contactId: bigint; messageId: string };

/**
 * Extends the leases of claimed recipients not recorded yet. Returns the contact ids still
 * ours: one missing became 'unknown' when its lease ran out, and must not be sent any more.
 */
export async function renewLeases(db: CommonQueryMethods, ref: CampaignRef, held: readonly Attempt[], leaseSeconds: number): Promise<ReadonlySet<bigint>> {
  const renewed = await db.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
    UPDATE campaign_recipients r SET lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
      FROM ${sql.unnest(held.map((a) => [String(a.contactId), a.messageId]), ['int8', 'text'])} AS a(contact_id, message_id)
     WHERE r.user_id = ${ref.userId} AND r.campaign_id = ${ref.campaignId}
       AND r.contact_id = a.contact_id AND r.message_id = a.message_id AND r.status = 'sending'
    RETURNING r.contact_id`);
  return new Set(renewed);
}

export type SendOutcome = Attempt & (
  | { outcome: 'sent' }
  | { outcome: 'failed' | 'unknown'; error: string }
  | { outcome: 'retry'; error: string; retryInSeconds: number; finalAttempt: boolean }
  /** claimed but never handed to SMTP: the campaign stopped, or the lease was lost */
  | { outcome: 'unsent' }
);

export const CANCELLED_REASON = 'campaign cancelled';

/**
 * Records what happened to claimed recipients. Rows are matched by the Message-ID of this
 * attempt, so an outcome arriving after its lease expired still lands (unknown → sent when
 * the server did accept it) but never touches a later attempt's row; an unsent recipient is
 * released only while still ours. Only a sending or paused campaign takes recipients back
 * as 'pending' (a 4xx to retry, or never sent): a cancelled one skips them as cancelling
 * does, a finished or failed one fails them. The campaign's status is held (KEY SHARE) until
 * commit, so a cancel committing meanwhile sees the rows this statement made pending.
 */
export async function recordOutcomes(db: CommonQueryMethods, ref: CampaignRef, outcomes: readonly SendOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((o) => {
    const status = o.outcome === 'unsent' || (o.outcome === 'retry' && !o.finalAttempt) ? 'pending' : o.outcome === 'retry' ? 'failed' : o.outcome;
    return [String(o.contactId), o.messageId, status, 'error' in o ? o.error : null, o.outcome === 'retry' ? o.retryInSeconds : null, o.outcome !== 'unsent'];
  });
  await db.query(sql.unsafe`
    WITH campaign AS (
      SELECT status IN ('sending', 'paused') AS takes_pending, status FROM campaigns
       WHERE user_id = ${ref.userId} AND id = ${ref.campaignId} FOR KEY SHARE
    ), settled AS (
      SELECT o.contact_id, o.message_id, o.attempted, o.retry_in,
             CASE WHEN o.status <> 'pending' OR c.takes_pending THEN o.status
                  WHEN c.status = 'cancelled' THEN 'skipped' ELSE 'failed' END AS status,
             CASE WHEN o.status <> 'pending' OR c.takes_pending THEN o.error
                  WHEN c.status = 'cancelled' THEN ${CANCELLED_REASON}
                  ELSE coalesce(o.error, 'not sent: campaign ' || c.status) END AS error
        FROM ${sql.unnest(rows, ['int8', 'text', 'text', 'text', 'float8', 'bool'])} AS o(contact_id, message_id, status, error, retry_in, attempted)
       CROSS JOIN campaign c
    )
    UPDATE campaign_recipients r
       SET status = s.status,
           sent_at = CASE WHEN s.status = 'sent' THEN now() ELSE r.sent_at END,
           error = s.error,
           attempts = r.attempts - (NOT s.attempted)::int,
           next_attempt_at = CASE WHEN s.status = 'pending' THEN now() + make_interval(secs => s.retry_in) END,
           lease_expires_at = NULL
      FROM settled s
     WHERE r.user_id = ${ref.userId} AND r.campaign_id = ${ref.campaignId}
       AND r.contact_id = s.contact_id AND r.message_id = s.message_id
       AND (r.status = 'sending' OR (r.status = 'unknown' AND s.attempted))`);
}

const StatusCount = z.object({ status: z.enum(RECIPIENT_STATUSES), n: z.bigint().transform(Number) });
export type RecipientCounts = Record<RecipientStatus, number>;

export async function countRecipients(db: CommonQueryMethods, ref: CampaignRef): Promise<RecipientCounts> {
  const rows = await db.any(sql.type(StatusCount)`
    SELECT status, count(*) AS n FROM campaign_recipients
     WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId}
     GROUP BY status`);
  const counts = Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as RecipientCounts;
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/**
 * 'unknown' recipients go back to pending, on an explicit request only. Returns how many.
 * The claim sending them again gives them a new Message-ID; the one they had is kept, as
 * its message has probably arrived and may still bounce or be complained about.
 */
export async function requeueUnknown(db: CommonQueryMethods, ref: CampaignRef): Promise<number> {
  const result = await db.query(sql.unsafe`
    WITH requeued AS (
      UPDATE campaign_recipients SET status = 'pending', error = NULL, next_attempt_at = NULL
       WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND status = 'unknown'
      RETURNING user_id, campaign_id, contact_id, message_id
    ), kept AS (
      INSERT INTO campaign_recipient_earlier_message_ids (user_id, message_id, campaign_id, contact_id)
      SELECT user_id, message_id, campaign_id, contact_id FROM requeued WHERE message_id IS NOT NULL
      ON CONFLICT DO NOTHING
    )
    SELECT 1 FROM requeued`);
  return result.rowCount;
}

/** A cancelled campaign's recipients that were never tried end 'skipped', so its ledger adds up. */
export async function skipPending(db: CommonQueryMethods, ref: CampaignRef, reason: string): Promise<number> {
  const result = await db.query(sql.unsafe`
    UPDATE campaign_recipients SET status = 'skipped', error = ${reason}, next_attempt_at = NULL
     WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND status = 'pending'`);
  return result.rowCount;
}

const Attributed = z.object({ user_id: z.string(), campaign_id: z.bigint(), contact_id: z.bigint() });
export type AttributedRecipient = z.infer<typeof Attributed>;

/**
 * The recipient a provider's report is about, by the Message-ID we gave the message (unique
 * across accounts): its current one, or one it had before "Retry unknown" sent it again.
 */
export async function findRecipientByMessageId(db: CommonQueryMethods, messageId: string): Promise<AttributedRecipient | null> {
  return db.maybeOne(sql.type(Attributed)`
    SELECT user_id, campaign_id, contact_id FROM campaign_recipients WHERE message_id = ${messageId}
    UNION ALL
    SELECT user_id, campaign_id, contact_id FROM campaign_recipient_earlier_message_ids WHERE message_id = ${messageId}
    LIMIT 1`);
}
