import { helpMessage } from '../../views/help.ts';
import type { CommandContext, SubcommandGroup } from './router.ts';

/** Shows every registered usage; `unknown` is the word that matched no subcommand. */
export function helpFor(groups: readonly SubcommandGroup[]) {
  return async (ctx: CommandContext, unknown?: string) => {
    const entries = groups.map((group) => ({ title: group.title, entries: Object.values(group.commands) }));
    const { text, blocks } = helpMessage(entries, unknown);
    await ctx.reply(text, blocks);
  };
}

/** The groups plus a `help` subcommand listing them all (itself included). */
export function withHelp(groups: readonly SubcommandGroup[]): SubcommandGroup[] {
  const all = [...groups];
  const show = helpFor(all);
  all.push({ title: 'Help', commands: { help: { usage: '/herald help', description: 'Show this list.', run: (ctx) => show(ctx) } } });
  return all;
}
