import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueDigests, type Digest } from '../../src/reports/digests.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { queryCounter } from '../helpers/query-counter.ts';

// Herald with DATABASE_READ_URL pointing at a second connection string of the same
// database whose sessions are read-only, as a streaming replica's are: a write routed to
// the read pool fails, and the query counter shows which pool ran each query.
const counter = queryCounter();
let herald: TestHerald;
let readPool: string;
let primaryPool: string;

const WRITE = /\b(INSERT\s+INTO|UPDATE\s+\w+(\s+\w+)?\s+SET|DELETE\s+FROM)\b/i;
const on = (poolId: string) => counter.queries.filter((q) => q.poolId === poolId);

beforeAll(async () => {
  herald = await startTestHerald({ database: { interceptors: [counter.interceptor], readOnlyReadPool: true } });
  await herald.command('help'); // the first command installs the workspace and its account
  counter.reset();
  await herald.db.read.query(sql.unsafe`SELECT 1`);
  await herald.db.primary.query(sql.unsafe`SELECT 1`);
  [readPool, primaryPool] = counter.queries.map((q) => q.poolId) as [string, string];
});
afterAll(() => herald.close());

describe('read replica routing (DATABASE_READ_URL)', () => {
  it('reads through a second pool that refuses writes, like a replica', async () => {
    expect(readPool).not.toBe(primaryPool);
    await expect(herald.db.read.query(sql.unsafe`INSERT INTO processed_events (source, event_id) VALUES ('test', 'x')`)).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it('App Home reads its overview from the replica', async () => {
    counter.reset();
    const outcome = await herald.event({ type: 'app_home_opened', user: 'UADMIN', tab: 'home', channel: 'D0HOME' });
    expect(outcome.calls.map((c) => c.method)).toContain('views.publish');
    expect(on(readPool).length).toBeGreaterThan(0);
    expect(on(readPool).filter((q) => WRITE.test(q.sql))).toEqual([]);
  });

  it('/herald stats reads from the replica', async () => {
    counter.reset();
    const outcome = await herald.command('stats');
    expect(outcome.responses.at(-1).response_type).toBe('in_channel');
    expect(on(readPool).some((q) => /FROM campaigns/.test(q.sql))).toBe(true);
    expect(on(readPool).filter((q) => WRITE.test(q.sql))).toEqual([]);
  });

  it('writes go to the primary: a digest subscription is stored through it', async () => {
    counter.reset();
    const outcome = await herald.command('digest subscribe daily 09:00');
    expect(outcome.text).not.toMatch(/went wrong|error/i);
    expect(on(primaryPool).some((q) => /INSERT INTO digest_subscriptions/i.test(q.sql))).toBe(true);
    expect(on(readPool).filter((q) => WRITE.test(q.sql))).toEqual([]);
  });

  it('the digest job reads the numbers from the replica and claims and records on the primary', async () => {
    await herald.db.primary.query(sql.unsafe`UPDATE digest_subscriptions SET next_run_at = now() - interval '1 minute'`);
    const published: Digest[] = [];
    counter.reset();
    const posted = await runDueDigests({
      db: herald.db,
      publisher: {
        post: async (target, digest) => {
          published.push(digest);
          return { channel: target.channelId, ts: '1700000000.000001' };
        },
        attachChart: async () => {},
      },
      log: herald.services.log,
      now: () => new Date(),
    });
    expect(posted).toBe(1);
    expect(published).toHaveLength(1);
    expect(on(readPool).some((q) => /FROM campaigns/.test(q.sql))).toBe(true);
    expect(on(primaryPool).filter((q) => /UPDATE digest_subscriptions/i.test(q.sql)).length).toBeGreaterThanOrEqual(2);
    expect(on(readPool).filter((q) => WRITE.test(q.sql))).toEqual([]);
  });
});
