import type { WebClient } from '@slack/web-api';
import type { Standing } from '../accounts/members.ts';
import { UserError } from '../errors.ts';

export const OTHER_WORKSPACE_REFUSAL =
  'Herald takes actions only from members of the workspace it is installed in, and you belong to another one. Ask a member of this workspace to do it.';

/** Whether a member of `teamId` belongs to another workspace, by team and member (a user's home workspace never changes). */
const belongsElsewhere = new Map<string, boolean>();
const REMEMBERED_MEMBERS = 10_000;

/**
 * Refuses a member of another workspace (a Slack Connect guest in a shared channel) acting in
 * `teamId`: slash commands and events name only the workspace acted in, so users.info tells the
 * member's own (user.team_id).
 */
export async function refuseOtherWorkspace(client: WebClient, teamId: string, memberId: string): Promise<void> {
  if (await isOfOtherWorkspace(client, teamId, memberId)) throw new UserError(OTHER_WORKSPACE_REFUSAL);
}

export async function isOfOtherWorkspace(client: WebClient, teamId: string, memberId: string): Promise<boolean> {
  const key = `${teamId}:${memberId}`;
  let elsewhere = belongsElsewhere.get(key);
  if (elsewhere === undefined) {
    const { user } = await client.users.info({ user: memberId });
    elsewhere = user?.team_id !== undefined && user.team_id !== teamId;
    if (belongsElsewhere.size >= REMEMBERED_MEMBERS) belongsElsewhere.clear();
    belongsElsewhere.set(key, elsewhere);
  }
  return elsewhere;
}

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
