import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** Bulk loads on the COPY pool (Slonik has no COPY): PostgreSQL's text format, streaming it into `COPY … FROM STDIN`, and transactions. */

const escapeValue = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** A text[] literal, e.g. {"a","b \"c\""}. */
export const arrayLiteral = (items: readonly string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;

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

/**
 * BEGIN … COMMIT on a connection of the COPY pool; `keep: false` rolls back (dry runs). A
 * connection the server drops meanwhile (restart, failover) fails the work and is discarded:
 * its 'error' event, which the pool only listens for on idle connections, is caught here.
 */
export async function inCopyTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, keep = true): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(keep ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    if (!lost) await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}
