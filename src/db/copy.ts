import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** PostgreSQL's COPY text format: what bulk loads stream into `COPY … FROM STDIN`. */

const escapeValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One row: tab-separated values, \N for null, backslash escapes. */
export const copyLine = (values: ReadonlyArray<string | null | undefined>) =>
  `${values.map((value) => (value == null ? '\\N' : escapeValue(value))).join('\t')}\n`;

/** Streams `line(item, index)` for every item into `COPY … FROM STDIN`, 1,000 lines a write. */
export async function copyRows<T>(client: pg.ClientBase, statement: string, items: readonly T[], line: (item: T, index: number) => string): Promise<void> {
  function* chunks(): Generator<string> {
    for (let start = 0; start < items.length; start += 1_000) {
      yield items.slice(start, start + 1_000).map((item, offset) => line(item, start + offset)).join('');
    }
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(statement)));
}
