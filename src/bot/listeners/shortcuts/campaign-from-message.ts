import type { App, MessageShortcut } from '@slack/bolt';
import { plainTextOfSlackMessage } from '../../../campaigns/message-body.ts';
import type { Services } from '../../../services.ts';
import { CAMPAIGN_FROM_MESSAGE_SHORTCUT } from '../../views/campaign-ids.ts';
import { openCampaignForm } from '../campaign-forms.ts';
import { onShortcut } from '../with-actor.ts';

/** "Draft campaign from message": the campaign form with the message as the body. */
export function registerCampaignFromMessage(app: App, services: Services): void {
  app.shortcut(CAMPAIGN_FROM_MESSAGE_SHORTCUT, onShortcut(services, async ({ body, client, actor }) => {
    const message = body as MessageShortcut;
    await openCampaignForm(services, client, {
      triggerId: message.trigger_id,
      channel: message.channel.id,
      actor,
      body: plainTextOfSlackMessage(message.message.text ?? '').slice(0, 3000),
    });
  }));
}
