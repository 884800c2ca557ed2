import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { HeraldApp } from '../../src/bot/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createHeraldWeb } from '../../src/herald.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import type { Services } from '../../src/services.ts';
import { openTestDatabase, type TestDatabaseOptions } from './db.ts';
import { startFakeSlack, type Call, type FakeSlack } from './fake-slack.ts';
import { interactiveBody, postSigned } from './slack-sign.ts';

/**
 * The real Herald app (createHeraldWeb: every listener and public route) on an ephemeral
 * port, with its own migrated database and a fake Slack Web API. Tests drive it only
 * through signed HTTP requests; every helper waits until the app has finished the work
 * it does after ack() and returns what happened meanwhile.
 */

export const SIGNING_SECRET = 'test-signing-secret';
export const BOT_TOKEN = 'xoxb-test-token';

type Json = any;
/** `userTeam`: the member's own workspace (user.team_id) when it is not `team`, as for a Slack Connect guest. */
export type As = { user?: string; team?: string; channel?: string; userTeam?: string };

export type Outcome = {
  status: number;
  /** The HTTP response body (a view_submission's response_action, an ack text). */
  body: string;
  /** The body parsed as JSON when it is JSON. */
  json: Json;
  /** Slack Web API calls made while handling the request. */
  calls: Call[];
  /** Bodies POSTed to this request's response_url. */
  responses: Json[];
  /** Every text shown to people meanwhile (responses, ephemeral and posted messages, their blocks). */
  text: string;
  /** The view opened, pushed or updated last, if any. */
  view?: Json;
};

export type TestHerald = Awaited<ReturnType<typeof startTestHerald>>;

let sequence = 0;
const nextId = (prefix: string) => `${prefix}${++sequence}`;

/** All human-readable text of a message, response or view, flattened. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join('\n');
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const parts = ['text', 'blocks', 'elements', 'fields', 'title', 'label', 'hint', 'errors', 'initial_value']
      .filter((key) => key in object)
      .map((key) => (key === 'errors' ? Object.values(object[key] as object).join('\n') : textOf(object[key])));
    return parts.filter(Boolean).join('\n');
  }
  return '';
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** state.values for a submitted view: given values by block_id, initial values otherwise. */
export function stateOf(view: Json, values: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const block of (view.blocks ?? []) as Json[]) {
    if (block.type !== 'input' || !block.block_id) continue;
    const element = block.element;
    const given = block.block_id in values ? values[block.block_id] : undefined;
    state[block.block_id] = { [element.action_id]: elementState(element, given) };
  }
  return state;
}

function elementState(element: Json, given: unknown): Record<string, unknown> {
  const option = (value: unknown) =>
    (element.options as Json[] | undefined)?.find((o) => o.value === value) ?? { text: { type: 'plain_text', text: String(value) }, value };
  switch (element.type) {
    case 'static_select':
    case 'radio_buttons':
      return { type: element.type, selected_option: given === undefined ? element.initial_option ?? null : option(given) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type: element.type, selected_options: given === undefined ? element.initial_options ?? [] : (given as unknown[]).map(option) };
    case 'external_select':
      return { type: element.type, selected_option: given === undefined ? element.initial_option ?? null : option(given) };
    case 'multi_external_select':
      return { type: element.type, selected_options: given === undefined ? element.initial_options ?? [] : (given as unknown[]).map(option) };
    case 'users_select':
      return { type: element.type, selected_user: given ?? element.initial_user ?? null };
    case 'conversations_select':
    case 'channels_select':
      return { type: element.type, selected_conversation: given ?? element.initial_conversation ?? null };
    case 'datetimepicker':
      return { type: element.type, selected_date_time: given ?? element.initial_date_time ?? null };
    case 'datepicker':
      return { type: element.type, selected_date: given === undefined ? element.initial_date ?? null : given };
    case 'timepicker':
      return { type: element.type, selected_time: given === undefined ? element.initial_time ?? null : given };
    default:
      return { type: element.type, value: given === undefined ? element.initial_value ?? null : given };
  }
}

export async function startTestHerald(options: { env?: Record<string, string>; database?: TestDatabaseOptions } = {}) {
  const db = await openTestDatabase(options.database);
  const slack = await startFakeSlack();
  const logs: Json[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const services: Services = { config, log: pino({ level: 'warn' }, sink), db };
  const { web, notifier }: { web: HeraldApp; notifier: Notifier } = createHeraldWeb(services, {
    signingSecret: SIGNING_SECRET,
    token: BOT_TOKEN,
    apiUrl: slack.apiUrl,
  });
  const { port } = await web.start();
  const base = `http://127.0.0.1:${port}`;
  const eventsUrl = `${base}/slack/events`;

  /** Sends a signed request, waits for the app to finish with it, and collects what happened. */
  async function observe(send: () => Promise<Response>, responsePath?: string): Promise<Outcome> {
    const callsBefore = slack.calls.length;
    const responsesBefore = slack.responses.length;
    const response = await send();
    const body = await response.text();
    await web.idle();
    const calls = slack.calls.slice(callsBefore);
    const responses = slack.responses.slice(responsesBefore).filter((r) => !responsePath || r.path === responsePath).map((r) => r.body);
    const shown = calls.filter((c) => c.method.startsWith('chat.')).map((c) => ({ text: c.args.text, blocks: parseMaybeJson(String(c.args.blocks ?? '')) }));
    const viewCall = calls.filter((c) => c.method.startsWith('views.') && c.method !== 'views.publish').at(-1);
    const json = parseMaybeJson(body);
    return {
      status: response.status,
      body,
      json,
      calls,
      responses,
      text: [textOf(responses), textOf(shown), textOf(json)].filter(Boolean).join('\n'),
      view: viewCall ? JSON.parse(String(viewCall.args.view)) : undefined,
    };
  }

  const who = (as: As = {}) => {
    const team = as.team ?? 'T1';
    return { user: as.user ?? 'UADMIN', team, channel: as.channel ?? 'CGENERAL', userTeam: as.userTeam ?? team };
  };

  /** Submits a view as opened by the app; resolves with the app's HTTP answer (its ack), not waiting for the work after it. */
  function sendView(view: Json, values: Record<string, unknown> = {}, as: As = {}): Promise<Response> {
    const { user, team, userTeam } = who(as);
    const payload = {
      type: 'view_submission', team: { id: team, domain: team.toLowerCase() }, user: { id: user, team_id: userTeam },
      api_app_id: 'AHERALD', trigger_id: nextId('trigger.'),
      view: { id: view.id ?? nextId('V'), type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '',
        blocks: view.blocks, title: view.title, state: { values: stateOf(view, values) } },
    };
    return postSigned(eventsUrl, SIGNING_SECRET, interactiveBody(payload));
  }

  return {
    db,
    slack,
    services,
    web,
    notifier,
    logs,
    base,
    eventsUrl,
    /** Sends a raw signed body (form-encoded unless headers say otherwise). */
    post(body: string, options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {}) {
      return postSigned(eventsUrl, options.secret ?? SIGNING_SECRET, body, options.timestamp, options.headers);
    },
    /** `/herald <text>` as a slash command. */
    command(text: string, as: As = {}): Promise<Outcome> {
      const { user, team, userTeam, channel } = who(as);
      slack.setHomeTeam(user, userTeam);
      const responseId = nextId('cmd');
      const body = new URLSearchParams({
        token: 'legacy', team_id: team, team_domain: team.toLowerCase(), channel_id: channel, channel_name: 'general',
        user_id: user, user_name: user.toLowerCase(), command: '/herald', text, api_app_id: 'AHERALD',
        trigger_id: nextId('trigger.'), response_url: slack.responseUrl(responseId),
      }).toString();
      return observe(() => postSigned(eventsUrl, SIGNING_SECRET, body), `/response/${responseId}`);
    },
    /** Submits a view as opened by the app, with values by input block_id (other inputs keep their initial values). */
    submitView(view: Json, values: Record<string, unknown> = {}, as: As = {}): Promise<Outcome> {
      return observe(() => sendView(view, values, as));
    },
    sendView,
    /**
     * Clicks a button (or picks an option) with `actionId`, in a message or in a view; in a
     * view, `values` by input block_id are its current state (other inputs keep their initial values).
     */
    action(actionId: string, options: As & { value?: string; blockId?: string; view?: Json; values?: Record<string, unknown>; message?: Json } = {}): Promise<Outcome> {
      const { user, team, userTeam, channel } = who(options);
      const responseId = nextId('act');
      const payload = {
        type: 'block_actions', team: { id: team, domain: team.toLowerCase() }, user: { id: user, team_id: userTeam },
        api_app_id: 'AHERALD', trigger_id: nextId('trigger.'),
        ...(options.view
          ? { view: { id: options.view.id ?? nextId('V'), type: options.view.type ?? 'modal', callback_id: options.view.callback_id,
              private_metadata: options.view.private_metadata ?? '', blocks: options.view.blocks, hash: options.view.hash ?? 'hash',
              state: { values: stateOf(options.view, options.values ?? {}) } } }
          : { channel: { id: channel }, message: options.message ?? { ts: '1700000000.000001', text: '' },
              container: { type: 'message', channel_id: channel, message_ts: options.message?.ts ?? '1700000000.000001' },
              response_url: slack.responseUrl(responseId) }),
        actions: [{ type: 'button', action_id: actionId, block_id: options.blockId ?? 'actions', value: options.value ?? '', action_ts: '1700000000.1' }],
      };
      return observe(() => postSigned(eventsUrl, SIGNING_SECRET, interactiveBody(payload)));
    },
    /**
     * Text typed into the external select `actionId` of an open view: the block_suggestion Slack
     * sends to the options load URL. The answer (options JSON) is in `json`.
     */
    suggest(view: Json, options: As & { actionId: string; value: string }): Promise<Outcome> {
      const { user, team, userTeam } = who(options);
      const block = (view.blocks as Json[]).find((b) => b.element?.action_id === options.actionId);
      const payload = {
        type: 'block_suggestion', team: { id: team, domain: team.toLowerCase() }, user: { id: user, name: user.toLowerCase(), team_id: userTeam },
        api_app_id: 'AHERALD', token: 'legacy', container: { type: 'view', view_id: view.id ?? 'V0' },
        view: { id: view.id ?? 'V0', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '',
          blocks: view.blocks, state: { values: stateOf(view, {}) } },
        block_id: block?.block_id ?? '', action_id: options.actionId, value: options.value,
      };
      return observe(() => postSigned(eventsUrl, SIGNING_SECRET, interactiveBody(payload)));
    },
    /** A message shortcut on `message` (type message_action) or a global shortcut (type shortcut). */
    shortcut(callbackId: string, options: As & { message?: Json } = {}): Promise<Outcome> {
      const { user, team, userTeam, channel } = who(options);
      const responseId = nextId('sc');
      const payload = options.message
        ? { type: 'message_action', callback_id: callbackId, team: { id: team, domain: team.toLowerCase() }, user: { id: user, team_id: userTeam },
            channel: { id: channel }, message: options.message, message_ts: options.message.ts, trigger_id: nextId('trigger.'),
            response_url: slack.responseUrl(responseId), action_ts: '1700000000.2' }
        : { type: 'shortcut', callback_id: callbackId, team: { id: team, domain: team.toLowerCase() }, user: { id: user, team_id: userTeam },
            trigger_id: nextId('trigger.'), action_ts: '1700000000.2' };
      return observe(() => postSigned(eventsUrl, SIGNING_SECRET, interactiveBody(payload)));
    },
    /** An Events API delivery; pass the same eventId (and a retryNum) to simulate Slack's retries. */
    event(event: Json, options: { team?: string; userTeam?: string; eventId?: string; retryNum?: number } = {}): Promise<Outcome> {
      const member = event.user ?? event.user_id;
      if (typeof member === 'string') slack.setHomeTeam(member, options.userTeam ?? options.team ?? 'T1');
      const body = JSON.stringify({
        token: 'legacy', team_id: options.team ?? 'T1', api_app_id: 'AHERALD', type: 'event_callback',
        event_id: options.eventId ?? nextId('Ev'), event_time: 1700000000, event,
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.retryNum !== undefined) Object.assign(headers, { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' });
      return observe(() => postSigned(eventsUrl, SIGNING_SECRET, body, undefined, headers));
    },
    async close() {
      await web.stop();
      await slack.close();
      await db.close();
    },
  };
}
