import type { WebClient } from '@slack/web-api';
import { context } from './views/blocks.ts';

export type Posted = { channel: string; ts: string };
/** A conversation, and the member Herald is answering there. */
export type Target = { channel: string; memberId: string };
export type Message = { text: string; blocks?: readonly object[] };

/** Slack's answers where a bot may not post: a channel it is not in, a private channel, a DM between others. */
const CANNOT_POST_THERE = new Set(['not_in_channel', 'channel_not_found']);

/** The `error` of a failed Web API call (e.g. not_in_channel). */
export const errorCode = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

async function post(client: WebClient, channel: string, message: Message): Promise<Posted> {
  const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never });
  if (!posted.ts) throw new Error('chat.postMessage returned no ts');
  return { channel: posted.channel ?? channel, ts: posted.ts };
}

/** A DM is no place anyone can be pointed to; a channel is. */
const conversationName = (channel: string) => (channel.startsWith('D') ? 'that direct message' : `<#${channel}>`);

/** The message as it goes to the member's DM instead: it says which conversation it belongs to. */
function redirected(message: Message, channel: string): Message {
  const note = `Sent to you here because I can't post in ${conversationName(channel)}` +
    (channel.startsWith('D') ? '.' : ' — add me to the channel to see my messages there.');
  return { text: `${message.text}\n${note}`, blocks: message.blocks && [...message.blocks, context(note)] };
}

/** Sends with `send`; where Slack says Herald may not post in the conversation, the message goes to the member's DM. */
async function orToMember<T>(client: WebClient, target: Target, message: Message, send: () => Promise<T>): Promise<T | Posted> {
  try {
    return await send();
  } catch (error) {
    if (!CANNOT_POST_THERE.has(errorCode(error) ?? '')) throw error;
    return post(client, target.memberId, redirected(message, target.channel));
  }
}

/** Posts in a channel, joining it first when Herald is not a member yet (Slack lets it join public channels only). */
export async function postJoiningChannel(client: WebClient, channel: string, message: Message): Promise<Posted> {
  try {
    return await post(client, channel, message);
  } catch (error) {
    if (errorCode(error) !== 'not_in_channel') throw error;
    const joined = await client.conversations.join({ channel }).then(() => true, () => false);
    if (!joined) throw error;
    return post(client, channel, message);
  }
}

/**
 * Posts in a channel, joining it first when Herald is not a member yet; where it cannot
 * post (a DM with someone else, a private channel) the message goes to the member's DM.
 */
export function postInChannel(client: WebClient, target: Target, message: Message): Promise<Posted> {
  return orToMember(client, target, message, () => postJoiningChannel(client, target.channel, message));
}

/** A message only the member sees in the conversation; where Herald cannot post there, in the member's DM. */
export async function postEphemeralInChannel(client: WebClient, target: Target, message: Message): Promise<void> {
  await orToMember(client, target, message, () =>
    client.chat.postEphemeral({ channel: target.channel, user: target.memberId, text: message.text, blocks: message.blocks as never }));
}
