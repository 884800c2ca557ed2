import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { nameFilter } from './names.ts';

const List = z.object({
  id: z.bigint(),
  name: z.string(),
  description: z.string().nullable(),
  contact_count: z.number(),
  created_at: z.date(),
});
export type List = z.infer<typeof List>;

export async function insertList(db: CommonQueryMethods, userId: string, name: string, description: string | null): Promise<List> {
  return db.one(sql.type(List)`
    INSERT INTO lists (user_id, name, description) VALUES (${userId}, ${name}, ${description})
    RETURNING id, name, description, contact_count, created_at`);
}

/** Live lists by name; with `nameContains`, those whose name contains it (any case). */
export async function liveLists(db: CommonQueryMethods, userId: string, nameContains?: string): Promise<readonly List[]> {
  return db.any(sql.type(List)`
    SELECT id, name, description, contact_count, created_at FROM lists
     WHERE user_id = ${userId} AND deleted_at IS NULL ${nameFilter(nameContains)} ORDER BY lower(name)`);
}

/** Lists are addressed by name in Slack, case-insensitively (unique among live lists). */
export async function findListByName(db: CommonQueryMethods, userId: string, name: string): Promise<List | null> {
  return db.maybeOne(sql.type(List)`
    SELECT id, name, description, contact_count, created_at FROM lists
     WHERE user_id = ${userId} AND lower(name) = lower(${name}) AND deleted_at IS NULL`);
}

export async function findList(db: CommonQueryMethods, userId: string, listId: bigint): Promise<List | null> {
  return db.maybeOne(sql.type(List)`
    SELECT id, name, description, contact_count, created_at FROM lists
     WHERE user_id = ${userId} AND id = ${listId} AND deleted_at IS NULL`);
}

export async function renameList(db: CommonQueryMethods, userId: string, listId: bigint, name: string): Promise<boolean> {
  const renamed = await db.maybeOne(sql.type(z.object({ id: z.bigint() }))`
    UPDATE lists SET name = ${name} WHERE user_id = ${userId} AND id = ${listId} AND deleted_at IS NULL RETURNING id`);
  return renamed !== null;
}

/** Soft delete: campaigns that used the list keep their history. */
export async function softDeleteList(db: CommonQueryMethods, userId: string, listId: bigint): Promise<List | null> {
  return db.maybeOne(sql.type(List)`
    UPDATE lists SET deleted_at = now() WHERE user_id = ${userId} AND id = ${listId} AND deleted_at IS NULL
    RETURNING id, name, description, contact_count, created_at`);
}
