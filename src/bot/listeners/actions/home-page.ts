import type { App } from '@slack/bolt';
import { z } from 'zod';
import { HOME_SECTIONS, turnHomePage } from '../../../db/home.ts';
import type { Services } from '../../../services.ts';
import { publishHome } from '../../home.ts';
import { HOME_PAGE_ACTIONS } from '../../views/home-campaigns.ts';
import { onAction } from '../with-actor.ts';

const PageValue = z.object({ section: z.enum(HOME_SECTIONS), page: z.number().int().min(0).max(100_000) });

/** "More →" / "← Newer" in an App Home section: re-publishes the home with that section's page, the others' as they were. */
export function registerHomePaging(app: App, services: Services): void {
  const handler = onAction(services, async ({ action, actor, client }) => {
    const value = PageValue.parse(JSON.parse('value' in action && action.value ? action.value : '{}'));
    const pages = await turnHomePage(services.db.primary, actor.userId, actor.memberId, value.section, value.page);
    await publishHome(services, client, actor, pages);
  });
  app.action(HOME_PAGE_ACTIONS.newer, handler);
  app.action(HOME_PAGE_ACTIONS.older, handler);
}
