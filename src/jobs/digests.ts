import type { Database } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import { runDueDigests, type DigestPublisher } from '../reports/digests.ts';
import type { Job } from './scheduler.ts';

/** Every minute, and once at start so a digest missed while Herald was down is posted (once). */
export function digestJob(deps: { db: Database; publisher: DigestPublisher; log: Logger }): Job {
  return {
    name: 'digests',
    schedule: '* * * * *',
    runOnStart: true,
    run: () => runDueDigests({ db: deps.db, publisher: deps.publisher, log: deps.log, now: () => new Date() }),
  };
}
