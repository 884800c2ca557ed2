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

/** A Slack user as Slack says now: a full member, a guest (single- or multi-channel), a bot or app, or deactivated. */
export type Standing = 'member' | 'guest' | 'bot' | 'deactivated';
export type LookUpStanding = (memberId: string) => Promise<Standing | null>;

function refuseUnfit(memberId: string, standing: Standing | null, role: Role): void {
  if (standing === null) throw new UserError(`Slack does not know <@${memberId}>. Name a member of this workspace.`);
  if (standing === 'bot') throw new UserError(`<@${memberId}> is an app or bot, not a person, so it cannot have a role in Herald.`);
  if (standing === 'deactivated') throw new UserError(`<@${memberId}> is deactivated in Slack, so they cannot have a role in Herald. Name an active member.`);
  if (standing === 'guest' && role !== 'editor') {
    throw new UserError(`<@${memberId}> is a guest of this workspace, and guests can only be editors. Make them an editor, or name a full member.`);
  }
}

/** The admins other than `memberId` whom Slack still has as people: only they keep the account managed. */
async function activeAdminsBesides(db: DatabasePool, actor: Actor, memberId: string, standingOf: LookUpStanding): Promise<string[]> {
  const others = (await listMembers(db, actor.userId)).filter((m) => m.role === 'admin' && m.slack_user_id !== memberId);
  const standings = await Promise.all(others.map((m) => standingOf(m.slack_user_id)));
  return others.filter((_, i) => standings[i] === 'member' || standings[i] === 'guest').map((m) => m.slack_user_id);
}

/**
 * An admin gives a person of the workspace a role; the account always keeps one active admin
 * (a deactivated one cannot manage roles). The actor's role is read again under the admins'
 * lock: one demoted while the command was on its way (by a concurrent change) is no longer an admin.
 */
export async function changeRole(db: DatabasePool, actor: Actor, memberId: string, role: Role, standingOf: LookUpStanding): Promise<void> {
  refuseUnfit(memberId, await standingOf(memberId), role);
  const activeAdmins = role === 'admin' ? [] : await activeAdminsBesides(db, actor, memberId, standingOf);
  const changed = await db.transaction(async (tx) => {
    await lockAdmins(tx, actor.userId);
    const current = await findMember(tx, actor.userId, actor.memberId);
    requireRole({ ...actor, role: current?.role ?? 'editor' }, 'admin', 'change roles');
    return setMemberRole(tx, actor.userId, memberId, role, activeAdmins);
  });
  if (!changed) throw new UserError('That would leave no active admin (deactivated ones cannot manage roles). Make an active member an admin first.');
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
