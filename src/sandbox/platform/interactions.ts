import { z } from 'zod';
import { findMessage, type SandboxMessage } from '../../db/sandbox/messages.ts';
import { closeModals, findView, modalStack, pushModal, replaceView, type SandboxView } from '../../db/sandbox/views.ts';
import { findChannel, type SandboxMember } from '../../db/sandbox/workspace.ts';
import { findElement } from '../block-ids.ts';
import type { SandboxContext } from '../context.ts';
import { messageObject } from '../conversation.ts';
import { slackId, viewHash } from '../ids.ts';
import { acceptView, viewObject } from '../web-api/views.ts';
import { channelName, outcomeOf, parseJson, type Outcome } from './commands.ts';
import { deliver, deliveryError, interactiveBody } from './deliver.ts';
import { actionTs, commonFields, newResponseUrl, newTrigger } from './payloads.ts';
import { clientSideErrors, slackValue, stateValues, type RawState, type RawValue } from './view-state.ts';

type Json = Record<string, any>;

export type Container = { type: 'message'; channelId: string; ts: string } | { type: 'view'; viewId: string };
export type ClickedElement = { blockId: string; actionId: string; value?: RawValue };

/** What the person sees when the app fails to answer a modal submission (Slack's wording). */
const TROUBLE_CONNECTING = 'We had some trouble connecting. Try again?';

export function blocksOf(source: { blocks?: unknown }): Json[] {
  return Array.isArray(source.blocks) ? (source.blocks as Json[]) : [];
}

function actionObject(element: Json, clicked: ClickedElement): Json {
  const common = { block_id: clicked.blockId, action_id: clicked.actionId, action_ts: actionTs() };
  if (element.type === 'button') {
    return { type: 'button', ...common, text: element.text, ...(element.value !== undefined ? { value: element.value } : {}), ...(element.style ? { style: element.style } : {}) };
  }
  return { ...slackValue(element, clicked.value), ...common };
}

/** A member's own view, or null (views of other members are not theirs to touch). */
export async function ownView(ctx: SandboxContext, member: SandboxMember, viewId: string): Promise<SandboxView | null> {
  const view = await findView(ctx.db, viewId);
  return view && view.member_id === member.id && (view.kind === 'home' || view.depth !== null) ? view : null;
}

export async function visibleMessage(ctx: SandboxContext, member: SandboxMember, channelId: string, ts: string): Promise<SandboxMessage | null> {
  const message = await findMessage(ctx.db, channelId, ts);
  return message && (message.visible_to === null || message.visible_to === member.id) ? message : null;
}

export const GONE: Outcome & { ok: false } = { ok: false, notice: 'That is no longer there. It may have been updated or closed.' };

/** A button click or a select change in a message: block_actions with a response_url. */
async function messageAction(ctx: SandboxContext, member: SandboxMember, channelId: string, ts: string, clicked: ClickedElement): Promise<Outcome> {
  const channel = await findChannel(ctx.db, channelId);
  const message = await visibleMessage(ctx, member, channelId, ts);
  const element = message ? findElement(blocksOf(message), clicked.blockId, clicked.actionId) : undefined;
  if (!channel || !message || !element) return GONE;
  const ephemeral = message.visible_to !== null;
  const payload = {
    type: 'block_actions',
    ...commonFields(member),
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: ephemeral, ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}) },
    trigger_id: await newTrigger(ctx, member.id),
    channel: { id: channel.id, name: channelName(channel) },
    ...(ephemeral ? {} : { message: messageObject(message) }),
    state: { values: {} },
    response_url: await newResponseUrl(ctx, { member_id: member.id, channel_id: channel.id, message_ts: message.ts, thread_ts: message.thread_ts }),
    actions: [actionObject(element, clicked)],
  };
  return outcomeOf(await deliver(ctx, interactiveBody(payload), 'form'));
}

/** A button click or a select change in a modal or the Home tab: block_actions with the view and its state. */
async function viewAction(ctx: SandboxContext, member: SandboxMember, viewId: string, clicked: ClickedElement, raw: RawState): Promise<Outcome> {
  const view = await ownView(ctx, member, viewId);
  const blocks = view ? blocksOf(view.view) : [];
  const element = findElement(blocks, clicked.blockId, clicked.actionId);
  if (!view || !element) return GONE;
  const payload = {
    type: 'block_actions',
    ...commonFields(member),
    container: { type: 'view', view_id: view.id },
    trigger_id: await newTrigger(ctx, member.id),
    view: viewObject(view, stateValues(blocks, raw)),
    actions: [actionObject(element, clicked)],
  };
  return outcomeOf(await deliver(ctx, interactiveBody(payload), 'form'));
}

export async function clickElement(ctx: SandboxContext, member: SandboxMember, container: Container, clicked: ClickedElement, raw: RawState): Promise<Outcome> {
  return container.type === 'message'
    ? messageAction(ctx, member, container.channelId, container.ts, clicked)
    : viewAction(ctx, member, container.viewId, clicked, raw);
}

export type SubmitOutcome = Outcome & { errors?: Record<string, string> };

const AckResponse = z.discriminatedUnion('response_action', [
  z.object({ response_action: z.literal('errors'), errors: z.record(z.string(), z.string()) }),
  z.object({ response_action: z.literal('update'), view: z.record(z.string(), z.unknown()) }),
  z.object({ response_action: z.literal('push'), view: z.record(z.string(), z.unknown()) }),
  z.object({ response_action: z.literal('clear') }),
]);

async function topModal(ctx: SandboxContext, member: SandboxMember, viewId: string): Promise<SandboxView | null> {
  const stack = await modalStack(ctx.db, member.id);
  const top = stack.at(-1);
  return top && top.id === viewId ? top : null;
}

/** What Slack does with the app's answer to a view_submission. */
async function applySubmissionAnswer(ctx: SandboxContext, member: SandboxMember, view: SandboxView, body: string): Promise<SubmitOutcome> {
  if (body.trim() === '') {
    await closeModals(ctx.db, member.id, view.depth ?? 1);
    return { ok: true };
  }
  const answer = AckResponse.safeParse(parseJson(body));
  if (!answer.success) {
    ctx.log.warn({ callbackId: view.view.callback_id }, 'sandbox: the app answered a view_submission with something Slack does not understand');
    return { ok: false, notice: TROUBLE_CONNECTING };
  }
  const data = answer.data;
  switch (data.response_action) {
    case 'errors': {
      const inputIds = new Set(blocksOf(view.view).filter((b) => b.type === 'input').map((b) => String(b.block_id)));
      const unknown = Object.keys(data.errors).filter((key) => !inputIds.has(key));
      if (unknown.length > 0) {
        ctx.log.warn({ unknown, callbackId: view.view.callback_id }, 'sandbox: response_action errors names blocks that are not input blocks of the view');
        return { ok: false, notice: TROUBLE_CONNECTING };
      }
      return { ok: false, notice: '', errors: data.errors };
    }
    case 'update':
      await replaceView(ctx.db, view.id, { view: acceptView(data.view, 'modal'), hash: viewHash() });
      return { ok: true };
    case 'push':
      await pushModal(ctx.db, member.id, { id: slackId('V'), view: acceptView(data.view, 'modal'), hash: viewHash(), externalId: null });
      return { ok: true };
    case 'clear':
      await closeModals(ctx.db, member.id, 1);
      return { ok: true };
  }
}

/** Submitting the top modal: Slack's own checks first, then a view_submission to the app. */
export async function submitView(ctx: SandboxContext, member: SandboxMember, viewId: string, raw: RawState): Promise<SubmitOutcome> {
  const view = await topModal(ctx, member, viewId);
  if (!view) return GONE;
  const blocks = blocksOf(view.view);
  const values = stateValues(blocks, raw);
  const errors = clientSideErrors(blocks, values);
  if (Object.keys(errors).length > 0) return { ok: false, notice: '', errors };
  const payload = {
    type: 'view_submission',
    ...commonFields(member),
    trigger_id: await newTrigger(ctx, member.id),
    view: viewObject(view, values),
    response_urls: [],
  };
  const delivery = await deliver(ctx, interactiveBody(payload), 'form');
  if (deliveryError(delivery)) return { ok: false, notice: TROUBLE_CONNECTING };
  try {
    return await applySubmissionAnswer(ctx, member, view, delivery.body);
  } catch (error) {
    ctx.log.warn({ err: error }, 'sandbox: the app answered a view_submission with a view Slack would reject');
    return { ok: false, notice: TROUBLE_CONNECTING };
  } finally {
    ctx.changes.changed();
  }
}

/** Closing the top modal (its close button or ×): view_closed when the app asked for it. */
export async function closeView(ctx: SandboxContext, member: SandboxMember, viewId: string, raw: RawState): Promise<Outcome> {
  const view = await topModal(ctx, member, viewId);
  if (!view) return GONE;
  const clearAll = view.view.clear_on_close === true;
  let outcome: Outcome = { ok: true };
  if (view.view.notify_on_close === true) {
    const payload = { type: 'view_closed', ...commonFields(member), view: viewObject(view, stateValues(blocksOf(view.view), raw)), is_cleared: clearAll };
    outcome = outcomeOf(await deliver(ctx, interactiveBody(payload), 'form'));
  }
  await closeModals(ctx.db, member.id, clearAll ? 1 : (view.depth ?? 1));
  ctx.changes.changed();
  return outcome;
}
