import { sql } from 'slonik';
import { z } from 'zod';
import type { DatabasePool } from './pool.ts';

/** Creates the current month's and the next months' partitions; moves waiting rows out of the default one. */
export function ensurePartitions(pool: DatabasePool, monthsAhead = 2): Promise<number> {
  return pool.oneFirst(sql.type(z.object({ created: z.number() }))`
    SELECT ensure_email_event_partitions(${monthsAhead}) AS created`);
}

/** Detaches and drops month partitions wholly older than the retention. */
export function dropExpiredPartitions(pool: DatabasePool, retentionMonths: number): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT drop_email_event_partitions_older_than(${retentionMonths}) AS name`);
}

export const EventPartition = z.object({ name: z.string(), rows: z.bigint() });

/** Month partitions that exist, and how many rows wait in the default partition. */
export async function partitionState(pool: DatabasePool) {
  const months = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'email_events'::regclass AND c.relname <> 'email_events_default'
     ORDER BY 1`);
  const defaultRows = await pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT count(*) AS n FROM email_events_default`);
  return { months, defaultRows };
}

/**
 * What the roller checks after a roll: months from the current one to monthsAhead that have
 * no attached partition (events would pile up in the default one), and the default's rows.
 */
export async function partitionHealth(pool: DatabasePool, monthsAhead: number) {
  const missing = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT email_event_partition_name((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date) AS name
      FROM generate_series(0, ${monthsAhead}) AS m
    EXCEPT
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'email_events'::regclass
    ORDER BY 1`);
  // a bounded probe: the alert needs to know whether rows wait there, not how many millions
  const defaultRows = await pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
    SELECT count(*) AS n FROM (SELECT 1 FROM email_events_default LIMIT 1000) AS waiting`);
  return { missing, defaultRows };
}
