import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { freePort } from '../../src/db/embedded.ts';
import type { Database } from '../../src/db/pool.ts';
import { createHeraldWeb } from '../../src/herald.ts';
import { sendJson, type Route } from '../../src/http/respond.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { startFakeSocketMode } from '../helpers/fake-socket-mode.ts';
import { until } from '../helpers/slack-sign.ts';

let db: Database;
let slack: Awaited<ReturnType<typeof startFakeSocketMode>>;

beforeAll(async () => {
  db = await openTestDatabase();
  slack = await startFakeSocketMode();
});
afterAll(async () => {
  await slack.close();
  await db.close();
});

/** The Herald web app (every listener, the health routes and `routes`) in Socket Mode on 127.0.0.1:port. */
function socketModeApp(port: number, routes: Route[] = []) {
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    SLACK_SIGNING_SECRET: 'socket-mode-secret',
    SLACK_BOT_TOKEN: 'xoxb-socket-mode',
    SLACK_APP_TOKEN: 'xapp-socket-mode',
    SLACK_API_URL: slack.apiUrl,
    LOG_LEVEL: 'silent',
  };
  const config = loadConfig(env);
  const credentials = { signingSecret: env.SLACK_SIGNING_SECRET, token: env.SLACK_BOT_TOKEN, appToken: env.SLACK_APP_TOKEN, apiUrl: slack.apiUrl };
  return createHeraldWeb({ config, log: pino({ level: 'silent' }), db }, credentials, routes).web;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port, timeout: 1_000 });
  return new Promise<boolean>((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  }).finally(() => socket.destroy());
}

async function listenOn(port: number) {
  const server = createServer().listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}

describe('Socket Mode', () => {
  it('serves the public routes on HOST only, on the port start() reports, and stop() waits for a request in progress', async () => {
    let entered = false;
    let release = () => {};
    const slow: Route = {
      path: '/slow/:id',
      method: 'GET',
      handler: async (req, res) => {
        entered = true;
        await new Promise<void>((resolve) => (release = resolve));
        sendJson(res, 200, { id: req.params?.id });
      },
    };
    const web = socketModeApp(0, [slow]);
    const opened = slack.opened();
    const { port } = await web.start();
    expect(slack.opened()).toBe(opened + 1); // connected to Slack
    expect(port).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(await accepts('127.0.0.2', port)).toBe(false); // another local address: HOST is 127.0.0.1

    const answer = fetch(`http://127.0.0.1:${port}/slow/abc`);
    await until(() => entered);
    let stopped = false;
    const stopping = web.stop().then(() => (stopped = true));
    await sleep(200);
    expect(stopped).toBe(false);
    release();
    expect(await (await answer).json()).toEqual({ id: 'abc' });
    await stopping;
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });

  it('a taken HOST:PORT rejects start() before it connects to Slack', async () => {
    const port = await freePort();
    const taken = await listenOn(port);
    const opened = slack.opened();
    try {
      await expect(socketModeApp(port).start()).rejects.toThrow(/EADDRINUSE/);
      expect(slack.opened()).toBe(opened);
    } finally {
      taken.close();
    }
  });

  it('a connection Slack refuses rejects start() and frees the port', async () => {
    const port = await freePort();
    slack.refuseNext('invalid_auth');
    await expect(socketModeApp(port).start()).rejects.toThrow(/invalid_auth/);
    (await listenOn(port)).close(); // nothing listens there any more
  });
});
