import type { DatabasePool } from '../db/pool.ts';
import { requeueUnknown } from '../db/recipients.ts';
import { UserError } from '../errors.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import { reopenSending } from './transitions.ts';

/**
 * "Retry unknown": recipients whose send outcome is unknown go back to the queue, on
 * purpose, by a person who accepts that some may get the email twice. A finished campaign
 * is reopened (sent → sending) so the dispatcher picks them up; a paused one sends them
 * when resumed. Returns how many were queued again.
 */
export async function retryUnknown(db: DatabasePool, ref: CampaignRef, actor: string): Promise<number> {
  const requeued = await db.transaction(async (tx) => {
    const count = await requeueUnknown(tx, ref);
    if (count > 0) await reopenSending(tx, ref, actor);
    return count;
  });
  if (requeued === 0) throw new UserError('No recipient of this campaign has an unknown outcome, so there is nothing to retry.');
  return requeued;
}
