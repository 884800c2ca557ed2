import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockOptions,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcut,
  SlackShortcutMiddlewareArgs,
  ViewResponseAction,
  ViewSubmitAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import { z } from 'zod';
import { resolveActor, type Actor } from '../../accounts/actor.ts';
import { UserError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { reportError } from '../report-error.ts';
import { OTHER_WORKSPACE_REFUSAL } from '../slack-people.ts';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;
type ShortcutArgs = SlackShortcutMiddlewareArgs<SlackShortcut> & AllMiddlewareArgs;
type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;
export type Acting<Args> = Args & { actor: Actor; services: Services };

/** Every modal Herald opens carries the channel it was opened from, to answer there. */
const ViewMetadata = z.object({ channel: z.string().optional() }).catchall(z.unknown());
export type ViewMetadata = z.infer<typeof ViewMetadata>;

export function viewMetadata(view: { private_metadata?: string }): ViewMetadata {
  try {
    return ViewMetadata.parse(JSON.parse(view.private_metadata || '{}'));
  } catch {
    return {};
  }
}

/**
 * The workspace acted in. A member of another workspace (a Slack Connect guest in a shared
 * channel: user.team_id is not team.id) is refused, never made a member of this one's account.
 */
function teamOf(body: { team?: { id?: string; domain?: string } | null; user?: { team_id?: string } }): { teamId: string; teamName?: string } {
  const teamId = body.team?.id ?? body.user?.team_id;
  if (!teamId) throw new Error('Slack payload without a team');
  if (body.user?.team_id && body.user.team_id !== teamId) {
    throw new UserError(OTHER_WORKSPACE_REFUSAL);
  }
  return { teamId, teamName: body.team?.domain };
}

export function actorOf(services: Services, body: { team?: { id?: string; domain?: string } | null; user: { id: string; team_id?: string } }): Promise<Actor> {
  return resolveActor(services.db.primary, { ...teamOf(body), memberId: body.user.id });
}

function inputBlockIds(view: { blocks?: ReadonlyArray<{ type: string; block_id?: string }> }): string[] {
  return (view.blocks ?? []).filter((b) => b.type === 'input' && b.block_id).map((b) => b.block_id as string);
}

/** `committed` records what the handler saved for good (a sentence), for an error after it to say. */
type Committing = { committed: (what: string) => void };
type ViewHandlerArgs = Acting<ViewArgs> & Committing;

/**
 * A view_submission listener with the actor resolved. Throwing a UserError
 * before ack() shows it under the modal's inputs; after ack() as an ephemeral message,
 * which starts with what was saved, never claiming nothing was changed.
 * Returning without ack() closes the modal.
 */
export function onView(services: Services, handler: (args: ViewHandlerArgs) => Promise<void>) {
  return async (args: ViewArgs) => {
    let acked = false;
    let saved: string | undefined;
    const ack: ViewArgs['ack'] = async (response?: ViewResponseAction) => {
      acked = true;
      await args.ack(response);
    };
    try {
      const actor = await actorOf(services, args.body);
      await handler({ ...args, ack, actor, services, committed: (what) => { saved = what; } });
      if (!acked) await ack();
    } catch (error) {
      await reportError(error, {
        log: services.log,
        client: args.client,
        memberId: args.body.user.id,
        channelId: viewMetadata(args.view).channel,
        inputBlockIds: inputBlockIds(args.view),
        ackWithErrors: acked ? undefined : (errors) => ack({ response_action: 'errors', errors }),
        committed: saved,
        context: { callbackId: args.view.callback_id },
      });
      if (!acked) await ack();
    }
  };
}

/**
 * A block_actions listener: acked first, errors answered via response_url or ephemerally,
 * starting with what the handler had saved (`committed`), never claiming nothing was changed.
 */
export function onAction(services: Services, handler: (args: Acting<ActionArgs> & Committing) => Promise<void>) {
  return async (args: ActionArgs) => {
    await args.ack();
    let saved: string | undefined;
    try {
      const actor = await actorOf(services, args.body);
      await handler({ ...args, actor, services, committed: (what) => { saved = what; } });
    } catch (error) {
      await reportError(error, {
        log: services.log,
        client: args.client,
        memberId: args.body.user.id,
        respond: args.body.response_url ? args.respond : undefined,
        channelId: args.body.channel?.id ?? (args.body.view ? viewMetadata(args.body.view).channel : undefined),
        committed: saved,
        context: { actionId: args.action.action_id },
      });
    }
  };
}

/** A global or message shortcut listener: acked first, errors answered ephemerally. */
export function onShortcut(services: Services, handler: (args: Acting<ShortcutArgs>) => Promise<void>) {
  return async (args: ShortcutArgs) => {
    await args.ack();
    const body = args.body as SlackShortcut & { response_url?: string; channel?: { id: string } };
    try {
      const actor = await actorOf(services, body);
      await handler({ ...args, actor, services });
    } catch (error) {
      await reportError(error, {
        log: services.log,
        client: args.client,
        memberId: body.user.id,
        respond: body.response_url ? args.respond : undefined,
        channelId: body.channel?.id,
        context: { callbackId: body.callback_id },
      });
    }
  };
}

/**
 * An options listener (block_suggestion of an external select): answered with the options the
 * handler finds. Slack shows no way to report an error in the menu, so a failure is logged and
 * answered with no options.
 */
export function onOptions(services: Services, handler: (args: Acting<OptionsArgs>) => Promise<BlockOptions>) {
  return async (args: OptionsArgs) => {
    try {
      const actor = await actorOf(services, args.body);
      await args.ack(await handler({ ...args, actor, services }));
    } catch (error) {
      services.log.error({ err: error, actionId: args.body.action_id }, 'Slack options listener failed');
      await args.ack({ options: [] });
    }
  };
}
