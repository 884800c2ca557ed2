import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/db/embedded.ts';
import { until } from './helpers/slack-sign.ts';

const ROOT = join(import.meta.dirname, '..');
let dataDir: string;

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startHerald(port: number): Started {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
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

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
});
