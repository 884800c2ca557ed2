import { context, escapeMrkdwn, sectionsOf, type Block } from './blocks.ts';

export type HelpEntry = { usage: string; description: string };
export type HelpGroup = { title: string; entries: readonly HelpEntry[] };

/** What was typed that matched no subcommand, the closest usage, and whether `groups` are only the commands of its first word. */
export type NotUnderstood = { typed: string; suggestion?: string; related?: string };

function introOf(notUnderstood: NotUnderstood | undefined): string {
  if (!notUnderstood) return 'Here is what `/herald` can do:';
  const didYouMean = notUnderstood.suggestion ? ` Did you mean \`${escapeMrkdwn(notUnderstood.suggestion)}\`?` : '';
  const listing = notUnderstood.related ? `The \`${escapeMrkdwn(notUnderstood.related)}\` commands are:` : 'Here is what `/herald` can do:';
  return `I don't know \`/herald ${escapeMrkdwn(notUnderstood.typed)}\`.${didYouMean} ${listing}`;
}

/** `/herald help`: the registered subcommands, grouped; after something not understood, says what and suggests the closest. */
export function helpMessage(groups: readonly HelpGroup[], notUnderstood?: NotUnderstood): { text: string; blocks: Block[] } {
  const intro = introOf(notUnderstood);
  const lines = groups.flatMap((group) => [
    `*${group.title}*`,
    ...group.entries.map((entry) => `\`${escapeMrkdwn(entry.usage)}\` — ${escapeMrkdwn(entry.description)}`),
  ]);
  const more = notUnderstood?.related ? ' · `/herald help` lists every command' : '';
  return {
    text: intro,
    blocks: [...sectionsOf([intro]), ...sectionsOf(lines), context(`Names with spaces go in quotes: \`/herald list rename "Old name" "New name"\`${more}`)],
  };
}
