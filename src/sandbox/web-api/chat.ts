import { z } from 'zod';
import { deleteMessage, updateMessage, type NewMessage } from '../../db/sandbox/messages.ts';
import { findMember } from '../../db/sandbox/workspace.ts';
import { validateMessage } from '../block-kit-rules.ts';
import { withGeneratedIds } from '../block-ids.ts';
import type { SandboxContext } from '../context.ts';
import { messageObject, post, requireMessage, resolveChannel } from '../conversation.ts';
import { APP } from '../workspace.ts';
import { ApiError, BlocksArgument, booleanArgument, parseArguments } from './arguments.ts';
import type { WebApiMethods } from './methods.ts';

const MessageArgs = z.object({
  channel: z.string().min(1),
  text: z.string().optional(),
  blocks: BlocksArgument.optional(),
  thread_ts: z.string().min(1).optional(),
});

function content(args: z.infer<typeof MessageArgs>) {
  validateMessage(args);
  return { text: args.text ?? '', blocks: args.blocks ?? null };
}

const PostArgs = MessageArgs.extend({ reply_broadcast: booleanArgument.optional() });
const EphemeralArgs = MessageArgs.extend({ user: z.string().min(1) });
const UpdateArgs = MessageArgs.extend({ ts: z.string().min(1) });
const DeleteArgs = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
const PermalinkArgs = z.object({ channel: z.string().min(1), message_ts: z.string().min(1) });

async function requireAppMessage(ctx: SandboxContext, channelId: string, ts: string) {
  const message = await requireMessage(ctx.db, channelId, ts);
  if (message.author_id !== APP.botUserId) throw new ApiError('cant_update_message');
  return message;
}

/** Posts the app's message (chat.postMessage, chat.postEphemeral) where the arguments say. */
async function postFromApp(ctx: SandboxContext, args: z.infer<typeof MessageArgs>, extra: Partial<NewMessage>) {
  const channel = await resolveChannel(ctx.db, args.channel);
  const ts = await post(ctx, { channelId: channel.id, threadTs: args.thread_ts, authorId: APP.botUserId, ...extra, ...content(args) });
  return { channel: channel.id, ts };
}

export const chatMethods: WebApiMethods = {
  async 'chat.postMessage'(ctx, raw) {
    const args = parseArguments(PostArgs, raw);
    const { channel, ts } = await postFromApp(ctx, args, { replyBroadcast: args.reply_broadcast });
    return { channel, ts, message: messageObject(await requireMessage(ctx.db, channel, ts)) };
  },

  async 'chat.postEphemeral'(ctx, raw) {
    const args = parseArguments(EphemeralArgs, raw);
    if (!(await findMember(ctx.db, args.user))) throw new ApiError('user_not_in_channel');
    const { ts } = await postFromApp(ctx, args, { visibleTo: args.user });
    return { message_ts: ts };
  },

  async 'chat.update'(ctx, raw) {
    const args = parseArguments(UpdateArgs, raw);
    const channel = await resolveChannel(ctx.db, args.channel);
    await requireAppMessage(ctx, channel.id, args.ts);
    const { text, blocks } = content(args);
    await updateMessage(ctx.db, channel.id, args.ts, { text, blocks: blocks ? withGeneratedIds(blocks) : null });
    ctx.changes.changed();
    const message = await requireMessage(ctx.db, channel.id, args.ts);
    return { channel: channel.id, ts: args.ts, text, message: messageObject(message) };
  },

  async 'chat.delete'(ctx, raw) {
    const args = parseArguments(DeleteArgs, raw);
    const channel = await resolveChannel(ctx.db, args.channel);
    await requireAppMessage(ctx, channel.id, args.ts);
    await deleteMessage(ctx.db, channel.id, args.ts);
    ctx.changes.changed();
    return { channel: channel.id, ts: args.ts };
  },

  async 'chat.getPermalink'(ctx, raw) {
    const args = parseArguments(PermalinkArgs, raw);
    const channel = await resolveChannel(ctx.db, args.channel);
    await requireMessage(ctx.db, channel.id, args.message_ts);
    return { channel: channel.id, permalink: `${ctx.baseUrl}/sandbox#${channel.id}/${args.message_ts}` };
  },
};
