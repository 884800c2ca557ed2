import pg from 'pg';
import { createPool, createTypeParserPreset, type DatabasePool, type Interceptor } from 'slonik';
import { createResultParserInterceptor } from './result-parser.ts';

export type { DatabasePool };

export type PoolOptions = {
  maxPoolSize?: number;
  /** Extra interceptors, e.g. a query counter in tests. */
  interceptors?: Interceptor[];
};

/**
 * Slonik pool used by all queries. int8 stays bigint (ids, counts) so nothing silently
 * loses precision; schemas turn it into numbers where values are known to be small.
 * timestamptz is parsed to Date.
 */
export function createDatabasePool(url: string, options: PoolOptions = {}): Promise<DatabasePool> {
  return createPool(url, {
    interceptors: [createResultParserInterceptor(), ...(options.interceptors ?? [])],
    maxPoolSize: options.maxPoolSize ?? 10,
    connectionTimeout: 5_000,
    idleTimeout: 10_000,
    statementTimeout: 60_000,
    // Herald keeps no session state on pooled connections (settings are SET LOCAL inside
    // transactions; temporary tables live on the COPY pool), so Slonik's default DISCARD ALL
    // after every query would only add a round trip to each one.
    resetConnection: async () => {},
    typeParsers: [
      ...createTypeParserPreset().filter((parser) => parser.name !== 'timestamptz' && parser.name !== 'timestamp'),
      { name: 'timestamptz', parse: (value: string) => new Date(value) },
    ],
  });
}

/** Plain pg pool for COPY bulk loads (Slonik has no COPY): imports, and the tracking event buffer's lanes. */
export function createCopyPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
  // An idle connection the server closed (restart, database dropped) is emitted here; the
  // pool has already discarded it. Without a listener the error would crash the process.
  pool.on('error', () => {});
  return pool;
}

/** The database handles the process works with: writes on primary, reports on read. */
export type Database = {
  primary: DatabasePool;
  read: DatabasePool;
  copy: pg.Pool;
  close(): Promise<void>;
};

export async function openDatabase(url: string, readUrl?: string, poolSize = 10, interceptors: Interceptor[] = []): Promise<Database> {
  const primary = await createDatabasePool(url, { maxPoolSize: poolSize, interceptors });
  const read = readUrl ? await createDatabasePool(readUrl, { maxPoolSize: poolSize, interceptors }) : primary;
  const copy = createCopyPool(url);
  return {
    primary,
    read,
    copy,
    async close() {
      await copy.end();
      if (read !== primary) await read.end();
      await primary.end();
    },
  };
}
