import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolveActor } from '../../../accounts/actor.ts';
import { markHomeOpened } from '../../../db/home.ts';
import type { Services } from '../../../services.ts';
import { publishHome } from '../../home.ts';
import { isOfOtherWorkspace } from '../../slack-people.ts';

export function appHomeOpened(services: Services) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    // a member of another workspace neither joins this one's account nor sees its home
    if (await isOfOtherWorkspace(client, body.team_id, event.user)) return;
    const actor = await resolveActor(services.db.primary, { teamId: body.team_id, memberId: event.user });
    await markHomeOpened(services.db.primary, actor.userId, actor.memberId);
    await publishHome(services, client, actor);
  };
}
