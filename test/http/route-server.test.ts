import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { sendJson } from '../../src/http/respond.ts';
import { createRouteServer } from '../../src/http/server.ts';

const server = createRouteServer(
  [
    { path: '/u/:token', method: 'GET', handler: (req, res) => sendJson(res, 200, { route: 'u', params: req.params }) },
    { path: '/webhooks/:provider', method: 'POST', handler: (req, res) => sendJson(res, 200, { route: 'webhooks', params: req.params }) },
    { path: '/healthz', method: 'GET', handler: (req, res) => sendJson(res, 200, { route: 'healthz', params: req.params }) },
  ],
  { port: 0, host: '127.0.0.1' },
  pino({ level: 'silent' }),
);
const { port } = await server.start();
afterAll(() => server.stop());

async function request(path: string, method = 'GET') {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.json() };
}

describe('createRouteServer', () => {
  it('matches :name segments as Bolt custom routes do, their decoded values in req.params; other paths and methods are 404', async () => {
    expect(await request('/u/abc.DEF-1')).toEqual({ status: 200, body: { route: 'u', params: { token: 'abc.DEF-1' } } });
    expect(await request('/u/a%20b/')).toEqual({ status: 200, body: { route: 'u', params: { token: 'a b' } } });
    expect(await request('/webhooks/ses', 'POST')).toEqual({ status: 200, body: { route: 'webhooks', params: { provider: 'ses' } } });
    expect(await request('/healthz?probe=1')).toEqual({ status: 200, body: { route: 'healthz', params: {} } });
    for (const [path, method] of [['/u'], ['/u/'], ['/u/a/b'], ['/u/%E0%A4%A'], ['/webhooks/ses'], ['/healthz', 'POST']] as const) {
      expect(await request(path, method)).toEqual({ status: 404, body: { error: 'not found' } });
    }
  });
});
