import { randomBytes } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { dkimSigning } from '../config.ts';
import type { Route, RouteRequest } from '../http/respond.ts';
import { safeRoute } from '../http/respond.ts';
import { createRouteServer } from '../http/server.ts';
import { createMailTransport } from '../mail/transport.ts';
import type { Services } from '../services.ts';
import { trackInflight } from './inflight.ts';
import { registerListeners } from './listeners/index.ts';
import type { ListenerIds } from './listeners/registry.ts';

export type SlackCredentials = {
  signingSecret: string;
  token: string;
  appToken?: string;
  apiUrl?: string;
  /** Retries of a failed Web API call (the client's default when unset); the sandbox's in-process Web API wants none. */
  retries?: number;
};

/** Options of the app's Web API clients: where the Web API is and how often a call is retried. */
export function webClientOptions(credentials: SlackCredentials) {
  return {
    ...(credentials.apiUrl ? { slackApiUrl: credentials.apiUrl } : {}),
    ...(credentials.retries !== undefined ? { retryConfig: { retries: credentials.retries } } : {}),
  };
}

/** Credentials from config; without them (sandbox) a per-process secret and token. */
export function slackCredentials(services: Services): SlackCredentials {
  const { config } = services;
  if (config.SLACK_SIGNING_SECRET && config.SLACK_BOT_TOKEN) {
    return {
      signingSecret: config.SLACK_SIGNING_SECRET,
      token: config.SLACK_BOT_TOKEN,
      appToken: config.SLACK_APP_TOKEN,
      apiUrl: config.SLACK_API_URL,
    };
  }
  return {
    signingSecret: randomBytes(24).toString('hex'),
    token: `xoxb-sandbox-${randomBytes(8).toString('hex')}`,
    apiUrl: config.SLACK_API_URL,
  };
}

export type HeraldApp = {
  app: App;
  /** Ids of the commands, callbacks, shortcuts and events the app handles. */
  listeners: ListenerIds;
  start(): Promise<{ port: number }>;
  /** Resolves when no listener is working (imports and other work after ack included). */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Creates the Bolt app with Herald's listeners and public routes: in HTTP mode on the
 * receiver's server, in Socket Mode on Herald's route server (on HOST, started and stopped
 * with the app; Bolt's own would bind every interface and is neither awaited nor checked).
 */
export function createHeraldApp(services: Services, credentials: SlackCredentials, routes: Route[]): HeraldApp {
  const { config, log } = services;
  const socketMode = credentials.appToken !== undefined;
  const routeServer = socketMode ? createRouteServer(routes, { port: config.PORT, host: config.HOST }, log) : undefined;
  const clientOptions = webClientOptions(credentials);
  const app = new App({
    signingSecret: credentials.signingSecret,
    token: credentials.token,
    appToken: credentials.appToken,
    socketMode,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    customRoutes: socketMode ? undefined : receiverRoutes(routes, services),
    // the Socket Mode client opens its connection with apps.connections.open, a Web API call too
    installerOptions: socketMode ? { clientOptions } : undefined,
    clientOptions,
  });
  app.error(async (error) => {
    log.error({ err: error }, 'unhandled Slack listener error');
  });
  const inflight = trackInflight(app);
  // one pool for the test emails members send from Slack, not one per request (the dispatcher has its own)
  const testMail = createMailTransport({ smtpUrl: config.SMTP_URL, ratePerSecond: config.SMTP_RATE_PER_SECOND, dataDir: config.DATA_DIR, dkim: dkimSigning(config) });
  const listeners = registerListeners(app, services, testMail);
  return {
    app,
    listeners,
    idle: inflight.idle,
    async start() {
      if (!routeServer) {
        const server = (await app.start({ port: config.PORT, host: config.HOST })) as Server;
        return { port: (server.address() as AddressInfo).port };
      }
      const { port } = await routeServer.start();
      await app.start().catch(async (error: unknown) => {
        await routeServer.stop();
        throw error;
      });
      return { port };
    },
    async stop() {
      await app.stop();
      await routeServer?.stop();
      await inflight.idle();
      await testMail.close();
    },
  };
}

/** Routes for Bolt's HTTP receiver, which does not await them: each answers 500 on an error instead of hanging. */
function receiverRoutes(routes: Route[], { log }: Services) {
  return routes.map((route) => {
    const safe = safeRoute(route, (error) => log.error({ err: error, path: route.path }, 'route failed'));
    return { ...safe, handler: (req: RouteRequest, res: ServerResponse) => void safe.handler(req, res) };
  });
}
