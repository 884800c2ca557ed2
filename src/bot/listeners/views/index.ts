import type { App } from '@slack/bolt';
import type { MailTransport } from '../../../mail/transport.ts';
import type { Services } from '../../../services.ts';
import { registerCampaignApproval } from './campaign-approval.ts';
import { registerCampaignReschedule } from './campaign-reschedule.ts';
import { registerCampaignSave } from './campaign-save.ts';
import { registerCampaignSendTest } from './campaign-send-test.ts';
import { registerContactSave } from './contact-save.ts';
import { registerImportViews } from './imports.ts';
import { registerListCreate } from './list-create.ts';
import { registerTemplateSave } from './template-save.ts';
import { registerResendSubmit } from './resend-non-openers.ts';

export function register(app: App, services: Services, mail: MailTransport): void {
  registerListCreate(app, services);
  registerResendSubmit(app, services);
  registerContactSave(app, services);
  registerImportViews(app, services);
  registerTemplateSave(app, services);
  registerCampaignSave(app, services);
  registerCampaignApproval(app, services);
  registerCampaignReschedule(app, services);
  registerCampaignSendTest(app, services, mail);
}
