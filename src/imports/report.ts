import type { Rejection } from './rows.ts';

/** A cell safe for spreadsheets: quoted, and never read as a formula. */
function cell(value: string | number): string {
  const text = String(value);
  const defused = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${defused.replaceAll('"', '""')}"`;
}

/** The rejected rows of an import as a CSV file people can fix and upload again. */
export function rejectedRowsCsv(rejected: readonly Rejection[]): string {
  const lines = rejected.map((row) => [row.line, row.email, row.reason, row.detail].map(cell).join(','));
  return `line,email,reason,detail\n${lines.join('\n')}\n`;
}
