import { autoPauseAlert } from '../bot/views/auto-pause.ts';
import { sendingCampaigns } from '../db/auto-pause.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { CampaignRef, Notifier } from '../notify/notifier.ts';
import { pauseIfUnhealthy, type AutoPause } from '../reports/auto-pause.ts';
import type { Job } from './scheduler.ts';

export type AutoPauseDeps = { db: DatabasePool; notifier: Notifier; log: Logger };

/**
 * Pauses a sending campaign whose bounce or complaint rate passed the account's limits and
 * tells its thread. The dispatcher calls it after each batch; the job below covers bounces
 * and complaints that arrive by webhook between batches.
 */
export async function enforceSendingLimits(deps: AutoPauseDeps, ref: CampaignRef): Promise<AutoPause | null> {
  const pause = await pauseIfUnhealthy(deps.db, ref);
  if (!pause) return null;
  deps.log.warn({ userId: ref.userId, campaignId: String(ref.campaignId), breaches: pause.breaches }, 'campaign paused automatically');
  try {
    await deps.notifier.campaignThread(ref, autoPauseAlert(pause));
    await deps.notifier.refreshCampaignCard(ref);
  } catch (error) {
    deps.log.error({ err: error, campaignId: String(ref.campaignId) }, 'auto-pause alert not posted');
  }
  return pause;
}

export async function checkSendingCampaigns(deps: AutoPauseDeps): Promise<number> {
  let paused = 0;
  for (const ref of await sendingCampaigns(deps.db)) {
    if (await enforceSendingLimits(deps, ref)) paused += 1;
  }
  return paused;
}

export function autoPauseJob(deps: AutoPauseDeps): Job {
  return { name: 'auto-pause', schedule: '*/15 * * * * *', run: () => checkSendingCampaigns(deps) };
}
