import type { App } from '@slack/bolt';
import { z } from 'zod';
import { draftResendToNonOpeners, parseResendDays, requireResendable } from '../../../reports/resend.ts';
import type { Services } from '../../../services.ts';
import { postCampaignCard } from '../../campaigns.ts';
import { tellPrivately } from '../../report-error.ts';
import { escapeMrkdwn } from '../../views/blocks.ts';
import { RESEND_VIEW } from '../../views/resend.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

const CampaignId = z.string().regex(/^\d{1,18}$/).transform(BigInt);

/**
 * Creates the resend draft and posts its card where the stats were, to go through approval.
 * The form closes once the quick checks pass: filling the list takes as long as the audience is large.
 */
export function registerResendSubmit(app: App, services: Services): void {
  app.view(RESEND_VIEW, onView(services, async ({ ack, view, body, client, actor, committed }) => {
    const metadata = viewMetadata(view);
    const afterDays = parseResendDays(inputValue(view, 'after_days'));
    const campaignId = CampaignId.parse(metadata.campaignId);
    await requireResendable(services.db.primary, actor, campaignId);
    await ack();
    const { campaign, recipients } = await draftResendToNonOpeners(services.db.primary, actor, campaignId, afterDays);
    const drafted = `Drafted *${escapeMrkdwn(campaign.name)}* for ${recipients.toLocaleString('en-US')} non-openers.`;
    committed(drafted);
    await postCampaignCard(services, client, campaign, { channel: metadata.channel ?? actor.memberId, memberId: actor.memberId });
    await tellPrivately({ client, memberId: body.user.id, channelId: metadata.channel }, `${drafted} Request approval from its card when it looks right.`);
  }));
}
