import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const ROLES = ['editor', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const Workspace = z.object({
  team_id: z.string(),
  user_id: z.string(),
  team_name: z.string().nullable(),
  admin_channel_id: z.string().nullable(),
  installed_by: z.string(),
});
export type Workspace = z.infer<typeof Workspace>;

const Member = z.object({
  slack_user_id: z.string(),
  role: z.enum(ROLES),
  display_name: z.string().nullable(),
  created_at: z.date(),
});
export type Member = z.infer<typeof Member>;

export async function findWorkspace(db: CommonQueryMethods, teamId: string): Promise<Workspace | null> {
  return db.maybeOne(sql.type(Workspace)`
    SELECT team_id, user_id, team_name, admin_channel_id, installed_by FROM slack_workspaces WHERE team_id = ${teamId}`);
}

export async function findWorkspaceOfAccount(db: CommonQueryMethods, userId: string): Promise<Workspace | null> {
  return db.maybeOne(sql.type(Workspace)`
    SELECT team_id, user_id, team_name, admin_channel_id, installed_by FROM slack_workspaces WHERE user_id = ${userId}`);
}

/** Serialises concurrent first commands of one team so it gets exactly one account. */
export async function lockTeam(db: CommonQueryMethods, teamId: string): Promise<void> {
  await db.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${`slack_team:${teamId}`}, 0))`);
}

export async function insertAccount(db: CommonQueryMethods, email: string, metadata: Record<string, string>): Promise<string> {
  return db.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO users (email, metadata) VALUES (${email}, ${sql.jsonb(metadata)}) RETURNING id`);
}

export async function insertWorkspace(
  db: CommonQueryMethods,
  workspace: { teamId: string; userId: string; teamName: string | null; installedBy: string },
): Promise<Workspace> {
  return db.one(sql.type(Workspace)`
    INSERT INTO slack_workspaces (team_id, user_id, team_name, installed_by)
    VALUES (${workspace.teamId}, ${workspace.userId}, ${workspace.teamName}, ${workspace.installedBy})
    RETURNING team_id, user_id, team_name, admin_channel_id, installed_by`);
}

export async function setAdminChannel(db: CommonQueryMethods, userId: string, channelId: string): Promise<void> {
  await db.query(sql.unsafe`UPDATE slack_workspaces SET admin_channel_id = ${channelId} WHERE user_id = ${userId}`);
}

export async function findMember(db: CommonQueryMethods, userId: string, slackUserId: string): Promise<Member | null> {
  return db.maybeOne(sql.type(Member)`
    SELECT slack_user_id, role, display_name, created_at FROM members
     WHERE user_id = ${userId} AND slack_user_id = ${slackUserId}`);
}

/** Adds a member unless present; returns the member as stored either way (a concurrent join wins harmlessly). */
export async function ensureMember(db: CommonQueryMethods, userId: string, slackUserId: string, role: Role): Promise<Member> {
  await db.query(sql.unsafe`
    INSERT INTO members (user_id, slack_user_id, role) VALUES (${userId}, ${slackUserId}, ${role})
    ON CONFLICT (user_id, slack_user_id) DO NOTHING`);
  return db.one(sql.type(Member)`
    SELECT slack_user_id, role, display_name, created_at FROM members
     WHERE user_id = ${userId} AND slack_user_id = ${slackUserId}`);
}

export async function listMembers(db: CommonQueryMethods, userId: string): Promise<readonly Member[]> {
  return db.any(sql.type(Member)`
    SELECT slack_user_id, role, display_name, created_at FROM members
     WHERE user_id = ${userId} ORDER BY created_at, slack_user_id`);
}

/** Taken before a role change so two concurrent demotions cannot both see the other admin. */
export async function lockAdmins(db: CommonQueryMethods, userId: string): Promise<void> {
  await db.query(sql.unsafe`SELECT 1 FROM members WHERE user_id = ${userId} AND role = 'admin' FOR UPDATE`);
}

/**
 * Sets a member's role (adding the member when new). An admin is only demoted while another
 * admin remains, one of `activeAdmins` (call under lockAdmins). Returns false when that check refused.
 */
export async function setMemberRole(
  db: CommonQueryMethods, userId: string, slackUserId: string, role: Role, activeAdmins: readonly string[],
): Promise<boolean> {
  const changed = await db.maybeOne(sql.type(z.object({ slack_user_id: z.string() }))`
    INSERT INTO members AS m (user_id, slack_user_id, role) VALUES (${userId}, ${slackUserId}, ${role})
    ON CONFLICT (user_id, slack_user_id) DO UPDATE SET role = EXCLUDED.role
     WHERE m.role <> 'admin' OR EXCLUDED.role = 'admin'
        OR EXISTS (SELECT 1 FROM members o
                    WHERE o.user_id = m.user_id AND o.role = 'admin' AND o.slack_user_id <> m.slack_user_id
                      AND o.slack_user_id = ANY(${sql.array(activeAdmins, 'text')}))
    RETURNING slack_user_id`);
  return changed !== null;
}

/** Accounts with an admin channel: where operational alerts about the whole installation go. */
export async function accountsWithAdminChannel(db: CommonQueryMethods): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ user_id: z.string() }))`
    SELECT user_id FROM slack_workspaces WHERE admin_channel_id IS NOT NULL ORDER BY user_id`);
}
