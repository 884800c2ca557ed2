import { z } from 'zod';
import {
  findView,
  findViewByExternalId,
  modalStack,
  openModal,
  publishHome,
  pushModal,
  replaceView,
  type SandboxView,
} from '../../db/sandbox/views.ts';
import { claimTrigger, findMember } from '../../db/sandbox/workspace.ts';
import { validateView } from '../block-kit-rules.ts';
import { withGeneratedIds } from '../block-ids.ts';
import type { SandboxContext } from '../context.ts';
import { slackId, viewHash } from '../ids.ts';
import { APP, TEAM } from '../workspace.ts';
import { ApiError, parseArguments, ViewArgument } from './arguments.ts';
import type { WebApiMethods } from './methods.ts';

type Json = Record<string, unknown>;

/** The view as stored: validated like Slack does, generated block/action ids filled in. */
export function acceptView(view: Json, kind: 'modal' | 'home'): Json {
  validateView(view);
  if (view.type !== kind) throw new ApiError('invalid_arguments', [`[ERROR] view type must be ${kind}`]);
  return { ...view, blocks: withGeneratedIds((view.blocks ?? []) as Json[]) };
}

/** A view as Slack returns it from views.* and sends it in payloads. */
export function viewObject(row: SandboxView, stateValues: Json = {}): Json {
  const view = row.view;
  return {
    id: row.id,
    team_id: TEAM.id,
    type: view.type,
    title: view.title,
    submit: view.submit ?? null,
    close: view.close ?? null,
    blocks: view.blocks,
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    state: { values: stateValues },
    hash: row.hash,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    root_view_id: row.root_view_id,
    previous_view_id: row.previous_view_id,
    app_id: APP.id,
    external_id: row.external_id ?? '',
    app_installed_team_id: TEAM.id,
    bot_id: APP.botId,
  };
}

const TriggerArgs = z.object({ trigger_id: z.string().min(1), view: ViewArgument });
const UpdateArgs = z.object({
  view_id: z.string().min(1).optional(),
  external_id: z.string().min(1).optional(),
  view: ViewArgument,
  hash: z.string().min(1).optional(),
});
const PublishArgs = z.object({ user_id: z.string().min(1), view: ViewArgument, hash: z.string().min(1).optional() });

const TRIGGER_ERRORS = { unknown: 'invalid_trigger_id', expired: 'expired_trigger_id', used: 'exchanged_trigger_id' } as const;

async function memberOfTrigger(ctx: SandboxContext, triggerId: string): Promise<string> {
  const claim = await claimTrigger(ctx.db, triggerId);
  if (typeof claim === 'string') throw new ApiError(TRIGGER_ERRORS[claim]);
  return claim.memberId;
}

function stored(view: Json) {
  const externalId = typeof view.external_id === 'string' && view.external_id !== '' ? view.external_id : null;
  return { id: slackId('V'), view, hash: viewHash(), externalId };
}

export const viewMethods: WebApiMethods = {
  async 'views.open'(ctx, raw) {
    const args = parseArguments(TriggerArgs, raw);
    const view = acceptView(args.view, 'modal');
    const memberId = await memberOfTrigger(ctx, args.trigger_id);
    const row = await ctx.db.transaction((tx) => openModal(tx, memberId, stored(view)));
    ctx.changes.changed();
    return { view: viewObject(row) };
  },

  async 'views.push'(ctx, raw) {
    const args = parseArguments(TriggerArgs, raw);
    const view = acceptView(args.view, 'modal');
    const memberId = await memberOfTrigger(ctx, args.trigger_id);
    const row = await ctx.db.transaction(async (tx) => {
      if ((await modalStack(tx, memberId)).length === 0) throw new ApiError('not_found');
      return pushModal(tx, memberId, stored(view));
    });
    if (!row) throw new ApiError('push_limit_reached');
    ctx.changes.changed();
    return { view: viewObject(row) };
  },

  async 'views.update'(ctx, raw) {
    const args = parseArguments(UpdateArgs, raw);
    const existing = args.view_id
      ? await findView(ctx.db, args.view_id)
      : args.external_id
        ? await findViewByExternalId(ctx.db, args.external_id)
        : null;
    if (!existing) throw new ApiError('not_found');
    const view = acceptView(args.view, existing.kind);
    const row = await replaceView(ctx.db, existing.id, { view, hash: viewHash(), expectedHash: args.hash });
    if (!row) throw new ApiError('hash_conflict');
    ctx.changes.changed();
    return { view: viewObject(row) };
  },

  async 'views.publish'(ctx, raw) {
    const args = parseArguments(PublishArgs, raw);
    const view = acceptView(args.view, 'home');
    if (!(await findMember(ctx.db, args.user_id))) throw new ApiError('user_not_found');
    const row = await publishHome(ctx.db, args.user_id, { id: slackId('V'), view, hash: viewHash(), expectedHash: args.hash });
    if (!row) throw new ApiError('hash_conflict');
    ctx.changes.changed();
    return { view: viewObject(row) };
  },
};
