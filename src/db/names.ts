import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/*
 * Lists, templates and campaigns are addressed by name in Slack: finding them by part of one.
 * strpos, not LIKE: a typed % or _ is a plain character.
 */

/** Names containing `nameContains` (any case; none: every name). */
export function nameFilter(nameContains: string | undefined) {
  return nameContains ? sql.fragment`AND strpos(lower(name), lower(${nameContains})) > 0` : sql.fragment``;
}

const Named = z.object({ id: z.bigint(), name: z.string() });
export type Named = z.infer<typeof Named>;

/** Live lists or templates whose name contains `text`, for a select's search: names starting with it first, then alphabetically. */
export async function searchNames(db: CommonQueryMethods, table: 'lists' | 'templates', userId: string, text: string, limit: number): Promise<readonly Named[]> {
  return db.any(sql.type(Named)`
    SELECT id, name FROM ${sql.identifier([table])}
     WHERE user_id = ${userId} AND deleted_at IS NULL ${nameFilter(text)}
     ORDER BY strpos(lower(name), lower(${text})) <> 1, lower(name)
     LIMIT ${limit}`);
}
