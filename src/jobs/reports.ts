import type { Notifier } from '../notify/notifier.ts';
import type { DigestPublisher } from '../reports/digests.ts';
import type { Services } from '../services.ts';
import { autoPauseJob } from './auto-pause.ts';
import { cardRefreshJob } from './card-refresh.ts';
import { digestJob } from './digests.ts';
import { partitionRollerJob } from './partitions.ts';
import { quotaJob } from './quota.ts';
import type { Job } from './scheduler.ts';

/** The reporting and housekeeping jobs a worker runs (see startJobs). */
export function reportJobs(services: Services, slack: { notifier: Notifier; publisher: DigestPublisher }): Job[] {
  const { db, log, config } = services;
  const deps = { db: db.primary, notifier: slack.notifier, log };
  return [
    partitionRollerJob({ ...deps, retentionMonths: config.EVENT_RETENTION_MONTHS }),
    quotaJob({ ...deps, now: () => new Date() }),
    autoPauseJob(deps),
    cardRefreshJob(deps),
    digestJob({ db, publisher: slack.publisher, log }),
  ];
}
