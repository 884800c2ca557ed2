import type { WebClient } from '@slack/web-api';

type Posted = { channel: string; ts: string };
type SlackError = { data?: { error?: string } };

/**
 * Posts in a channel, joining it first when Herald is not a member yet; where it cannot
 * post (a DM with someone else, a private channel) the message goes to the member's DM.
 */
export async function postInChannel(client: WebClient, target: { channel: string; memberId: string }, message: { text: string; blocks?: readonly object[] }): Promise<Posted> {
  const post = async (channel: string) => {
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks as never });
    return { channel: posted.channel ?? channel, ts: posted.ts ?? '' };
  };
  try {
    return await post(target.channel);
  } catch (error) {
    const code = (error as SlackError).data?.error;
    if (code === 'not_in_channel') {
      const joined = await client.conversations.join({ channel: target.channel }).then(() => true, () => false);
      if (joined) return post(target.channel);
    }
    if (code === 'not_in_channel' || code === 'channel_not_found') return post(target.memberId);
    throw error;
  }
}
