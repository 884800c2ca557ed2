import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');
export const MIGRATIONS_TABLE = 'pgmigrations';

/**
 * Applies pending migrations (forward only). Concurrent starts wait on node-pg-migrate's
 * advisory lock, so two instances starting together migrate once. The connection is ours
 * and closed before returning, so nothing of the migration outlives the call.
 */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', (error) => log(`migration connection: ${error.message}`));
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: MIGRATIONS_TABLE,
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      log,
      logger: { debug: () => {}, info: log, warn: log, error: log },
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}
