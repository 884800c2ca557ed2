import type { CommonQueryMethods } from 'slonik';
import { findDueCampaigns, markMaterialised, sendingPlan } from '../db/campaign-delivery.ts';
import { countRecipients, materialiseRecipients } from '../db/recipients.ts';
import { holdOverdueCampaigns } from '../jobs/overdue.ts';
import type { CampaignRef } from '../notify/notifier.ts';
import { parseSegment } from '../recipients/segment.ts';
import { tell, type DeliveryContext } from './context.ts';
import { failedNotice, startedNotice } from '../bot/views/delivery-report.ts';
import { startSending, stopSending } from './transitions.ts';

type Started = { kind: 'started'; total: number; skipped: number } | { kind: 'failed'; reason: string };

const DUE_PER_ROUND = 20;

/** Moves due campaigns to 'sending' and writes their ledgers. Returns how many started. */
export async function startDueCampaigns(context: DeliveryContext): Promise<number> {
  let started = 0;
  await holdOverdueCampaigns(context, context.options.scheduleGraceMinutes);
  for (const ref of await findDueCampaigns(context.db, DUE_PER_ROUND)) {
    const result = await context.db.transaction((tx) => startCampaign(tx, ref));
    if (result === null) continue;
    started += 1;
    await tell(context, ref, result.kind === 'failed' ? failedNotice(result.reason) : startedNotice(result.total, result.skipped));
  }
  return started;
}

/**
 * scheduled → sending and the ledger, in one transaction: the recipients are written exactly
 * once, by whichever dispatcher wins the conditional UPDATE (null for the others).
 */
async function startCampaign(tx: CommonQueryMethods, ref: CampaignRef): Promise<Started | null> {
  if (!(await startSending(tx, ref))) return null;
  const plan = await sendingPlan(tx, ref);
  const parsed = parseSegment(plan.segment);
  if ('error' in parsed) {
    await stopSending(tx, ref, 'failed', parsed.error);
    return { kind: 'failed', reason: parsed.error };
  }
  if (!plan.materialised) {
    await materialiseRecipients(tx, ref, parsed.segment);
    await markMaterialised(tx, ref);
  }
  const counts = await countRecipients(tx, ref);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { kind: 'started', total, skipped: counts.skipped };
}
