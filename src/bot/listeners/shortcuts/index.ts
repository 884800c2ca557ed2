import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { registerImportShortcut } from './import-csv.ts';

export function register(app: App, services: Services): void {
  registerImportShortcut(app, services);
}
