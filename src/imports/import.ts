import { createHash } from 'node:crypto';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import { inCopyTransaction } from '../db/copy.ts';
import { completeImport, lockCapacity, markExisting, mergeIntoList, stageRows, stagedCounts, suppressedRows } from '../db/import-staging.ts';
import { claimImport, failAbandonedImports, failImport, findImport, insertImport, recordPreview, type PreviewCounts } from '../db/imports.ts';
import type { Database } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import { readCsv, type ParsedCsv } from './csv.ts';
import { mappingProblem, suggestMapping, type Mapping } from './mapping.ts';
import { contactRows, type ContactRows, type Rejection } from './rows.ts';

export type ImportFile = { bytes: Buffer; fileId: string | null; filename: string | null };
export type Importer = Pick<Actor, 'userId' | 'memberId'>;
export type Progress = { phase: 'loading' | 'saving'; done: number; total: number };

export type ImportCounts = PreviewCounts & { unchangedCount: number };
export type ImportReport = ImportCounts & { importId: bigint; rejected: Rejection[] };
export type Preview = ImportCounts & {
  importId: bigint;
  csv: Pick<ParsedCsv, 'encoding' | 'delimiter' | 'headers'> & { samples: string[][] };
  mapping: Mapping;
  problem: string | null;
  /** The first rejected rows, in file order. */
  rejected: Rejection[];
};

const PREVIEW_REJECTIONS = 10;
/** Rejections kept on the import row; the full list goes to the person as a file. */
const STORED_REJECTIONS = 10_000;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const byLine = (a: Rejection, b: Rejection) => a.line - b.line;

function countsOf(staged: number, rejected: readonly Rejection[], merged: { newRows: number; updatedRows: number; suppressedRows: number }): ImportCounts {
  const invalidCount = rejected.filter((r) => r.reason === 'invalid').length;
  const duplicateCount = rejected.filter((r) => r.reason === 'duplicate').length;
  return {
    totalRows: staged + invalidCount + duplicateCount,
    newCount: merged.newRows,
    updatedCount: merged.updatedRows,
    unchangedCount: staged - merged.newRows - merged.updatedRows - merged.suppressedRows,
    invalidCount,
    duplicateCount,
    suppressedCount: merged.suppressedRows,
  };
}

/**
 * The dry run: parses the file, applies the mapping (or a guessed one), and counts what
 * importing would do — staged in a transaction that is rolled back. Records the preview
 * as an import in state 'previewed' (a new one unless `importId` is given).
 */
export async function previewImport(
  db: Database,
  importer: Importer,
  listId: bigint,
  file: ImportFile,
  options: { mapping?: Mapping; importId?: bigint } = {},
): Promise<Preview> {
  const csv = readCsv(file.bytes);
  const mapping = options.mapping ?? suggestMapping(csv.headers);
  const problem = mappingProblem(mapping);
  const { rows, rejected } = problem ? { rows: [], rejected: [] } : contactRows(csv, mapping);
  const { staged, merged, suppressed } = await inCopyTransaction(db.copy, async (client) => {
    const stagedRows = await stageRows(client, rows);
    await markExisting(client, importer.userId, stagedRows);
    return { staged: stagedRows.length, merged: await stagedCounts(client, importer.userId), suppressed: await suppressedRows(client, importer.userId, PREVIEW_REJECTIONS) };
  }, false);
  const counts = countsOf(staged, rejected, merged);
  const importId = options.importId ?? (await insertImport(db.primary, {
    userId: importer.userId, listId, createdBy: importer.memberId, fileId: file.fileId, filename: file.filename, sha256: sha256(file.bytes), mapping,
  }));
  const firstRejected = [...rejected.slice(0, PREVIEW_REJECTIONS), ...suppressed].sort(byLine).slice(0, PREVIEW_REJECTIONS);
  await recordPreview(db.primary, importer.userId, importId, { mapping, counts, rejected: firstRejected });
  return {
    importId,
    ...counts,
    csv: { encoding: csv.encoding, delimiter: csv.delimiter, headers: csv.headers, samples: csv.rows.slice(0, 3) },
    mapping,
    problem,
    rejected: firstRejected,
  };
}

/**
 * Imports a previewed file with the confirmed mapping: all rows or none. Contacts are
 * merged by email, suppressed contacts are left alone, the account's contact_limit holds.
 */
export async function confirmImport(
  db: Database,
  importer: Importer,
  importId: bigint,
  file: ImportFile,
  mapping: Mapping,
  onProgress?: (progress: Progress) => void,
): Promise<ImportReport> {
  const record = await findImport(db.primary, importer.userId, importId);
  if (!record) throw new UserError('That import does not exist in this workspace.');
  if (record.file_sha256 !== sha256(file.bytes)) throw new UserError('The file changed since the preview. Run `/herald import` again.');
  const problem = mappingProblem(mapping);
  if (problem) throw new UserError(problem);
  const csv = readCsv(file.bytes);
  await claim(db, importer.userId, importId);
  return runClaimed(db, importer.userId, { importId, listId: record.list_id }, { ...contactRows(csv, mapping), total: csv.rows.length }, onProgress);
}

/**
 * Parse, validate and import a CSV in one call with the guessed mapping — what the
 * Slack flow does in two steps, for scripts and the benchmark.
 */
export async function importCsv(
  db: Database,
  importer: Importer,
  listId: bigint,
  file: ImportFile,
  onProgress?: (progress: Progress) => void,
): Promise<ImportReport> {
  const csv = readCsv(file.bytes);
  const mapping = suggestMapping(csv.headers);
  const problem = mappingProblem(mapping);
  if (problem) throw new UserError(problem);
  const importId = await insertImport(db.primary, {
    userId: importer.userId, listId, createdBy: importer.memberId, fileId: file.fileId, filename: file.filename, sha256: sha256(file.bytes), mapping,
  });
  await claim(db, importer.userId, importId);
  return runClaimed(db, importer.userId, { importId, listId }, { ...contactRows(csv, mapping), total: csv.rows.length }, onProgress);
}

async function claim(db: Database, userId: string, importId: bigint): Promise<void> {
  await failAbandonedImports(db.primary, userId);
  try {
    if (!(await claimImport(db.primary, userId, importId))) throw new UserError('This import was already started or discarded.');
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) {
      throw new UserError('Another import is running for this workspace. Wait until it has finished, then confirm again.');
    }
    throw error;
  }
}

async function runClaimed(
  db: Database,
  userId: string,
  target: { importId: bigint; listId: bigint },
  file: ContactRows & { total: number },
  onProgress?: (progress: Progress) => void,
): Promise<ImportReport> {
  const { rows, rejected, total } = file;
  try {
    return await inCopyTransaction(db.copy, async (client) => {
      const capacity = await lockCapacity(client, userId);
      // rows are validated as they are staged: rejections so far + rows in = rows read
      const stagedRows = await stageRows(client, rows, (done) => onProgress?.({ phase: 'loading', done: done + rejected.length, total }));
      const count = stagedRows.length;
      const existingLines = await markExisting(client, userId, stagedRows);
      const staged = await stagedCounts(client, userId);
      if (capacity.live_contacts + staged.newRows > capacity.contact_limit) throw overLimit(staged.newRows, capacity);
      onProgress?.({ phase: 'saving', done: count, total: count });
      const merged = await mergeIntoList(client, { userId, ...target }, { rows: stagedRows, existingLines });
      const allRejected = [...rejected, ...(await suppressedRows(client, userId, count))].sort(byLine);
      const counts = countsOf(count, rejected, { newRows: merged.created, updatedRows: merged.updated, suppressedRows: staged.suppressedRows });
      await completeImport(client, userId, target.importId, { ...counts, errors: allRejected.slice(0, STORED_REJECTIONS) });
      return { importId: target.importId, ...counts, rejected: allRejected };
    });
  } catch (error) {
    await failImport(db.primary, userId, target.importId, error instanceof UserError ? error.message : 'unexpected error');
    throw error;
  }
}

function overLimit(newRows: number, capacity: { contact_limit: number; live_contacts: number }): UserError {
  const n = (value: number) => value.toLocaleString('en-US');
  return new UserError(
    `This import would add ${n(newRows)} new contacts, but your plan allows ${n(capacity.contact_limit)} and the account already has ${n(capacity.live_contacts)}. ` +
      'Import fewer rows or raise the contact limit. Nothing was imported.',
  );
}
