import type { App } from '@slack/bolt';
import { z } from 'zod';
import { draftResendToNonOpeners, parseResendDays } from '../../../reports/resend.ts';
import type { Services } from '../../../services.ts';
import { postCampaignCard } from '../../campaigns.ts';
import { tellPrivately } from '../../report-error.ts';
import { RESEND_VIEW } from '../../views/resend.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

const CampaignId = z.string().regex(/^\d{1,18}$/).transform(BigInt);

/** Creates the resend draft and posts its card where the stats were, to go through approval. */
export function registerResendSubmit(app: App, services: Services): void {
  app.view(RESEND_VIEW, onView(services, async ({ ack, view, body, client, actor }) => {
    const metadata = viewMetadata(view);
    const afterDays = parseResendDays(inputValue(view, 'after_days'));
    const { campaign, recipients } = await draftResendToNonOpeners(services.db.primary, actor, CampaignId.parse(metadata.campaignId), afterDays);
    await ack();
    if (metadata.channel) await postCampaignCard(services, client, campaign, metadata.channel);
    await tellPrivately({ client, memberId: body.user.id, channelId: metadata.channel },
      `Drafted *${campaign.name}* for ${recipients.toLocaleString('en-US')} non-openers. Request approval from its card when it looks right.`);
  }));
}
