import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';

const Counters = z.object({ sent: z.number(), hard_bounced: z.number(), complained: z.number() });
export type SendingCounters = z.infer<typeof Counters>;

const SendingHealth = z.object({
  name: z.string(),
  status: z.string(),
  counters: Counters,
  /** counters when the campaign was last paused automatically: later checks judge only what followed */
  baseline: Counters.nullable(),
  /** users.settings.auto_pause as stored (validated by the domain) */
  settings: z.unknown(),
});
export type SendingHealth = z.infer<typeof SendingHealth>;

/** A campaign's trigger-maintained bounce and complaint counters with its account's thresholds. */
export function findSendingHealth(db: CommonQueryMethods, ref: CampaignRef): Promise<SendingHealth | null> {
  return db.maybeOne(sql.type(SendingHealth)`
    SELECT c.name, c.status,
           jsonb_build_object('sent', c.emails_sent, 'hard_bounced', c.emails_hard_bounced, 'complained', c.emails_complained) AS counters,
           c.metadata -> 'auto_pause' AS baseline,
           u.settings -> 'auto_pause' AS settings
      FROM campaigns c JOIN users u ON u.id = c.user_id
     WHERE c.user_id = ${ref.userId} AND c.id = ${ref.campaignId} AND c.deleted_at IS NULL`);
}

/** Campaigns being sent right now, across accounts (the periodic check's work list). */
export function sendingCampaigns(db: CommonQueryMethods): Promise<readonly CampaignRef[]> {
  return db.any(sql.type(z.object({ user_id: z.string(), id: z.bigint() }).transform((row) => ({ userId: row.user_id, campaignId: row.id })))`
    SELECT user_id, id FROM campaigns WHERE status = 'sending' AND deleted_at IS NULL ORDER BY user_id, id`);
}

/** Assignment for the pausing transition: remember the counters the decision was made on. */
export const REMEMBER_AUTO_PAUSE_BASELINE = sql.fragment`, metadata = c.metadata || jsonb_build_object('auto_pause',
  jsonb_build_object('sent', c.emails_sent, 'hard_bounced', c.emails_hard_bounced, 'complained', c.emails_complained))`;
