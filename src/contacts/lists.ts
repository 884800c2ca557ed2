import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { z } from 'zod';
import type { Actor } from '../accounts/actor.ts';
import { findList, findListByName, insertList, liveLists, renameList, softDeleteList, type List } from '../db/lists.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';

export const LIST_NAME_MAX = 80;

const ListName = z.string().trim().min(1, 'Give the list a name.').max(LIST_NAME_MAX, `Keep the name under ${LIST_NAME_MAX} characters.`);
const Description = z.string().trim().max(500, 'Keep the description under 500 characters.');

function parseName(name: string, field: string): string {
  const parsed = ListName.safeParse(name);
  if (!parsed.success) throw UserError.field(field, parsed.error.issues[0]?.message ?? 'Invalid name.');
  return parsed.data;
}

async function uniqueName<T>(name: string, field: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) {
      throw UserError.field(field, `There is already a list called “${name}”. Pick another name.`);
    }
    throw error;
  }
}

export async function createList(db: DatabasePool, actor: Actor, input: { name: string; description?: string | null }): Promise<List> {
  const name = parseName(input.name, 'name');
  const description = Description.safeParse(input.description ?? '');
  if (!description.success) throw UserError.field('description', description.error.issues[0]?.message ?? 'Invalid description.');
  return uniqueName(name, 'name', () => insertList(db, actor.userId, name, description.data || null));
}

/** The actor's lists; with `nameContains`, those whose name contains it. */
export function listsOf(db: DatabasePool, actor: Actor, nameContains?: string): Promise<readonly List[]> {
  return liveLists(db, actor.userId, nameContains);
}

/** The actor's live list called `name`, or a UserError saying there is none. */
export async function requireList(db: DatabasePool, actor: Actor, name: string): Promise<List> {
  const list = await findListByName(db, actor.userId, name.trim());
  if (!list) throw new UserError(`There is no list called “${name}”. \`/herald lists\` shows your lists.`);
  return list;
}

export async function requireListById(db: DatabasePool, actor: Actor, listId: bigint): Promise<List> {
  const list = await findList(db, actor.userId, listId);
  if (!list) throw new UserError('That list no longer exists.');
  return list;
}

export async function renameListByName(db: DatabasePool, actor: Actor, from: string, to: string): Promise<{ from: List; to: string }> {
  const list = await requireList(db, actor, from);
  const name = parseName(to, 'name');
  const renamed = await uniqueName(name, 'name', () => renameList(db, actor.userId, list.id, name));
  if (!renamed) throw new UserError('That list no longer exists.');
  return { from: list, to: name };
}

export async function deleteList(db: DatabasePool, actor: Actor, listId: bigint): Promise<List> {
  const deleted = await softDeleteList(db, actor.userId, listId);
  if (!deleted) throw new UserError('That list was already deleted.');
  return deleted;
}
