import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { registerListSearch } from './list-search.ts';
import { registerTemplateSearch } from './template-search.ts';

export function register(app: App, services: Services): void {
  registerListSearch(app, services);
  registerTemplateSearch(app, services);
}
