import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { registerCampaignFromMessage } from './campaign-from-message.ts';
import { registerImportShortcut } from './import-csv.ts';

export function register(app: App, services: Services): void {
  registerImportShortcut(app, services);
  registerCampaignFromMessage(app, services);
}
