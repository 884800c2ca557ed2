import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { ensurePartitions } from '../src/db/partitions.ts';
import { openDatabase, type Database } from '../src/db/pool.ts';

/**
 * The one PostgreSQL server every bench uses, Herald and baseline alike: an embedded
 * server in a temporary directory (durability off: fsync, synchronous_commit and full-page
 * writes, the same for both sides) or the server at DATABASE_URL. Each bench gets a fresh
 * database cloned from a migrated template.
 */

export type BenchDatabase = Database & { url: string; name: string };

export type BenchServer = {
  /** e.g. "PostgreSQL 18.4 (embedded, fsync off)" */
  description: string;
  /** A new migrated database with its partitions; dropped by stop() if not before. */
  freshDatabase(purpose: string, poolSize?: number): Promise<BenchDatabase>;
  /** A plain pg client on a database, for COPY and session settings. */
  client(database: BenchDatabase): Promise<pg.Client>;
  /** `work` on a fresh database and a plain client on it; both are gone afterwards. */
  withDatabase<T>(purpose: string, work: (database: BenchDatabase, client: pg.Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
};

const TEMPLATE = `herald_bench_template_${process.pid}`;

export async function startBenchServer(databaseUrl: string | undefined, log: (message: string) => void): Promise<BenchServer> {
  const server = databaseUrl ? external(databaseUrl) : await embedded(log);
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };
  const urlOf = (database: string) => {
    const url = new URL(server.adminUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const version = (await admin('SHOW server_version')).rows[0].server_version as string;

  await admin(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await admin(`CREATE DATABASE ${TEMPLATE}`);
  await migrate(urlOf(TEMPLATE));
  log(`migrated ${TEMPLATE}`);

  const created: string[] = [];
  let stopping: Promise<void> | undefined;
  const bench: BenchServer = {
    description: `PostgreSQL ${version} (${server.kind})`,
    async freshDatabase(purpose, poolSize = 10) {
      const name = `herald_bench_${purpose.replace(/\W/g, '_')}_${process.pid}_${created.length}`;
      await admin(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
      created.push(name);
      const url = urlOf(name);
      const db = await openDatabase(url, undefined, poolSize);
      await ensurePartitions(db.primary);
      return {
        ...db,
        url,
        name,
        async close() {
          await db.close();
          await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        },
      };
    },
    async client(database) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      return client;
    },
    async withDatabase(purpose, work) {
      const database = await bench.freshDatabase(purpose);
      const client = await bench.client(database);
      try {
        return await work(database, client);
      } finally {
        await client.end();
        await database.close();
      }
    },
    stop() {
      // once, even when Ctrl-C arrives while a bench is already shutting down
      stopping ??= (async () => {
        for (const name of [...created, TEMPLATE]) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await server.stop();
      })();
      return stopping;
    },
  };
  return bench;
}

type Server = { kind: string; adminUrl: string; stop(): Promise<void> };

function external(url: string): Server {
  return { kind: 'DATABASE_URL', adminUrl: url, stop: async () => {} };
}

/**
 * A server sized like a production one rather than PostgreSQL's defaults: the largest bench
 * data (tables and indexes) fits in shared buffers, and no checkpoint lands in a round.
 */
const SERVER_SETTINGS = { shared_buffers: '1GB', max_wal_size: '8GB' };

async function embedded(log: (message: string) => void): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-bench-'));
  const server = await startEmbeddedPostgres({ dataDir, database: 'postgres', persistent: false, fast: true, settings: SERVER_SETTINGS });
  log(`embedded PostgreSQL on :${server.port} in ${dataDir}`);
  return {
    kind: 'embedded, fsync off, shared_buffers 1GB',
    adminUrl: server.url,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
