import { join } from 'node:path';
import type { SlackCredentials } from '../bot/app.ts';
import type { Config } from '../config.ts';
import { freePort } from '../db/embedded.ts';
import { seedChannels, seedMembers } from '../db/sandbox/workspace.ts';
import type { Route } from '../http/respond.ts';
import type { Services } from '../services.ts';
import { browserRoutes } from './browser/routes.ts';
import { createChanges } from './changes.ts';
import type { SandboxContext } from './context.ts';
import { token } from './ids.ts';
import { loadAppFeatures } from './manifest.ts';
import { outboxRoutes } from './outbox/routes.ts';
import { responseUrlRoute } from './platform/response-url.ts';
import { setUpWorkspace } from './setup.ts';
import { fileRoutes } from './web-api/file-routes.ts';
import { webApiRoute } from './web-api/index.ts';
import { CHANNELS, MEMBERS } from './workspace.ts';

/** Raised instead of starting a sandbox where it must not run. */
export class SandboxRefused extends Error {}

const LOOPBACK = '127.0.0.1';

/** The sandbox stands in for Slack, so it must never run next to real Slack credentials. */
export function assertSandboxAllowed(config: Config): void {
  const credentials = [config.SLACK_BOT_TOKEN, config.SLACK_SIGNING_SECRET, config.SLACK_APP_TOKEN].some((v) => v !== undefined);
  if (config.slackMode !== 'sandbox' || credentials) {
    throw new SandboxRefused(
      'The sandbox only runs without Slack credentials: unset SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN to use it.',
    );
  }
}

/**
 * Configuration in sandbox mode: the server listens on 127.0.0.1 only, whatever HOST says
 * (the sandbox lets anyone who reaches it act as any member), on a port known before the
 * app starts — the app's WebClient must be pointed at the sandbox's Web API on it.
 */
export async function sandboxConfig(config: Config): Promise<Config> {
  assertSandboxAllowed(config);
  return { ...config, HOST: LOOPBACK, PORT: config.PORT === 0 ? await freePort() : config.PORT };
}

export type Sandbox = {
  /** Where a person opens the sandbox. */
  url: string;
  /** The app's credentials with its Web API calls pointed at the sandbox. */
  credentials: SlackCredentials;
  routes: Route[];
  /** Once the app listens: on the first start, welcomes people and gives Ben the approver role. */
  setUp(): Promise<void>;
  /** Answers the pages still waiting for changes, so the server can close. */
  stop(): void;
};

/**
 * The local stand-in for a Slack workspace: a fake Web API the app's WebClient talks to,
 * a Slack-like page that sends the app the same signed requests Slack sends, and an
 * outbox viewer. State lives in the sandbox_* tables of Herald's database.
 */
export async function createSandbox(services: Services, credentials: SlackCredentials): Promise<Sandbox> {
  const { config, db, log } = services;
  assertSandboxAllowed(config);
  if (config.HOST !== LOOPBACK) throw new SandboxRefused(`The sandbox only listens on ${LOOPBACK}; start it with sandboxConfig().`);
  const baseUrl = `http://${LOOPBACK}:${config.PORT}`;
  await seedMembers(db.primary, MEMBERS);
  await seedChannels(db.primary, CHANNELS);
  const ctx: SandboxContext = {
    db: db.primary,
    log: log.child({ component: 'sandbox' }),
    changes: createChanges(token(6)),
    botToken: credentials.token,
    signingSecret: credentials.signingSecret,
    baseUrl,
    outboxDir: join(config.DATA_DIR, 'outbox'),
  };
  const routes = [
    webApiRoute(ctx),
    ...fileRoutes(ctx),
    responseUrlRoute(ctx),
    ...(await browserRoutes(ctx, await loadAppFeatures())),
    ...outboxRoutes(ctx),
  ];
  return {
    url: `${baseUrl}/sandbox`,
    // its Web API is this process: a call that fails (the server stopping) would only fail again, and a listener
    // retrying it for minutes would hold up the shutdown
    credentials: { ...credentials, appToken: undefined, apiUrl: `${baseUrl}/sandbox/api/`, retries: 0 },
    routes,
    setUp: () => setUpWorkspace(ctx),
    stop: () => ctx.changes.close(),
  };
}
