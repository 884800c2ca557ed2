import { context, escapeMrkdwn, sectionsOf, type Block } from './blocks.ts';

export type HelpEntry = { usage: string; description: string };
export type HelpGroup = { title: string; entries: readonly HelpEntry[] };

/** `/herald help`: every registered subcommand, grouped; `unknown` names a word we did not understand. */
export function helpMessage(groups: readonly HelpGroup[], unknown?: string): { text: string; blocks: Block[] } {
  const intro = unknown
    ? `I don't know \`${escapeMrkdwn(unknown)}\`. Here is what \`/herald\` can do:`
    : 'Here is what `/herald` can do:';
  const lines = groups.flatMap((group) => [
    `*${group.title}*`,
    ...group.entries.map((entry) => `\`${escapeMrkdwn(entry.usage)}\` — ${escapeMrkdwn(entry.description)}`),
  ]);
  return {
    text: intro,
    blocks: [...sectionsOf([intro]), ...sectionsOf(lines), context('Names with spaces go in quotes: `/herald list rename "Old name" "New name"`')],
  };
}
