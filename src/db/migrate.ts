import { join } from 'node:path';
import { runner } from 'node-pg-migrate';

export const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', 'migrations');
export const MIGRATIONS_TABLE = 'pgmigrations';

/**
 * Applies pending migrations (forward only). Concurrent starts wait on node-pg-migrate's
 * advisory lock, so two instances starting together migrate once.
 */
export async function migrate(databaseUrl: string, log: (message: string) => void = () => {}): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
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
}
