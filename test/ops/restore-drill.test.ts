import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exactRowCount, tableEstimates } from '../../src/db/maintenance.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { pendingMigrations } from '../../src/http/health.ts';
import { backupDatabase } from '../../src/ops/backup.ts';
import { restoreDatabase } from '../../src/ops/restore.ts';
import { freshDatabase, type TestDatabase } from '../helpers/db.ts';
import { buildRealisticAccount } from './realistic-account.ts';

const ROOT = join(import.meta.dirname, '..', '..');

let workDir: string;
let source: TestDatabase;
let sourcePool: DatabasePool;
let account: Awaited<ReturnType<typeof buildRealisticAccount>>;
let backupFile: string;
const opened: Array<{ db: TestDatabase; pool: DatabasePool }> = [];

async function openEmpty() {
  const db = await freshDatabase({ migrated: false });
  const pool = await createDatabasePool(db.url, { maxPoolSize: 2 });
  opened.push({ db, pool });
  return { db, pool };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'herald-drill-'));
  source = await freshDatabase();
  sourcePool = await createDatabasePool(source.url, { maxPoolSize: 2 });
  account = await buildRealisticAccount(sourcePool);
  backupFile = join(workDir, 'herald.dump');
  const lines: string[] = [];
  await backupDatabase(source.url, backupFile, (line) => lines.push(line));
  expect(lines.at(-1)).toMatch(/^Backup complete: .* is [\d.]+ \w?B; the database is [\d.]+ \w?B on disk\.$/);
});

afterAll(async () => {
  for (const { db, pool } of opened) {
    await pool.end();
    await db.drop();
  }
  await sourcePool?.end();
  await source?.drop();
  await rm(workDir, { recursive: true, force: true });
});

async function rowCounts(pool: DatabasePool): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tableEstimates(pool)) counts[table.name] = await exactRowCount(pool, table);
  return counts;
}

/** Every column of the account's campaigns, stats and rates included, as PostgreSQL prints the rows. */
function campaignRows(pool: DatabasePool) {
  return pool.anyFirst(sql.type(z.object({ row: z.string() }))`
    SELECT c::text AS row FROM campaigns c WHERE c.user_id = ${account.userId} ORDER BY c.id`);
}

function openStats(pool: DatabasePool) {
  return pool.one(sql.type(z.object({ opened: z.number(), rate: z.number() }))`
    SELECT emails_opened AS opened, open_rate AS rate FROM campaigns WHERE user_id = ${account.userId} AND id = ${account.campaignId}`);
}

function eventPartitions(pool: DatabasePool) {
  return pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'email_events'::regclass ORDER BY 1`);
}

function triggers(pool: DatabasePool) {
  return pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT tgrelid::regclass::text || '.' || tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`);
}

/** Everything a restore must not touch when it refuses: row counts and the account's contents. */
async function fingerprint(pool: DatabasePool) {
  const contents = await pool.oneFirst(sql.type(z.object({ hash: z.string() }))`
    SELECT md5(concat_ws('|',
      (SELECT string_agg(c::text, ',' ORDER BY c.id) FROM contacts c),
      (SELECT string_agg(c::text, ',' ORDER BY c.id) FROM campaigns c),
      (SELECT string_agg(a::text, ',' ORDER BY a.id) FROM audit_log a))) AS hash`);
  return { counts: await rowCounts(pool), contents };
}

function runRestoreCommand(databaseUrl: string, args: string[]) {
  const child = spawn(process.execPath, ['src/ops/restore-cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, PG_BIN_DIR: process.env.PG_BIN_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('restore drill', () => {
  it('restores a realistic account into an empty database: same rows, stats, partitions and triggers', async () => {
    const target = await openEmpty();
    const lines: string[] = [];
    const summary = await restoreDatabase(target.db.url, backupFile, { force: false }, (line) => lines.push(line));
    expect(summary.replaced).toBe(false);
    expect(lines.some((line) => /\[\d+\/\d+\] public\.contacts/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Restore complete: the database is [\d.]+ \w?B on disk/);

    const expectedCounts = await rowCounts(sourcePool);
    expect(expectedCounts.email_events_default).toBe(0);
    expect(Object.values(expectedCounts).filter((n) => n > 0).length).toBeGreaterThanOrEqual(15);
    expect(await rowCounts(target.pool)).toEqual(expectedCounts);
    expect((await openStats(sourcePool)).opened).toBe(25); // 20 last month + 5 this month, counted by the triggers
    expect(await campaignRows(target.pool)).toEqual(await campaignRows(sourcePool));
    expect(await eventPartitions(target.pool)).toEqual(await eventPartitions(sourcePool));
    expect(await triggers(target.pool)).toEqual(await triggers(sourcePool));
    expect(await pendingMigrations(target.pool)).toEqual([]);
  });

  it('keeps events in their two months, and a new event after the restore updates the stats', async () => {
    const target = await openEmpty();
    await restoreDatabase(target.db.url, backupFile, { force: false }, () => {});
    const perPartition = await target.pool.any(sql.type(z.object({ part: z.string(), n: z.bigint() }))`
      SELECT tableoid::regclass::text AS part, count(*) AS n FROM email_events GROUP BY 1 ORDER BY 1`);
    const month = (d: Date) => `email_events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(perPartition.map((p) => p.part)).toEqual([month(account.lastMonth), month(account.thisMonth)].sort());

    const before = await openStats(target.pool);
    const unopened = account.contacts[26]!; // delivered last month, never opened
    await target.pool.query(sql.unsafe`
      INSERT INTO email_events (user_id, campaign_id, contact_id, event_type)
      VALUES (${account.userId}, ${account.campaignId}, ${unopened}, 'opened')`);
    const after = await openStats(target.pool);
    expect(after.opened).toBe(before.opened + 1);
    expect(after.rate).toBeGreaterThan(before.rate);
    // identities continue after the restored rows instead of colliding with them
    await target.pool.query(sql.unsafe`
      INSERT INTO contacts (user_id, email) VALUES (${account.userId}, 'after-restore@example.com')`);
    expect((await openStats(sourcePool)).opened).toBe(before.opened);
  });

  it('refuses a non-empty database without --force, says why, and changes nothing', async () => {
    const target = await openEmpty();
    await restoreDatabase(target.db.url, backupFile, { force: false }, () => {});
    await target.pool.query(sql.unsafe`
      UPDATE contacts SET first_name = 'Changed since the backup' WHERE user_id = ${account.userId} AND id = ${account.contacts[0]!}`);
    const before = await fingerprint(target.pool);

    const result = await runRestoreCommand(target.db.url, [backupFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Refusing to restore: the database .* is not empty .*Nothing was changed\..*--force/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(await fingerprint(target.pool)).toEqual(before);
  });

  it('with --force replaces everything in a non-empty database with the backup', async () => {
    const target = await openEmpty();
    await restoreDatabase(target.db.url, backupFile, { force: false }, () => {});
    await target.pool.query(sql.unsafe`INSERT INTO users (email) VALUES ('only-in-target@example.com')`);
    await target.pool.query(sql.unsafe`CREATE TABLE stray (id int)`);

    const result = await runRestoreCommand(target.db.url, [backupFile, '--force']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('replacing everything in it');
    expect(await fingerprint(target.pool)).toEqual(await fingerprint(sourcePool));
  });

  it('refuses a file that is not a backup, before touching the database', async () => {
    const target = await openEmpty();
    await target.pool.query(sql.unsafe`CREATE TABLE keep_me (id int)`);
    const notABackup = join(workDir, 'notes.txt');
    await (await import('node:fs/promises')).writeFile(notABackup, 'not a dump');
    await expect(restoreDatabase(target.db.url, notABackup, { force: true }, () => {})).rejects.toThrow(
      /is not a backup pg_restore can read .*Nothing was changed/,
    );
    expect(await exactRowCount(target.pool, { schema: 'public', name: 'keep_me' })).toBe(0);
  });
});
