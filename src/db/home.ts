import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { lastPauseOf, SENT_SOMETHING, writtenBy } from './campaigns.ts';

/** In the order the App Home shows them. */
export const HOME_SECTIONS = ['attention', 'drafts', 'requests', 'approvals', 'scheduled', 'sent'] as const;
export type HomeSection = (typeof HOME_SECTIONS)[number];

/** A scheduled campaign this close to its send time is listed as needing attention (last chance to stop it). */
export const SCHEDULED_SOON_HOURS = 24;

const HomeCampaign = z.object({
  section: z.enum(HOME_SECTIONS),
  id: z.bigint(),
  name: z.string(),
  status: z.string(),
  scheduled_at: z.date().nullable(),
  sent_at: z.date().nullable(),
  emails_sent: z.number(),
  recipients_total: z.number(),
  open_rate: z.number(),
  click_rate: z.number(),
  bounce_rate: z.number(),
  approved_by: z.string().nullable(),
  held_at: z.date().nullable(),
  /** Of a paused campaign: what paused it ('pause', 'auto_pause', 'pause_sending', …), who, and Herald's reason. */
  paused_by_action: z.string().nullable(),
  paused_by: z.string().nullable(),
  pause_reason: z.string().nullable(),
  section_total: z.bigint().transform(Number),
});
export type HomeCampaign = z.infer<typeof HomeCampaign>;

export type HomePages = Record<HomeSection, number>;

const page = z.number().int().min(0).default(0);
/** members.home_pages as stored: a section not in it is on its first page. */
const StoredPages = z.object({ attention: page, drafts: page, requests: page, approvals: page, scheduled: page, sent: page });

/**
 * One page of each App Home section, and each section's total, in one query: campaigns in
 * progress or needing someone to act (approved, scheduled within SCHEDULED_SOON_HOURS, sending,
 * paused), the member's drafts, the member's campaigns awaiting approval, those awaiting their
 * approval (none they wrote: the four-eyes rule of approving), the ones scheduled later, and the
 * most recently sent (any that sent something and stopped, whatever its status). Windows over the
 * account's campaigns keep it one round trip however many campaigns there are.
 */
export function homeCampaigns(
  db: CommonQueryMethods,
  viewer: { userId: string; memberId: string; canApprove: boolean },
  pages: HomePages,
  pageSize: number,
): Promise<readonly HomeCampaign[]> {
  return db.any(sql.type(HomeCampaign)`
    SELECT ranked.section, id, name, status, scheduled_at, sent_at, emails_sent, recipients_total, open_rate, click_rate,
           bounce_rate, approved_by, held_at, paused_by_action, paused_by, pause_reason, section_total
      FROM (SELECT s.section, c.id, c.name, c.status, c.scheduled_at, c.sent_at, c.emails_sent, c.recipients_total,
                   c.open_rate, c.click_rate, c.bounce_rate, c.approved_by, c.held_at,
                   pause.action AS paused_by_action, pause.actor AS paused_by, pause.reason AS pause_reason,
                   count(*) OVER (PARTITION BY s.section) AS section_total,
                   row_number() OVER (PARTITION BY s.section
                                      ORDER BY CASE WHEN s.section = 'attention'
                                                    THEN array_position(ARRAY['paused', 'approved', 'sending', 'scheduled'], c.status::text) END,
                                               CASE WHEN s.section IN ('attention', 'scheduled') THEN c.scheduled_at END ASC,
                                               coalesce(c.sent_at, c.updated_at) DESC, c.id DESC) - 1 AS position
              FROM campaigns c
              CROSS JOIN LATERAL (SELECT CASE
                WHEN c.status IN ('approved', 'sending', 'paused')
                     OR (c.status = 'scheduled' AND c.scheduled_at < now() + make_interval(hours => ${SCHEDULED_SOON_HOURS})) THEN 'attention'
                WHEN c.status = 'draft' AND c.created_by = ${viewer.memberId} THEN 'drafts'
                WHEN c.status = 'pending_approval' AND ${writtenBy(viewer.memberId)} THEN 'requests'
                WHEN c.status = 'pending_approval' AND ${viewer.canApprove} THEN 'approvals'
                WHEN c.status = 'scheduled' THEN 'scheduled'
                WHEN ${SENT_SOMETHING} THEN 'sent'
              END AS section) s
              -- OFFSET 0 keeps the filter a one-time check: the audit log is read for paused campaigns only
              LEFT JOIN LATERAL (SELECT * FROM (${lastPauseOf}) last WHERE c.status = 'paused' OFFSET 0) pause ON true
             WHERE c.user_id = ${viewer.userId} AND c.deleted_at IS NULL AND s.section IS NOT NULL) ranked
      JOIN ${sql.unnest(HOME_SECTIONS.map((section) => [section, pages[section] * pageSize]), ['text', 'int4'])} AS page(section, first)
        ON page.section = ranked.section
     WHERE ranked.position >= page.first AND ranked.position < page.first + ${pageSize}
     ORDER BY ranked.section, position`);
}

/** Opening the App Home shows the first page of every section. */
export async function markHomeOpened(db: CommonQueryMethods, userId: string, memberId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE members SET home_opened_at = now(), home_pages = NULL WHERE user_id = ${userId} AND slack_user_id = ${memberId}`);
}

/** Moves one section of a member's App Home to a page; returns the pages of all their sections. */
export async function turnHomePage(db: CommonQueryMethods, userId: string, memberId: string, section: HomeSection, to: number): Promise<HomePages> {
  const pages = await db.maybeOneFirst(sql.type(z.object({ home_pages: StoredPages }))`
    UPDATE members SET home_pages = coalesce(home_pages, '{}') || jsonb_build_object(${section}::text, ${to}::int)
     WHERE user_id = ${userId} AND slack_user_id = ${memberId}
    RETURNING home_pages`);
  return pages ?? StoredPages.parse({ [section]: to });
}

const HomeViewer = z.object({ slack_user_id: z.string(), role: z.enum(['admin', 'approver', 'editor']), home_pages: StoredPages });
export type HomeViewer = z.infer<typeof HomeViewer>;

/** Members who opened their App Home lately, with the pages they are on: the homes worth re-publishing after a change. */
export function recentHomeViewers(db: CommonQueryMethods, userId: string, limit: number): Promise<readonly HomeViewer[]> {
  return db.any(sql.type(HomeViewer)`
    SELECT slack_user_id, role, coalesce(home_pages, '{}') AS home_pages FROM members
     WHERE user_id = ${userId} AND home_opened_at > now() - interval '7 days'
     ORDER BY home_opened_at DESC
     LIMIT ${limit}`);
}
