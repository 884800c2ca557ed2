import type { App } from '@slack/bolt';
import type { Actor } from '../../../accounts/actor.ts';
import { requireRole } from '../../../accounts/roles.ts';
import { cancelCampaign, resumeCampaign } from '../../../campaigns/workflow.ts';
import type { DatabasePool } from '../../../db/pool.ts';
import { campaignNotifier } from '../../campaigns.ts';
import type { Services } from '../../../services.ts';
import { AUTO_PAUSE_ACTIONS, autoPauseResolved } from '../../views/auto-pause.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

type Decision = { what: string; done: string; run: (db: DatabasePool, actor: Actor, campaignId: bigint) => Promise<unknown> };

const DECISIONS: Record<string, Decision> = {
  [AUTO_PAUSE_ACTIONS.resume]: { what: 'resume a campaign Herald paused', done: 'resumed sending', run: resumeCampaign },
  [AUTO_PAUSE_ACTIONS.cancel]: { what: 'cancel a campaign Herald paused', done: 'cancelled the campaign', run: cancelCampaign },
};

/** Resume / Cancel on an auto-pause alert: approvers and admins only, through the campaign state machine. */
export function registerAutoPauseActions(app: App, services: Services): void {
  for (const [actionId, decision] of Object.entries(DECISIONS)) {
    app.action(
      actionId,
      onAction(services, async ({ action, actor, respond, client, committed }) => {
        requireRole(actor, 'approver', decision.what);
        const campaignId = idFrom(action);
        await decision.run(services.db.primary, actor, campaignId);
        committed(`You ${decision.done}.`);
        const resolved = autoPauseResolved(`<@${actor.memberId}> ${decision.done}.`);
        await respond({ replace_original: true, text: resolved.text, blocks: resolved.blocks as never });
        await campaignNotifier(services, client).refreshCampaignCard({ userId: actor.userId, campaignId });
      }),
    );
  }
}
