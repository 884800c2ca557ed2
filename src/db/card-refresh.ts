import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';

const Ref = z.object({ user_id: z.string(), id: z.bigint() });

/**
 * Claims the cards whose engagement counters moved since they were last drawn: campaigns
 * with a card that are sending, paused after sending something, or whose sending ended
 * (finished, cancelled, failed) within `withinDays`. The conditional UPDATE makes each
 * change claimed by one process only.
 */
export async function claimCardsWithNewCounters(db: DatabasePool, withinDays: number): Promise<CampaignRef[]> {
  const rows = await db.any(sql.type(Ref)`
    UPDATE campaigns
       SET card_counters = ARRAY[emails_delivered, emails_opened, emails_clicked, emails_bounced,
                                 emails_unsubscribed, emails_complained]
     WHERE slack_message_ts IS NOT NULL AND deleted_at IS NULL
       AND (status = 'sending' OR (status = 'paused' AND emails_sent > 0)
            OR sent_at > now() - make_interval(days => ${withinDays}))
       AND card_counters IS DISTINCT FROM ARRAY[emails_delivered, emails_opened, emails_clicked, emails_bounced,
                                                emails_unsubscribed, emails_complained]
    RETURNING user_id, id`);
  return rows.map((row) => ({ userId: row.user_id, campaignId: row.id }));
}
