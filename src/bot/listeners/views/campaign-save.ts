import type { App } from '@slack/bolt';
import { createCampaign, editCampaign } from '../../../campaigns/drafts.ts';
import type { Services } from '../../../services.ts';
import { announce, campaignNotifier, postCampaignCard, refOf } from '../../campaigns.ts';
import { CAMPAIGN_FORM_VIEW } from '../../views/campaign-ids.ts';
import { draftedNotice, editedNotice } from '../../views/campaign-notices.ts';
import { campaignFormFrom } from '../campaign-forms.ts';
import { idFrom } from '../ids.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/** The campaign form: a new draft gets its status card in the channel; an edit is told in the thread. */
export function registerCampaignSave(app: App, services: Services): void {
  app.view(CAMPAIGN_FORM_VIEW, onView(services, async ({ ack, view, client, actor }) => {
    const metadata = viewMetadata(view);
    const form = campaignFormFrom(view);
    const notifier = campaignNotifier(services, client);
    if (metadata.campaignId !== undefined) {
      const edited = await editCampaign(services.db.primary, actor, idFrom({ value: String(metadata.campaignId) }), form);
      await ack();
      await announce(notifier, refOf(edited.campaign), editedNotice(actor.memberId, edited.changes, edited.resetFrom));
      return;
    }
    const campaign = await createCampaign(services.db.primary, actor, form);
    await ack();
    await postCampaignCard(services, client, campaign, metadata.channel ?? actor.memberId);
    await notifier.campaignThread(refOf(campaign), draftedNotice(campaign, actor.memberId));
  }));
}
