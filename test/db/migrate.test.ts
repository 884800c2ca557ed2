import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';

let empty: TestDatabase;
beforeAll(async () => {
  empty = await freshDatabase({ migrated: false });
});
afterAll(() => empty.drop());

describe('migrations', () => {
  it('migrate an empty database, and a second run is a no-op', async () => {
    const first = await migrate(empty.url);
    expect(first.length).toBeGreaterThanOrEqual(5);
    expect(first[0]).toBe('0001_seed_schema');
    expect(await migrate(empty.url)).toEqual([]);
    const pool = await createDatabasePool(empty.url);
    try {
      const tables = await pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
        SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'email_events'`);
      expect(tables).toBe(1n);
    } finally {
      await pool.end();
    }
  });

  it('started concurrently (two instances booting together) apply each migration once', async () => {
    const other = await freshDatabase({ migrated: false });
    try {
      const [a, b] = await Promise.all([migrate(other.url), migrate(other.url)]);
      const total = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;
      expect([a.length, b.length].sort((x, y) => x - y)).toEqual([0, total]);
    } finally {
      await other.drop();
    }
  });
});
