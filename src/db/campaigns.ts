import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { Segment } from '../recipients/segment.ts';
import { nameFilter } from './names.ts';

export const CAMPAIGN_STATUSES = [
  'draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'sent', 'paused', 'cancelled', 'failed',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const ids = z.array(z.string()).transform((values) => values.map(BigInt));

/** The trigger-maintained counters every campaign read shares (reports add the rest). */
export const CAMPAIGN_COUNTERS = {
  recipients_total: z.number(),
  emails_sent: z.number(),
  emails_delivered: z.number(),
  emails_opened: z.number(),
  emails_clicked: z.number(),
  emails_bounced: z.number(),
  emails_unsubscribed: z.number(),
  open_rate: z.number(),
  click_rate: z.number(),
};

const Campaign = z.object({
  user_id: z.string(),
  id: z.bigint(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  template_id: z.bigint().nullable(),
  subject: z.string(),
  html_content: z.string(),
  text_content: z.string().nullable(),
  from_name: z.string().nullable(),
  from_email: z.string().nullable(),
  reply_to: z.string().nullable(),
  segment: Segment,
  scheduled_at: z.date().nullable(),
  timezone: z.string().nullable(),
  sent_at: z.date().nullable(),
  created_by: z.string().nullable(),
  edited_by: z.string().nullable(),
  approved_hash: z.string().nullable(),
  approved_by: z.string().nullable(),
  approved_at: z.date().nullable(),
  held_at: z.date().nullable(),
  slack_channel_id: z.string().nullable(),
  slack_message_ts: z.string().nullable(),
  created_at: z.date(),
  ...CAMPAIGN_COUNTERS,
  content_hash: z.string(),
  list_ids: ids,
});
export type Campaign = z.infer<typeof Campaign>;

const CAMPAIGN_COLUMNS = sql.fragment`
  c.user_id, c.id, c.name, c.status, c.template_id, c.subject, c.html_content, c.text_content, c.from_name, c.from_email,
  c.reply_to, c.segment, c.scheduled_at, c.timezone, c.sent_at, c.created_by, c.edited_by, c.approved_hash,
  c.approved_by, c.approved_at, c.held_at, c.slack_channel_id, c.slack_message_ts, c.created_at, c.recipients_total,
  c.emails_sent, c.emails_delivered, c.emails_opened, c.emails_clicked, c.emails_bounced, c.emails_unsubscribed,
  c.open_rate, c.click_rate, campaign_content_hash(c) AS content_hash,
  ARRAY(SELECT cl.list_id::text FROM campaign_lists cl
         WHERE cl.user_id = c.user_id AND cl.campaign_id = c.id ORDER BY cl.list_id) AS list_ids`;

export async function findCampaign(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<Campaign | null> {
  return db.maybeOne(sql.type(Campaign)`
    SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c
     WHERE c.user_id = ${userId} AND c.id = ${campaignId} AND c.deleted_at IS NULL`);
}

export async function findCampaignByName(db: CommonQueryMethods, userId: string, name: string): Promise<Campaign | null> {
  return db.maybeOne(sql.type(Campaign)`
    SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c
     WHERE c.user_id = ${userId} AND lower(c.name) = lower(${name}) AND c.deleted_at IS NULL`);
}

/** Locks the campaign for an edit, so the content compared and the content written are the same. */
export async function lockCampaign(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<Campaign | null> {
  return db.maybeOne(sql.type(Campaign)`
    SELECT ${CAMPAIGN_COLUMNS} FROM campaigns c
     WHERE c.user_id = ${userId} AND c.id = ${campaignId} AND c.deleted_at IS NULL
       FOR UPDATE`);
}

const CampaignSummary = z.object({
  id: z.bigint(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  scheduled_at: z.date().nullable(),
  held_at: z.date().nullable(),
  created_by: z.string().nullable(),
});
export type CampaignSummary = z.infer<typeof CampaignSummary>;

const CampaignListed = CampaignSummary.extend({ total: z.number() });

/** Live campaigns, newest first: the first `limit` (with `nameContains`, of those whose name contains it) and how many there are. */
export async function listCampaigns(
  db: CommonQueryMethods,
  userId: string,
  options: { nameContains?: string; limit?: number } = {},
): Promise<{ campaigns: readonly CampaignSummary[]; total: number }> {
  const rows = await db.any(sql.type(CampaignListed)`
    SELECT id, name, status, scheduled_at, held_at, created_by, count(*) OVER ()::int AS total FROM campaigns
     WHERE user_id = ${userId} AND deleted_at IS NULL ${nameFilter(options.nameContains)}
     ORDER BY created_at DESC, id DESC
     LIMIT ${options.limit ?? 500}`);
  return { campaigns: rows.map(({ total: _total, ...campaign }) => campaign), total: rows[0]?.total ?? 0 };
}

export type CampaignContent = {
  templateId: bigint | null;
  subject: string;
  html: string;
  text: string | null;
  fromName: string | null;
  fromEmail: string;
  replyTo: string | null;
  segment: Segment;
  scheduledAt: Date | null;
  timezone: string | null;
};

export async function insertCampaign(
  db: CommonQueryMethods,
  userId: string,
  campaign: CampaignContent & { name: string; createdBy: string },
): Promise<bigint> {
  return db.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO campaigns (user_id, name, template_id, subject, html_content, text_content, from_name, from_email,
                           reply_to, segment, scheduled_at, timezone, created_by, edited_by)
    VALUES (${userId}, ${campaign.name}, ${campaign.templateId}, ${campaign.subject}, ${campaign.html}, ${campaign.text},
            ${campaign.fromName}, ${campaign.fromEmail}, ${campaign.replyTo}, ${sql.jsonb(campaign.segment)},
            ${timestamp(campaign.scheduledAt)}, ${campaign.timezone}, ${campaign.createdBy}, ${campaign.createdBy})
    RETURNING id`);
}

/** Writes new content (status changes are transitions of their own; the editor is recorded by markContentEditor). */
export async function updateCampaignContent(
  db: CommonQueryMethods,
  userId: string,
  campaignId: bigint,
  change: { name: string; content: CampaignContent },
): Promise<void> {
  const { content } = change;
  await db.query(sql.unsafe`
    UPDATE campaigns
       SET name = ${change.name}, template_id = ${content.templateId}, subject = ${content.subject},
           html_content = ${content.html}, text_content = ${content.text}, from_name = ${content.fromName},
           from_email = ${content.fromEmail}, reply_to = ${content.replyTo}, segment = ${sql.jsonb(content.segment)},
           scheduled_at = ${timestamp(content.scheduledAt)}, timezone = ${content.timezone}
     WHERE user_id = ${userId} AND id = ${campaignId} AND deleted_at IS NULL`);
}

/** The member whose edit changed what an approval covers (a save that changes nothing of it leaves the last one). */
export async function markContentEditor(db: CommonQueryMethods, userId: string, campaignId: bigint, memberId: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE campaigns SET edited_by = ${memberId} WHERE user_id = ${userId} AND id = ${campaignId}`);
}

/**
 * Whether `memberId` wrote part of campaign `c`'s content: its creator, its last editor, or a
 * member whose edit changed the content hash (the audit log records the hash after every
 * step). The four-eyes rule: such a member may not approve it. The one definition, for the
 * approval itself and for the App Home's sections.
 */
export const writtenBy = (memberId: string) => sql.fragment`
  (c.created_by IS NOT DISTINCT FROM ${memberId} OR c.edited_by IS NOT DISTINCT FROM ${memberId}
   OR EXISTS (SELECT 1 FROM (SELECT actor, action, content_hash, lag(content_hash) OVER (ORDER BY created_at, id) AS hash_before
                               FROM audit_log
                              WHERE user_id = c.user_id AND entity_type = 'campaign' AND entity_id = c.id) step
               WHERE step.actor = ${memberId}
                 AND (step.action = 'create' OR (step.action IN ('edit', 'edit_reset') AND step.content_hash IS DISTINCT FROM step.hash_before))))`;

/** Whether `memberId` wrote part of the campaign (writtenBy). */
export async function isCampaignAuthor(db: CommonQueryMethods, userId: string, campaignId: bigint, memberId: string): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ written: z.boolean() }))`
    SELECT ${writtenBy(memberId)} AS written FROM campaigns c WHERE c.user_id = ${userId} AND c.id = ${campaignId}`);
}

export async function campaignContentHash(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<string> {
  return db.oneFirst(sql.type(z.object({ hash: z.string() }))`
    SELECT campaign_content_hash(c) AS hash FROM campaigns c WHERE c.user_id = ${userId} AND c.id = ${campaignId}`);
}

/** Replaces the campaign's lists (the caller checked that they are live lists of the account). */
export async function replaceCampaignLists(db: CommonQueryMethods, userId: string, campaignId: bigint, listIds: readonly bigint[]): Promise<void> {
  const wanted = sql.array(listIds.map(String), 'int8');
  await db.query(sql.unsafe`
    DELETE FROM campaign_lists
     WHERE user_id = ${userId} AND campaign_id = ${campaignId} AND list_id <> ALL(${wanted})`);
  await db.query(sql.unsafe`
    INSERT INTO campaign_lists (user_id, campaign_id, list_id)
    SELECT ${userId}, ${campaignId}, l FROM unnest(${wanted}::int8[]) AS l
    ON CONFLICT (user_id, campaign_id, list_id) DO NOTHING`);
}

export async function setCampaignCard(db: CommonQueryMethods, userId: string, campaignId: bigint, channelId: string, ts: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE campaigns SET slack_channel_id = ${channelId}, slack_message_ts = ${ts}
     WHERE user_id = ${userId} AND id = ${campaignId}`);
}

const Audit = z.object({
  action: z.string(),
  from_status: z.string().nullable(),
  to_status: z.string().nullable(),
  content_hash: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof Audit>;

type AuditFields = { actor: string; action: string; payload?: Record<string, unknown> };

/** An audit row for something that is not a status change (creation, edits of a draft, deletion). */
export async function recordCampaignAudit(
  db: CommonQueryMethods,
  userId: string,
  campaignId: bigint,
  entry: AuditFields & { fromStatus: CampaignStatus | null; toStatus: CampaignStatus | null },
): Promise<AuditEntry> {
  return db.one(sql.type(Audit)`
    INSERT INTO audit_log (user_id, actor, action, entity_type, entity_id, from_status, to_status, content_hash, payload)
    SELECT ${userId}, ${entry.actor}, ${entry.action}, 'campaign', c.id, ${entry.fromStatus}, ${entry.toStatus},
           campaign_content_hash(c), ${sql.jsonb((entry.payload ?? {}) as never)}
      FROM campaigns c WHERE c.user_id = ${userId} AND c.id = ${campaignId}
    RETURNING action, from_status, to_status, content_hash`);
}

/** The audit action of a test send; its payload lists the addresses (`to`). */
export const TEST_SEND_ACTION = 'send_test';

/**
 * How many test emails the member sent in the last hour, counted from the audit log. Takes a
 * lock on the member's test sends until the transaction ends, so a send counted after it is
 * recorded before anyone else counts (in a statement of its own: a statement's snapshot
 * predates the locks it waits for).
 */
export async function lockRecentTestEmails(db: CommonQueryMethods, userId: string, memberId: string): Promise<number> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${`test_sends:${userId}:${memberId}`}, 0))`);
  return db.oneFirst(sql.type(z.object({ sent: z.number() }))`
    SELECT coalesce(sum(jsonb_array_length(payload -> 'to')), 0)::int AS sent FROM audit_log
     WHERE user_id = ${userId} AND action = ${TEST_SEND_ACTION} AND actor = ${memberId} AND created_at > now() - interval '1 hour'`);
}

/**
 * What last paused campaign `c` ('pause', 'auto_pause', 'hold_overdue', 'pause_sending'), who
 * (a member's Slack id, or Herald's own actor) and the reason Herald gave: one row, none when nothing did.
 */
export const lastPauseOf = sql.fragment`
  SELECT action, actor, payload ->> 'reason' AS reason FROM audit_log
   WHERE user_id = c.user_id AND entity_type = 'campaign' AND entity_id = c.id AND to_status = 'paused'
   ORDER BY created_at DESC, id DESC LIMIT 1`;

/** A campaign `c` that sent something: finished, or cancelled or failed part-way (it counts for what it sent). */
export const SENT_SOMETHING = sql.fragment`(c.status = 'sent' OR c.emails_sent > 0)`;

/** What last paused the campaign, or null when nothing did. */
export async function lastPauseAction(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ action: z.string() }))`
    SELECT pause.action FROM campaigns c, LATERAL (${lastPauseOf}) pause WHERE c.user_id = ${userId} AND c.id = ${campaignId}`);
}

/** Assignments that forget an approval (with a transition back to draft). */
export const VOID_APPROVAL = sql.fragment`, approved_hash = NULL, approved_by = NULL, approved_at = NULL, held_at = NULL`;

export type Transition = AuditFields & {
  from: readonly CampaignStatus[];
  to: CampaignStatus;
  /** more assignments, starting with a comma */
  set?: FragmentSqlToken;
  /** more conditions on the campaign row `c`, starting with AND */
  when?: FragmentSqlToken;
};

/**
 * A status change: one conditional UPDATE and its audit row, in one statement. The row is
 * locked first, so of two concurrent transitions the second sees the first's result and
 * matches nothing. Returns null when the campaign was not in a `from` state (or `when` failed).
 */
export async function transitionCampaign(
  db: CommonQueryMethods,
  userId: string,
  campaignId: bigint,
  transition: Transition,
): Promise<AuditEntry | null> {
  return db.maybeOne(sql.type(Audit)`
    WITH target AS (
      SELECT id, status FROM campaigns
       WHERE user_id = ${userId} AND id = ${campaignId} AND deleted_at IS NULL
         FOR UPDATE
    ), moved AS (
      UPDATE campaigns c SET status = ${transition.to} ${transition.set ?? sql.fragment``}
        FROM target t
       WHERE c.user_id = ${userId} AND c.id = t.id
         AND t.status = ANY(${sql.array([...transition.from], 'text')}) ${transition.when ?? sql.fragment``}
      RETURNING c AS campaign, t.status AS from_status
    )
    INSERT INTO audit_log (user_id, actor, action, entity_type, entity_id, from_status, to_status, content_hash, payload)
    SELECT ${userId}, ${transition.actor}, ${transition.action}, 'campaign', (m.campaign).id, m.from_status,
           (m.campaign).status, campaign_content_hash(m.campaign), ${sql.jsonb((transition.payload ?? {}) as never)}
      FROM moved m
    RETURNING action, from_status, to_status, content_hash`);
}

/** Soft-deletes a draft (the name becomes free again). */
export async function deleteDraftCampaign(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<boolean> {
  const deleted = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE campaigns SET deleted_at = now()
     WHERE user_id = ${userId} AND id = ${campaignId} AND status = 'draft' AND deleted_at IS NULL
    RETURNING id`);
  return deleted !== null;
}

const Held = z.object({ user_id: z.string(), campaign_id: z.bigint(), scheduled_at: z.date() });
export type HeldCampaign = z.infer<typeof Held>;

/**
 * Holds every scheduled campaign whose time passed more than `graceSeconds` ago (Herald was
 * down): it becomes paused with held_at set, with an audit row each, in one statement. A
 * dispatcher that claims the campaign first wins the row lock and the hold skips it.
 */
export async function holdOverdueCampaigns(db: CommonQueryMethods, graceSeconds: number): Promise<readonly HeldCampaign[]> {
  return db.any(sql.type(Held)`
    WITH held AS (
      UPDATE campaigns c SET status = 'paused', held_at = now()
       WHERE c.status = 'scheduled' AND c.deleted_at IS NULL
         AND c.scheduled_at < now() - make_interval(secs => ${graceSeconds})
      RETURNING c AS campaign
    ), audited AS (
      INSERT INTO audit_log (user_id, actor, action, entity_type, entity_id, from_status, to_status, content_hash, payload)
      SELECT (h.campaign).user_id, 'herald', 'hold_overdue', 'campaign', (h.campaign).id, 'scheduled', 'paused',
             campaign_content_hash(h.campaign), jsonb_build_object('scheduled_at', (h.campaign).scheduled_at)
        FROM held h
      RETURNING user_id
    )
    SELECT (h.campaign).user_id AS user_id, (h.campaign).id AS campaign_id, (h.campaign).scheduled_at AS scheduled_at
      FROM held h`);
}

const Approver = z.object({ slack_user_id: z.string() });

/** Members who may approve, in a stable order. */
export async function listApprovers(db: CommonQueryMethods, userId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(Approver)`
    SELECT slack_user_id FROM members
     WHERE user_id = ${userId} AND role IN ('approver', 'admin')
     ORDER BY created_at, slack_user_id`);
}

const LiveList = z.object({ id: z.bigint(), name: z.string() });
export type LiveList = z.infer<typeof LiveList>;

export async function findLiveLists(db: CommonQueryMethods, userId: string, listIds: readonly bigint[]): Promise<readonly LiveList[]> {
  return db.any(sql.type(LiveList)`
    SELECT id, name FROM lists
     WHERE user_id = ${userId} AND deleted_at IS NULL AND id = ANY(${sql.array(listIds.map(String), 'int8')})
     ORDER BY lower(name)`);
}

const Sender = z.object({
  from_name: z.string().nullable(),
  from_email: z.string().nullable(),
  reply_to: z.string().nullable(),
  postal_address: z.string().nullable(),
});
export type SenderSettings = z.infer<typeof Sender>;

/** The account's sender defaults and postal address (users.settings). */
export async function findSenderSettings(db: CommonQueryMethods, userId: string): Promise<SenderSettings> {
  return db.one(sql.type(Sender)`
    SELECT settings->>'default_from_name' AS from_name, settings->>'default_from_email' AS from_email,
           settings->>'default_reply_to_email' AS reply_to, settings->>'postal_address' AS postal_address
      FROM users WHERE id = ${userId}`);
}

/** Whether the dispatcher has written the campaign's send ledger (its content is then final). */
export async function hasRecipients(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<boolean> {
  return db.exists(sql.type(z.object({ one: z.number() }))`
    SELECT 1 AS one FROM campaign_recipients WHERE user_id = ${userId} AND campaign_id = ${campaignId}`);
}

function timestamp(value: Date | null) {
  return value === null ? null : sql.timestamp(value);
}
