import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';

export function register(app: App, services: Services): void {
  void app;
  void services;
}
