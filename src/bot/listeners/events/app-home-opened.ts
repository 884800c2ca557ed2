import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolveActor } from '../../../accounts/actor.ts';
import { accountOverview } from '../../../db/overview.ts';
import type { Services } from '../../../services.ts';
import { homeView } from '../../views/home.ts';

export function appHomeOpened(services: Services) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    const actor = await resolveActor(services.db.primary, { teamId: body.team_id, memberId: event.user });
    const overview = await accountOverview(services.db.read, actor.userId);
    await client.views.publish({ user_id: event.user, view: homeView({ role: actor.role, ...overview }) as never });
  };
}
