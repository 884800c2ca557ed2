import { findSendingCampaigns } from '../db/campaign-delivery.ts';
import { expireLeases } from '../db/recipients.ts';
import { sendTurn } from './batch.ts';
import { createDeliveryContext, type DeliveryDeps, type DispatchOptions } from './context.ts';
import { startDueCampaigns } from './start.ts';

/** How long a campaign keeps the dispatcher before the next one's turn (batches in hand are finished). */
const TURN_MILLIS = 5_000;

export type Dispatcher = {
  /** One pass: start due campaigns, expire leases, one batch of every sending campaign. Returns the work done. */
  runRound(): Promise<number>;
  /** Passes until there is nothing to do right now (or stop() was called), each campaign's turn overlapping its batches for up to TURN_MILLIS. */
  runUntilIdle(): Promise<void>;
  /** Finishes the batches in hand, then stops taking work. */
  stop(): void;
};

/**
 * The dispatcher. Any number may run against one database (in one process or many): all
 * coordination is in PostgreSQL (conditional status updates, SKIP LOCKED claims, leases),
 * and a batch's claim is committed before its messages are sent, so each recipient is sent
 * at most once. Campaigns take turns, so a large one does not hold up others.
 */
export function createDispatcher(deps: DeliveryDeps, options: Partial<DispatchOptions> = {}): Dispatcher {
  const context = createDeliveryContext(deps, options);
  let stopped = false;

  async function pass(turnMillis: number): Promise<number> {
    if (stopped) return 0;
    let work = await startDueCampaigns(context);
    work += await expireLeases(context.db);
    for (const ref of await findSendingCampaigns(context.db)) {
      if (stopped) break;
      const turnEnds = performance.now() + turnMillis;
      try {
        work += await sendTurn(context, ref, () => !stopped && performance.now() < turnEnds);
      } catch (error) {
        deps.log.error({ err: error, campaignId: String(ref.campaignId) }, 'dispatching a batch failed');
      }
    }
    return work;
  }

  return {
    runRound: () => pass(0),
    async runUntilIdle() {
      while (!stopped && (await pass(TURN_MILLIS)) > 0);
    },
    stop() {
      stopped = true;
    },
  };
}
