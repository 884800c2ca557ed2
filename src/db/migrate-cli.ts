import { loadConfig } from '../config.ts';
import { resolveDatabaseUrl } from './runtime.ts';
import { migrate } from './migrate.ts';

const config = loadConfig();
const database = await resolveDatabaseUrl(config);
try {
  const applied = await migrate(database.url);
  console.log(applied.length === 0 ? 'No migrations to run.' : `Applied: ${applied.join(', ')}`);
} finally {
  await database.stop();
}
