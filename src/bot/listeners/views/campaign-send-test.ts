import type { App } from '@slack/bolt';
import { requireCampaign } from '../../../campaigns/drafts.ts';
import { defaultFromAddress } from '../../../delivery/runtime.ts';
import { clearTestSend, sendTestEmail } from '../../../delivery/send-test.ts';
import type { MailTransport } from '../../../mail/transport.ts';
import type { Services } from '../../../services.ts';
import { publicBaseUrl } from '../../../tracking/urls.ts';
import { campaignNotifier, refOf } from '../../campaigns.ts';
import { CAMPAIGN_SEND_TEST_VIEW } from '../../views/campaign-ids.ts';
import { testSentNotice } from '../../views/campaign-notices.ts';
import { idFrom } from '../ids.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/**
 * Pre-flight "Send test": the form is checked (addresses, suppressed contacts, the member's
 * hourly allowance) and closed first (a slow mail server must not outlast Slack's 3 seconds),
 * then the delivery code renders and sends it through the app's transport; the thread records
 * who sent it where, and what the mail server refused.
 */
export function registerCampaignSendTest(app: App, services: Services, mail: MailTransport): void {
  app.view(CAMPAIGN_SEND_TEST_VIEW, onView(services, async ({ ack, view, client, actor }) => {
    const { config } = services;
    const campaign = await requireCampaign(services.db.primary, actor, idFrom({ value: String(viewMetadata(view).campaignId ?? '') }));
    const addresses = inputValue(view, 'addresses').split(/[\s,;]+/).filter(Boolean);
    const test = await clearTestSend(services.db.primary, actor.memberId, refOf(campaign), addresses);
    await ack();
    const outcome = await sendTestEmail(
      { db: services.db.primary, transport: mail, publicUrl: publicBaseUrl(config), defaultFrom: defaultFromAddress(services, config.PORT),
        unsubscribeMailto: config.UNSUBSCRIBE_MAILTO },
      test,
    );
    await campaignNotifier(services, client).campaignThread(refOf(campaign), testSentNotice(actor.memberId, outcome));
  }));
}
