import type { App } from '@slack/bolt';
import { rescheduleCampaign } from '../../../campaigns/drafts.ts';
import type { Services } from '../../../services.ts';
import { announce, campaignNotifier, refOf } from '../../campaigns.ts';
import { escapeMrkdwn } from '../../views/blocks.ts';
import { CAMPAIGN_RESCHEDULE_VIEW } from '../../views/campaign-ids.ts';
import { editedNotice } from '../../views/campaign-notices.ts';
import { sendTimeFrom } from '../campaign-forms.ts';
import { idFrom } from '../ids.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/** A new send time: an edit, so a campaign past draft goes back to draft for a new approval. */
export function registerCampaignReschedule(app: App, services: Services): void {
  app.view(CAMPAIGN_RESCHEDULE_VIEW, onView(services, async ({ ack, view, client, actor, committed }) => {
    const campaignId = idFrom({ value: String(viewMetadata(view).campaignId ?? '') });
    const edited = await rescheduleCampaign(services.db.primary, actor, campaignId, sendTimeFrom(view));
    committed(`Saved the new send time of *${escapeMrkdwn(edited.campaign.name)}*.`);
    await ack();
    await announce(campaignNotifier(services, client), refOf(edited.campaign), editedNotice(actor.memberId, edited.changes, edited.resetFrom));
  }));
}
