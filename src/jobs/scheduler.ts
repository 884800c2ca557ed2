import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';

/**
 * A recurring job. node-cron only ticks in this process: with several Herald processes
 * every job runs in each, so a job must claim its work in PostgreSQL (conditional UPDATE
 * or FOR UPDATE SKIP LOCKED) to make a double tick harmless.
 */
export type Job = {
  name: string;
  /** cron expression; six fields for seconds */
  schedule: string;
  run: () => Promise<unknown>;
  /** also run once right after start (catching up on what was missed while down) */
  runOnStart?: boolean;
  /** called on stop before waiting for a running execution: ask it to finish early (e.g. after the batch in hand) */
  interrupt?: () => void;
  /** called on stop after the schedule is halted (e.g. flush buffers, release leases) */
  stop?: () => Promise<void>;
};

export type RunningJobs = { stop(): Promise<void> };

export function startJobs(jobs: readonly Job[], log: Logger): RunningJobs {
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();
  const runTracked = (job: Job) => {
    const run = job.run().catch((error: unknown) => log.error({ err: error, job: job.name }, 'job failed'));
    running.add(run);
    void run.finally(() => running.delete(run));
    return run;
  };
  for (const job of jobs) {
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid schedule ${job.schedule}`);
    tasks.push(cron.schedule(job.schedule, () => runTracked(job), { name: job.name, noOverlap: true }));
    if (job.runOnStart) void runTracked(job);
  }
  return {
    async stop() {
      await Promise.all(tasks.map((task) => task.stop()));
      for (const job of jobs) job.interrupt?.();
      await Promise.all(running);
      for (const job of jobs) await job.stop?.();
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
}
