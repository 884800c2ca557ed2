import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.ts';

export const SECRET_FILE = 'herald-secret';

/**
 * The key that signs tracking/unsubscribe tokens and generic webhooks. Production
 * (NODE_ENV=production) must set HERALD_SECRET. Elsewhere a random secret is created once
 * and kept in DATA_DIR/herald-secret (mode 0600), so links in sent mail keep working across
 * restarts; processes on other machines must then be given HERALD_SECRET explicitly.
 */
export async function resolveHeraldSecret(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (config.HERALD_SECRET) return config.HERALD_SECRET;
  if (env.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: HERALD_SECRET is required in production (NODE_ENV=production)');
  }
  const path = join(config.DATA_DIR, SECRET_FILE);
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing !== null) return usable(existing, path);
  await mkdir(config.DATA_DIR, { recursive: true });
  const created = randomBytes(32).toString('base64url');
  try {
    // 'wx': a concurrently starting process may have written it first; then read theirs
    await writeFile(path, `${created}\n`, { mode: 0o600, flag: 'wx' });
    return created;
  } catch {
    return usable(await readFile(path, 'utf8'), path);
  }
}

function usable(content: string, path: string): string {
  const secret = content.trim();
  if (secret.length < 16) throw new ConfigError(`Invalid configuration: ${path} holds no usable secret; delete it or set HERALD_SECRET`);
  return secret;
}
