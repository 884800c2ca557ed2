import { findChannel } from '../../db/sandbox/workspace.ts';
import type { SandboxMember } from '../../db/sandbox/workspace.ts';
import { SlackRejection, validateOptionsResponse } from '../block-kit-rules.ts';
import { findElement } from '../block-ids.ts';
import type { SandboxContext } from '../context.ts';
import { messageObject } from '../conversation.ts';
import { viewObject } from '../web-api/views.ts';
import { channelName, parseJson, type Outcome } from './commands.ts';
import { deliver, deliveryError, interactiveBody } from './deliver.ts';
import { blocksOf, GONE, ownView, visibleMessage, type Container } from './interactions.ts';
import { commonFields } from './payloads.ts';
import { stateValues, type RawState } from './view-state.ts';

type Json = Record<string, any>;

export type LoadedOption = { value: string; text: string };
export type OptionsOutcome = { ok: true; options: LoadedOption[] } | (Outcome & { ok: false });

const EXTERNAL_SELECTS = new Set(['external_select', 'multi_external_select']);

/** The external select typed into, and the payload fields saying where it is (as in block_actions). */
async function externalSelect(ctx: SandboxContext, member: SandboxMember, container: Container, blockId: string, actionId: string, raw: RawState) {
  if (container.type === 'view') {
    const view = await ownView(ctx, member, container.viewId);
    const blocks = view ? blocksOf(view.view) : [];
    const element = findElement(blocks, blockId, actionId);
    return view && element ? { element, where: { container: { type: 'view', view_id: view.id }, view: viewObject(view, stateValues(blocks, raw)) } } : null;
  }
  const channel = await findChannel(ctx.db, container.channelId);
  const message = await visibleMessage(ctx, member, container.channelId, container.ts);
  const element = message ? findElement(blocksOf(message), blockId, actionId) : undefined;
  if (!channel || !message || !element) return null;
  const ephemeral = message.visible_to !== null;
  return {
    element,
    where: {
      container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: ephemeral },
      channel: { id: channel.id, name: channelName(channel) },
      ...(ephemeral ? {} : { message: messageObject(message) }),
    },
  };
}

function shownOptions(answer: Json): LoadedOption[] {
  const options = (answer.options ?? (answer.option_groups as Json[]).flatMap((group) => group.options)) as Json[];
  return options.map((o) => ({ value: String(o.value), text: String(o.text.text) }));
}

/**
 * Text typed into an external select: a block_suggestion to the app, as Slack sends it to the
 * options load URL, and the options it answers with, checked as Slack checks them.
 */
export async function loadOptions(
  ctx: SandboxContext,
  member: SandboxMember,
  container: Container,
  typed: { blockId: string; actionId: string; value: string },
  raw: RawState,
): Promise<OptionsOutcome> {
  const select = await externalSelect(ctx, member, container, typed.blockId, typed.actionId, raw);
  if (!select || !EXTERNAL_SELECTS.has(String(select.element.type))) return GONE;
  const payload = {
    type: 'block_suggestion',
    ...commonFields(member),
    ...select.where,
    block_id: typed.blockId,
    action_id: typed.actionId,
    value: typed.value,
  };
  const delivery = await deliver(ctx, interactiveBody(payload), 'form');
  const error = deliveryError(delivery);
  if (error) return { ok: false, notice: `Herald did not answer the options request (${error}, HTTP ${delivery.status || 'no answer'}).` };
  const answer = parseJson(delivery.body) as Json;
  try {
    validateOptionsResponse(answer);
  } catch (rejection) {
    if (!(rejection instanceof SlackRejection)) throw rejection;
    ctx.log.warn({ actionId: typed.actionId, problem: rejection.message }, 'sandbox: the app answered an options request with options Slack would not show');
    return { ok: false, notice: 'The app answered with options Slack would not show; see the log.' };
  }
  return { ok: true, options: shownOptions(answer) };
}
