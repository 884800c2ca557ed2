import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../src/mail/message.ts';
import { compileCampaign, personalise } from '../../src/mail/render.ts';
import { classifySendError } from '../../src/mail/smtp-errors.ts';
import { createMailTransport } from '../../src/mail/transport.ts';
import { startSmtpSink } from '../helpers/smtp-sink.ts';

const message = (to: string): OutgoingMessage => ({
  from: { name: 'Herald News', address: 'news@herald.example' },
  replyTo: 'replies@herald.example',
  to,
  subject: 'Spring sale',
  html: '<p>Hi</p>',
  text: 'Hi',
  messageId: `<${Math.random().toString(36).slice(2)}@herald.example>`,
  unsubscribeUrl: 'https://herald.example/u/tok',
  unsubscribeMailto: 'unsubscribe@herald.example',
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('file outbox (no SMTP_URL)', () => {
  it('writes each message as an .eml file under DATA_DIR/outbox', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-outbox-'));
    dirs.push(dataDir);
    const transport = createMailTransport({ ratePerSecond: 50, dataDir });
    expect(transport.kind).toBe('outbox');
    const sent = message('ann@example.org');
    await transport.send(sent);
    const files = await readdir(join(dataDir, 'outbox'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(join(dataDir, 'outbox', files[0]!)));
    expect(mail.subject).toBe('Spring sale');
    expect(mail.messageId).toBe(sent.messageId);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });
});

describe('the text part a recipient receives', () => {
  /** What the sink receives as the text part of a campaign without one. */
  async function receivedText(html: string): Promise<string | undefined> {
    const compiled = compileCampaign({ subject: 'Sale', html, text: null, postalAddress: null });
    const personal = personalise(compiled, { email: 'ann@example.org', first_name: 'Ann', last_name: null, custom_fields: {} }, 'https://herald.example/u/tok');
    const sink = await startSmtpSink();
    const transport = createMailTransport({ smtpUrl: sink.url(), ratePerSecond: 1000, dataDir: tmpdir() });
    try {
      await transport.send({ ...message('ann@example.org'), ...personal });
    } finally {
      await transport.close();
      await sink.close();
    }
    return sink.received[0]?.mail?.text;
  }

  it('is derived from the HTML with named character references decoded', async () => {
    expect(await receivedText('<p>Don&rsquo;t miss &ldquo;Spring&rdquo; &mdash; 20&euro; off&hellip;</p><p>&copy; 2026 Acme&trade;</p>'))
      .toBe('Don’t miss “Spring” — 20€ off…\n\n© 2026 Acme™\n\n--\nUnsubscribe: https://herald.example/u/tok');
  });

  it('leaves out HTML comments: Outlook-only buttons and notes', async () => {
    const html = '<p>Hi {{first_name}}</p><!-- draft: price > 10 is {{custom.price}} -->' +
      '<!--[if mso]><v:roundrect href="https://shop.example/"><center>Shop now</center></v:roundrect><![endif]-->' +
      '<!--[if !mso]><!-- --><a href="https://shop.example/">Shop now</a><!--<![endif]-->';
    expect(await receivedText(html)).toBe('Hi Ann\n\nShop now (https://shop.example/)\n\n--\nUnsubscribe: https://herald.example/u/tok');
  });
});

describe('what a failed send means', () => {
  it('classifies refusals, connection loss mid-message and an unreachable server', async () => {
    const sink = await startSmtpSink({
      parse: false,
      rcpt: (to) => (to.startsWith('full') ? { code: 452, message: 'Mailbox full' } : to.startsWith('gone') ? { code: 550, message: 'No such user' } : undefined),
      dropAfterData: (to) => to.startsWith('drop'),
    });
    const transport = createMailTransport({ smtpUrl: sink.url(), ratePerSecond: 1000, dataDir: tmpdir(), maxConnections: 1 });
    const outcome = (to: string) => transport.send(message(to)).then(() => 'sent', (error) => classifySendError(error).outcome);
    try {
      expect(await outcome('ok@example.org')).toBe('sent');
      expect(await outcome('full@example.org')).toBe('retry');
      expect(await outcome('gone@example.org')).toBe('failed');
      expect(await outcome('drop@example.org')).toBe('unknown');
    } finally {
      await transport.close();
      await sink.close();
    }
    const port = await closedPort();
    const unreachable = createMailTransport({ smtpUrl: `smtp://127.0.0.1:${port}`, ratePerSecond: 1000, dataDir: tmpdir() });
    expect(await unreachable.send(message('x@example.org')).then(() => 'sent', (error) => classifySendError(error).outcome)).toBe('retry');
    await unreachable.close();
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
