import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { registerContactSave } from './contact-save.ts';
import { registerImportViews } from './imports.ts';
import { registerListCreate } from './list-create.ts';

export function register(app: App, services: Services): void {
  registerListCreate(app, services);
  registerContactSave(app, services);
  registerImportViews(app, services);
}
