import type { WebClient } from '@slack/web-api';
import { UserError } from '../errors.ts';
import { errorCode, postJoiningChannel, type Message } from './post.ts';


/**
 * What a job will post in a channel from now on, announced there when someone sets it up.
 * `purpose` names it in a refusal ("your digest"); `command` is what the member sent, to send again.
 */
export type Announcement = { message: Message; purpose: string; command: string };

/**
 * Announces in `channel` what Herald will post there (joining a public channel first). Jobs
 * post later with nobody watching, so a channel Herald cannot post in is found now: the
 * member is told how to let Herald in, and nothing is posted.
 */
export async function announceInChannel(client: WebClient, channel: string, announcement: Announcement): Promise<void> {
  try {
    await postJoiningChannel(client, channel, announcement.message);
  } catch (error) {
    const refusal = whyNotThere(errorCode(error), channel, announcement);
    throw refusal ? new UserError(refusal) : error;
  }
}

function whyNotThere(code: string | undefined, channel: string, { purpose, command }: Announcement): string | null {
  if (code === 'is_archived') return `<#${channel}> is archived, so ${purpose} cannot be posted there. Nothing was saved; choose another channel.`;
  if (code !== 'not_in_channel' && code !== 'channel_not_found') return null;
  if (channel.startsWith('D')) {
    return `I can't post in this direct message, so ${purpose} cannot be posted here. Nothing was saved; send the command from a channel I'm in.`;
  }
  return `I can't post in <#${channel}>, so ${purpose} cannot be posted there. Nothing was saved. ` +
    `Invite me first (type \`/invite @Herald\` in <#${channel}>), then send the command again: ${command}`;
}
