import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** What the baselines use to COPY rows: PostgreSQL's text format, streamed 1,000 lines at a time. */

const escapeValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One row: tab-separated values, \N for null, backslash escapes. */
export const copyLine = (values: ReadonlyArray<string | null | undefined>) =>
  `${values.map((value) => (value == null ? '\\N' : escapeValue(value))).join('\t')}\n`;

/** A text[] literal. */
export const arrayLiteral = (items: readonly string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

/** Streams `line(item, index)` for every item into `COPY … FROM STDIN`. */
export async function copyRows<T>(client: pg.Client, statement: string, items: readonly T[], line: (item: T, index: number) => string): Promise<void> {
  function* chunks(): Generator<string> {
    for (let start = 0; start < items.length; start += 1_000) {
      yield items.slice(start, start + 1_000).map((item, offset) => line(item, start + offset)).join('');
    }
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(statement)));
}
