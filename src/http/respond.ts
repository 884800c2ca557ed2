import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteRequest = IncomingMessage & { params?: Record<string, string | string[]> };
export type Route = {
  path: string;
  method: string | string[];
  handler: (req: RouteRequest, res: ServerResponse) => void | Promise<void>;
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

/** Wraps an async route so a thrown error becomes a 500 instead of a hung request. */
export function safeRoute(route: Route, onError: (error: unknown) => void): Route {
  return {
    ...route,
    handler: async (req, res) => {
      try {
        await route.handler(req, res);
      } catch (error) {
        onError(error);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      }
    },
  };
}

export class PayloadTooLargeError extends Error {}

/** Reads a request body, refusing more than limitBytes. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new PayloadTooLargeError(`body over ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new PayloadTooLargeError(`body over ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
