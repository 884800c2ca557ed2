import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidOptionsResponse, startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';

let slack: FakeSlack;
let client: WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
});
afterAll(async () => {
  await slack.close();
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const input = (id: string) => ({ type: 'input', block_id: id, label: { type: 'plain_text', text: id }, element: { type: 'plain_text_input', action_id: 'v' } });
const modal = (extra: object) => ({ type: 'modal', title: { type: 'plain_text', text: 'Title' }, submit: { type: 'plain_text', text: 'Save' }, blocks: [input('a')], ...extra });
const errorOf = (call: Promise<unknown>) => call.then(() => 'accepted', (error: { data?: { error?: string } }) => error.data?.error);

describe('the fake Slack Web API (test harness) rejects what Slack rejects', () => {
  it('modals: title over 24 characters, over 100 blocks, inputs without submit, no trigger', async () => {
    expect(await errorOf(client.views.open({ trigger_id: 't', view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }) as never }))).toBe('invalid_blocks');
    expect(await errorOf(client.views.open({ trigger_id: 't', view: modal({ blocks: Array.from({ length: 101 }, (_, i) => input(`b${i}`)) }) as never }))).toBe('invalid_blocks');
    expect(await errorOf(client.views.open({ trigger_id: 't', view: modal({ submit: undefined }) as never }))).toBe('invalid_blocks');
    expect(await errorOf(client.views.open({ trigger_id: '', view: modal({}) as never }))).toBe('invalid_trigger_id');
    expect(await errorOf(client.views.open({ trigger_id: 't', view: modal({ blocks: Array.from({ length: 100 }, (_, i) => input(`b${i}`)) }) as never }))).toBe('accepted');
  });

  it('messages: over 50 blocks, section text over 3000 characters, no channel, no text', async () => {
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 't', blocks: Array.from({ length: 51 }, () => section('x')) as never }))).toBe('invalid_blocks');
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 't', blocks: [section('x'.repeat(3001))] as never }))).toBe('invalid_blocks');
    expect(await errorOf(client.chat.postMessage({ channel: '', text: 't' }))).toBe('channel_not_found');
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: '' }))).toBe('no_text');
    expect(await errorOf(client.chat.postMessage({ channel: 'C1', text: 't', blocks: Array.from({ length: 50 }, () => section('x'.repeat(3000))) as never }))).toBe('accepted');
    expect(slack.rejections.length).toBeGreaterThanOrEqual(8);
  });

  it('external selects: no options of their own, initial options and their texts within limits, options answers of at most 100', async () => {
    const option = (value: string, text = value) => ({ text: { type: 'plain_text', text }, value });
    const select = (element: object) => modal({ blocks: [{ type: 'input', block_id: 's', label: { type: 'plain_text', text: 'S' }, element: { action_id: 'x', ...element } }] });
    const open = (element: object) => errorOf(client.views.open({ trigger_id: 't', view: select(element) as never }));
    expect(await open({ type: 'external_select', options: [option('1')] })).toBe('invalid_blocks');
    expect(await open({ type: 'external_select', initial_option: option('1', 'x'.repeat(76)) })).toBe('invalid_blocks');
    expect(await open({ type: 'external_select', initial_options: [option('1')] })).toBe('invalid_blocks');
    expect(await open({ type: 'multi_external_select', initial_options: [option('1'), option('2'.repeat(151))] })).toBe('invalid_blocks');
    expect(await open({ type: 'external_select', min_query_length: -1 })).toBe('invalid_blocks');
    expect(await open({ type: 'external_select', min_query_length: 0, initial_option: option('1', 'One') })).toBe('accepted');
    expect(await open({ type: 'multi_external_select', min_query_length: 1, initial_options: [option('1'), option('250')] })).toBe('accepted');

    expect(() => assertValidOptionsResponse({ options: Array.from({ length: 101 }, (_, i) => option(String(i))) })).toThrow('more than 100 options');
    expect(() => assertValidOptionsResponse({ options: [option('1', 'x'.repeat(76))] })).toThrow('longer than 75');
    expect(() => assertValidOptionsResponse({})).toThrow('either options or option_groups');
    expect(() => assertValidOptionsResponse({ options: Array.from({ length: 100 }, (_, i) => option(String(i), 'x'.repeat(75))) })).not.toThrow();
    expect(() => assertValidOptionsResponse({ option_groups: [{ label: { type: 'plain_text', text: 'G' }, options: [option('1')] }] })).not.toThrow();
  });

  it('conversations.open: the app\'s DM with a member (the same each time), a group DM, and Slack\'s errors', async () => {
    expect((await client.conversations.open({ users: 'U1' })).channel?.id).toBe('D1');
    expect((await client.conversations.open({ users: 'U1' })).channel?.id).toBe('D1');
    expect((await client.conversations.open({ users: 'U2,U1' })).channel?.id).toBe('G12');
    expect(await errorOf(client.conversations.open({ users: '' }))).toBe('users_list_not_supplied');
    expect(await errorOf(client.conversations.open({ users: 'C1' }))).toBe('user_not_found');
    expect(await errorOf(client.conversations.open({ users: 'UBOT' }))).toBe('cannot_dm_bot');
    expect(await errorOf(client.conversations.open({ users: Array.from({ length: 9 }, (_, i) => `U${i}`).join(',') }))).toBe('too_many_users');
  });

  it('serves files only with a bot token and runs the files.uploadV2 sequence', async () => {
    slack.addFile({ id: 'FSECRET1', name: 'a.csv', content: Buffer.from('email\n'), user: 'U1' });
    const info = await client.files.info({ file: 'FSECRET1' });
    const url = info.file?.url_private_download as string;
    expect((await fetch(url)).status).toBe(404);
    expect(await (await fetch(url, { headers: { authorization: 'Bearer xoxb-test' } })).text()).toBe('email\n');
    await client.files.uploadV2({ channel_id: 'C1', filename: 'r.csv', file: Buffer.from('line\n'), title: 'R' });
    expect(slack.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['files.getUploadURLExternal', 'files.completeUploadExternal']));
    expect(slack.uploads.at(-1)?.bytes.toString()).toContain('line');
  });
});
