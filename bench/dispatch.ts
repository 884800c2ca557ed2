import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type pg from 'pg';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { campaignCardRenderer } from '../src/bot/campaigns.ts';
import { createSlackNotifier } from '../src/bot/notifier.ts';
import { loadConfig } from '../src/config.ts';
import { createDeliveryRuntime } from '../src/delivery/runtime.ts';
import type { Job } from '../src/jobs/scheduler.ts';
import type { Services } from '../src/services.ts';
import { startFakeSlack } from '../test/helpers/fake-slack.ts';
import type { BenchDatabase } from './database.ts';
import { HTML, newsletterContact, SUBJECT } from './fixtures/newsletter.ts';
import { alternate, inParallel, median, perSecond, type Bench } from './harness.ts';
import { addToList, createAccount, createList } from './seed.ts';

/**
 * Herald: a due campaign of `dispatch-recipients` contacts (the 4 KB newsletter, ten merge
 * fields, tracked links and open pixel) sent by the dispatcher job exactly as the worker
 * wires it (createDeliveryRuntime → dispatch job: start, claim batches, compose, send,
 * record outcomes and 'sent'/'delivered' events) through nodemailer to a local SMTP sink.
 *
 * Baseline: the messages Herald sent, pre-rendered: captured by the sink in Herald's first
 * round and parsed back (untimed) into what one hands nodemailer (from, to, subject, HTML
 * with its tracked links, text, Message-ID, List-Unsubscribe headers), so the same count
 * and the same bytes on the wire (checked). Sent with nodemailer alone, same pool settings
 * as Herald's transport (src/mail/transport.ts: pool, 5 connections, 100 messages per
 * connection, the same rate window) and as many in flight as the dispatcher's batch
 * concurrency. Both sides pay for nodemailer's MIME encoding; only Herald pays for its logic.
 *
 * Neither side is throttled: SMTP_RATE_PER_SECOND is set far above what the machine can do
 * (the same nodemailer rate window is given to the baseline) and SMTP_ACCOUNT_RATE_PER_SECOND
 * is unset (no per-account limiter). The sink only counts (and, in Herald's first round, keeps) bytes.
 *
 * The warm-up sends a campaign to a tenth of the contacts (and the baseline those messages):
 * warm code paths and caches need no full extra round.
 */

const RATE_PER_SECOND = 1_000_000;
/** what src/mail/transport.ts gives nodemailer, and the dispatcher's default batch concurrency */
const CONNECTIONS = 5;
const IN_FLIGHT = 5;

type Captured = { from: string; to: string[]; raw: Buffer };

/** A list the bench campaigns go to, and its size. */
type Audience = { listId: bigint; count: number };

const SENDER_HEADERS = ['list-unsubscribe', 'list-unsubscribe-post'];

/** A captured message back as the options it was sent with. */
async function prerendered({ from, to, raw }: Captured): Promise<SendMailOptions> {
  const mail = await simpleParser(raw);
  const headers = Object.fromEntries(mail.headerLines
    .filter((header) => SENDER_HEADERS.includes(header.key))
    .map((header) => [header.line.slice(0, header.line.indexOf(':')), header.line.slice(header.line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim()]));
  return {
    from: mail.from!.value[0],
    to: mail.to && !Array.isArray(mail.to) ? mail.to.text : to.join(', '),
    subject: mail.subject,
    html: mail.html || undefined,
    text: mail.text,
    messageId: mail.messageId,
    envelope: { from, to },
    headers,
  };
}

/**
 * Raw messages back to back in large blocks: 20k buffers of their own (the sink keeps them in
 * a timed Herald round) would keep the garbage collector busy and slow that round down.
 */
function createArena(blockBytes = 64 * 1024 * 1024) {
  let block = Buffer.allocUnsafe(0);
  let used = 0;
  return (chunks: readonly Buffer[]): Buffer => {
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    if (used + length > block.length) {
      block = Buffer.allocUnsafe(Math.max(blockBytes, length));
      used = 0;
    }
    const start = used;
    for (const chunk of chunks) used += chunk.copy(block, used);
    return block.subarray(start, used);
  };
}

/** A minimal smtp-server on 127.0.0.1: drains messages, keeping raw the next `count` after capture(count). */
async function startCountingSink() {
  let captured: Captured[] = [];
  let keepRaw = createArena();
  let toKeep = 0;
  let accepted = 0;
  let bytes = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const keep = toKeep > 0;
      if (keep) toKeep -= 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keep) chunks.push(chunk);
      });
      stream.on('end', () => {
        accepted += 1;
        if (keep) {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          captured.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: keepRaw(chunks) });
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}/?name=herald-bench`,
    /** drops what was kept and keeps the next `count` messages */
    capture(count: number) {
      captured = [];
      keepRaw = createArena();
      toKeep = count;
    },
    captured: () => captured,
    accepted: () => accepted,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function seedNewsletterContacts(client: pg.Client, userId: string, count: number): Promise<bigint[]> {
  const contacts = Array.from({ length: count }, (_, i) => newsletterContact(i, 'bench.example.com'));
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO contacts (user_id, email, first_name, last_name, custom_fields)
     SELECT $1, email, first_name, last_name, custom_fields::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(email, first_name, last_name, custom_fields, n)
     ORDER BY n RETURNING id`,
    [userId, contacts.map((c) => c.email), contacts.map((c) => c.first_name), contacts.map((c) => c.last_name), contacts.map((c) => JSON.stringify(c.custom_fields))],
  );
  await client.query('ANALYZE contacts');
  return rows.map((row) => BigInt(row.id));
}

/** A campaign to the list that is due now, as approving and scheduling one leaves it. */
async function scheduleCampaign(client: pg.Client, userId: string, listId: bigint, round: number): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO campaigns (user_id, name, subject, html_content, status, scheduled_at, from_email, from_name)
     VALUES ($1, $2, $3, $4, 'scheduled', now() - interval '1 second', 'news@bench.example.com', 'Bench News') RETURNING id`,
    [userId, `dispatch-${round}`, SUBJECT, HTML],
  );
  await client.query(`INSERT INTO campaign_lists (user_id, campaign_id, list_id) VALUES ($1, $2, $3)`, [userId, rows[0]!.id, String(listId)]);
  return rows[0]!.id;
}

async function checkSent(client: pg.Client, campaignId: string, recipients: number): Promise<void> {
  const { rows } = await client.query<{ status: string; sent: string }>(
    `SELECT c.status, (SELECT count(*) FROM campaign_recipients r WHERE r.campaign_id = c.id AND r.status = 'sent') AS sent
       FROM campaigns c WHERE c.id = $1`,
    [campaignId],
  );
  if (rows[0]?.status !== 'sent' || Number(rows[0].sent) !== recipients) {
    throw new Error(`campaign ${campaignId} ended ${rows[0]?.status} with ${rows[0]?.sent} of ${recipients} sent`);
  }
}

/** The worker's dispatch job on the bench database, its Slack notifier on the fake Web API. */
async function startDispatchJob(db: BenchDatabase, smtpUrl: string) {
  const slack = await startFakeSlack();
  const config = loadConfig({
    DATABASE_URL: db.url,
    HERALD_SECRET: 'bench-herald-secret-0123456789abcdef',
    PUBLIC_URL: 'https://herald.bench.example.com',
    SMTP_URL: smtpUrl,
    SMTP_RATE_PER_SECOND: String(RATE_PER_SECOND),
    LOG_LEVEL: 'silent',
  });
  const log = pino({ level: 'error' });
  const services: Services = { config, log, db };
  const runtime = await createDeliveryRuntime(services);
  const notifier = createSlackNotifier(services, new WebClient('xoxb-bench', { slackApiUrl: slack.apiUrl }), campaignCardRenderer(services));
  const [job] = runtime.jobs(notifier, 0) as [Job];
  return {
    job,
    async stop() {
      await job.stop?.();
      await runtime.stop();
      await slack.close();
    },
  };
}

export const dispatch: Bench = {
  name: 'dispatch',
  summary: 'dispatcher → nodemailer → local SMTP sink vs raw nodemailer sending the same messages',
  async run({ server, options, log }) {
    const recipients = options.int('dispatch-recipients', 20_000);
    const db = await server.freshDatabase('dispatch');
    const client = await server.client(db);
    const sink = await startCountingSink();
    const herald = await startDispatchJob(db, sink.url);
    const baseline = nodemailer.createTransport({
      pool: true,
      url: sink.url,
      maxConnections: CONNECTIONS,
      maxMessages: 100,
      rateLimit: RATE_PER_SECOND,
      rateDelta: 1000,
      maxRequeues: 3,
    });
    try {
      const userId = await createAccount(client, 'dispatch');
      await client.query(`UPDATE users SET settings = '{"postal_address": "1 Example Street\\nLisbon"}' WHERE id = $1`, [userId]);
      const contactIds = await seedNewsletterContacts(client, userId, recipients);
      const full: Audience = { listId: await createList(client, userId, 'dispatch'), count: recipients };
      const warmup: Audience = { listId: await createList(client, userId, 'dispatch-warmup'), count: Math.ceil(recipients / 10) };
      await addToList(client, userId, full.listId, contactIds);
      await addToList(client, userId, warmup.listId, contactIds.slice(0, warmup.count));
      log(`${recipients} contacts seeded`);

      let round = 0;
      let campaignId = '';
      // the messages of the audience Herald last sent to for the first time, pre-rendered
      let messages: SendMailOptions[] = [];
      const before = { accepted: 0, bytes: 0, cpu: process.cpuUsage() };
      const mark = () => Object.assign(before, { accepted: sink.accepted(), bytes: sink.bytes(), cpu: process.cpuUsage() });
      const bytesSent = { herald: [] as number[], baseline: [] as number[] };
      // CPU of this process (sink included, the same on both sides): tells Herald's own work from waiting on PostgreSQL
      const cpuMicros = { herald: [] as number[], baseline: [] as number[] };
      const received = (side: 'herald' | 'baseline', audience: Audience) => {
        const cpu = process.cpuUsage(before.cpu);
        const accepted = sink.accepted() - before.accepted;
        if (accepted !== audience.count) throw new Error(`${side} round: the sink accepted ${accepted} of ${audience.count}`);
        if (audience !== full) return;
        cpuMicros[side].push(cpu.user + cpu.system);
        bytesSent[side].push(sink.bytes() - before.bytes);
      };
      const sides = (audience: Audience) => ({
        herald: {
          async prepare() {
            campaignId = await scheduleCampaign(client, userId, audience.listId, round++);
            sink.capture(messages.length === audience.count ? 0 : audience.count);
            mark();
          },
          async run() {
            await herald.job.run();
            await checkSent(client, campaignId, audience.count);
            received('herald', audience);
          },
        },
        baseline: {
          async prepare() {
            if (messages.length !== audience.count) {
              const captured = sink.captured();
              if (captured.length !== audience.count) throw new Error(`captured ${captured.length} of ${audience.count} messages`);
              messages = await Promise.all(captured.map(prerendered));
              sink.capture(0);
            }
            mark();
          },
          async run() {
            await inParallel(audience.count, IN_FLIGHT, async (i) => {
              await baseline.sendMail(messages[i]!);
            });
            received('baseline', audience);
          },
        },
      });
      const times = await alternate(options.rounds, sides(full), log, sides(warmup));

      const heraldRate = perSecond(recipients, times.herald);
      const baselineRate = perSecond(recipients, times.baseline);
      const ratio = heraldRate / baselineRate;
      const [heraldBytes, baselineBytes] = [median(bytesSent.herald), median(bytesSent.baseline)];
      if (Math.abs(baselineBytes - heraldBytes) > heraldBytes * 0.01) throw new Error(`the baseline sent ${baselineBytes} bytes, Herald ${heraldBytes}`);
      return {
        name: 'dispatch',
        herald: { value: heraldRate, unit: 'msgs/s', note: `${(1e6 / heraldRate - 1e6 / baselineRate).toFixed(0)} µs/message over baseline` },
        baseline: { value: baselineRate, unit: 'msgs/s' },
        ratio,
        target: '≥ 0.80×',
        pass: ratio >= 0.8,
        details: {
          recipients,
          averageMessageBytes: { herald: Math.round(heraldBytes / recipients), baseline: Math.round(baselineBytes / recipients) },
          connections: CONNECTIONS,
          inFlight: IN_FLIGHT,
          ratePerSecond: RATE_PER_SECOND,
          cpuMicrosPerMessage: { herald: Math.round(median(cpuMicros.herald) / recipients), baseline: Math.round(median(cpuMicros.baseline) / recipients) },
          roundsMs: times,
        },
      };
    } finally {
      baseline.close();
      await herald.stop();
      await sink.close();
      await client.end();
      await db.close();
    }
  },
};
