import { accountsWithAdminChannel } from '../db/accounts.ts';
import { dropExpiredPartitions, ensurePartitions, partitionHealth } from '../db/partitions.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Job } from './scheduler.ts';

export const MONTHS_AHEAD = 2;

export type RollerDeps = { db: DatabasePool; notifier: Notifier; log: Logger; retentionMonths: number };

export type RollResult = { created: number; dropped: readonly string[]; missing: readonly string[]; defaultRows: bigint; problems: string[] };

async function attempt<T>(deps: RollerDeps, what: string, problems: string[], step: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    deps.log.error({ err: error }, `partition roller: ${what} failed`);
    problems.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return fallback;
  }
}

async function alertAdmins(deps: RollerDeps, problems: readonly string[]): Promise<void> {
  const text = `:rotating_light: *Event partitions need attention*\n${problems.map((p) => `• ${p}`).join('\n')}`;
  for (const userId of await accountsWithAdminChannel(deps.db)) {
    await deps.notifier.adminChannel(userId, { text }).catch((error: unknown) => deps.log.error({ err: error, userId }, 'partition alert not posted'));
  }
}

/**
 * The daily roll of email_events partitions: the current month and MONTHS_AHEAD more exist,
 * events waiting in the default partition move into their month, months wholly older than
 * the retention are detached and dropped. Every step is idempotent; what is still wrong
 * afterwards is posted to the admin channels.
 */
export async function rollPartitions(deps: RollerDeps): Promise<RollResult> {
  const problems: string[] = [];
  const created = await attempt(deps, 'Creating partitions', problems, () => ensurePartitions(deps.db, MONTHS_AHEAD), 0);
  const dropped = await attempt(deps, 'Dropping expired partitions', problems, () => dropExpiredPartitions(deps.db, deps.retentionMonths), []);
  const { missing, defaultRows } = await partitionHealth(deps.db, MONTHS_AHEAD);
  if (missing.length > 0) problems.push(`No partition for ${missing.join(', ')}: their events land in the default partition.`);
  if (defaultRows > 0n) problems.push('The default partition holds events (their month has no partition, or it could not be attached).');
  if (problems.length > 0) await alertAdmins(deps, problems);
  if (created > 0 || dropped.length > 0) deps.log.info({ created, dropped }, 'event partitions rolled');
  return { created, dropped, missing, defaultRows, problems };
}

export function partitionRollerJob(deps: RollerDeps): Job {
  return { name: 'partition-roller', schedule: '17 3 * * *', runOnStart: true, run: () => rollPartitions(deps) };
}
