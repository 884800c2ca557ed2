import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../views/campaign-ids.ts';
import { fillInTemplateSubject } from '../campaign-forms.ts';
import { onAction } from '../with-actor.ts';

/** A template picked in the campaign form: its subject is filled in. */
export function registerCampaignTemplatePick(app: App, services: Services): void {
  app.action(CAMPAIGN_TEMPLATE_PICK_ACTION, onAction(services, async ({ body, client, actor }) => {
    if (body.view) await fillInTemplateSubject(services, client, actor, body.view);
  }));
}
