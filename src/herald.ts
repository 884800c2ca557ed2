import type { Config } from './config.ts';
import { createHeraldApp, slackCredentials } from './bot/app.ts';
import { migrate } from './db/migrate.ts';
import { ensurePartitions } from './db/partitions.ts';
import { openDatabase } from './db/pool.ts';
import { resolveDatabaseUrl } from './db/runtime.ts';
import { healthRoutes } from './http/health.ts';
import type { Logger } from './log.ts';
import type { Services } from './services.ts';

export type RunningHerald = { services: Services; port: number; stop(): Promise<void> };

/** Wires config → database → Slack app and routes → jobs. */
export async function startHerald(config: Config, log: Logger): Promise<RunningHerald> {
  const location = await resolveDatabaseUrl(config);
  log.info({ embedded: location.embedded }, 'database ready');
  const applied = await migrate(location.url, (message) => log.debug(message));
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const db = await openDatabase(location.url, config.DATABASE_READ_URL, config.DATABASE_POOL_SIZE);
  const services: Services = { config, log, db };
  await ensurePartitions(db.primary);

  const web = createHeraldApp(services, slackCredentials(services), [...healthRoutes(db.primary)]);
  const { port } = await web.start();
  log.info({ port, slackMode: config.slackMode }, `Herald listening on http://127.0.0.1:${port}`);

  return {
    services,
    port,
    async stop() {
      await web.stop();
      await db.close();
      await location.stop();
    },
  };
}
