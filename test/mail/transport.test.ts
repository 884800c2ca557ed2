import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignListId, type OutgoingMessage } from '../../src/mail/message.ts';
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

describe('DKIM signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dkim = { domainName: 'herald.example', keySelector: 'herald1', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };

  it('signs each message with a signature that verifies and covers the one-click unsubscribe headers and List-Id', async () => {
    const sink = await startSmtpSink();
    const transport = createMailTransport({ smtpUrl: sink.url(), ratePerSecond: 1000, dataDir: tmpdir(), dkim });
    const listId = campaignListId({ id: 42n, name: 'Spring sale' }, 'a1b2c3d4-0000-4000-8000-000000000000', 'news@herald.example');
    try {
      await transport.send({ ...message('ann@example.org'), listId });
    } finally {
      await transport.close();
      await sink.close();
    }
    const raw = sink.received[0]!.raw!;
    const tags = verifiedDkimTags(raw, publicKey);
    expect(tags.d).toBe('herald.example');
    expect(tags.s).toBe('herald1');
    expect(tags.h!.split(':')).toEqual(expect.arrayContaining(['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post', 'list-id']));
    expect(sink.received[0]!.mail!.headerLines.find((h) => h.key === 'list-id')?.line).toBe(`List-ID: ${listId}`);
  });
});

describe('List-Id', () => {
  const account = 'a1b2c3d4-0000-4000-8000-000000000000';

  it("names the campaign in ASCII and identifies it under the account and the sender's domain", () => {
    expect(campaignListId({ id: 42n, name: 'Spring sale' }, account, 'news@Herald.Example'))
      .toBe('"Spring sale" <campaign-42.a1b2c3d40000.herald.example>');
    expect(campaignListId({ id: 7n, name: 'Café "Ünïcode" \\ 🎉  news\r\nBcc: x' }, account, 'news@herald.example'))
      .toBe('"Cafe Unicode news Bcc: x" <campaign-7.a1b2c3d40000.herald.example>');
    expect(campaignListId({ id: 7n, name: '🎉' }, account, 'news@herald.example')).toBe('<campaign-7.a1b2c3d40000.herald.example>');
  });

  it('differs between campaigns and between accounts', () => {
    const ids = [
      campaignListId({ id: 1n, name: 'News' }, account, 'news@herald.example'),
      campaignListId({ id: 2n, name: 'News' }, account, 'news@herald.example'),
      campaignListId({ id: 1n, name: 'News' }, 'ffffffff-0000-4000-8000-000000000000', 'news@herald.example'),
    ];
    expect(new Set(ids).size).toBe(3);
  });
});

/**
 * Verifies a message's DKIM-Signature (rsa-sha256, relaxed/relaxed, RFC 6376) against the
 * public key: the body hash, then the signature over the signed headers. Returns its tags.
 */
function verifiedDkimTags(raw: Buffer, publicKey: KeyObject): Record<string, string> {
  const text = raw.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const fields = text.slice(0, split).split(/\r\n(?![ \t])/);
  const relaxed = (field: string) => {
    const colon = field.indexOf(':');
    return `${field.slice(0, colon).trim().toLowerCase()}:${field.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim()}`;
  };
  const signatureField = fields.find((field) => /^dkim-signature:/i.test(field));
  if (!signatureField) throw new Error('no DKIM-Signature header');
  const tags = Object.fromEntries(relaxed(signatureField).slice('dkim-signature:'.length).split(';').filter((tag) => tag.trim())
    .map((tag) => [tag.slice(0, tag.indexOf('=')).trim(), tag.slice(tag.indexOf('=') + 1).replace(/[ \t]/g, '')]));
  expect(tags).toMatchObject({ v: '1', a: 'rsa-sha256', c: 'relaxed/relaxed' });

  const bodyLines = text.slice(split + 4).split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (bodyLines.length > 0 && bodyLines.at(-1) === '') bodyLines.pop();
  const body = bodyLines.length > 0 ? `${bodyLines.join('\r\n')}\r\n` : '';
  expect(createHash('sha256').update(body, 'latin1').digest('base64')).toBe(tags.bh);

  // each signed name takes that header's instances from the bottom up
  const unused = [...fields];
  const signed = tags.h!.split(':').map((name) => {
    const index = unused.findLastIndex((field) => field.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    return index < 0 ? null : relaxed(unused.splice(index, 1)[0]!);
  }).filter((line) => line !== null);
  const unsigned = relaxed(signatureField).replace(/(;\s*b=)[^;]*/, '$1');
  const data = `${signed.map((line) => `${line}\r\n`).join('')}${unsigned}`;
  expect(verify('sha256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(tags.b!, 'base64'))).toBe(true);
  return tags;
}

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
