/**
 * A dispatcher in a process of its own, for tests that kill it or run two at once:
 *   node test/jobs/dispatcher-child.ts
 * with DATABASE_URL, SMTP_URL (?name=<EHLO name>), SLACK_API_URL, HERALD_SECRET,
 * CAMPAIGN_USER_ID/CAMPAIGN_ID (it exits 0 once that campaign is settled), BATCH_SIZE,
 * LEASE_SECONDS. It is wired from the same production modules as src/delivery/runtime.ts.
 * It prints "ready" once connected and starts when a line arrives on stdin, so a test can
 * start several at the same moment.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { createSlackNotifier } from '../../src/bot/notifier.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/pool.ts';
import { createDispatcher } from '../../src/delivery/dispatcher.ts';
import { createMailTransport } from '../../src/mail/transport.ts';
import { createTokenSigner } from '../../src/tracking/tokens.ts';
import { createTrackingUrls } from '../../src/tracking/urls.ts';

const env = process.env;
const config = loadConfig({ ...env, PORT: '0', SLACK_SIGNING_SECRET: 'child-secret', SLACK_BOT_TOKEN: 'xoxb-child' });
const log = pino({ level: 'error' }, pino.destination(2));
const db = await openDatabase(config.DATABASE_URL!, undefined, 4);
const transport = createMailTransport({ smtpUrl: config.SMTP_URL, ratePerSecond: 100_000, dataDir: config.DATA_DIR });
const notifier = createSlackNotifier({ config, log, db }, new WebClient('xoxb-child', { slackApiUrl: config.SLACK_API_URL }));
const dispatcher = createDispatcher(
  {
    db: db.primary,
    transport,
    notifier,
    log,
    urls: createTrackingUrls('http://127.0.0.1:9', createTokenSigner(config.HERALD_SECRET!)),
    defaultFrom: 'herald@herald.example',
  },
  { batchSize: Number(env.BATCH_SIZE ?? 20), leaseSeconds: Number(env.LEASE_SECONDS ?? 30), retryBaseSeconds: 0.05 },
);

const settled = async () => {
  const status = await db.primary.oneFirst(sql.type(z.object({ status: z.string() }))`
    SELECT status FROM campaigns WHERE user_id = ${env.CAMPAIGN_USER_ID!} AND id = ${BigInt(env.CAMPAIGN_ID!)}`);
  return status !== 'scheduled' && status !== 'sending';
};

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await once(lines, 'line');
lines.close();
process.stdin.destroy();

// what the dispatch job runs every few seconds, more often
while (!(await settled())) {
  await dispatcher.runUntilIdle();
  await new Promise((resolve) => setTimeout(resolve, 50));
}
await transport.close();
await db.close();
