import { pino } from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startHerald, type RunningHerald } from '../../src/herald.ts';
import { freshDatabase, readOnlyUrl, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
const running: RunningHerald[] = [];

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  for (const herald of running) await herald.stop();
  await db.drop();
});

async function start(env: Record<string, string>) {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    SLACK_SIGNING_SECRET: 'role-test-secret',
    SLACK_BOT_TOKEN: 'xoxb-role-test',
    SLACK_API_URL: 'http://127.0.0.1:9/api/',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const herald = await startHerald(config, pino({ level: 'silent' }));
  running.push(herald);
  const base = `http://127.0.0.1:${herald.port}`;
  return {
    herald,
    /** Stops the process; jobs started with it finish first (startJobs' stop awaits them). */
    async stop() {
      running.splice(running.indexOf(herald), 1);
      await herald.stop();
    },
    status: async (path: string, method = 'GET') => (await fetch(`${base}${path}`, { method, body: method === 'POST' ? '{}' : undefined })).status,
  };
}

describe('HERALD_ROLE', () => {
  it('worker serves only /healthz and /readyz: no Slack receiver, no public routes', async () => {
    const worker = await start({ HERALD_ROLE: 'worker' });
    expect(await worker.status('/healthz')).toBe(200);
    expect(await worker.status('/readyz')).toBe(200);
    expect(await worker.status('/slack/events', 'POST')).toBe(404);
    expect(await worker.status('/u/some-token')).toBe(404);
  });

  it('web serves the Slack receiver (it rejects an unsigned request) and the health checks', async () => {
    const web = await start({ HERALD_ROLE: 'web' });
    expect(await web.status('/readyz')).toBe(200);
    expect(await web.status('/slack/events', 'POST')).toBe(401);
  });

  it('only a worker runs jobs: a quota period that ended is reset by the worker, not by web', async () => {
    const { primary } = (await start({ HERALD_ROLE: 'web' })).herald.services.db;
    const userId = await primary.oneFirst(sql.type(z.object({ id: z.string() }))`
      INSERT INTO users (email, monthly_emails_sent, billing_anchor, quota_period_start)
      VALUES ('quota-role@example.com', 500, current_date - 70, current_date - 70) RETURNING id`);
    const sent = () => primary.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT monthly_emails_sent AS n FROM users WHERE id = ${userId}`);

    const web = await start({ HERALD_ROLE: 'web' });
    await web.stop();
    expect(await sent()).toBe(500);

    const worker = await start({ HERALD_ROLE: 'worker' });
    await worker.stop(); // the quota job runs once on start
    expect(await sent()).toBe(0);
  });

  it('with DATABASE_READ_URL opens a second pool on it for reads; the primary stays writable', async () => {
    const web = await start({ HERALD_ROLE: 'web', DATABASE_READ_URL: readOnlyUrl(db.url) });
    const { primary, read } = web.herald.services.db;
    expect(read).not.toBe(primary);
    await expect(read.query(sql.unsafe`INSERT INTO processed_events (source, event_id) VALUES ('role', 'r1')`)).rejects.toThrow(/read-only/);
    await primary.query(sql.unsafe`INSERT INTO processed_events (source, event_id) VALUES ('role', 'p1')`);
  });
});
