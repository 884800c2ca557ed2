import type { CommonQueryMethods } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import { hasRole } from '../accounts/roles.ts';
import { homeCampaigns, type HomeCampaign, type HomePages, type HomeSection } from '../db/home.ts';
import { accountQuota, type Quota } from '../db/reports.ts';

export const HOME_PAGE_SIZE = 8;
export const FIRST_PAGES: HomePages = { attention: 0, drafts: 0, requests: 0, approvals: 0, scheduled: 0, sent: 0 };

export type HomeSectionPage = { items: readonly HomeCampaign[]; total: number; page: number };
export type CampaignHome = {
  canApprove: boolean;
  pageSize: number;
  sections: Record<HomeSection, HomeSectionPage>;
  quota: Quota;
};

/** What a member's App Home shows about campaigns: one page per section and the quota (two queries). */
export async function campaignHome(db: CommonQueryMethods, actor: Actor, pages: HomePages = FIRST_PAGES): Promise<CampaignHome> {
  const canApprove = hasRole(actor, 'approver');
  const [rows, quota] = await Promise.all([
    homeCampaigns(db, { userId: actor.userId, memberId: actor.memberId, canApprove }, pages, HOME_PAGE_SIZE),
    accountQuota(db, actor.userId),
  ]);
  const pageOf = (section: HomeSection): HomeSectionPage => {
    const items = rows.filter((row) => row.section === section);
    return { items, total: items[0]?.section_total ?? 0, page: pages[section] };
  };
  const sections = {
    attention: pageOf('attention'), drafts: pageOf('drafts'), requests: pageOf('requests'),
    approvals: pageOf('approvals'), scheduled: pageOf('scheduled'), sent: pageOf('sent'),
  };
  return { canApprove, pageSize: HOME_PAGE_SIZE, sections, quota };
}
