import cron from 'node-cron';
import { pino } from 'pino';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/pool.ts';
import { startHerald } from '../../src/herald.ts';
import { createTokenSigner } from '../../src/tracking/tokens.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { addRecipients, createAccount, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { recordEvents } from '../helpers/campaign-events.ts';
import { until } from '../helpers/slack-sign.ts';

const SECRET = 'lifecycle-test-secret-0123456789';
let fresh: TestDatabase;
let db: Database;
let slack: FakeSlack;

function monthsFromNow(months: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, 10, 12));
}

beforeAll(async () => {
  fresh = await freshDatabase();
  db = await openDatabase(fresh.url, undefined, 2);
  slack = await startFakeSlack();
});
afterAll(async () => {
  await db.close();
  await slack.close();
  await fresh.drop();
});

describe('process lifecycle with jobs', () => {
  it('catches up at start (a missed digest posted once, waiting events rolled into their month) and stops jobs, flushing tracking events', async () => {
    const userId = await createAccount(db.primary);
    const [contactId] = await createContacts(db.primary, userId, 1);
    const campaignId = await createCampaign(db.primary, userId);
    await addRecipients(db.primary, userId, campaignId, [contactId!]);
    await recordEvents(db.primary, userId, campaignId, [{ contactId: contactId!, type: 'sent', at: monthsFromNow(7) }]);
    await db.primary.query(sql.unsafe`
      INSERT INTO digest_subscriptions (user_id, channel_id, frequency, created_by, next_run_at)
      VALUES (${userId}, 'CMISSED', 'daily', 'U1', now() - interval '3 days')`);

    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATABASE_URL: fresh.url, HERALD_SECRET: SECRET, LOG_LEVEL: 'silent',
      SLACK_SIGNING_SECRET: 'lifecycle-signing', SLACK_BOT_TOKEN: 'xoxb-lifecycle', SLACK_API_URL: slack.apiUrl,
    });
    const herald = await startHerald(config, pino({ level: 'silent' }));
    const inDefault = () => db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM email_events_default`);
    await until(async () => slack.messages.some((m) => m.channel === 'CMISSED') && (await inDefault()) === 0n, 15_000);
    expect(cron.getTasks().size).toBeGreaterThan(0);

    const token = createTokenSigner(SECRET).sign('open', { userId, campaignId, contactId: contactId! });
    const pixel = await fetch(`http://127.0.0.1:${herald.port}/t/o/${token}`);
    expect(pixel.status).toBe(200);

    await herald.stop();
    expect(cron.getTasks().size).toBe(0);
    expect(slack.messages.filter((m) => m.channel === 'CMISSED')).toHaveLength(1);
    const opened = await db.primary.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      SELECT count(*) AS n FROM email_events WHERE campaign_id = ${campaignId} AND event_type = 'opened'`);
    expect(opened).toBe(1n);
  });
});
