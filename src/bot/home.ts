import type { WebClient } from '@slack/web-api';
import type { Actor } from '../accounts/actor.ts';
import type { HomePages } from '../db/home.ts';
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
