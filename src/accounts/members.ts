import { findMember, listMembers, lockAdmins, ROLES, setAdminChannel, setMemberRole, type Member, type Role } from '../db/accounts.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import type { Actor } from './actor.ts';
import { requireRole } from './roles.ts';

export function membersOf(db: DatabasePool, actor: Actor): Promise<readonly Member[]> {
  return listMembers(db, actor.userId);
}

export function parseRole(value: string | undefined): Role | null {
  const role = value?.toLowerCase();
  return ROLES.find((candidate) => candidate === role) ?? null;
}

/**
 * An admin gives a member of the workspace a role; the account always keeps one admin. The
 * actor's role is read again under the admins' lock: one demoted while the command was on its
 * way (by a concurrent change) is no longer an admin.
 */
export async function changeRole(db: DatabasePool, actor: Actor, memberId: string, role: Role): Promise<void> {
  const changed = await db.transaction(async (tx) => {
    await lockAdmins(tx, actor.userId);
    const current = await findMember(tx, actor.userId, actor.memberId);
    requireRole({ ...actor, role: current?.role ?? 'editor' }, 'admin', 'change roles');
    return setMemberRole(tx, actor.userId, memberId, role);
  });
  if (!changed) throw new UserError('That would leave no admin. Make someone else an admin first.');
}

/**
 * Where account-wide notices (quota, failures, digests) are posted. Saved once `announce`
 * resolved: announcing it there proves Herald can post in the channel.
 */
export async function chooseAdminChannel(db: DatabasePool, actor: Actor, channelId: string, announce: () => Promise<void>): Promise<void> {
  requireRole(actor, 'admin', 'choose the admin channel');
  await announce();
  await setAdminChannel(db, actor.userId, channelId);
}
