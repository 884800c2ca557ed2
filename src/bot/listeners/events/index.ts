import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { appHomeOpened } from './app-home-opened.ts';
import { fileShared } from './file-shared.ts';
import { processEventsOnce } from './once.ts';

export function register(app: App, services: Services): void {
  app.use(processEventsOnce(services));
  app.event('app_home_opened', appHomeOpened(services));
  app.event('file_shared', fileShared(services));
}
