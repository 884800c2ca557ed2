import { get } from 'node:http';
import { WebClient } from '@slack/web-api';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelTimeline } from '../../src/db/sandbox/messages.ts';
import { homeView, modalStack } from '../../src/db/sandbox/views.ts';
import { SANDBOX_TOKEN, startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';
import { until } from '../helpers/slack-sign.ts';

const ANN = 'U0ANN';
const BEN = 'U0BEN';
const CHANNEL = 'C0MARKETING';

let sb: TestSandbox;
let client: WebClient;

const formView = (title = 'Test form') => ({
  type: 'modal' as const,
  callback_id: 'test_form',
  title: { type: 'plain_text' as const, text: title },
  submit: { type: 'plain_text' as const, text: 'Save' },
  private_metadata: JSON.stringify({ channel: CHANNEL }),
  blocks: [
    { type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'value', min_length: 2 } },
    { type: 'input', block_id: 'note', optional: true, label: { type: 'plain_text', text: 'Note' }, element: { type: 'plain_text_input', action_id: 'value' } },
  ],
});

const nameState = (name: string) => ({ name: { value: { value: name } } });

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const COLOURS = ['Amber', 'Beige', 'Berry', 'Coral'];
/** A form with external selects: one starts on Amber, the other on nothing. */
const pickerView = () => ({
  type: 'modal' as const,
  callback_id: 'picker_form',
  title: plain('Pick colours'),
  submit: plain('Save'),
  blocks: [
    { type: 'input', block_id: 'colours', label: plain('Colours'),
      element: { type: 'multi_external_select', action_id: 'colour', min_query_length: 0, initial_options: [{ text: plain('Amber'), value: 'amber' }] } },
    { type: 'input', block_id: 'favourite', label: plain('Favourite'), element: { type: 'external_select', action_id: 'colour_one' } },
  ],
});
const suggestions: any[] = [];
const pickerSubmissions: any[] = [];

/** fetch() will not send another Host header; a DNS-rebinding page would. */
function statusWithHost(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject);
  });
}

async function timeline(member = ANN) {
  return channelTimeline(sb.db.primary, CHANNEL, member);
}

async function typeCommand(text: string, member = ANN) {
  return sb.page('/sandbox/message', { member, channel: CHANNEL, text: `/herald ${text}` });
}

async function topModal(member = ANN) {
  return (await modalStack(sb.db.primary, member)).at(-1);
}

beforeAll(async () => {
  sb = await startTestSandbox();
  // the refusals below are expected: keep WebClient from printing them
  const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error', setName() {} };
  client = new WebClient(SANDBOX_TOKEN, { slackApiUrl: sb.apiUrl, logger: quiet as never });
  const { app } = sb;
  app.command('/herald', async ({ ack, command, client: c, respond }) => {
    switch (command.text) {
      case 'text':
        return ack('a plain answer');
      case 'modal':
        await ack();
        await c.views.open({ trigger_id: command.trigger_id, view: formView() });
        return;
      case 'post':
        await ack();
        await c.chat.postMessage({
          channel: command.channel_id,
          text: 'Approve?',
          blocks: [{ type: 'actions', block_id: 'decide', elements: [{ type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: '42' }] }],
        });
        return;
      case 'picker':
        await ack();
        await c.views.open({ trigger_id: command.trigger_id, view: pickerView() as never });
        return;
      case 'upload':
        await ack();
        await c.files.uploadV2({ channel_id: command.channel_id, filename: 'report.csv', content: 'email\na@example.com\n', title: 'Report', initial_comment: 'Your report' });
        return;
      default:
        await ack();
        await respond({ response_type: 'in_channel', text: `heard: ${command.text}` });
    }
  });
  app.view('test_form', async ({ ack, view }) => {
    const name = view.state.values.name?.value?.value ?? '';
    if (name === 'taken') return ack({ response_action: 'errors', errors: { name: 'That name is taken.' } });
    if (name === 'ghost') return ack({ response_action: 'errors', errors: { nowhere: 'Not an input block.' } });
    if (name === 'update') return ack({ response_action: 'update', view: formView('Updated form') });
    if (name === 'push') return ack({ response_action: 'push', view: formView('Pushed form') });
    if (name === 'clear') return ack({ response_action: 'clear' });
    await ack();
  });
  app.options<'block_suggestion'>({ type: 'block_suggestion', action_id: /^colour/ }, async ({ ack, body }) => {
    suggestions.push(body);
    if (body.value === 'too many') return ack({ options: Array.from({ length: 101 }, (_, i) => ({ text: plain(`Colour ${i}`), value: String(i) })) });
    const matching = COLOURS.filter((colour) => colour.toLowerCase().includes(body.value.toLowerCase()));
    await ack({ options: matching.map((colour) => ({ text: plain(colour), value: colour.toLowerCase() })) });
  });
  app.view('picker_form', async ({ ack, view }) => {
    pickerSubmissions.push(view.state.values);
    await ack();
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}> (value ${(body as any).actions[0].value})` });
  });
  app.event('app_home_opened', async ({ event, client: c }) => {
    await c.views.publish({ user_id: event.user, view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `Hello <@${event.user}>` } }] } });
  });
});

afterAll(async () => {
  await sb?.close();
});

describe('the sandbox Web API', () => {
  it('answers only the bot token, and says which methods it does not know', async () => {
    await expect(new WebClient('xoxb-wrong', { slackApiUrl: sb.apiUrl, retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const anonymous = await fetch(`${sb.apiUrl}auth.test`, { method: 'POST' });
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    await expect(client.apiCall('chat.scheduleMessage', { channel: CHANNEL, text: 'x', post_at: 1 })).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    expect(await client.auth.test()).toMatchObject({ ok: true, team_id: 'T0SANDBOX', user_id: 'U0HERALD', bot_id: 'B0HERALD' });
  });

  it('stores posted messages with generated block ids, routes user ids to the DM, and rejects blocks Slack would reject', async () => {
    const posted = await client.chat.postMessage({ channel: CHANNEL, text: 'hi', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }] });
    const stored = (await timeline()).find((m) => m.ts === posted.ts);
    expect(stored?.blocks?.[0]).toMatchObject({ type: 'section', block_id: expect.any(String) });

    const dm = await client.chat.postMessage({ channel: BEN, text: 'just for Ben' });
    expect(dm.channel).toBe('D0BEN');

    await expect(client.chat.postMessage({ channel: CHANNEL, text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'no' } }] as never }))
      .rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    await expect(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await expect(client.chat.update({ channel: CHANNEL, ts: '1.000001', text: 'x' })).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('keeps files: uploadV2 shares them in the channel, url_private_download wants the bot token', async () => {
    await typeCommand('upload');
    await until(async () => (await timeline()).some((m) => m.file_ids.length > 0));
    const message = (await timeline()).find((m) => m.file_ids.length > 0)!;
    expect(message.text).toBe('Your report');
    const { file } = await client.files.info({ file: message.file_ids[0]! });
    expect(file).toMatchObject({ name: 'report.csv', title: 'Report', filetype: 'csv', size: 20, channels: [CHANNEL], groups: [], ims: [] });
    const withToken = await fetch(file!.url_private_download!, { headers: { authorization: `Bearer ${SANDBOX_TOKEN}` } });
    expect(await withToken.text()).toBe('email\na@example.com\n');
    expect((await fetch(file!.url_private_download!)).status).toBe(403);
  });
});

describe('requests the sandbox sends the app', () => {
  it('shows a slash command acked with text as an ephemeral message to the member who typed it', async () => {
    expect((await typeCommand('text')).json).toMatchObject({ ok: true });
    expect((await timeline(ANN)).at(-1)).toMatchObject({ text: 'a plain answer', visible_to: ANN, author_id: 'U0HERALD' });
    expect((await timeline(BEN)).some((m) => m.text === 'a plain answer')).toBe(false);
  });

  it('posts in_channel responses to everyone, and answers unknown commands like Slack', async () => {
    await typeCommand('hello there');
    await until(async () => (await timeline(BEN)).some((m) => m.text === 'heard: hello there'));
    const unknown = await sb.page('/sandbox/message', { member: ANN, channel: CHANNEL, text: '/nope' });
    expect(unknown.json.notice).toContain('`/nope` is not a valid command');
  });

  it('opens a modal on the trigger of the command, and a trigger works once and for 3 seconds', async () => {
    await typeCommand('modal');
    await until(async () => (await topModal()) !== undefined);
    expect((await topModal())!.view).toMatchObject({ callback_id: 'test_form' });

    await sb.db.primary.query(sql.unsafe`INSERT INTO sandbox_triggers (id, member_id) VALUES ('t.used', ${ANN}), ('t.old', ${ANN})`);
    await sb.db.primary.query(sql.unsafe`UPDATE sandbox_triggers SET created_at = now() - interval '4 seconds' WHERE id = 't.old'`);
    await client.views.open({ trigger_id: 't.used', view: formView() });
    await expect(client.views.open({ trigger_id: 't.used', view: formView() })).rejects.toMatchObject({ data: { error: 'exchanged_trigger_id' } });
    await expect(client.views.open({ trigger_id: 't.old', view: formView() })).rejects.toMatchObject({ data: { error: 'expired_trigger_id' } });
    await expect(client.views.open({ trigger_id: 't.none', view: formView() })).rejects.toMatchObject({ data: { error: 'invalid_trigger_id' } });
  });

  it('checks required fields and lengths itself, as Slack does, before sending a view_submission', async () => {
    const modal = (await topModal())!;
    const empty = await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state: {} });
    expect(empty.json.errors).toEqual({ name: 'Please complete this required field.' });
    const short = await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state: nameState('x') });
    expect(short.json.errors).toEqual({ name: 'Please enter at least 2 characters.' });
  });

  it("shows the app's response_action errors under the inputs and keeps the modal open", async () => {
    const modal = (await topModal())!;
    const taken = await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state: nameState('taken') });
    expect(taken.json).toMatchObject({ ok: false, errors: { name: 'That name is taken.' } });
    expect((await topModal())?.id).toBe(modal.id);
    const ghost = await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state: nameState('ghost') });
    expect(ghost.json).toMatchObject({ ok: false, notice: 'We had some trouble connecting. Try again?' });
    expect(ghost.json.errors).toBeUndefined();
  });

  it('follows response_action update, push and clear, and closes the modal on an empty ack', async () => {
    const first = (await topModal())!;
    await sb.page('/sandbox/submit', { member: ANN, viewId: first.id, state: nameState('update') });
    const updated = (await topModal())!;
    expect(updated.id).toBe(first.id);
    expect(updated.view.title).toMatchObject({ text: 'Updated form' });

    await sb.page('/sandbox/submit', { member: ANN, viewId: first.id, state: nameState('push') });
    expect((await modalStack(sb.db.primary, ANN)).map((v) => (v.view.title as { text: string }).text)).toEqual(['Updated form', 'Pushed form']);

    const pushed = (await topModal())!;
    await sb.page('/sandbox/submit', { member: ANN, viewId: pushed.id, state: nameState('fine') });
    expect((await topModal())?.id).toBe(first.id);

    await sb.page('/sandbox/submit', { member: ANN, viewId: first.id, state: nameState('clear') });
    expect(await topModal()).toBeUndefined();
  });

  it("does not let one member submit another member's modal", async () => {
    await typeCommand('modal');
    await until(async () => (await topModal()) !== undefined);
    const annModal = (await topModal())!;
    const ben = await sb.page('/sandbox/submit', { member: BEN, viewId: annModal.id, state: nameState('fine') });
    expect(ben.json.ok).toBe(false);
    expect((await topModal())?.id).toBe(annModal.id);
    await sb.page('/sandbox/close', { member: ANN, viewId: annModal.id, state: {} });
    expect(await topModal()).toBeUndefined();
  });

  it('sends block_actions with a response_url that replaces the message, and retires the url after 5 uses', async () => {
    await typeCommand('post');
    await until(async () => (await timeline()).some((m) => m.text === 'Approve?'));
    const message = (await timeline()).find((m) => m.text === 'Approve?')!;
    const clicked = await sb.page('/sandbox/action', {
      member: BEN,
      container: { type: 'message', channelId: CHANNEL, ts: message.ts },
      blockId: 'decide',
      actionId: 'approve',
    });
    expect(clicked.json.ok).toBe(true);
    await until(async () => (await timeline()).some((m) => m.ts === message.ts && m.text.startsWith('Approved')));
    expect((await timeline()).find((m) => m.ts === message.ts)).toMatchObject({ text: 'Approved by <@U0BEN> (value 42)', blocks: null, edited: true });

    const url = `${sb.base}/sandbox/response/one-time`;
    await sb.db.primary.query(sql.unsafe`INSERT INTO sandbox_response_urls (id, member_id, channel_id) VALUES ('one-time', ${ANN}, ${CHANNEL})`);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `answer ${i}` }) })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('asks the app for an external select’s options with what was typed, and submits the picked ones with their texts', async () => {
    await typeCommand('picker');
    await until(async () => (await topModal())?.view.callback_id === 'picker_form');
    const modal = (await topModal())!;
    const typed = (actionId: string, value: string) => sb.page('/sandbox/options', {
      member: ANN, container: { type: 'view', viewId: modal.id }, blockId: actionId === 'colour' ? 'colours' : 'favourite', actionId, value,
      state: { colours: { colour: { values: ['amber'], options: [{ value: 'amber', text: 'Amber' }] } } },
    });
    const answer = await typed('colour', 'ber');
    expect(answer.json).toMatchObject({ ok: true, options: [{ value: 'amber', text: 'Amber' }, { value: 'berry', text: 'Berry' }] });
    expect(suggestions.at(-1)).toMatchObject({
      type: 'block_suggestion', block_id: 'colours', action_id: 'colour', value: 'ber', user: { id: ANN }, team: { id: 'T0SANDBOX' },
      container: { type: 'view', view_id: modal.id },
      view: { id: modal.id, state: { values: { colours: { colour: { type: 'multi_external_select', selected_options: [{ text: plain('Amber'), value: 'amber' }] } } } } },
    });
    expect((await typed('colour_one', 'too many')).json).toMatchObject({ ok: false, notice: expect.stringContaining('options Slack would not show') });

    const empty = await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state: { colours: { colour: { values: ['amber'] } } } });
    expect(empty.json.errors).toEqual({ favourite: 'Please complete this required field.' });
    const state = {
      colours: { colour: { values: ['amber', 'berry'], options: [{ value: 'amber', text: 'Amber' }, { value: 'berry', text: 'Berry' }] } },
      favourite: { colour_one: { value: 'coral', options: [{ value: 'coral', text: 'Coral' }] } },
    };
    expect((await sb.page('/sandbox/submit', { member: ANN, viewId: modal.id, state })).json.ok).toBe(true);
    expect(pickerSubmissions.at(-1)).toEqual({
      colours: { colour: { type: 'multi_external_select', selected_options: [{ text: plain('Amber'), value: 'amber' }, { text: { ...plain('Berry'), emoji: true }, value: 'berry' }] } },
      favourite: { colour_one: { type: 'external_select', selected_option: { text: { ...plain('Coral'), emoji: true }, value: 'coral' } } },
    });
    expect(await topModal()).toBeUndefined();
  });

  it('sends app_home_opened when the Home tab opens, and shows what the app publishes', async () => {
    expect(await homeView(sb.db.primary, BEN)).toBeNull();
    await sb.page('/sandbox/home', { member: BEN });
    await until(async () => (await homeView(sb.db.primary, BEN)) !== null);
    const state = await sb.state(BEN, { home: '1' });
    expect(state.home).toContain('Hello <span class="mention">@Ben Approver</span>');
  });
});

describe('the browser endpoints', () => {
  it('answer only their own page: another Host or Origin gets 403, a non-JSON post 400', async () => {
    const foreignOrigin = await fetch(`${sb.base}/sandbox/message`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ member: ANN, channel: CHANNEL, text: 'hi' }),
    });
    expect(foreignOrigin.status).toBe(403);
    expect(await statusWithHost(`${sb.base}/sandbox/state?member=${ANN}`, `evil.example:${new URL(sb.base).port}`)).toBe(403);
    expect(await statusWithHost(`${sb.base}/sandbox/state?member=${ANN}`, `localhost:${new URL(sb.base).port}`)).toBe(200);
    const form = await fetch(`${sb.base}/sandbox/message`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'member=U0ANN' });
    expect(form.status).toBe(400);
  });

  it("follow manifest.yml's read-only Messages tab: nothing can be written in the app's DM", async () => {
    const page = await (await fetch(`${sb.base}/sandbox`)).text();
    expect(page).toContain('data-messages-tab-read-only="true"');
    expect(page).toContain('Sending messages to this app has been turned off.');
    const before = await channelTimeline(sb.db.primary, 'D0ANN', ANN);
    for (const text of ['hello?', '/herald help']) {
      const typed = await sb.page('/sandbox/message', { member: ANN, channel: 'D0ANN', text });
      expect(typed).toEqual({ status: 400, json: { ok: false, notice: 'Sending messages to this app has been turned off.' } });
    }
    const dropped = await fetch(`${sb.base}/sandbox/drop`, { method: 'POST', body: 'email\n',
      headers: { 'content-type': 'application/octet-stream', 'x-sandbox-member': ANN, 'x-sandbox-channel': 'D0ANN', 'x-sandbox-filename': 'a.csv' } });
    expect(dropped.status).toBe(400);
    expect(await channelTimeline(sb.db.primary, 'D0ANN', ANN)).toEqual(before);
    expect((await typeCommand('text')).status).toBe(200); // channels are writable as before
  });

  it("do not show one member's DM with the app to another", async () => {
    const peek = await sb.page('/sandbox/message', { member: ANN, channel: 'D0BEN', text: 'hello' });
    expect(peek.status).toBe(400);
    expect((await fetch(`${sb.base}/sandbox/state?member=${ANN}&channel=D0BEN`)).status).toBe(400);
  });
});
