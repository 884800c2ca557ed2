import { findSendingCampaigns } from '../db/campaign-delivery.ts';
import { expireLeases } from '../db/recipients.ts';
import { sendNextBatch } from './batch.ts';
import { createDeliveryContext, type DeliveryDeps, type DispatchOptions } from './context.ts';
import { startDueCampaigns } from './start.ts';

export type Dispatcher = {
  /** One pass: start due campaigns, expire leases, one batch of every sending campaign. Returns the work done. */
  runRound(): Promise<number>;
  /** Rounds until there is nothing to do right now (or stop() was called). */
  runUntilIdle(): Promise<void>;
  /** Finishes the batch in hand, then stops taking work. */
  stop(): void;
};

/**
 * The dispatcher. Any number may run against one database (in one process or many): all
 * coordination is in PostgreSQL (conditional status updates, SKIP LOCKED claims, leases),
 * and a batch's claim is committed before its messages are sent, so each recipient is sent
 * at most once. Campaigns take turns batch by batch, so a large one does not hold up others.
 */
export function createDispatcher(deps: DeliveryDeps, options: Partial<DispatchOptions> = {}): Dispatcher {
  const context = createDeliveryContext(deps, options);
  let stopped = false;

  async function runRound(): Promise<number> {
    if (stopped) return 0;
    let work = await startDueCampaigns(context);
    work += await expireLeases(context.db);
    for (const ref of await findSendingCampaigns(context.db)) {
      if (stopped) break;
      try {
        work += await sendNextBatch(context, ref);
      } catch (error) {
        deps.log.error({ err: error, campaignId: String(ref.campaignId) }, 'dispatching a batch failed');
      }
    }
    return work;
  }

  return {
    runRound,
    async runUntilIdle() {
      while (!stopped && (await runRound()) > 0);
    },
    stop() {
      stopped = true;
    },
  };
}
