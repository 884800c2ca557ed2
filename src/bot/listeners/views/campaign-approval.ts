import type { App } from '@slack/bolt';
import { approveCampaign, rejectCampaign } from '../../../campaigns/workflow.ts';
import { UserError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { announce, campaignNotifier, refOf } from '../../campaigns.ts';
import { escapeMrkdwn } from '../../views/blocks.ts';
import { CAMPAIGN_APPROVAL_VIEW } from '../../views/campaign-ids.ts';
import { approvedNotice, rejectedNotice } from '../../views/campaign-notices.ts';
import { idFrom } from '../ids.ts';
import { inputValue, selectedValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/**
 * The approval modal's decision. It approves the content the approver reviewed (the hash in
 * the modal's metadata); a refusal (own campaign, changed since, already approved) shows in the modal.
 */
export function registerCampaignApproval(app: App, services: Services): void {
  app.view(CAMPAIGN_APPROVAL_VIEW, onView(services, async ({ ack, view, client, actor, committed }) => {
    const metadata = viewMetadata(view);
    const campaignId = idFrom({ value: String(metadata.campaignId ?? '') });
    const decision = selectedValue(view, 'decision');
    const comment = inputValue(view, 'comment');
    if (decision !== 'approve' && decision !== 'reject') throw UserError.field('decision', 'Choose to approve or reject.');
    const db = services.db.primary;
    const step = decision === 'approve'
      ? await approveCampaign(db, actor, campaignId, String(metadata.hash ?? ''), comment)
      : await rejectCampaign(db, actor, campaignId, comment);
    committed(`Recorded your ${decision === 'approve' ? 'approval' : 'rejection'} of *${escapeMrkdwn(step.campaign.name)}*.`);
    await ack();
    const notice = decision === 'approve' ? approvedNotice(actor.memberId, comment) : rejectedNotice(actor.memberId, comment);
    await announce(campaignNotifier(services, client), refOf(step.campaign), notice);
  }));
}
