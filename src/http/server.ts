import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { safeRoute, sendJson, type Route } from './respond.ts';

export type RouteServer = { start(): Promise<{ port: number }>; stop(): Promise<void> };

/**
 * A bare HTTP server for routes, without the Slack receiver: what a HERALD_ROLE=worker
 * process serves (its health checks), and in Socket Mode every public route. Route paths
 * match as Bolt's custom routes do: a `:name` segment matches one segment, given to the
 * handler in req.params. start() rejects when the address cannot be bound; stop() waits for
 * the requests in progress.
 */
export function createRouteServer(routes: Route[], options: { port: number; host: string }, log: Logger): RouteServer {
  const safe = routes.map((route) => safeRoute(route, (error) => log.error({ err: error, path: route.path }, 'route failed')));
  const handling = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    for (const route of safe) {
      const params = [route.method].flat().includes(req.method ?? 'GET') ? matchPath(route.path, path) : undefined;
      if (!params) continue;
      const work = Promise.resolve(route.handler(Object.assign(req, { params }), res)).finally(() => handling.delete(work));
      handling.add(work);
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve({ port: (server.address() as AddressInfo).port }));
      }),
    async stop() {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await Promise.all(handling); // a handler may still be working after its response
      server.closeIdleConnections(); // kept-alive connections of the requests just answered
      await closed;
    },
  };
}

/** The params of path when it matches the route path (one trailing slash allowed), otherwise undefined. */
function matchPath(routePath: string, path: string): Record<string, string> | undefined {
  const expected = routePath.split('/');
  const actual = (path.length > 1 ? path.replace(/\/$/, '') : path).split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index]!; // as many segments
    if (!segment.startsWith(':')) {
      if (segment !== value) return undefined;
      continue;
    }
    if (value === '') return undefined;
    try {
      params[segment.slice(1)] = decodeURIComponent(value);
    } catch {
      return undefined; // malformed %-escape
    }
  }
  return params;
}
