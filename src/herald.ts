import type { Config } from './config.ts';
import { createHeraldApp, slackCredentials, type HeraldApp, type SlackCredentials } from './bot/app.ts';
import { campaignCardRenderer } from './bot/campaigns.ts';
import { createSlackNotifier } from './bot/notifier.ts';
import { migrate } from './db/migrate.ts';
import { ensurePartitions } from './db/partitions.ts';
import { openDatabase } from './db/pool.ts';
import { resolveDatabaseUrl } from './db/runtime.ts';
import { healthRoutes } from './http/health.ts';
import type { Route } from './http/respond.ts';
import { createRouteServer } from './http/server.ts';
import type { Logger } from './log.ts';
import type { Notifier } from './notify/notifier.ts';
import { createSandbox, sandboxConfig, type Sandbox } from './sandbox/index.ts';
import type { Services } from './services.ts';

export type RunningHerald = { services: Services; port: number; stop(): Promise<void> };

/** The Slack app with every listener and public route, and the notifier on its Web API client (also used by tests). */
export function createHeraldWeb(
  services: Services,
  credentials: SlackCredentials,
  extraRoutes: readonly Route[] = [],
): { web: HeraldApp; notifier: Notifier } {
  const web = createHeraldApp(services, credentials, [...healthRoutes(services.db.primary), ...extraRoutes]);
  const notifier = createSlackNotifier(services, web.app.client, campaignCardRenderer(services));
  return { web, notifier };
}

/**
 * What a process of each HERALD_ROLE runs. web: the Slack receiver and every public route;
 * worker: the jobs, and only /healthz and /readyz; all: both. Processes share only the database.
 */
export function roleRuns(role: Config['HERALD_ROLE']): { slack: boolean; jobs: boolean } {
  return { slack: role !== 'worker', jobs: role !== 'web' };
}

/** Wires config → database → Slack app and routes → jobs. */
export async function startHerald(givenConfig: Config, log: Logger): Promise<RunningHerald> {
  const sandboxMode = givenConfig.slackMode === 'sandbox' && roleRuns(givenConfig.HERALD_ROLE).slack;
  const config = sandboxMode ? await sandboxConfig(givenConfig) : givenConfig;
  const location = await resolveDatabaseUrl(config);
  log.info({ embedded: location.embedded }, 'database ready');
  const applied = await migrate(location.url, (message) => log.debug(message));
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  const db = await openDatabase(location.url, config.DATABASE_READ_URL, config.DATABASE_POOL_SIZE);
  const services: Services = { config, log, db };
  await ensurePartitions(db.primary);

  const runs = roleRuns(config.HERALD_ROLE);
  const sandbox: Sandbox | undefined = sandboxMode ? await createSandbox(services, slackCredentials(services)) : undefined;
  const web = runs.slack
    ? createHeraldWeb(services, sandbox?.credentials ?? slackCredentials(services), sandbox?.routes).web
    : createRouteServer(healthRoutes(db.primary), { port: config.PORT, host: config.HOST }, log);
  const { port } = await web.start();
  log.info({ port, host: config.HOST, role: config.HERALD_ROLE, slackMode: config.slackMode }, `Herald listening on http://127.0.0.1:${port}`);
  if (sandbox) log.info({ url: sandbox.url }, `No Slack credentials set: try Herald in the sandbox at ${sandbox.url}`);

  return {
    services,
    port,
    async stop() {
      sandbox?.stop();
      await web.stop();
      await db.close();
      await location.stop();
    },
  };
}
