import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { createHeraldApp } from '../../src/bot/app.ts';
import { campaignCardRenderer } from '../../src/bot/campaigns.ts';
import { createSlackNotifier } from '../../src/bot/notifier.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/pool.ts';
import type { DispatchOptions } from '../../src/delivery/context.ts';
import { createDispatcher } from '../../src/delivery/dispatcher.ts';
import { createDeliveryRuntime } from '../../src/delivery/runtime.ts';
import { createMailTransport } from '../../src/mail/transport.ts';
import type { CampaignRef } from '../../src/notify/notifier.ts';
import type { Services } from '../../src/services.ts';
import { createTrackingUrls } from '../../src/tracking/urls.ts';
import { startFakeSlack } from './fake-slack.ts';
import { openTestDatabase } from './db.ts';
import { startSmtpSink, type SinkScript, type SmtpSink } from './smtp-sink.ts';

export const TEST_SECRET = 'test-herald-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-delivery-test';
export const CARD_CHANNEL = 'CCAMPAIGNS';

const Id = z.object({ id: z.bigint() });

export type ContactSeed = {
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  status?: 'subscribed' | 'unsubscribed' | 'bounced' | 'complained';
  custom_fields?: Record<string, unknown>;
  tags?: string[];
  deleted?: boolean;
};

export async function seedAccount(pool: DatabasePool, options: { monthlyLimit?: number; sentThisMonth?: number; status?: string } = {}) {
  return pool.oneFirst(sql.type(z.object({ id: z.string() }))`
    INSERT INTO users (email, monthly_email_limit, monthly_emails_sent, subscription_status, settings)
    VALUES (${`acct-${Math.random().toString(36).slice(2)}@example.com`}, ${options.monthlyLimit ?? 1_000_000},
            ${options.sentThisMonth ?? 0}, ${options.status ?? 'active'},
            ${sql.jsonb({ postal_address: 'Herald Test Ltd\n1 Harbour Street\nLisbon', default_from_email: 'news@herald.example', default_from_name: 'Herald News' })})
    RETURNING id`);
}

export async function seedContacts(pool: DatabasePool, userId: string, contacts: readonly ContactSeed[]): Promise<bigint[]> {
  const rows = contacts.map((c) => [
    c.email,
    c.first_name ?? null,
    c.last_name ?? null,
    c.status ?? 'subscribed',
    JSON.stringify(c.custom_fields ?? {}),
    `{${(c.tags ?? []).map((t) => `"${t}"`).join(',')}}`,
    c.deleted ? new Date().toISOString() : null,
  ]);
  const ids = await pool.anyFirst(sql.type(Id)`
    INSERT INTO contacts (user_id, email, first_name, last_name, status, custom_fields, tags, deleted_at)
    SELECT ${userId}, email, first_name, last_name, status, custom_fields::jsonb, tags::text[], deleted_at::timestamptz
      FROM ${sql.unnest(rows, ['text', 'text', 'text', 'text', 'text', 'text', 'text'])}
           WITH ORDINALITY AS t(email, first_name, last_name, status, custom_fields, tags, deleted_at, n)
     ORDER BY n
    RETURNING id`);
  return [...ids];
}

export async function seedList(pool: DatabasePool, userId: string, contactIds: readonly bigint[]): Promise<bigint> {
  const listId = await pool.oneFirst(sql.type(Id)`
    INSERT INTO lists (user_id, name) VALUES (${userId}, ${`list-${Math.random().toString(36).slice(2)}`}) RETURNING id`);
  await pool.query(sql.unsafe`
    INSERT INTO list_contacts (user_id, list_id, contact_id)
    SELECT ${userId}, ${listId}, c FROM unnest(${sql.array(contactIds.map(String), 'int8')}::int8[]) AS c`);
  return listId;
}

export type CampaignSeed = {
  listIds: readonly bigint[];
  subject?: string;
  html?: string;
  text?: string | null;
  segment?: Record<string, unknown>;
  status?: string;
  fromEmail?: string | null;
};

/** A campaign that is due now (scheduled a second ago) with a status card in CARD_CHANNEL. */
export async function seedCampaign(pool: DatabasePool, userId: string, seed: CampaignSeed): Promise<CampaignRef> {
  const campaignId = await pool.oneFirst(sql.type(Id)`
    INSERT INTO campaigns (user_id, name, subject, html_content, text_content, status, segment, scheduled_at,
                           from_email, from_name, slack_channel_id, slack_message_ts)
    VALUES (${userId}, ${`campaign-${Math.random().toString(36).slice(2)}`}, ${seed.subject ?? 'Hello {{first_name}}'},
            ${seed.html ?? '<html><body><p>Hi {{first_name}}</p></body></html>'}, ${seed.text ?? null},
            ${seed.status ?? 'scheduled'}, ${sql.jsonb((seed.segment ?? {}) as never)}, now() - interval '1 second',
            ${seed.fromEmail === undefined ? 'news@herald.example' : seed.fromEmail}, 'Herald News',
            ${CARD_CHANNEL}, ${`1700000000.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`})
    RETURNING id`);
  await pool.query(sql.unsafe`
    INSERT INTO campaign_lists (user_id, campaign_id, list_id)
    SELECT ${userId}, ${campaignId}, l FROM unnest(${sql.array(seed.listIds.map(String), 'int8')}::int8[]) AS l`);
  return { userId, campaignId };
}

/** A new account with `count` contacts on a list and a campaign to them that is due now; `address(i)` is the i-th contact's email. */
export async function seedDueCampaign(db: DatabasePool, count: number) {
  const userId = await seedAccount(db);
  const prefix = Math.random().toString(36).slice(2, 8);
  const address = (i: number) => `${prefix}${i}@example.org`;
  const ids = await seedContacts(db, userId, Array.from({ length: count }, (_, i) => ({ email: address(i) })));
  const ref = await seedCampaign(db, userId, { listIds: [await seedList(db, userId, ids)] });
  return { userId, ref, address };
}

const Counts = z.object({ status: z.string(), n: z.bigint().transform(Number) });

export async function recipientCounts(pool: DatabasePool, ref: CampaignRef): Promise<Record<string, number>> {
  const rows = await pool.any(sql.type(Counts)`
    SELECT status, count(*) AS n FROM campaign_recipients
     WHERE user_id = ${ref.userId} AND campaign_id = ${ref.campaignId} GROUP BY status`);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

export async function campaignRow(pool: DatabasePool, ref: CampaignRef) {
  return pool.one(sql.type(
    z.object({
      status: z.string(),
      recipients_total: z.number(),
      emails_sent: z.number(),
      emails_clicked: z.number(),
      emails_opened: z.number(),
      slack_message_ts: z.string(),
    }),
  )`SELECT status, recipients_total, emails_sent, emails_clicked, emails_opened, slack_message_ts FROM campaigns
     WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
}

export async function countRows(pool: DatabasePool, table: 'email_events' | 'processed_events' | 'campaign_links'): Promise<number> {
  return Number(await pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM ${sql.identifier([table])}`));
}

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', HERALD_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env });
}

/**
 * Delivery wired as Herald wires it, against a test database and SMTP sink: the public
 * routes on a real Bolt HTTP server, the real Slack notifier on the fake Slack Web API,
 * and a dispatcher with test-sized batches and leases.
 */
export async function startDeliveryHarness(db: Database, smtpUrl: string | undefined, options: Partial<DispatchOptions> = {}, env: Record<string, string> = {}) {
  const slack = await startFakeSlack();
  const config = testConfig({ SLACK_SIGNING_SECRET: 'delivery-signing-secret', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl, ...env });
  const log = pino({ level: process.env.HERALD_TEST_LOG ?? 'silent' });
  const services: Services = { config, log, db };
  const runtime = await createDeliveryRuntime(services);
  const web = createHeraldApp(services, { signingSecret: 'delivery-signing-secret', token: BOT_TOKEN, apiUrl: slack.apiUrl }, runtime.routes);
  const { port } = await web.start();
  const base = `http://127.0.0.1:${port}`;
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  const notifier = createSlackNotifier(services, client, campaignCardRenderer(services));
  const transport = createMailTransport({ smtpUrl, ratePerSecond: 100_000, dataDir: config.DATA_DIR });
  const urls = createTrackingUrls(base, runtime.signer);
  const dispatcherDeps = { db: db.primary, transport, notifier, log, urls, defaultFrom: 'herald@herald.example', unsubscribeMailto: 'unsubscribe@herald.example' };
  const dispatcher = createDispatcher(dispatcherDeps, { batchSize: 100, leaseSeconds: 60, retryBaseSeconds: 0.05, ...options });
  return {
    base,
    slack,
    runtime,
    dispatcher,
    dispatcherDeps,
    transport,
    notifier,
    urls,
    /** Posts the campaign's status card for real (seedCampaign only names one), so refreshing it can be seen. */
    async postCard(ref: CampaignRef): Promise<void> {
      const posted = await client.chat.postMessage({ channel: CARD_CHANNEL, text: 'campaign card' });
      await db.primary.query(sql.unsafe`
        UPDATE campaigns SET slack_message_ts = ${posted.ts!} WHERE user_id = ${ref.userId} AND id = ${ref.campaignId}`);
    },
    /** The card as it is now in (fake) Slack. */
    async card(ref: CampaignRef) {
      const ts = (await campaignRow(db.primary, ref)).slack_message_ts;
      return slack.messages.find((m) => m.channel === CARD_CHANNEL && m.ts === ts);
    },
    /** thread replies under the campaign's card */
    async thread(ref: CampaignRef): Promise<string[]> {
      const row = await campaignRow(db.primary, ref);
      return slack.thread(CARD_CHANNEL, row.slack_message_ts).filter((m) => m.ts !== row.slack_message_ts).map((m) => m.text ?? '');
    },
    /** the dispatch job's runs until the campaign leaves 'scheduled'/'sending' (a paused campaign stops it too) */
    async sendUntilSettled(ref: CampaignRef): Promise<string> {
      for (;;) {
        await dispatcher.runUntilIdle();
        const { status } = await campaignRow(db.primary, ref);
        if (status !== 'scheduled' && status !== 'sending') return status;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      dispatcher.stop();
      await transport.close();
      await runtime.stop();
      await web.stop();
      await slack.close();
    },
  };
}

export type DeliveryBed = {
  db: Awaited<ReturnType<typeof openTestDatabase>>;
  sink: SmtpSink;
  harness: Awaited<ReturnType<typeof startDeliveryHarness>>;
  close(): Promise<void>;
};

/** An SMTP sink scripted as given that keeps messages unparsed, and a delivery harness sending to it; close() stops both. */
export async function startSinkAndHarness(db: Database, script: SinkScript = {}, options: Partial<DispatchOptions> = {}) {
  const sink = await startSmtpSink({ ...script, parse: false });
  const harness = await startDeliveryHarness(db, sink.url(), options);
  return {
    sink, harness,
    async close() {
      await harness.close();
      await sink.close();
    },
  };
}

/** A test file's database, an SMTP sink that keeps messages unparsed, and a delivery harness sending to it. */
export async function startDeliveryBed(options: Partial<DispatchOptions> = {}): Promise<DeliveryBed> {
  const db = await openTestDatabase();
  const { sink, harness, close } = await startSinkAndHarness(db, {}, options);
  return {
    db, sink, harness,
    async close() {
      await close();
      await db.close();
    },
  };
}
