import type { App } from '@slack/bolt';
import { requireCampaign } from '../../../campaigns/drafts.ts';
import { defaultFromAddress } from '../../../delivery/runtime.ts';
import { sendTestEmail } from '../../../delivery/send-test.ts';
import { createMailTransport } from '../../../mail/transport.ts';
import type { Services } from '../../../services.ts';
import { publicBaseUrl } from '../../../tracking/urls.ts';
import { campaignNotifier, refOf } from '../../campaigns.ts';
import { CAMPAIGN_SEND_TEST_VIEW } from '../../views/campaign-ids.ts';
import { testSentNotice } from '../../views/campaign-notices.ts';
import { idFrom } from '../ids.ts';
import { inputValue } from '../view-state.ts';
import { onView, viewMetadata } from '../with-actor.ts';

/** Pre-flight "Send test": the delivery code renders and sends it; the thread records who sent it where. */
export function registerCampaignSendTest(app: App, services: Services): void {
  app.view(CAMPAIGN_SEND_TEST_VIEW, onView(services, async ({ ack, view, client, actor }) => {
    const { config } = services;
    const campaign = await requireCampaign(services.db.primary, actor, idFrom({ value: String(viewMetadata(view).campaignId ?? '') }));
    const to = inputValue(view, 'addresses').split(/[\s,;]+/).filter(Boolean);
    const transport = createMailTransport({ smtpUrl: config.SMTP_URL, ratePerSecond: config.SMTP_RATE_PER_SECOND, dataDir: config.DATA_DIR });
    try {
      const { sentTo } = await sendTestEmail(
        { db: services.db.primary, transport, publicUrl: publicBaseUrl(config), defaultFrom: defaultFromAddress(services, config.PORT),
          unsubscribeMailto: config.UNSUBSCRIBE_MAILTO },
        refOf(campaign),
        { to },
      );
      await ack();
      await campaignNotifier(services, client).campaignThread(refOf(campaign), testSentNotice(actor.memberId, sentTo));
    } finally {
      await transport.close();
    }
  }));
}
