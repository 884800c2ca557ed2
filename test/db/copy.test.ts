import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inCopyTransaction } from '../../src/db/copy.ts';
import { openTestDatabase } from '../helpers/db.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(() => db.close());

describe('COPY pool transactions', () => {
  it('fail, without crashing the process, when the server drops their connection, and the pool carries on', async () => {
    const work = inCopyTransaction(db.copy, async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // what a server restart or failover does to a connection in use
      await db.primary.query(sql.unsafe`SELECT pg_terminate_backend(${pid})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return client.query('SELECT 1');
    });
    await expect(work).rejects.toThrow(/terminat|Connection/i);
    const after = await inCopyTransaction(db.copy, (client) => client.query<{ one: number }>('SELECT 1 AS one'));
    expect(after.rows).toEqual([{ one: 1 }]);
    expect(await db.primary.oneFirst(sql.type(z.object({ ok: z.boolean() }))`SELECT true AS ok`)).toBe(true);
  });
});
