import { readdir } from 'node:fs/promises';
import { sql } from 'slonik';
import { z } from 'zod';
import type { DatabasePool } from '../db/pool.ts';
import { MIGRATIONS_DIR, MIGRATIONS_TABLE } from '../db/migrate.ts';
import { sendJson, type Route } from './respond.ts';

async function databaseUp(pool: DatabasePool): Promise<boolean> {
  try {
    await pool.oneFirst(sql.type(z.object({ ok: z.number() }))`SELECT 1 AS ok`);
    return true;
  } catch {
    return false;
  }
}

export async function pendingMigrations(pool: DatabasePool): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
  const applied = await pool.anyFirst(
    sql.type(z.object({ name: z.string() }))`SELECT name FROM ${sql.identifier([MIGRATIONS_TABLE])}`,
  );
  return files.filter((file) => !applied.includes(file));
}

/**
 * /healthz (liveness): the process answers, so 200 even while the database is down — a
 * restart would not bring the database back, and the pools reconnect on their own. The body
 * says whether the database answers. /readyz (readiness): 503 until it can serve traffic.
 */
export function healthRoutes(pool: DatabasePool): Route[] {
  return [
    {
      path: '/healthz',
      method: 'GET',
      handler: async (_req, res) => {
        const up = await databaseUp(pool);
        sendJson(res, 200, { status: up ? 'ok' : 'degraded', db: up ? 'up' : 'down' });
      },
    },
    {
      path: '/readyz',
      method: 'GET',
      handler: async (_req, res) => {
        if (!(await databaseUp(pool))) return sendJson(res, 503, { ready: false, db: 'down' });
        const pending = await pendingMigrations(pool).catch(() => ['(migrations table missing)']);
        sendJson(res, pending.length === 0 ? 200 : 503, { ready: pending.length === 0, db: 'up', pendingMigrations: pending });
      },
    },
  ];
}
