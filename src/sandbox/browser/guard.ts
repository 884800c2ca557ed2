import type { IncomingMessage } from 'node:http';
import { sendJson, type Route } from '../../http/respond.ts';
import type { SandboxContext } from '../context.ts';

/**
 * Only the sandbox page itself may use the browser endpoints: the Host must be the
 * loopback address we serve (no DNS rebinding), and a cross-site Origin is refused
 * (state-changing calls also need a JSON body or custom headers, which no plain form
 * from another site can send).
 */
function fromSandboxPage(ctx: SandboxContext, req: IncomingMessage): boolean {
  const { port } = new URL(ctx.baseUrl);
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const origin = req.headers.origin;
  return hosts.includes(req.headers.host ?? '') && (origin === undefined || hosts.some((host) => origin === `http://${host}`));
}

export function isJson(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '').startsWith('application/json');
}

/** A route that answers only the sandbox page (see fromSandboxPage), 403 for anyone else. */
export function onlyFromSandboxPage(ctx: SandboxContext, route: Route): Route {
  return {
    ...route,
    handler: async (req, res) => {
      if (!fromSandboxPage(ctx, req)) return sendJson(res, 403, { error: 'the sandbox only answers its own page on this machine' });
      await route.handler(req, res);
    },
  };
}
