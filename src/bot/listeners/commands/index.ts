import type { App } from '@slack/bolt';
import type { Services } from '../../../services.ts';
import { accountCommands } from './accounts.ts';
import { campaignCommands } from './campaigns.ts';
import { contactCommands } from './contacts.ts';
import { helpFor, withHelp } from './help.ts';
import { importCommands } from './imports.ts';
import { listCommands } from './lists.ts';
import { reportCommands } from './reports.ts';
import { heraldCommand, type SubcommandGroup } from './router.ts';
import { templateCommands } from './templates.ts';

/** Every `/herald` subcommand group, in the order help lists them (see router.ts). */
const SUBCOMMAND_GROUPS: readonly SubcommandGroup[] = [
  listCommands,
  contactCommands,
  importCommands,
  templateCommands,
  campaignCommands,
  reportCommands,
  accountCommands,
];

export function register(app: App, services: Services): void {
  const groups = withHelp(SUBCOMMAND_GROUPS);
  app.command('/herald', heraldCommand(services, groups, helpFor(groups)));
}
