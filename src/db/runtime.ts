import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { startEmbeddedPostgres } from './embedded.ts';

export type DatabaseLocation = { url: string; embedded: boolean; stop(): Promise<void> };

/** DATABASE_URL when set, otherwise an embedded PostgreSQL kept under DATA_DIR (its output to log). */
export async function resolveDatabaseUrl(config: Config, log?: Logger): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, database: 'herald', persistent: true, log });
  return { url: server.url, embedded: true, stop: server.stop };
}
