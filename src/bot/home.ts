import type { WebClient } from '@slack/web-api';
import type { Actor } from '../accounts/actor.ts';
import { findWorkspaceOfAccount } from '../db/accounts.ts';
import { recentHomeViewers, type HomePages } from '../db/home.ts';
import { accountOverview, type Overview } from '../db/overview.ts';
import { campaignHome, FIRST_PAGES, type CampaignHome } from '../reports/home.ts';
import type { Services } from '../services.ts';
import { homeView } from './views/home.ts';

/** Renders a member's App Home from the read pool and publishes it (views.publish): on their own request. */
export async function publishHome(services: Services, client: WebClient, actor: Actor, pages: HomePages = FIRST_PAGES): Promise<void> {
  const [overview, campaigns] = await Promise.all([
    accountOverview(services.db.read, actor.userId),
    campaignHome(services.db.read, actor, pages),
  ]);
  await publish(client, actor, overview, campaigns);
}

function publish(client: WebClient, actor: Actor, overview: Overview, campaigns: CampaignHome) {
  return client.views.publish({ user_id: actor.memberId, view: homeView({ role: actor.role, ...overview, campaigns }) as never });
}

/** Homes re-published after one change, at most: views.publish is rate-limited per workspace. */
const REFRESHED_HOMES = 20;

/**
 * Re-publishes the App Home of the account's members who opened it lately (after a campaign's
 * status changed), each on the pages they were on. Read from the primary: a replica may not
 * have the change yet. The account's counts are the same for every member, so read once.
 */
export async function refreshOpenHomes(services: Services, client: WebClient, userId: string): Promise<void> {
  const db = services.db.primary;
  const [workspace, viewers] = await Promise.all([
    findWorkspaceOfAccount(db, userId),
    recentHomeViewers(db, userId, REFRESHED_HOMES),
  ]);
  if (!workspace || viewers.length === 0) return;
  const overview = await accountOverview(db, userId);
  for (const viewer of viewers) {
    const actor = { userId, teamId: workspace.team_id, memberId: viewer.slack_user_id, role: viewer.role };
    await publish(client, actor, overview, await campaignHome(db, actor, viewer.home_pages));
  }
}
