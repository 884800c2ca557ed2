import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { registerAutoPauseActions } from './auto-pause.ts';
import { registerCampaignButtons } from './campaign-buttons.ts';
import { registerCampaignTemplatePick } from './campaign-template-pick.ts';
import { registerCampaignStats } from './campaign-stats.ts';
import { registerContactCard } from './contact-card.ts';
import { registerImportActions } from './imports.ts';
import { registerHomePaging } from './home-page.ts';
import { registerListDelete } from './list-delete.ts';
import { registerTemplateDelete } from './template-delete.ts';
import { registerResendNonOpeners } from './resend-non-openers.ts';

export function register(app: App, services: Services): void {
  registerListDelete(app, services);
  registerContactCard(app, services);
  registerImportActions(app, services);
  registerTemplateDelete(app, services);
  registerHomePaging(app, services);
  registerAutoPauseActions(app, services);
  registerCampaignStats(app, services);
  registerResendNonOpeners(app, services);
  registerCampaignButtons(app, services);
  registerCampaignTemplatePick(app, services);
}
