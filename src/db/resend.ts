import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Fills a list with the recipients a campaign reached but who did not open it (human opens;
 * privacy-proxy opens do not count), leaving out anyone who bounced, unsubscribed, complained
 * or is no longer subscribed. Returns how many were added.
 */
export async function fillWithNonOpeners(db: CommonQueryMethods, userId: string, campaignId: bigint, listId: bigint): Promise<number> {
  const added = await db.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
    INSERT INTO list_contacts (user_id, list_id, contact_id)
    SELECT r.user_id, ${listId}, r.contact_id
      FROM campaign_recipients r
      JOIN contacts c ON c.user_id = r.user_id AND c.id = r.contact_id
     WHERE r.user_id = ${userId} AND r.campaign_id = ${campaignId}
       AND r.delivered_at IS NOT NULL AND r.first_opened_at IS NULL
       AND NOT r.bounced AND NOT r.unsubscribed AND NOT r.complained
       AND c.status = 'subscribed' AND c.deleted_at IS NULL
    RETURNING contact_id`);
  return added.length;
}
