import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolveActor } from '../../../accounts/actor.ts';
import { recordSharedFile } from '../../../db/slack-files.ts';
import type { Services } from '../../../services.ts';
import { isOfOtherWorkspace } from '../../slack-people.ts';

/**
 * Remembers who shared which file where, so `/herald import <list>` finds the CSV just uploaded.
 * A file a member of another workspace shares (in a Slack Connect channel) is not theirs to import here.
 */
export function fileShared(services: Services) {
  return async ({ event, body, client }: SlackEventMiddlewareArgs<'file_shared'> & AllMiddlewareArgs) => {
    if (await isOfOtherWorkspace(client, body.team_id, event.user_id)) return;
    const actor = await resolveActor(services.db.primary, { teamId: body.team_id, memberId: event.user_id });
    await recordSharedFile(services.db.primary, {
      userId: actor.userId,
      fileId: event.file_id,
      memberId: event.user_id,
      channelId: event.channel_id ?? null,
    });
  };
}
