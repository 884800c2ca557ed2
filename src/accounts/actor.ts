import {
  ensureMember,
  findMember,
  findWorkspace,
  insertAccount,
  insertWorkspace,
  lockTeam,
  type Role,
  type Workspace,
} from '../db/accounts.ts';
import type { DatabasePool } from '../db/pool.ts';

/** Who is acting and for which account: every query a handler makes is scoped by `userId`. */
export type Actor = {
  /** The account (users.id) the workspace belongs to. */
  userId: string;
  teamId: string;
  /** The Slack user acting. */
  memberId: string;
  role: Role;
};

export type ActingAs = { teamId: string; memberId: string; teamName?: string | null };

/**
 * Resolves the account of a workspace and the acting member's role. The first request
 * from a team creates its account, and the member who sent it becomes its admin; later
 * newcomers join as editors.
 */
export async function resolveActor(db: DatabasePool, acting: ActingAs): Promise<Actor> {
  const existing = await findWorkspace(db, acting.teamId);
  const workspace = existing ?? (await installWorkspace(db, acting));
  const member =
    (await findMember(db, workspace.user_id, acting.memberId)) ??
    (await ensureMember(db, workspace.user_id, acting.memberId, 'editor'));
  return { userId: workspace.user_id, teamId: acting.teamId, memberId: acting.memberId, role: member.role };
}

async function installWorkspace(db: DatabasePool, acting: ActingAs): Promise<Workspace> {
  return db.transaction(async (tx) => {
    await lockTeam(tx, acting.teamId);
    const raced = await findWorkspace(tx, acting.teamId);
    if (raced) return raced;
    const userId = await insertAccount(tx, `slack-${acting.teamId.toLowerCase()}@workspaces.herald.invalid`, {
      slack_team_id: acting.teamId,
    });
    const workspace = await insertWorkspace(tx, {
      teamId: acting.teamId,
      userId,
      teamName: acting.teamName ?? null,
      installedBy: acting.memberId,
    });
    await ensureMember(tx, userId, acting.memberId, 'admin');
    return workspace;
  });
}
