import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { analyzeDatabase, databaseSize, serverMajorVersion, tableEstimates, userObjectCount } from '../db/maintenance.ts';
import { createDatabasePool, type DatabasePool } from '../db/pool.ts';
import type { Progress } from './backup.ts';
import { byteCounter } from './byte-counter.ts';
import { findPgTool } from './pg-tools.ts';
import { describeDatabase, formatBytes, PgToolError, readPgToolOutput, runPgTool } from './pg-process.ts';

/** A restore that was refused before anything in the database changed. */
export class RestoreRefusedError extends Error {}

export type RestoreSummary = { fileBytes: number; databaseBytes: number; tables: number; replaced: boolean };

async function backupFileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    throw new RestoreRefusedError(`There is no backup file at ${file}. Nothing was changed.`);
  }
}

/** Reads the archive's table of contents: proves it is a readable pg_dump archive and counts its tables' data. */
async function archivedTableCount(pgRestore: string, file: string): Promise<number> {
  try {
    const contents = await readPgToolOutput(pgRestore, ['--list', file]);
    return contents.split('\n').filter((line) => / TABLE DATA /.test(line)).length;
  } catch (error) {
    const reason = error instanceof PgToolError ? error.message : String(error);
    throw new RestoreRefusedError(`${file} is not a backup pg_restore can read (${reason}). Nothing was changed.`);
  }
}

async function refuseUnlessEmpty(pool: DatabasePool, url: string, force: boolean): Promise<boolean> {
  const existing = await userObjectCount(pool);
  const empty = existing.relations === 0 && existing.functions === 0;
  if (!empty && !force) {
    throw new RestoreRefusedError(
      `Refusing to restore: the database ${describeDatabase(url)} is not empty ` +
        `(${existing.relations} tables, views or sequences and ${existing.functions} functions). Nothing was changed. ` +
        'Restore into an empty database, or add --force to replace everything in it with the backup.',
    );
  }
  return !empty;
}

function restoreProgress(tables: number, read: () => number, progress: Progress) {
  let done = 0;
  let postData = false;
  return (line: string) => {
    const table = /processing data for table "([^"]+)"/.exec(line)?.[1];
    if (table) {
      done += 1;
      progress(`  [${done}/${tables}] ${table}, ${formatBytes(read())} of the archive's SQL streamed so far`);
    } else if (!postData && done > 0 && /creating (INDEX|CONSTRAINT|FK CONSTRAINT|TRIGGER)/.test(line)) {
      postData = true;
      progress('  creating indexes, constraints and triggers');
    }
  };
}

/**
 * pg_restore turns the archive into SQL and psql applies it in ONE transaction, preceded
 * (with --force on a non-empty database) by dropping the public schema: a failure at any
 * point leaves the database exactly as it was.
 */
async function applyArchive(
  tools: { pgRestore: string; psql: string },
  file: string,
  url: string,
  options: { replace: boolean; tables: number },
  progress: Progress,
): Promise<void> {
  const counter = byteCounter();
  const restore = runPgTool(tools.pgRestore, ['--verbose', '--no-owner', '--no-privileges', '--file=-', file], {
    stdin: 'ignore',
    stdout: 'pipe',
    onStderrLine: restoreProgress(options.tables, counter.bytes, progress),
  });
  const replace = options.replace ? ['--command=DROP SCHEMA public CASCADE', '--command=CREATE SCHEMA public'] : [];
  const apply = runPgTool(
    tools.psql,
    ['--no-psqlrc', '--quiet', '--single-transaction', '--set=ON_ERROR_STOP=1', ...replace, '--file=-'],
    { url, stdin: 'pipe', stdout: 'ignore', onStderrLine: () => {} },
  );
  // psql's own error says most; it is listed first so it wins over the broken pipe it causes
  const results = await Promise.allSettled([
    apply.done,
    restore.done,
    pipeline(restore.child.stdout!, counter, apply.child.stdin!),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    restore.child.kill();
    throw failure.reason;
  }
}

/**
 * Restores a backup made by backupDatabase into the database at url, which must be empty
 * unless force is set. Planner statistics are rebuilt afterwards.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  options: { force: boolean },
  progress: Progress,
): Promise<RestoreSummary> {
  const fileBytes = await backupFileSize(file);
  const pool = await createDatabasePool(url, { maxPoolSize: 1 });
  try {
    const major = await serverMajorVersion(pool);
    const pgRestore = await findPgTool('pg_restore', major);
    const psql = await findPgTool('psql', major);
    const archived = await archivedTableCount(pgRestore, file);
    const replace = await refuseUnlessEmpty(pool, url, options.force);
    progress(
      `Restoring ${file} (${formatBytes(fileBytes)}, ${archived} tables) into ${describeDatabase(url)} ` +
        `(PostgreSQL ${major})${replace ? ', replacing everything in it' : ''} with ${pgRestore}`,
    );
    await applyArchive({ pgRestore, psql }, file, url, { replace, tables: archived }, progress);

    progress('  analyzing');
    await analyzeDatabase(pool);
    const tables = await tableEstimates(pool);
    const databaseBytes = await databaseSize(pool);
    const largest = [...tables].sort((a, b) => b.bytes - a.bytes).slice(0, 4);
    const largestText = largest.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')} rows`).join(', ');
    progress(`Restore complete: the database is ${formatBytes(databaseBytes)} on disk (${tables.length} tables; ${largestText}).`);
    return { fileBytes, databaseBytes, tables: tables.length, replaced: replace };
  } finally {
    await pool.end();
  }
}
