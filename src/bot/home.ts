import type { WebClient } from '@slack/web-api';
import type { Actor } from '../accounts/actor.ts';
import { findWorkspaceOfAccount } from '../db/accounts.ts';
import { recentHomeViewers, type HomePages } from '../db/home.ts';
import { accountOverview } from '../db/overview.ts';
import { campaignHome, FIRST_PAGES } from '../reports/home.ts';
import type { Services } from '../services.ts';
import { homeView } from './views/home.ts';

/** Renders a member's App Home from the read pool and publishes it (views.publish). */
export async function publishHome(services: Services, client: WebClient, actor: Actor, pages: HomePages = FIRST_PAGES): Promise<void> {
  const [overview, campaigns] = await Promise.all([
    accountOverview(services.db.read, actor.userId),
    campaignHome(services.db.read, actor, pages),
  ]);
  await client.views.publish({ user_id: actor.memberId, view: homeView({ role: actor.role, ...overview, campaigns }) as never });
}

/** Homes re-published after one change, at most: views.publish is rate-limited per workspace. */
const REFRESHED_HOMES = 20;

/** Re-publishes the App Home of the account's members who opened it lately (after a campaign changed). */
export async function refreshOpenHomes(services: Services, client: WebClient, userId: string): Promise<void> {
  const [workspace, viewers] = await Promise.all([
    findWorkspaceOfAccount(services.db.read, userId),
    recentHomeViewers(services.db.read, userId, REFRESHED_HOMES),
  ]);
  if (!workspace) return;
  for (const viewer of viewers) {
    await publishHome(services, client, { userId, teamId: workspace.team_id, memberId: viewer.slack_user_id, role: viewer.role });
  }
}
