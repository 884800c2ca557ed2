import { forgetOldEvents, SLACK_EVENTS_SOURCE } from '../db/processed-events.ts';
import { forgetOldSharedFiles } from '../db/slack-files.ts';
import type { Services } from '../services.ts';
import type { Job } from './scheduler.ts';

/** Daily: forgets Slack event ids past any retry and shared files past `/herald import`'s look-back. */
export function slackHousekeepingJob(services: Services): Job {
  return {
    name: 'slack-housekeeping',
    schedule: '17 3 * * *',
    async run() {
      const events = await forgetOldEvents(services.db.primary, SLACK_EVENTS_SOURCE);
      const files = await forgetOldSharedFiles(services.db.primary);
      services.log.debug({ events, files }, 'old Slack event ids and shared files forgotten');
    },
  };
}
