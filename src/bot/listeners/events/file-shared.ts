import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolveActor } from '../../../accounts/actor.ts';
import { recordSharedFile } from '../../../db/slack-files.ts';
import type { Services } from '../../../services.ts';

/** Remembers who shared which file where, so `/herald import <list>` finds the CSV just uploaded. */
export function fileShared(services: Services) {
  return async ({ event, body }: SlackEventMiddlewareArgs<'file_shared'> & AllMiddlewareArgs) => {
    const actor = await resolveActor(services.db.primary, { teamId: body.team_id, memberId: event.user_id });
    await recordSharedFile(services.db.primary, {
      userId: actor.userId,
      fileId: event.file_id,
      memberId: event.user_id,
      channelId: event.channel_id ?? null,
    });
  };
}
