import type { Config } from './config.ts';
import { WebClient } from '@slack/web-api';
import { createHeraldApp, slackCredentials, webClientOptions, type HeraldApp, type SlackCredentials } from './bot/app.ts';
import { campaignCardRenderer } from './bot/campaigns.ts';
import { createSlackDigestPublisher } from './bot/digest-publisher.ts';
import { createSlackNotifier } from './bot/notifier.ts';
import { migrate } from './db/migrate.ts';
import { ensurePartitions } from './db/partitions.ts';
import { openDatabase } from './db/pool.ts';
import { resolveDatabaseUrl } from './db/runtime.ts';
import { createDeliveryRuntime } from './delivery/runtime.ts';
import { healthRoutes } from './http/health.ts';
import type { Route } from './http/respond.ts';
import { createRouteServer } from './http/server.ts';
import { reportJobs } from './jobs/reports.ts';
import { startJobs } from './jobs/scheduler.ts';
import { slackHousekeepingJob } from './jobs/slack-housekeeping.ts';
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

/** The jobs of a worker, talking to Slack through the app's Web API client (or, without the app, one of their own). */
function workerJobs(
  services: Services,
  credentials: SlackCredentials,
  appClient: WebClient | undefined,
  delivery: Awaited<ReturnType<typeof createDeliveryRuntime>>,
  port: number,
) {
  const client = appClient ?? new WebClient(credentials.token, webClientOptions(credentials));
  const notifier = createSlackNotifier(services, client, campaignCardRenderer(services));
  return [
    ...delivery.jobs(notifier, port),
    ...reportJobs(services, { notifier, publisher: createSlackDigestPublisher(client) }),
    slackHousekeepingJob(services),
  ];
}

/** What has started so far, stopped last-started first; every stop runs even when an earlier one fails. */
function startedParts() {
  const stops: Array<() => unknown> = [];
  return {
    add(stop: () => unknown) {
      stops.push(stop);
    },
    async stopAll() {
      const failures: unknown[] = [];
      for (const stop of stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) throw failures[0];
    },
  };
}

/**
 * Wires config → database → Slack app and routes → jobs. A start that fails stops what it
 * had started (the embedded database last), so nothing is left running to block the next one.
 */
export async function startHerald(givenConfig: Config, log: Logger): Promise<RunningHerald> {
  const sandboxMode = givenConfig.slackMode === 'sandbox' && roleRuns(givenConfig.HERALD_ROLE).slack;
  const config = sandboxMode ? await sandboxConfig(givenConfig) : givenConfig;
  const started = startedParts();
  try {
    const location = await resolveDatabaseUrl(config, log);
    started.add(location.stop);
    log.info({ embedded: location.embedded }, 'database ready');
    const applied = await migrate(location.url, (message) => log.debug(message));
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    const db = await openDatabase(location.url, config.DATABASE_READ_URL, config.DATABASE_POOL_SIZE);
    started.add(db.close);
    const services: Services = { config, log, db };
    await ensurePartitions(db.primary);

    const runs = roleRuns(config.HERALD_ROLE);
    const sandbox: Sandbox | undefined = sandboxMode ? await createSandbox(services, slackCredentials(services)) : undefined;
    const credentials = sandbox?.credentials ?? slackCredentials(services);
    const delivery = await createDeliveryRuntime(services);
    started.add(delivery.stop);
    const slackWeb = runs.slack ? createHeraldWeb(services, credentials, [...(sandbox?.routes ?? []), ...delivery.routes]) : undefined;
    const web = slackWeb?.web ?? createRouteServer(healthRoutes(db.primary), { port: config.PORT, host: config.HOST }, log);
    const { port } = await web.start();
    started.add(web.stop);
    if (sandbox) started.add(sandbox.stop); // answers the waiting pages before the server closes
    const jobs = runs.jobs ? startJobs(workerJobs(services, credentials, slackWeb?.web.app.client, delivery, port), log) : undefined;
    if (jobs) started.add(jobs.stop);
    log.info({ port, host: config.HOST, role: config.HERALD_ROLE, slackMode: config.slackMode }, `Herald listening on http://127.0.0.1:${port}`);
    if (sandbox) {
      await sandbox.setUp();
      log.info({ url: sandbox.url }, `No Slack credentials set: try Herald in the sandbox at ${sandbox.url}`);
    }

    return {
      services,
      port,
      /** SIGTERM: no new cron ticks, the batch in hand finished, tracking events stored, pools closed. */
      stop: started.stopAll,
    };
  } catch (error) {
    await started.stopAll().catch((stopError: unknown) => log.error({ err: stopError }, 'stopping after a failed start failed'));
    throw error;
  }
}
