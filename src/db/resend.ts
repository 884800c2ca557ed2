import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * A campaign's non-openers, the one definition of them: recipients it reached who neither
 * opened it nor clicked in it as people (privacy-proxy opens and scanner clicks do not count;
 * a reader with images blocked clicks without an open), leaving out anyone who bounced,
 * unsubscribed, complained or is no longer subscribed.
 */
const nonOpeners = (userId: string, campaignId: bigint) => sql.fragment`
    FROM campaign_recipients r
    JOIN contacts c ON c.user_id = r.user_id AND c.id = r.contact_id
   WHERE r.user_id = ${userId} AND r.campaign_id = ${campaignId}
     AND r.delivered_at IS NOT NULL AND r.first_opened_at IS NULL AND r.first_clicked_at IS NULL
     AND NOT r.bounced AND NOT r.unsubscribed AND NOT r.complained
     AND c.status = 'subscribed' AND c.deleted_at IS NULL`;

/** How many non-openers a resend would reach (reads every recipient: for the member who asked, not for reports). */
export function countNonOpeners(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<number> {
  return db.oneFirst(sql.type(z.object({ count: z.bigint().transform(Number) }))`
    SELECT count(*) ${nonOpeners(userId, campaignId)}`);
}

/** Fills a list with the campaign's non-openers. Returns how many were added. */
export async function fillWithNonOpeners(db: CommonQueryMethods, userId: string, campaignId: bigint, listId: bigint): Promise<number> {
  const added = await db.anyFirst(sql.type(z.object({ contact_id: z.bigint() }))`
    INSERT INTO list_contacts (user_id, list_id, contact_id)
    SELECT r.user_id, ${listId}, r.contact_id
    ${nonOpeners(userId, campaignId)}
    RETURNING contact_id`);
  return added.length;
}
