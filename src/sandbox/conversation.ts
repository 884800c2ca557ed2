import type { CommonQueryMethods } from 'slonik';
import { findMessage, insertMessage, type NewMessage, type SandboxMessage } from '../db/sandbox/messages.ts';
import { findChannel, findMember, imChannelId, type SandboxChannel } from '../db/sandbox/workspace.ts';
import { withGeneratedIds } from './block-ids.ts';
import type { SandboxContext } from './context.ts';
import { ApiError } from './web-api/arguments.ts';
import { APP, TEAM } from './workspace.ts';

/** A channel id as the Web API accepts it: C…/D… as is, a member id means the app's DM with them. */
export async function resolveChannel(db: CommonQueryMethods, channel: string): Promise<SandboxChannel> {
  const id = channel.startsWith('U') && (await findMember(db, channel)) ? imChannelId(channel) : channel;
  const found = await findChannel(db, id);
  if (!found) throw new ApiError('channel_not_found');
  return found;
}

/** Stores a message (blocks get Slack's generated ids) and wakes the pages; returns its ts. */
export async function post(ctx: SandboxContext, message: NewMessage): Promise<string> {
  const blocks = message.blocks ? withGeneratedIds(message.blocks as Array<Record<string, unknown>>) : null;
  const ts = await insertMessage(ctx.db, { ...message, blocks });
  ctx.changes.changed();
  return ts;
}

/** A message as the Web API returns it (chat.postMessage, chat.update, interaction payloads). */
export function messageObject(message: SandboxMessage): Record<string, unknown> {
  const fromApp = message.author_id === APP.botUserId;
  return {
    type: 'message',
    ts: message.ts,
    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    user: message.author_id,
    ...(fromApp ? { bot_id: APP.botId, app_id: APP.id } : {}),
    team: TEAM.id,
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.file_ids.length > 0 ? { files: message.file_ids.map((id) => ({ id })) } : {}),
  };
}

export async function requireMessage(db: CommonQueryMethods, channelId: string, ts: string): Promise<SandboxMessage> {
  const message = await findMessage(db, channelId, ts);
  if (!message) throw new ApiError('message_not_found');
  return message;
}
