import type { CommonQueryMethods } from 'slonik';
import {
  accountQuota,
  findCampaignReport,
  findCampaignReportByName,
  recentCampaignCounters,
  topClickedLinks,
  type CampaignCounters,
  type CampaignReport,
  type Quota,
  type TopLink,
} from '../db/reports.ts';
import { UserError } from '../errors.ts';

export type CampaignStats = { campaign: CampaignReport; topLinks: readonly TopLink[] };
export type AccountOverview = { campaigns: readonly CampaignCounters[]; quota: Quota };

/** Stats of one campaign, by id or by name; a name nobody knows is the asker's mistake. */
export async function campaignStats(
  db: CommonQueryMethods,
  userId: string,
  campaign: { id: bigint } | { name: string },
): Promise<CampaignStats> {
  const report =
    'id' in campaign
      ? await findCampaignReport(db, userId, campaign.id)
      : await findCampaignReportByName(db, userId, campaign.name);
  if (!report) {
    const what = 'name' in campaign ? `named “${campaign.name}”` : 'with that id';
    throw new UserError(`There is no campaign ${what}. \`/herald stats\` lists your recent campaigns.`);
  }
  return { campaign: report, topLinks: await topClickedLinks(db, userId, report.id) };
}

/** The last campaigns side by side and month-to-date sends against the quota. */
export async function accountOverview(db: CommonQueryMethods, userId: string): Promise<AccountOverview> {
  const [campaigns, quota] = await Promise.all([recentCampaignCounters(db, userId, 10), accountQuota(db, userId)]);
  return { campaigns, quota };
}

/** Bounces that were not hard. */
export const softBounces = (counters: Pick<CampaignCounters, 'emails_bounced' | 'emails_hard_bounced'>) =>
  counters.emails_bounced - counters.emails_hard_bounced;

/** A percentage with one decimal, computed like the campaigns' generated rate columns. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.round((part * 1000) / whole) / 10) : 0;
}
