import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedUrl, freePort, startEmbeddedPostgres, stopEmbeddedServers } from '../../src/db/embedded.ts';

const dirs: string[] = [];
afterAll(async () => {
  await stopEmbeddedServers();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-embedded-'));
  dirs.push(dir);
  return dir;
}

/** A logger whose lines the test reads. */
function capturingLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

async function answers(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: embeddedUrl(port, 'postgres') });
  const connected = await client.connect().then(() => true, () => false);
  await client.end().catch(() => {});
  return connected;
}

describe('the embedded PostgreSQL', () => {
  it("passes the server's output to the logger, and a start that fails says what the server said", async () => {
    const started = capturingLog();
    const server = await startEmbeddedPostgres({ dataDir: await newDataDir(), database: 'herald', persistent: false, log: started.log });
    await server.stop();
    expect(started.lines).toContainEqual(expect.objectContaining({ level: 20, msg: expect.stringContaining('database system is ready to accept connections') }));

    const failed = capturingLog();
    const start = startEmbeddedPostgres({ dataDir: await newDataDir(), database: 'herald', persistent: false, settings: { max_connections: 'lots' }, log: failed.log });
    await expect(start).rejects.toThrow(/did not start\. It said:\n.*FATAL: {2}invalid value for parameter "max_connections": "lots"/);
    expect(failed.lines).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('FATAL:  invalid value for parameter "max_connections"') }));
  });

  it('refuses a data directory whose postmaster.pid names a live process that does not answer, and says what to do', async () => {
    const dataDir = await newDataDir();
    await (await startEmbeddedPostgres({ dataDir, database: 'herald', persistent: true })).stop();
    const silentPort = await freePort();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    const pidFile = join(dataDir, 'pg', 'postmaster.pid');
    await writeFile(pidFile, `${other.pid}\n${join(dataDir, 'pg')}\n1700000000\n${silentPort}\n/tmp\n127.0.0.1\n0 0\nready\n`);
    try {
      await expect(startEmbeddedPostgres({ dataDir, database: 'herald', persistent: true })).rejects.toThrow(
        `A PostgreSQL (pid ${other.pid}) still runs on ${join(dataDir, 'pg')} but does not answer on port ${silentPort}: ` +
          `stop it (kill -INT ${other.pid}) and start again. If pid ${other.pid} is not PostgreSQL, delete ${pidFile}.`,
      );
    } finally {
      other.kill();
    }
  });

  it('stopEmbeddedServers stops every server the process still runs (what a forced exit does first)', async () => {
    const server = await startEmbeddedPostgres({ dataDir: await newDataDir(), database: 'herald', persistent: false });
    expect(await answers(server.port)).toBe(true);
    await stopEmbeddedServers();
    expect(await answers(server.port)).toBe(false);
  });
});
