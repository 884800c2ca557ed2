import { helpMessage, type HelpGroup, type NotUnderstood } from '../../views/help.ts';
import type { CommandContext, SubcommandGroup } from './router.ts';

/** Edits (insertions, deletions, substitutions) between two short strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Typos this far from a subcommand (or closer) are suggested. */
const SUGGESTION_DISTANCE = 2;

/**
 * What to say about words that matched no subcommand: the closest subcommand of as many
 * words, and when the first word starts some subcommands (`campaign neww`), only those.
 */
export function notUnderstood(groups: readonly SubcommandGroup[], words: readonly string[]): { groups: HelpGroup[]; notUnderstood: NotUnderstood } {
  const typed = words.slice(0, 3).join(' ').toLowerCase();
  const commands = groups.flatMap((group) => Object.entries(group.commands).map(([name, subcommand]) => ({ name, subcommand })));
  const closest = commands
    .map((command) => ({ ...command, distance: editDistance(words.slice(0, command.name.split(' ').length).join(' ').toLowerCase(), command.name) }))
    // of equally close ones, the one that explains more of what was typed
    .sort((a, b) => a.distance - b.distance || b.name.split(' ').length - a.name.split(' ').length)[0];
  const suggestion = closest && closest.distance <= SUGGESTION_DISTANCE ? closest.subcommand.usage : undefined;
  const first = words[0]?.toLowerCase() ?? '';
  const related = commands.filter((command) => command.name === first || command.name.startsWith(`${first} `));
  if (related.length === 0) return { groups: groups.map(asHelpGroup), notUnderstood: { typed, suggestion } };
  return { groups: [{ title: `${first} commands`, entries: related.map((command) => command.subcommand) }], notUnderstood: { typed, suggestion, related: first } };
}

const asHelpGroup = (group: SubcommandGroup): HelpGroup => ({ title: group.title, entries: Object.values(group.commands) });

/** Shows every registered usage, or after `words` matched no subcommand, what the person may have meant. */
export function helpFor(groups: readonly SubcommandGroup[]) {
  return async (ctx: CommandContext, words: readonly string[] = []) => {
    const answer = words.length > 0 ? notUnderstood(groups, words) : { groups: groups.map(asHelpGroup), notUnderstood: undefined };
    const { text, blocks } = helpMessage(answer.groups, answer.notUnderstood);
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
