import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { resolveHeraldSecret, SECRET_FILE } from '../../src/tracking/secret.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'herald-secret-'));
  dirs.push(dir);
  return dir;
}

describe('HERALD_SECRET', () => {
  it('is taken from the configuration when set', async () => {
    const config = loadConfig({ HERALD_SECRET: 'configured-secret-0123456789', DATA_DIR: await dataDir() });
    expect(await resolveHeraldSecret(config, {})).toBe('configured-secret-0123456789');
  });

  it('outside production, is created once under DATA_DIR (owner-only) and reused on restart', async () => {
    const config = loadConfig({ DATA_DIR: join(await dataDir(), 'nested') });
    const first = await resolveHeraldSecret(config, {});
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(await resolveHeraldSecret(config, {})).toBe(first);
    expect((await stat(join(config.DATA_DIR, SECRET_FILE))).mode & 0o777).toBe(0o600);
  });

  it('is required in production', async () => {
    const config = loadConfig({ DATA_DIR: await dataDir() });
    await expect(resolveHeraldSecret(config, { NODE_ENV: 'production' })).rejects.toThrow(ConfigError);
    await expect(resolveHeraldSecret(config, { NODE_ENV: 'production' })).rejects.toThrow('HERALD_SECRET is required in production');
  });
});
