import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { databaseSize, serverMajorVersion, tableEstimates, type TableEstimate } from '../db/maintenance.ts';
import { createDatabasePool } from '../db/pool.ts';
import { byteCounter } from './byte-counter.ts';
import { findPgTool } from './pg-tools.ts';
import { describeDatabase, formatBytes, runPgTool } from './pg-process.ts';

export type Progress = (line: string) => void;

export type BackupSummary = { file: string; fileBytes: number; databaseBytes: number; tables: number };

function tableProgress(tables: readonly TableEstimate[], written: () => number, progress: Progress) {
  const sizes = new Map(tables.map((t) => [`${t.schema}.${t.name}`, t.bytes]));
  let done = 0;
  return (line: string) => {
    const table = /dumping contents of table "([^"]+)"/.exec(line)?.[1];
    if (!table) return;
    done += 1;
    const size = sizes.get(table);
    const sizeText = size === undefined ? '' : ` (${formatBytes(size)} on disk)`;
    progress(`  [${done}/${tables.length}] ${table}${sizeText}, ${formatBytes(written())} written so far`);
  };
}

/**
 * Writes a pg_dump custom-format archive of the whole database to file. pg_dump reads
 * everything in one repeatable-read transaction, so the archive is a consistent snapshot
 * while Herald keeps running. The archive appears under its name only once complete.
 */
export async function backupDatabase(url: string, file: string, progress: Progress): Promise<BackupSummary> {
  const pool = await createDatabasePool(url, { maxPoolSize: 1 });
  try {
    const major = await serverMajorVersion(pool);
    const pgDump = await findPgTool('pg_dump', major);
    const tables = await tableEstimates(pool);
    const databaseBytes = await databaseSize(pool);
    progress(
      `Backing up ${describeDatabase(url)} (PostgreSQL ${major}, ${formatBytes(databaseBytes)} on disk, ` +
        `${tables.length} tables) with ${pgDump}`,
    );

    const partial = `${file}.partial`;
    const counter = byteCounter();
    const dump = runPgTool(pgDump, ['--format=custom', '--verbose'], {
      url,
      stdin: 'ignore',
      stdout: 'pipe',
      onStderrLine: tableProgress(tables, counter.bytes, progress),
    });
    try {
      await Promise.all([pipeline(dump.child.stdout!, counter, createWriteStream(partial)), dump.done]);
    } catch (error) {
      dump.child.kill();
      await unlink(partial).catch(() => {});
      throw error;
    }
    await rename(partial, file);

    const fileBytes = (await stat(file)).size;
    progress(`Backup complete: ${file} is ${formatBytes(fileBytes)}; the database is ${formatBytes(databaseBytes)} on disk.`);
    return { file, fileBytes, databaseBytes, tables: tables.length };
  } finally {
    await pool.end();
  }
}
