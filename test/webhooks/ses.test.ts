import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHeraldApp, type HeraldApp } from '../../src/bot/app.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import { webhookRoutes } from '../../src/webhooks/routes.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { countRows, seedAccount, seedCampaign, seedContacts, seedList, startDeliveryHarness, testConfig, TEST_SECRET } from '../helpers/delivery.ts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:herald-ses';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let sink: SmtpSink;
let sender: Awaited<ReturnType<typeof startDeliveryHarness>>;
let web: HeraldApp;
let base: string;
let certServer: Server;
let keyDir: string;
let privateKey: string;
let ref: CampaignRef;
const fetchedCertificates: string[] = [];
const confirmed: string[] = [];

beforeAll(async () => {
  // a key and self-signed certificate standing in for SNS's signing certificate, served over HTTP by the test
  keyDir = mkdtempSync(join(tmpdir(), 'herald-sns-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(keyDir, 'key.pem'), '-out', join(keyDir, 'cert.pem'),
    '-days', '2', '-subj', '/CN=sns.eu-west-1.amazonaws.com'], { stdio: 'ignore' });
  privateKey = readFileSync(join(keyDir, 'key.pem'), 'utf8');
  const certificate = readFileSync(join(keyDir, 'cert.pem'));
  certServer = createServer((_req, res) => res.end(certificate));
  await new Promise<void>((resolve) => certServer.listen(0, '127.0.0.1', resolve));
  const certAt = `http://127.0.0.1:${(certServer.address() as AddressInfo).port}/cert.pem`;

  db = await openTestDatabase();
  sink = await startSmtpSink({ parse: false });
  sender = await startDeliveryHarness(db, sink.url());
  const userId = await seedAccount(db.primary);
  const ids = await seedContacts(db.primary, userId, ['bounced', 'complaining', 'target'].map((name) => ({ email: `${name}@example.org` })));
  ref = await seedCampaign(db.primary, userId, { listIds: [await seedList(db.primary, userId, ids)] });
  expect(await sender.sendUntilSettled(ref)).toBe('sent');

  const services = { config: testConfig(), log: pino({ level: 'silent' }), db };
  const routes = webhookRoutes({
    db: db.primary,
    log: services.log,
    secret: TEST_SECRET,
    softBounceLimit: 3,
    sns: {
      fetchCertificate: async (url) => {
        fetchedCertificates.push(url);
        return (await fetch(certAt)).text();
      },
      confirmSubscription: async (url) => {
        confirmed.push(url);
      },
      topicArns: [TOPIC],
    },
  });
  web = createHeraldApp(services, { signingSecret: 'ses-test-signing', token: 'xoxb-ses-test' }, routes);
  base = `http://127.0.0.1:${(await web.start()).port}`;
});

afterAll(async () => {
  await web?.stop();
  await sender?.close();
  await sink?.close();
  await db?.close();
  certServer?.close();
  rmSync(keyDir, { recursive: true, force: true });
});

type Envelope = Record<string, string>;

/** SNS's string to sign, written out from the AWS documentation (not taken from src/). */
function stringToSign(message: Envelope): string {
  const keys = message.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys.filter((k) => k in message).map((k) => `${k}\n${message[k]}\n`).join('');
}

function signed(message: Envelope, version: '1' | '2' = '2', key: string = privateKey): Envelope {
  const signature = sign(version === '1' ? 'sha1' : 'sha256', Buffer.from(stringToSign(message)), key).toString('base64');
  return { ...message, SignatureVersion: version, Signature: signature, SigningCertURL: message.SigningCertURL ?? CERT_URL };
}

function notification(id: string, ses: object, topic = TOPIC): Envelope {
  return { Type: 'Notification', MessageId: id, TopicArn: topic, Message: JSON.stringify(ses), Timestamp: new Date().toISOString() };
}

const messageIdOf = (email: string) =>
  db.primary.oneFirst(sql.type(z.object({ message_id: z.string() }))`
    SELECT message_id FROM campaign_recipients WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} AND email = ${email}`);

const statusOf = (email: string) =>
  db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`SELECT status FROM contacts WHERE user_id = ${ref.userId} AND email = ${email}`);

const post = async (body: Envelope) => {
  const response = await fetch(`${base}/webhooks/ses`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': body.Type ?? '' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
};

const written = async () => ({ events: await countRows(db.primary, 'email_events'), keys: await countRows(db.primary, 'processed_events') });

async function bounceOf(email: string, id: string): Promise<Envelope> {
  return notification(id, {
    notificationType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: email, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }], timestamp: '2026-01-05T10:00:00.000Z' },
    mail: { messageId: '0100018c-ses-id', commonHeaders: { messageId: await messageIdOf(email) } },
  });
}

describe('Amazon SES notifications via SNS', () => {
  it('confirms a signed subscription by visiting its SubscribeURL', async () => {
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=tok`;
    const reply = await post(signed({ Type: 'SubscriptionConfirmation', MessageId: 'sub-1', Token: 'tok', TopicArn: TOPIC,
      Message: 'You have chosen to subscribe', SubscribeURL: subscribeUrl, Timestamp: new Date().toISOString() }, '1'));
    expect(reply).toEqual({ status: 200, json: { confirmed: true } });
    expect(confirmed).toEqual([subscribeUrl]);
    expect(fetchedCertificates).toEqual([CERT_URL]);
  });

  it('applies a verified hard bounce once, however often SNS delivers it', async () => {
    const body = signed(await bounceOf('bounced@example.org', 'sns-bounce-1'));
    const before = await written();
    expect((await post(body)).json).toEqual({ results: ['applied'] });
    expect((await post(body)).json).toEqual({ results: ['duplicate'] });
    expect((await post(body)).json).toEqual({ results: ['duplicate'] });
    expect(await written()).toEqual({ events: before.events + 1, keys: before.keys + 1 });
    expect(await statusOf('bounced@example.org')).toBe('bounced');
  });

  it('applies a complaint signed with SignatureVersion 1', async () => {
    const body = notification('sns-complaint-1', {
      notificationType: 'Complaint',
      complaint: { complaintFeedbackType: 'abuse', timestamp: '2026-01-05T11:00:00.000Z' },
      mail: { messageId: '0100018c-ses-id-2', headers: [{ name: 'Message-ID', value: await messageIdOf('complaining@example.org') }] },
    });
    expect((await post(signed(body, '1'))).json).toEqual({ results: ['applied'] });
    expect(await statusOf('complaining@example.org')).toBe('complained');
  });

  it('refuses forged messages with 401 and writes nothing', async () => {
    const genuine = signed(await bounceOf('target@example.org', 'sns-forged-1'));
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const forgeries: Envelope[] = [
      { ...genuine, Message: genuine.Message!.replace('Permanent', 'Transient') },
      signed(await bounceOf('target@example.org', 'sns-forged-2'), '2', otherKey),
      signed({ ...(await bounceOf('target@example.org', 'sns-forged-3')), SigningCertURL: 'https://evil.example/SimpleNotificationService.pem' }),
      signed({ ...(await bounceOf('target@example.org', 'sns-forged-4')), SigningCertURL: 'http://sns.eu-west-1.amazonaws.com/cert.pem' }),
      signed({ ...(await bounceOf('target@example.org', 'sns-forged-5')), TopicArn: 'arn:aws:sns:eu-west-1:999999999999:someone-else' }),
      { ...genuine, Signature: '' },
    ];
    const before = await written();
    for (const forged of forgeries) expect((await post(forged)).status).toBe(401);
    expect(await written()).toEqual(before);
    expect(await statusOf('target@example.org')).toBe('subscribed');
    expect(fetchedCertificates.every((url) => url === CERT_URL)).toBe(true);
  });
});
