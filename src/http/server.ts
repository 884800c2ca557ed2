import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { safeRoute, sendJson, type Route } from './respond.ts';

export type RouteServer = { start(): Promise<{ port: number }>; stop(): Promise<void> };

/**
 * A bare HTTP server for a few exact-path routes, without the Slack receiver: what a
 * HERALD_ROLE=worker process serves (its health checks).
 */
export function createRouteServer(routes: Route[], options: { port: number; host: string }, log: Logger): RouteServer {
  const safe = routes.map((route) => safeRoute(route, (error) => log.error({ err: error, path: route.path }, 'route failed')));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = safe.find((r) => r.path === path && [r.method].flat().includes(req.method ?? 'GET'));
    if (!route) return sendJson(res, 404, { error: 'not found' });
    void route.handler(req, res);
  });
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve({ port: (server.address() as AddressInfo).port }));
      }),
    stop: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
