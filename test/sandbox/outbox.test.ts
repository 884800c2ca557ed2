import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.ts';

let sb: TestSandbox;
const NAME = '2026-05-01T09-00-00-000Z-abc@herald.test.eml';

beforeAll(async () => {
  sb = await startTestSandbox();
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const info = await transport.sendMail({
    from: 'news@example.com',
    to: 'ada@example.com',
    subject: 'Spring <script>alert(1)</script>',
    text: 'Hi Ada',
    html: '<html><head><title>x</title></head><body><p>Hi <a href="http://127.0.0.1/t/c/abc">Ada</a></p><script>alert(1)</script></body></html>',
    headers: { 'List-Unsubscribe': '<http://127.0.0.1/u/tok>, <mailto:unsub@example.com>' },
  });
  await mkdir(join(sb.dataDir, 'outbox'), { recursive: true });
  await writeFile(join(sb.dataDir, 'outbox', NAME), info.message as Buffer);
});

afterAll(async () => {
  await sb?.close();
});

describe('the outbox viewer', () => {
  it('lists the emails the file outbox wrote, with escaped subjects', async () => {
    const page = await (await fetch(`${sb.base}/sandbox/outbox`)).text();
    expect(page).toContain(`href="/sandbox/outbox/${NAME}"`);
    expect(page).toContain('Spring &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert');
  });

  it('shows one email: headers, text, the List-Unsubscribe link, and its HTML in a sandboxed frame', async () => {
    const page = await (await fetch(`${sb.base}/sandbox/outbox/${NAME}`)).text();
    expect(page).toContain('<pre class="email-text">Hi Ada</pre>');
    expect(page).toContain('href="http://127.0.0.1/u/tok"');
    expect(page).toMatch(/<iframe class="email-frame" title="Email HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" src="\/sandbox\/outbox\/[^"]+\/html">/);
    expect(page).toMatch(/<th>list-unsubscribe<\/th><td>&lt;http:\/\/127\.0\.0\.1\/u\/tok&gt;, &lt;mailto:unsub@example\.com&gt;<\/td>/);

    const frame = await fetch(`${sb.base}/sandbox/outbox/${NAME}/html`);
    expect(frame.headers.get('content-security-policy')).toMatch(/^sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'/);
    expect(await frame.text()).toContain('<head><base target="_blank"><title>x</title>');
  });

  it('answers 404 for names that are not outbox emails', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', 'missing.eml', 'herald-secret']) {
      expect((await fetch(`${sb.base}/sandbox/outbox/${name}`)).status).toBe(404);
    }
  });
});
