import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { resolveActor, type Actor } from '../../../accounts/actor.ts';
import { UserError } from '../../../errors.ts';
import type { Services } from '../../../services.ts';
import { reportError } from '../../report-error.ts';
import { refuseOtherWorkspace } from '../../slack-people.ts';

/*
 * `/herald <subcommand> [arguments]` router.
 *
 * To add subcommands, create src/bot/listeners/commands/<concern>.ts exporting a
 * `SubcommandGroup` — { title, commands: { 'campaign create': { usage, description, run } } } —
 * and add it to SUBCOMMAND_GROUPS in ./index.ts (one line). Keys are one or more words;
 * the longest key matching the first words of the text wins, the remaining words are
 * `args`. `/herald help` lists every registered usage. The command is acked before `run`,
 * the actor (account + role) is resolved, and a thrown UserError reaches the user as an
 * ephemeral message (`ctx.usageError()` throws one naming the expected form).
 */

export type CommandContext = {
  services: Services;
  actor: Actor;
  /** Arguments after the subcommand words, split on whitespace, "quoted words" kept together. */
  args: string[];
  command: SlashCommand;
  client: WebClient;
  respond: RespondFn;
  /** Answers the person who ran the command, visible only to them. */
  reply(text: string, blocks?: readonly object[]): Promise<void>;
  /** A UserError saying how this subcommand is used. */
  usageError(problem?: string): UserError;
};

export type Subcommand = {
  /** e.g. '/herald list rename <list> <new name>' */
  usage: string;
  description: string;
  run(ctx: CommandContext): Promise<void>;
};

export type SubcommandGroup = { title: string; commands: Record<string, Subcommand> };

/** Splits command text into words; "quoted words" (straight or typographic quotes) stay one argument. */
export function splitArguments(text: string): string[] {
  const pattern = /["“”]([^"“”]*)["“”]|(\S+)/g;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? (match[2] ?? '').replace(/["“”]/g, ''));
}

type Route = { name: string; subcommand: Subcommand; args: string[] };

export function findSubcommand(groups: readonly SubcommandGroup[], words: readonly string[]): Route | null {
  let best: Route | null = null;
  for (const group of groups) {
    for (const [name, subcommand] of Object.entries(group.commands)) {
      const keyWords = name.split(' ');
      const matches = keyWords.every((word, i) => words[i]?.toLowerCase() === word);
      if (matches && (!best || keyWords.length > best.name.split(' ').length)) {
        best = { name, subcommand, args: words.slice(keyWords.length) };
      }
    }
  }
  return best;
}

/** The `/herald` listener: ack, resolve the actor, dispatch, report errors. */
export function heraldCommand(
  services: Services,
  groups: readonly SubcommandGroup[],
  showHelp: (ctx: CommandContext, notUnderstood: readonly string[]) => Promise<void>,
) {
  return async ({ ack, command, client, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const words = splitArguments(command.text ?? '');
    const route = findSubcommand(groups, words);
    try {
      await refuseOtherWorkspace(client, command.team_id, command.user_id);
      const actor = await resolveActor(services.db.primary, {
        teamId: command.team_id,
        teamName: command.team_domain,
        memberId: command.user_id,
      });
      const ctx: CommandContext = {
        services,
        actor,
        args: route?.args ?? [],
        command,
        client,
        respond,
        reply: async (text, blocks) => {
          await respond({ response_type: 'ephemeral', text, blocks: blocks as never });
        },
        usageError: (problem) =>
          new UserError(`${problem ? `${problem} ` : ''}Usage: \`${route?.subcommand.usage ?? '/herald help'}\``),
      };
      if (route) await route.subcommand.run(ctx);
      else await showHelp(ctx, words);
    } catch (error) {
      await reportError(error, {
        log: services.log,
        client,
        memberId: command.user_id,
        respond,
        context: { subcommand: route?.name ?? words[0] },
      });
    }
  };
}
