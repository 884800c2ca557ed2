import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const Overview = z.object({ lists: z.number(), contacts: z.number(), templates: z.number() });
export type Overview = z.infer<typeof Overview>;

/** Live counts of an account's lists, contacts and templates (App Home). */
export async function accountOverview(db: CommonQueryMethods, userId: string): Promise<Overview> {
  return db.one(sql.type(Overview)`
    SELECT (SELECT count(*)::int FROM lists WHERE user_id = ${userId} AND deleted_at IS NULL) AS lists,
           (SELECT count(*)::int FROM contacts WHERE user_id = ${userId} AND deleted_at IS NULL) AS contacts,
           (SELECT count(*)::int FROM templates WHERE user_id = ${userId} AND deleted_at IS NULL) AS templates`);
}
