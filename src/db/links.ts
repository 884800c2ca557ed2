import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { CampaignRef } from '../notify/notifier.ts';

const Link = z.object({ id: z.bigint(), url: z.string(), link_text: z.string().nullable() });
export type CampaignLink = z.infer<typeof Link>;

/**
 * Registers the links of a campaign (idempotent) and returns their ids. The no-op update
 * makes RETURNING include links that were already there, so one statement answers for all.
 */
export async function ensureCampaignLinks(
  db: CommonQueryMethods,
  ref: CampaignRef,
  links: ReadonlyArray<{ url: string; text: string | null }>,
): Promise<readonly CampaignLink[]> {
  if (links.length === 0) return [];
  return db.any(sql.type(Link)`
    INSERT INTO campaign_links (user_id, campaign_id, url, link_text)
    SELECT ${ref.userId}, ${ref.campaignId}, url, text
      FROM ${sql.unnest(links.map((l) => [l.url, l.text]), ['text', 'text'])} AS t(url, text)
     ORDER BY url
    ON CONFLICT (user_id, campaign_id, url) DO UPDATE SET url = EXCLUDED.url
    RETURNING id, url, link_text`);
}

/** A link of this campaign only: click redirects go nowhere else. */
export async function findCampaignLink(db: CommonQueryMethods, ref: CampaignRef, linkId: bigint): Promise<CampaignLink | null> {
  return db.maybeOne(sql.type(Link)`
    SELECT id, url, link_text FROM campaign_links
     WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND id = ${linkId}`);
}
