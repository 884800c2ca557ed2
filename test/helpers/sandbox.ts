import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { freePort } from '../../src/db/embedded.ts';
import { safeRoute } from '../../src/http/respond.ts';
import { createSandbox, sandboxConfig, type Sandbox } from '../../src/sandbox/index.ts';
import type { Services } from '../../src/services.ts';
import { openTestDatabase } from './db.ts';

export const SANDBOX_SECRET = 'sandbox-test-signing-secret';
export const SANDBOX_TOKEN = 'xoxb-sandbox-test-token';

export type TestSandbox = Awaited<ReturnType<typeof startTestSandbox>>;

/**
 * A sandbox (its own migrated database) in front of a plain Bolt app whose listeners the
 * test registers — the sandbox is the subject, the app just answers as a Slack app would.
 * `page(path, body)` calls the sandbox's browser endpoints the way its page does.
 */
export async function startTestSandbox() {
  const db = await openTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-sandbox-'));
  const config = await sandboxConfig(loadConfig({ PORT: String(await freePort()), DATA_DIR: dataDir, DATABASE_URL: db.url }));
  const services: Services = { config, log: pino({ level: 'silent' }), db };
  const sandbox: Sandbox = await createSandbox(services, { signingSecret: SANDBOX_SECRET, token: SANDBOX_TOKEN });
  const app = new App({
    signingSecret: SANDBOX_SECRET,
    token: SANDBOX_TOKEN,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: sandbox.credentials.apiUrl },
    customRoutes: sandbox.routes.map((route) => safeRoute(route, (error) => console.error(error))) as never,
  });
  const server = (await app.start({ port: config.PORT, host: config.HOST } as never)) as Server;
  const base = `http://127.0.0.1:${config.PORT}`;
  return {
    app,
    db,
    base,
    dataDir,
    sandbox,
    apiUrl: sandbox.credentials.apiUrl!,
    /** A call from the sandbox page (JSON, as its script sends it). */
    async page(path: string, body: Record<string, unknown>) {
      const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as any };
    },
    async state(member: string, query: Record<string, string> = {}) {
      const response = await fetch(`${base}/sandbox/state?${new URLSearchParams({ member, ...query })}`);
      return (await response.json()) as any;
    },
    async close() {
      sandbox.stop();
      server.closeAllConnections();
      await app.stop();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
