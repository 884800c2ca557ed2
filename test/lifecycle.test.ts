import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.ts';
import { until } from './helpers/slack-sign.ts';

const ROOT = join(import.meta.dirname, '..');
let dataDir: string;
const dataDirs: string[] = [];

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startHerald(port: number, dir = dataDir): Started {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function healthz(port: number) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  } catch {
    return undefined;
  }
}

/** Whether the embedded PostgreSQL of a data directory runs: its postmaster.pid, and an answer on its remembered port. */
async function embeddedDatabaseRuns(dir: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${readFileSync(join(dir, 'port'), 'utf8')}/herald` });
  const answers = await client.connect().then(() => true, () => false);
  await client.end().catch(() => {});
  return answers || existsSync(join(dir, 'pg', 'postmaster.pid'));
}

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-start-'));
  dataDirs.push(dir);
  return dir;
}

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  for (const dir of dataDirs) {
    const postmaster = join(dir, 'pg', 'postmaster.pid');
    if (existsSync(postmaster)) {
      process.kill(Number(readFileSync(postmaster, 'utf8').split('\n')[0]), 'SIGINT'); // a failed test's orphan
      await until(() => !existsSync(postmaster), 30_000);
    }
    await rm(dir, { recursive: true, force: true });
  }
});

describe('npm start on embedded defaults', () => {
  it('migrates an empty embedded database, serves /healthz, stops on SIGTERM, and a second start reuses the data', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'herald-start-'));
    const port = await freePort();

    const first = startHerald(port);
    await until(async () => (await healthz(port)) !== undefined, 60_000);
    expect(await healthz(port)).toEqual({ status: 200, body: { status: 'ok', db: 'up' } });
    expect(first.output()).toContain('migrations applied');

    const dbPort = Number((await import('node:fs')).readFileSync(join(dataDir, 'port'), 'utf8'));
    const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${dbPort}/herald` });
    await client.connect();
    await client.query(`INSERT INTO users (email) VALUES ('persisted@example.com')`);
    await client.end();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(await healthz(port)).toBeUndefined();

    const second = startHerald(port);
    await until(async () => (await healthz(port))?.status === 200, 60_000);
    expect(second.output()).not.toContain('migrations applied');
    const again = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${dbPort}/herald` });
    await again.connect();
    const { rows } = await again.query(`SELECT email FROM users WHERE email = 'persisted@example.com'`);
    await again.end();
    expect(rows).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('a start that fails once its embedded database runs (port taken) stops that database and says why; the next start works', async () => {
    const dir = await newDataDir();
    const port = await freePort();
    const taken = createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));

    const failed = startHerald(port, dir);
    expect(await failed.exited).toBe(1);
    expect(failed.output()).toContain('Herald did not start: listen EADDRINUSE');
    expect(await embeddedDatabaseRuns(dir)).toBe(false);

    await new Promise((resolve) => taken.close(resolve));
    const next = startHerald(port, dir);
    await until(async () => (await healthz(port))?.status === 200, 60_000);
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(await embeddedDatabaseRuns(dir)).toBe(false);
  }, 120_000);

  it('the embedded database a killed Herald left running is reused by the next start (and stopped by it), not by a second Herald', async () => {
    const dir = await newDataDir();
    const port = await freePort();
    const killed = startHerald(port, dir);
    await until(async () => (await healthz(port))?.status === 200, 60_000);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await embeddedDatabaseRuns(dir)).toBe(true);

    const next = startHerald(port, dir);
    await until(async () => (await healthz(port))?.status === 200, 60_000);
    expect(next.output()).toContain('reusing the embedded PostgreSQL an earlier run left running');

    const second = startHerald(await freePort(), dir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/is in use by another running process \(pid \d+\), probably another Herald on the same DATA_DIR/);
    expect(await healthz(port)).toEqual({ status: 200, body: { status: 'ok', db: 'up' } }); // its database was left alone

    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    expect(await embeddedDatabaseRuns(dir)).toBe(false);
  }, 120_000);
});
