import type { SandboxContext } from '../context.ts';
import { post } from '../conversation.ts';
import { SLACKBOT } from '../workspace.ts';

/** An ephemeral note from Slackbot, as Slack posts when a slash command fails. */
export async function slackbotNotice(ctx: SandboxContext, channelId: string, memberId: string, text: string): Promise<void> {
  await post(ctx, { channelId, authorId: SLACKBOT, visibleTo: memberId, text });
}
