import { overduePrompt } from '../bot/views/campaign-prompts.ts';
import { holdOverdueSchedules } from '../campaigns/workflow.ts';
import { findCampaign } from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { Notifier } from '../notify/notifier.ts';

export const DEFAULT_SCHEDULE_GRACE_MINUTES = 60;

/**
 * The stale-schedule guard. The dispatcher runs it before it looks for due campaigns, so a
 * campaign whose time passed more than `graceMinutes` ago (Herald was down) is held, never
 * started late: its thread asks a person to confirm (send now) or reschedule. Returns how
 * many were held. Slack being down never stops the hold.
 */
export async function holdOverdueCampaigns(deps: { db: DatabasePool; notifier: Notifier; log: Logger }, graceMinutes: number): Promise<number> {
  const held = await holdOverdueSchedules(deps.db, graceMinutes);
  for (const { user_id: userId, campaign_id: campaignId, scheduled_at: scheduledAt } of held) {
    const ref = { userId, campaignId };
    deps.log.warn({ campaignId: String(campaignId), scheduledAt }, 'held a campaign whose send time passed while Herald was down');
    try {
      const campaign = await findCampaign(deps.db, userId, campaignId);
      if (campaign) await deps.notifier.campaignThread(ref, overduePrompt(campaign, scheduledAt));
      await deps.notifier.refreshCampaignCard(ref);
    } catch (error) {
      deps.log.warn({ err: error, campaignId: String(campaignId) }, 'could not ask about a held campaign in Slack');
    }
  }
  return held.length;
}
