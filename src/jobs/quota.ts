import { claimQuotaWarnings, releaseQuotaWarning, resetEndedQuotaPeriods, utcDate, type QuotaWarning } from '../db/quota.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { Notice, Notifier } from '../notify/notifier.ts';
import type { Job } from './scheduler.ts';

export type QuotaDeps = { db: DatabasePool; notifier: Notifier; log: Logger; now: () => Date };

const count = (n: number) => n.toLocaleString('en-US');

export function quotaWarningNotice(warning: QuotaWarning): Notice {
  const usage = `${count(warning.monthly_emails_sent)} of ${count(warning.monthly_email_limit)} emails this billing month`;
  const text =
    warning.level === 100
      ? `:no_entry: Your account has used its whole monthly quota (${usage}). Sending pauses until the quota resets or the plan's limit is raised.`
      : `:warning: Your account has used 80 % of its monthly quota (${usage}).`;
  return { text };
}

/**
 * Posts the 80 % and 100 % quota warnings not posted yet (each once per billing period).
 * A warning whose post failed is given back, and the next run posts it. The dispatcher
 * may call it with the account it just sent for; the job covers everyone.
 */
export async function warnAboutQuota(deps: Omit<QuotaDeps, 'now'>, userId?: string): Promise<number> {
  const warnings = await claimQuotaWarnings(deps.db, userId);
  let posted = 0;
  for (const warning of warnings) {
    try {
      await deps.notifier.adminChannel(warning.id, quotaWarningNotice(warning));
      posted += 1;
    } catch (error) {
      deps.log.error({ err: error, userId: warning.id, level: warning.level }, 'quota warning not posted; the next run tries again');
      await releaseQuotaWarning(deps.db, warning);
    }
  }
  return posted;
}

/** Resets the quota of accounts whose billing month starts today (or started while Herald was down), then warns. */
export async function runQuotaJob(deps: QuotaDeps): Promise<{ reset: number; warned: number }> {
  const reset = await resetEndedQuotaPeriods(deps.db, utcDate(deps.now()));
  if (reset.length > 0) deps.log.info({ accounts: reset.length }, 'monthly quotas reset');
  return { reset: reset.length, warned: await warnAboutQuota(deps) };
}

export function quotaJob(deps: QuotaDeps): Job {
  return { name: 'quota', schedule: '*/5 * * * *', runOnStart: true, run: () => runQuotaJob(deps) };
}
