import { listChannels, listMembers, type SandboxChannel, type SandboxMember } from '../../db/sandbox/workspace.ts';
import type { SandboxMessage } from '../../db/sandbox/messages.ts';
import type { SandboxContext } from '../context.ts';
import { messageObject } from '../conversation.ts';
import { APP, TEAM } from '../workspace.ts';
import { deliver, deliveryError, interactiveBody, type Delivery } from './deliver.ts';
import { slackbotNotice } from './notices.ts';
import { actionTs, commonFields, newResponseUrl, newTrigger, VERIFICATION_TOKEN } from './payloads.ts';
import { applyResponse, ResponseMessage } from './response-url.ts';

export type Outcome = { ok: true } | { ok: false; notice: string };

function outcomeOf(delivery: Delivery): Outcome {
  const error = deliveryError(delivery);
  return error ? { ok: false, notice: `Herald did not respond (${error}, HTTP ${delivery.status || 'no answer'}).` } : { ok: true };
}

function channelName(channel: SandboxChannel): string {
  return channel.im_member ? 'directmessage' : channel.name;
}

/** A slash command answered in its ack body: empty, plain text, or a message object. */
async function applyAckMessage(ctx: SandboxContext, member: SandboxMember, channel: SandboxChannel, body: string): Promise<void> {
  if (body.trim() === '') return;
  const asMessage = ResponseMessage.safeParse(parseJson(body));
  const message = asMessage.success ? asMessage.data : { text: body };
  await applyResponse(ctx, { member_id: member.id, channel_id: channel.id, message_ts: null, thread_ts: null }, message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What Slack does to the text of a command with should_escape: @someone → <@U…|someone>, #channel → <#C…|channel>. */
export async function escapeMentions(ctx: SandboxContext, text: string): Promise<string> {
  const [members, channels] = await Promise.all([listMembers(ctx.db), listChannels(ctx.db)]);
  return text.replace(/(^|\s)([@#])([\w.-]+)/g, (whole, space: string, sigil: string, name: string) => {
    const wanted = name.toLowerCase();
    if (sigil === '@') {
      const member = members.find((m) => m.name === wanted);
      return member ? `${space}<@${member.id}|${member.name}>` : whole;
    }
    const channel = channels.find((c) => c.im_member === null && c.name === wanted);
    return channel ? `${space}<#${channel.id}|${channel.name}>` : whole;
  });
}

/** Types a slash command into a channel: the signed, form-encoded request Slack sends. */
export async function runSlashCommand(
  ctx: SandboxContext,
  member: SandboxMember,
  channel: SandboxChannel,
  command: string,
  text: string,
): Promise<Outcome> {
  const body = new URLSearchParams({
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: channel.id,
    channel_name: channelName(channel),
    user_id: member.id,
    user_name: member.name,
    command,
    text,
    api_app_id: APP.id,
    is_enterprise_install: 'false',
    response_url: await newResponseUrl(ctx, { member_id: member.id, channel_id: channel.id, message_ts: null, thread_ts: null }),
    trigger_id: await newTrigger(ctx, member.id),
  }).toString();
  const delivery = await deliver(ctx, body, 'form');
  const error = deliveryError(delivery);
  if (error) {
    await slackbotNotice(ctx, channel.id, member.id, `${command} failed with the error "${error}"`);
    return { ok: false, notice: `${command} failed with the error "${error}"` };
  }
  await applyAckMessage(ctx, member, channel, delivery.body);
  return { ok: true };
}

async function shortcutFields(ctx: SandboxContext, member: SandboxMember, callbackId: string) {
  return { ...commonFields(member), callback_id: callbackId, trigger_id: await newTrigger(ctx, member.id), action_ts: actionTs() };
}

/** A global shortcut from the composer's shortcut menu. */
export async function runGlobalShortcut(ctx: SandboxContext, member: SandboxMember, callbackId: string): Promise<Outcome> {
  const payload = { type: 'shortcut', ...(await shortcutFields(ctx, member, callbackId)) };
  return outcomeOf(await deliver(ctx, interactiveBody(payload), 'form'));
}

/** A message shortcut from a message's menu. */
export async function runMessageShortcut(
  ctx: SandboxContext,
  member: SandboxMember,
  channel: SandboxChannel,
  message: SandboxMessage,
  callbackId: string,
): Promise<Outcome> {
  const payload = {
    type: 'message_action',
    ...(await shortcutFields(ctx, member, callbackId)),
    message_ts: message.ts,
    channel: { id: channel.id, name: channelName(channel) },
    message: messageObject(message),
    response_url: await newResponseUrl(ctx, {
      member_id: member.id,
      channel_id: channel.id,
      message_ts: message.ts,
      thread_ts: message.thread_ts,
    }),
  };
  return outcomeOf(await deliver(ctx, interactiveBody(payload), 'form'));
}

export { outcomeOf, channelName, parseJson };
