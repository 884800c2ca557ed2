import type { WebClient } from '@slack/web-api';
import type { Actor } from '../accounts/actor.ts';
import { requireListById } from '../contacts/lists.ts';
import { findImport, type ImportRecord } from '../db/imports.ts';
import type { List } from '../db/lists.ts';
import { UserError } from '../errors.ts';
import { confirmImport, previewImport, type ImportReport, type Progress } from '../imports/import.ts';
import { mappingProblem, MappingSchema, remapColumn, type ColumnTarget, type Mapping } from '../imports/mapping.ts';
import { rejectedRowsCsv } from '../imports/report.ts';
import { RejectionSchema } from '../imports/rows.ts';
import type { Services } from '../services.ts';
import { postInChannel } from './post.ts';
import { downloadSlackFile, downloadSlackFileFor } from './slack-files.ts';
import {
  importProgressMessage,
  importReportMessage,
  importStartedMessage,
  importSummaryMessage,
  INLINE_REJECTIONS,
  type ImportPreviewState,
} from './views/imports.ts';

/*
 * The Slack side of a CSV import: download → dry run (summary with a "Review and import"
 * button) → mapping modal (re-counted when a column changes) → import with progress in a
 * thread and the final report there. The work itself is in src/imports.
 */

/** Rows from which progress is posted (and updated in place) in the import's thread. */
const PROGRESS_FROM_ROWS = 5_000;

export type Tell = (message: { text: string; blocks?: readonly object[] }) => Promise<void>;

/** The dry run of a file the member named in `channelId` (a command, or the shortcut on a file's message). */
export async function offerImport(
  services: Services,
  client: WebClient,
  actor: Actor,
  list: List,
  named: { fileId: string; channelId: string },
  tell: Tell,
): Promise<void> {
  const file = await downloadSlackFileFor(client, named.fileId, { memberId: actor.memberId, channelId: named.channelId });
  const preview = await previewImport(services.db, actor, list.id, file);
  await tell(importSummaryMessage({ ...preview, listName: list.name, filename: file.filename }));
}

async function requirePreviewed(services: Services, actor: Actor, importId: bigint): Promise<ImportRecord> {
  const record = await findImport(services.db.primary, actor.userId, importId);
  if (!record) throw new UserError('That import does not exist in this workspace.');
  if (record.status !== 'previewed') throw new UserError(`That import is already ${record.status}.`);
  return record;
}

/** The mapping modal's state, from the stored dry run. */
export async function previewState(services: Services, actor: Actor, importId: bigint): Promise<ImportPreviewState> {
  const record = await requirePreviewed(services, actor, importId);
  const list = await requireListById(services.db.primary, actor, record.list_id);
  const mapping = MappingSchema.parse(record.mapping);
  const counted = record.new_count + record.updated_count + record.invalid_count + record.duplicate_count + record.suppressed_count;
  return {
    importId, listName: list.name, filename: record.filename, mapping, problem: mappingProblem(mapping),
    rejected: RejectionSchema.array().parse(record.errors),
    totalRows: record.total_rows, newCount: record.new_count, updatedCount: record.updated_count,
    unchangedCount: Math.max(0, record.total_rows - counted), invalidCount: record.invalid_count,
    duplicateCount: record.duplicate_count, suppressedCount: record.suppressed_count,
  };
}

/** The stored mapping with the modal's column choices applied. */
export async function mappingFromModal(services: Services, actor: Actor, importId: bigint, choices: ReadonlyMap<number, ColumnTarget>): Promise<Mapping> {
  const record = await requirePreviewed(services, actor, importId);
  return [...choices].reduce((mapping, [column, target]) => remapColumn(mapping, column, target), MappingSchema.parse(record.mapping));
}

/** Dry run again with a changed mapping (the file is downloaded again: nothing of it is kept). */
export async function recountImport(services: Services, client: WebClient, actor: Actor, importId: bigint, mapping: Mapping): Promise<ImportPreviewState> {
  const record = await requirePreviewed(services, actor, importId);
  const list = await requireListById(services.db.primary, actor, record.list_id);
  if (!record.file_id) throw new UserError('That import has no file to read.');
  const file = await downloadSlackFile(client, record.file_id);
  const preview = await previewImport(services.db, actor, list.id, file, { mapping, importId });
  return { ...preview, listName: list.name, filename: record.filename };
}

/** Serialises Slack updates made from synchronous progress callbacks, keeping their order. */
function progressPoster(client: WebClient, message: { channel: string; ts: string }, total: number) {
  let chain: Promise<unknown> = Promise.resolve();
  let progressTs: string | undefined;
  let lastStep: number | 'saving' = -1;
  const show = (progress: Progress) => {
    const text = importProgressMessage(progress).text;
    chain = chain.then(async () => {
      if (progressTs) await client.chat.update({ channel: message.channel, ts: progressTs, text });
      else progressTs = (await client.chat.postMessage({ channel: message.channel, thread_ts: message.ts, text })).ts;
    }).catch(() => {});
  };
  return {
    onProgress(progress: Progress) {
      if (total < PROGRESS_FROM_ROWS) return;
      // each quarter of the rows read, then saving
      const step = progress.phase === 'saving' ? 'saving' : Math.floor((progress.done / total) * 4);
      if (step === lastStep) return;
      lastStep = step;
      show(progress);
    },
    settled: () => chain,
  };
}

async function postReport(client: WebClient, thread: { channel: string; ts: string }, report: ImportReport, names: { listName: string; filename: string | null }) {
  const message = importReportMessage(report, names);
  await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: message.text, blocks: message.blocks as never });
  if (report.rejected.length > INLINE_REJECTIONS) {
    await client.files.uploadV2({
      channel_id: thread.channel, thread_ts: thread.ts, filename: `rejected-rows-import-${report.importId}.csv`,
      title: `Rows not imported (import ${report.importId})`, file: Buffer.from(rejectedRowsCsv(report.rejected)),
    });
  }
  await client.chat.update({ channel: thread.channel, ts: thread.ts, text: message.text });
}

/** Runs a confirmed import: a message in the channel, progress and the report in its thread. */
export async function runImport(
  services: Services,
  client: WebClient,
  actor: Actor,
  job: { importId: bigint; mapping: Mapping; channel: string },
): Promise<void> {
  const record = await requirePreviewed(services, actor, job.importId);
  const list = await requireListById(services.db.primary, actor, record.list_id);
  if (!record.file_id) throw new UserError('That import has no file to read.');
  const file = await downloadSlackFile(client, record.file_id);
  const names = { listName: list.name, filename: record.filename };
  const thread = await postInChannel(client, { channel: job.channel, memberId: actor.memberId }, importStartedMessage({ ...names, rows: record.total_rows }));
  const progress = progressPoster(client, thread, record.total_rows);
  try {
    const report = await confirmImport(services.db, actor, job.importId, file, job.mapping, progress.onProgress);
    await progress.settled();
    await postReport(client, thread, report, names);
  } catch (error) {
    await progress.settled();
    await client.chat.update({ channel: thread.channel, ts: thread.ts, text: `Import of ${names.filename ?? 'the file'} into “${list.name}” failed; nothing was imported.` });
    throw error;
  }
}

