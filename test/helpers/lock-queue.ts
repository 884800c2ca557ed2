import { sql, type DatabasePool, type QuerySqlToken } from 'slonik';
import { z } from 'zod';
import { until } from './slack-sign.ts';

const waitingOnLocks = (pool: DatabasePool) =>
  pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);

/**
 * Starts `run` twice at once while another connection holds `lock` (a LOCK TABLE), and lets go
 * of it only once two connections of this database wait on a lock: both runs have got as far
 * as they can before either of them finishes, as two processes started in the same second can.
 */
export async function twiceQueuedBehind<T>(pool: DatabasePool, lock: QuerySqlToken, run: () => Promise<T>): Promise<T[]> {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = () => {};
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const holder = pool.transaction(async (tx) => {
    await tx.query(lock);
    held();
    await released;
  });
  await isHeld;
  const runs = Promise.all([run(), run()]);
  const bothWaited = until(async () => (await waitingOnLocks(pool)) === 2).finally(async () => {
    release();
    await holder;
  });
  const [results] = await Promise.all([runs, bothWaited]);
  return results;
}
