import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const CardLocation = z.object({ slack_channel_id: z.string(), slack_message_ts: z.string() });
export type CardLocation = z.infer<typeof CardLocation>;

/** Where a campaign's status card was posted (null while it has none). */
export async function findCampaignCard(db: CommonQueryMethods, userId: string, campaignId: bigint): Promise<CardLocation | null> {
  return db.maybeOne(sql.type(CardLocation)`
    SELECT slack_channel_id, slack_message_ts FROM campaigns
     WHERE user_id = ${userId} AND id = ${campaignId}
       AND slack_channel_id IS NOT NULL AND slack_message_ts IS NOT NULL`);
}
