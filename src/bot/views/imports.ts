import type { ImportCounts, ImportReport, Progress } from '../../imports/import.ts';
import { TARGET_LABELS, type ColumnTarget, type Mapping } from '../../imports/mapping.ts';
import type { Rejection } from '../../imports/rows.ts';
import type { UndoReport } from '../../imports/undo.ts';
import { button, context, escapeMrkdwn, modal, plain, section, sectionsOf, truncate, type Block, type ModalView } from './blocks.ts';
import { listInput } from './lists.ts';

export const IMPORT_REVIEW_ACTION = 'import_review';
export const IMPORT_COLUMN_ACTION = 'import_column';
export const IMPORT_CONFIRM_VIEW = 'import_confirm';
export const IMPORT_CHOOSE_LIST_VIEW = 'import_choose_list';
export const IMPORT_SHORTCUT = 'import_csv';
/** Rejected rows listed in the thread; more go into a CSV file. */
export const INLINE_REJECTIONS = 20;
/** Columns offered in the mapping modal (Slack allows 100 blocks per modal). */
export const MAPPED_COLUMNS = 80;
const columnBlock = (column: number) => `col_${column}`;

const n = (value: number) => value.toLocaleString('en-US');
const plural = (count: number, word: string) => `${n(count)} ${word}${count === 1 ? '' : 's'}`;

export function countsLine(counts: ImportCounts): string {
  return [
    `*${n(counts.newCount)}* new`, `*${n(counts.updatedCount)}* updated`, `*${n(counts.unchangedCount)}* unchanged`,
    `*${n(counts.invalidCount)}* invalid`, `*${n(counts.duplicateCount)}* duplicate`, `*${n(counts.suppressedCount)}* suppressed`,
  ].join(' · ');
}

export function rejectionLine(row: Rejection): string {
  return `Line ${row.line} — ${escapeMrkdwn(truncate(row.detail, 200))}${row.reason === 'suppressed' ? ` (${escapeMrkdwn(row.email)}, kept suppressed)` : ''}`;
}

export type ImportPreviewState = ImportCounts & {
  importId: bigint;
  listName: string;
  filename: string | null;
  mapping: Mapping;
  problem: string | null;
  rejected: readonly Rejection[];
};

const fileLabel = (state: { filename: string | null }) => (state.filename ? `*${escapeMrkdwn(state.filename)}*` : 'the file');

/** The dry run result, posted privately with a button to review the mapping and import. */
export function importSummaryMessage(state: ImportPreviewState): { text: string; blocks: Block[] } {
  const text = `Dry run of ${state.filename ?? 'the file'} into “${state.listName}”: ${plural(state.totalRows, 'row')}.`;
  return {
    text,
    blocks: [
      section(`Dry run of ${fileLabel(state)} into *${escapeMrkdwn(state.listName)}* — ${plural(state.totalRows, 'row')}, nothing imported yet.\n${countsLine(state)}`),
      ...(state.problem ? [section(`:warning: ${escapeMrkdwn(state.problem)}`)] : []),
      ...sectionsOf(state.rejected.map(rejectionLine)),
      { type: 'actions', block_id: 'import', elements: [button('Review and import', IMPORT_REVIEW_ACTION, String(state.importId), 'primary')] },
    ],
  };
}

const TARGETS = Object.keys(TARGET_LABELS) as ColumnTarget[];

function targetOption(target: ColumnTarget, key?: string) {
  return { text: plain(target === 'field' && key ? `Custom field “${key}”` : TARGET_LABELS[target], 75), value: target };
}

/** Mapping (one select per column, re-counted on change) and the dry run; submitting imports. */
export function importModal(state: ImportPreviewState & { channel?: string }): ModalView {
  const shown = state.mapping.slice(0, MAPPED_COLUMNS);
  const columns: Block[] = shown.map((entry) => ({
    type: 'input',
    block_id: columnBlock(entry.column),
    dispatch_action: true,
    label: plain(truncate(entry.header || `Column ${entry.column + 1}`, 200)),
    element: {
      type: 'static_select',
      action_id: IMPORT_COLUMN_ACTION,
      options: TARGETS.map((target) => targetOption(target, target === 'field' ? entry.key : undefined)),
      initial_option: targetOption(entry.target, entry.key),
    },
  }));
  const hidden = state.mapping.length - shown.length;
  return modal({
    callback_id: IMPORT_CONFIRM_VIEW,
    title: 'Import contacts',
    submit: 'Import',
    private_metadata: JSON.stringify({ channel: state.channel, importId: String(state.importId) }),
    blocks: [
      section(`${fileLabel(state)} into *${escapeMrkdwn(state.listName)}* — ${plural(state.totalRows, 'row')}\n${countsLine(state)}`),
      ...(state.problem ? [section(`:warning: ${escapeMrkdwn(state.problem)}`)] : []),
      ...sectionsOf(state.rejected.map(rejectionLine)).slice(0, 3),
      ...columns,
      context(`Unsubscribed, bounced and complained contacts stay suppressed.${hidden > 0 ? ` ${hidden} more columns keep their guessed mapping.` : ''}`),
    ],
  });
}

export function importChooseListModal(state: { channel: string; fileId: string; lists: ReadonlyArray<{ id: bigint; name: string }> }): ModalView {
  return modal({
    callback_id: IMPORT_CHOOSE_LIST_VIEW,
    title: 'Import CSV',
    submit: 'Dry run',
    private_metadata: JSON.stringify({ channel: state.channel, fileId: state.fileId }),
    blocks: [listInput({ label: 'Import into list', lists: state.lists })],
  });
}

export function importStartedMessage(state: { filename: string | null; listName: string; rows: number }): { text: string } {
  return { text: `Importing ${state.filename ?? 'a CSV file'} into “${state.listName}” (${plural(state.rows, 'row')})…` };
}

export function importProgressMessage(progress: Progress): { text: string } {
  if (progress.phase === 'saving') return { text: `Saving ${plural(progress.total, 'contact')}…` };
  const percent = progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100);
  return { text: `Loading rows… ${n(progress.done)} of ${n(progress.total)} (${percent} %)` };
}

/** The final report in the import's thread; rejected rows inline when few, else in the attached file. */
export function importReportMessage(report: ImportReport, state: { listName: string; filename: string | null }): { text: string; blocks: Block[] } {
  const rejectedCount = report.rejected.length;
  const text = `Imported ${state.filename ?? 'the file'} into “${state.listName}”: ${n(report.newCount)} new, ${n(report.updatedCount)} updated, ${n(rejectedCount)} rejected.`;
  const inline = rejectedCount <= INLINE_REJECTIONS;
  return {
    text,
    blocks: [
      section(`Imported ${fileLabel(state)} into *${escapeMrkdwn(state.listName)}*.\n${countsLine(report)}`),
      ...(rejectedCount === 0 ? [] : inline
        ? sectionsOf([`*${plural(rejectedCount, 'row')} not imported:*`, ...report.rejected.map(rejectionLine)])
        : [section(`*${plural(rejectedCount, 'row')} not imported* — every one with its line number and reason is in the attached CSV.`)]),
      context(`Undo with \`/herald import undo ${report.importId}\` until a campaign reaches these contacts.`),
    ],
  };
}

/** `/herald import undo`: what went, and which contacts the import added were kept, and why. */
export function undoReportText(importId: bigint, report: UndoReport): string {
  const { suppressed, onOtherLists, editedSince } = report.keptContacts;
  const them = suppressed === 1 ? 'it' : 'them';
  const reasons = [
    suppressed > 0 ? `${n(suppressed)} unsubscribed, bounced or complained (removing ${them} would let a new import subscribe ${them} again)` : '',
    onOtherLists > 0 ? `${n(onOtherLists)} on other lists since` : '',
    editedSince > 0 ? `${n(editedSince)} edited since` : '',
  ].filter(Boolean);
  const kept = suppressed + onOtherLists + editedSince;
  return `Undid import ${importId}: removed ${plural(report.removedContacts, 'new contact')}, ` +
    `took ${plural(report.removedMemberships, 'existing contact')} off the list and restored ${plural(report.restoredContacts, 'updated contact')}.` +
    (kept > 0 ? ` Kept ${plural(kept, 'contact')} it added, now off the list: ${reasons.join(', ')}.` : '');
}
