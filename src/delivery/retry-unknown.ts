import { campaignStatus } from '../db/campaign-delivery.ts';
import type { DatabasePool } from '../db/pool.ts';
import { requeueUnknown } from '../db/recipients.ts';
import { UserError } from '../errors.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import { reopenSending } from './transitions.ts';

/** Where a requeued recipient is picked up: by the dispatcher now, or once the campaign is resumed. */
const STILL_SENDING = ['scheduled', 'sending', 'paused'];

/**
 * "Retry unknown": recipients whose send outcome is unknown go back to the queue, on
 * purpose, by a person who accepts that some may get the email twice. A finished campaign
 * is reopened (sent → sending) so the dispatcher picks them up; a paused one sends them
 * when resumed; a cancelled or failed one sends nothing more, so nothing is queued. All in
 * one transaction. Returns how many were queued again.
 */
export async function retryUnknown(db: DatabasePool, ref: CampaignRef, actor: string): Promise<number> {
  return db.transaction(async (tx) => {
    // the reopening UPDATE locks the campaign row whether or not it moves: the status read next holds until commit
    if (!(await reopenSending(tx, ref, actor))) {
      const status = await campaignStatus(tx, ref);
      if (!STILL_SENDING.includes(status ?? '')) {
        throw new UserError(`This campaign is ${status ?? 'deleted'}, so it sends nothing more: its recipients whose outcome is unknown cannot be queued again. Nothing was changed.`);
      }
    }
    const requeued = await requeueUnknown(tx, ref);
    // thrown inside the transaction: a campaign reopened for nobody is closed again
    if (requeued === 0) throw new UserError('No recipient of this campaign has an unknown outcome, so there is nothing to retry.');
    return requeued;
  });
}
