import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Schemas PostgreSQL itself owns; everything else in a database is somebody's data. */
const SYSTEM_SCHEMAS = sql.fragment`('pg_catalog', 'information_schema', 'pg_toast')`;

export async function serverMajorVersion(db: CommonQueryMethods): Promise<number> {
  const versionNum = await db.oneFirst(sql.type(z.object({ v: z.coerce.number() }))`
    SELECT current_setting('server_version_num') AS v`);
  return Math.floor(versionNum / 10_000);
}

export async function databaseSize(db: CommonQueryMethods): Promise<number> {
  return db.oneFirst(sql.type(z.object({ bytes: z.bigint().transform(Number) }))`
    SELECT pg_database_size(current_database()) AS bytes`);
}

/** Tables, views, sequences and functions outside the system schemas: zero means an empty database. */
export async function userObjectCount(db: CommonQueryMethods): Promise<{ relations: number; functions: number }> {
  return db.one(sql.type(z.object({ relations: z.coerce.number(), functions: z.coerce.number() }))`
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg_temp%'
               AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')) AS relations,
           (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg_temp%') AS functions`);
}

export const TableEstimate = z.object({
  schema: z.string(),
  name: z.string(),
  rows: z.coerce.number(),
  bytes: z.bigint().transform(Number),
});
export type TableEstimate = z.infer<typeof TableEstimate>;

/**
 * Row estimates (from the planner's statistics, so free on any size; 0 before the first
 * ANALYZE) and on-disk sizes of every table holding data, partitions included.
 */
export async function tableEstimates(db: CommonQueryMethods): Promise<readonly TableEstimate[]> {
  return db.any(sql.type(TableEstimate)`
    SELECT n.nspname AS schema, c.relname AS name, greatest(c.reltuples, 0)::bigint AS rows,
           pg_total_relation_size(c.oid) AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ${SYSTEM_SCHEMAS} AND n.nspname NOT LIKE 'pg_temp%'
     ORDER BY 1, 2`);
}

/** Exact row count of one table; for reports after a backup or restore, not for request paths. */
export async function exactRowCount(db: CommonQueryMethods, table: { schema: string; name: string }): Promise<number> {
  return db.oneFirst(sql.type(z.object({ n: z.bigint().transform(Number) }))`
    SELECT count(*) AS n FROM ${sql.identifier([table.schema, table.name])}`);
}

/** Refreshes planner statistics: a restored database has none until autovacuum gets to it. */
export async function analyzeDatabase(db: CommonQueryMethods): Promise<void> {
  await db.query(sql.unsafe`ANALYZE`);
}
