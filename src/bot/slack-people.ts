import type { WebClient } from '@slack/web-api';
import type { Standing } from '../accounts/members.ts';

/** Whether a Slack user is a person who can hold a role here (users.info); null when Slack does not know them. */
export async function standingInSlack(client: WebClient, memberId: string): Promise<Standing | null> {
  const info = await client.users.info({ user: memberId }).catch((error: { data?: { error?: string } }) => {
    if (error.data?.error === 'user_not_found') return null;
    throw error;
  });
  const user = info?.user;
  if (!user) return null;
  if (user.deleted) return 'deactivated';
  if (user.is_bot || user.id === 'USLACKBOT') return 'bot';
  if (user.is_restricted || user.is_ultra_restricted) return 'guest';
  return 'member';
}
