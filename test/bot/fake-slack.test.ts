import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';

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
