import type { BenchRow, Figure } from './harness.ts';

/** The results as a Markdown table, the same one the README's Performance section shows. */
export function formatTable(rows: readonly BenchRow[], failures: ReadonlyArray<{ name: string; error: string }>): string {
  const lines = [
    ['bench', 'Herald', 'baseline', 'ratio', 'target', 'result'],
    ...rows.map((row) => [
      row.name,
      formatFigure(row.herald),
      formatFigure(row.baseline),
      `${row.ratio.toFixed(2)}×`,
      row.target,
      row.pass ? 'PASS' : 'MISS',
    ]),
    ...failures.map((failure) => [failure.name, `error: ${failure.error}`, '', '', '', 'ERROR']),
  ];
  const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [format(lines[0]!), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.slice(1).map(format)].join('\n');
}

export function formatFigure(figure: Figure): string {
  const text = `${formatNumber(figure.value)} ${figure.unit}`;
  return figure.note ? `${text} (${figure.note})` : text;
}

function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
