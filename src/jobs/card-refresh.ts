import { claimCardsWithNewCounters } from '../db/card-refresh.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Job } from './scheduler.ts';

export type CardRefreshDeps = { db: DatabasePool; notifier: Notifier; log: Logger };

/** Cards of campaigns sent longer ago than this keep their last numbers (`/herald stats` has the live ones). */
export const CARD_REFRESH_DAYS = 14;

/** Redraws the cards whose opens, clicks, bounces or unsubscribes moved since they were drawn. */
export async function refreshMovedCards(deps: CardRefreshDeps): Promise<number> {
  const refs = await claimCardsWithNewCounters(deps.db, CARD_REFRESH_DAYS);
  for (const ref of refs) {
    try {
      await deps.notifier.refreshCampaignCard(ref, 'counters');
    } catch (error) {
      deps.log.error({ err: error, campaignId: String(ref.campaignId) }, 'campaign card not refreshed');
    }
  }
  return refs.length;
}

export function cardRefreshJob(deps: CardRefreshDeps): Job {
  return { name: 'card-refresh', schedule: '*/30 * * * * *', run: () => refreshMovedCards(deps) };
}
