import type { Role } from '../db/accounts.ts';
import { UserError } from '../errors.ts';
import type { Actor } from './actor.ts';

/** Each role may do everything the roles before it may. */
const RANK: Record<Role, number> = { editor: 1, approver: 2, admin: 3 };

export function hasRole(actor: Actor, minimum: Role): boolean {
  return RANK[actor.role] >= RANK[minimum];
}

/** Throws a UserError naming who may do `what` ("change roles") unless the actor has at least `minimum`. */
export function requireRole(actor: Actor, minimum: Role, what: string): void {
  if (hasRole(actor, minimum)) return;
  const allowed = minimum === 'admin' ? 'admins' : minimum === 'approver' ? 'approvers and admins' : 'members';
  throw new UserError(`Only ${allowed} can ${what}. Your role is ${actor.role}; an admin can change it with \`/herald role\`.`);
}
