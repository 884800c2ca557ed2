import type { App } from '@slack/bolt';
import type { MailTransport } from '../../mail/transport.ts';
import type { Services } from '../../services.ts';
import { register as registerActions } from './actions/index.ts';
import { register as registerCommands } from './commands/index.ts';
import { register as registerEvents } from './events/index.ts';
import { register as registerOptions } from './options/index.ts';
import { register as registerShortcuts } from './shortcuts/index.ts';
import { register as registerViews } from './views/index.ts';
import { recordListeners, type ListenerIds } from './registry.ts';

/**
 * Registers every listener kind; returns the ids registered (checked against manifest.yml).
 * `mail` sends the test emails members ask for.
 */
export function registerListeners(app: App, services: Services, mail: MailTransport): ListenerIds {
  const recording = recordListeners(app);
  registerEvents(recording.app, services);
  registerCommands(recording.app, services);
  registerViews(recording.app, services, mail);
  registerActions(recording.app, services);
  registerShortcuts(recording.app, services);
  registerOptions(recording.app, services);
  return recording.ids;
}
