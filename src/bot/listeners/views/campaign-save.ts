import type { App } from '@slack/bolt';
import { createCampaign, editCampaign } from '../../../campaigns/drafts.ts';
import type { Services } from '../../../services.ts';
import { announce, campaignNotifier, postCampaignCard, refOf } from '../../campaigns.ts';
import { escapeMrkdwn } from '../../views/blocks.ts';
import { CAMPAIGN_FORM_VIEW } from '../../views/campaign-ids.ts';
import { draftedNotice, editedNotice } from '../../views/campaign-notices.ts';
import { campaignFormFrom } from '../campaign-forms.ts';
import { idFrom } from '../ids.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/** The campaign form: a new draft gets its status card in the channel; an edit is told in the thread. */
export function registerCampaignSave(app: App, services: Services): void {
  app.view(CAMPAIGN_FORM_VIEW, onView(services, async ({ ack, view, client, actor, committed }) => {
    const metadata = viewMetadata(view);
    const form = campaignFormFrom(view);
    const notifier = campaignNotifier(services, client);
    if (metadata.campaignId !== undefined) {
      const edited = await editCampaign(services.db.primary, actor, idFrom({ value: String(metadata.campaignId) }), form);
      committed(`Saved your changes to *${escapeMrkdwn(edited.campaign.name)}*.`);
      await ack();
      await announce(notifier, refOf(edited.campaign), editedNotice(actor.memberId, edited.changes, edited.resetFrom));
      return;
    }
    const campaign = await createCampaign(services.db.primary, actor, form);
    committed(`Saved the draft *${escapeMrkdwn(campaign.name)}*; \`/herald campaigns\` lists it.`);
    await ack();
    await postCampaignCard(services, client, campaign, { channel: metadata.channel ?? actor.memberId, memberId: actor.memberId });
    await notifier.campaignThread(refOf(campaign), draftedNotice(campaign, actor.memberId));
  }));
}
