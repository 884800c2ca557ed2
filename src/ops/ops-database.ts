import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { databaseAnswers, embeddedUrl, readRememberedPort } from '../db/embedded.ts';
import { resolveDatabaseUrl, type DatabaseLocation } from '../db/runtime.ts';

/** The embedded server a running Herald started under dataDir, if it answers. */
async function runningEmbeddedUrl(dataDir: string): Promise<string | undefined> {
  if (!existsSync(join(dataDir, 'pg', 'postmaster.pid'))) return undefined;
  const port = await readRememberedPort(join(dataDir, 'port'));
  if (port === undefined) return undefined;
  const url = embeddedUrl(port, 'herald');
  return (await databaseAnswers(url)) ? url : undefined;
}

/**
 * The database an ops command works on, found as `npm start` finds it (DATABASE_URL, else
 * the embedded server under DATA_DIR) — except that an embedded server a running Herald
 * already serves is used as it is: the same data directory cannot be started twice.
 */
export async function resolveOpsDatabase(config: Config): Promise<DatabaseLocation> {
  if (!config.DATABASE_URL) {
    const running = await runningEmbeddedUrl(config.DATA_DIR);
    if (running) return { url: running, embedded: true, stop: async () => {} };
  }
  return resolveDatabaseUrl(config);
}
