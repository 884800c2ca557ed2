import { sql } from 'slonik';
import { z } from 'zod';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_TABLE } from '../../src/db/migrate.ts';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { healthRoutes } from '../../src/http/health.ts';
import { createRouteServer, type RouteServer } from '../../src/http/server.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const databases: TestDatabase[] = [];
const pools: DatabasePool[] = [];
let server: RouteServer | undefined;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const db of databases) await db.drop();
});

async function poolOn(url: string) {
  const pool = await createDatabasePool(url, { maxPoolSize: 1 });
  pools.push(pool);
  return pool;
}

/** GETs a path from the real health routes served over HTTP on the given pool. */
async function get(pool: DatabasePool, path: string) {
  server = createRouteServer(healthRoutes(pool), { port: 0, host: '127.0.0.1' }, pino({ level: 'silent' }));
  const { port } = await server.start();
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('/readyz', () => {
  it('is 200 when the database answers and every migration is applied', async () => {
    const db = await freshDatabase();
    databases.push(db);
    expect(await get(await poolOn(db.url), '/readyz')).toEqual({
      status: 200,
      body: { ready: true, db: 'up', pendingMigrations: [] },
    });
  });

  it('is 503 and names the migration while one is pending', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const pool = await poolOn(db.url);
    const last = await pool.oneFirst(sql.type(z.object({ name: z.string() }))`
      DELETE FROM ${sql.identifier([MIGRATIONS_TABLE])}
       WHERE name = (SELECT max(name) FROM ${sql.identifier([MIGRATIONS_TABLE])}) RETURNING name`);
    expect(await get(pool, '/readyz')).toEqual({ status: 503, body: { ready: false, db: 'up', pendingMigrations: [last] } });
  });

  it('is 503 on a database that was never migrated', async () => {
    const db = await freshDatabase({ migrated: false });
    databases.push(db);
    const { status, body } = await get(await poolOn(db.url), '/readyz');
    expect(status).toBe(503);
    expect(body).toMatchObject({ ready: false, db: 'up' });
  });

  it('is 503 while the database is unreachable, 200 again once it is back; /healthz stays 200 and says the database is down', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const url = new URL(db.url);
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.host = `127.0.0.1:${proxy.port}`;
    // not in `pools`: a pool that lost its server takes seconds to end, so it ends in the background
    const pool = await createDatabasePool(url.toString(), { maxPoolSize: 1 });
    expect((await get(pool, '/readyz')).status).toBe(200);
    await server?.stop();

    await proxy.cut();
    expect(await get(pool, '/readyz')).toEqual({ status: 503, body: { ready: false, db: 'down' } });
    await server?.stop();
    // liveness: a restart would not bring the database back, so the process is not reported dead
    expect(await get(pool, '/healthz')).toEqual({ status: 200, body: { status: 'degraded', db: 'down' } });
    await server?.stop();

    await proxy.restore();
    expect((await get(pool, '/readyz')).status).toBe(200); // ready again once the database is back, no restart
    void pool.end();
  });
});
