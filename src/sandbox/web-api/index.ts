import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readBody, sendJson, type Route } from '../../http/respond.ts';
import { SlackRejection } from '../block-kit-rules.ts';
import type { SandboxContext } from '../context.ts';
import { ApiError } from './arguments.ts';
import { chatMethods } from './chat.ts';
import { directoryMethods } from './directory.ts';
import { fileMethods } from './files.ts';
import type { WebApiMethods } from './methods.ts';
import { viewMethods } from './views.ts';

const METHODS: WebApiMethods = { ...directoryMethods, ...chatMethods, ...viewMethods, ...fileMethods };

const BODY_LIMIT = 5 * 1024 * 1024;

async function readArguments(req: IncomingMessage): Promise<Record<string, unknown>> {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://sandbox').searchParams);
  if (req.method !== 'POST') return query;
  const raw = (await readBody(req, BODY_LIMIT)).toString('utf8');
  if (String(req.headers['content-type'] ?? '').includes('json')) {
    const parsed = JSON.parse(raw || '{}') as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ApiError('invalid_json');
    return { ...query, ...(parsed as Record<string, unknown>) };
  }
  return { ...query, ...Object.fromEntries(new URLSearchParams(raw)) };
}

/** Whether a request carries the app's bot token (header, or `token` argument as Slack also accepts). */
export function hasBotToken(ctx: SandboxContext, authorization: string | undefined, argument?: unknown): boolean {
  const presented = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : argument;
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(ctx.botToken);
  const actual = Buffer.from(presented);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function answer(ctx: SandboxContext, method: string, req: IncomingMessage): Promise<Record<string, unknown>> {
  const args = await readArguments(req).catch(() => {
    throw new ApiError('invalid_form_data');
  });
  if (!req.headers.authorization && args.token === undefined) throw new ApiError('not_authed');
  if (!hasBotToken(ctx, req.headers.authorization, args.token)) throw new ApiError('invalid_auth');
  const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!run) {
    ctx.log.warn({ method }, 'the sandbox does not implement this Slack Web API method');
    throw new ApiError('unknown_method');
  }
  return run(ctx, args);
}

function failure(error: unknown): { error: string; response_metadata?: { messages: readonly string[] } } | undefined {
  if (error instanceof ApiError) {
    return { error: error.code, ...(error.details.length > 0 ? { response_metadata: { messages: error.details } } : {}) };
  }
  if (error instanceof SlackRejection) {
    // one-word messages are Slack error codes; longer ones say which block broke a rule
    const code = /^[a-z_]+$/.test(error.message) ? error.message : 'invalid_blocks';
    return { error: code, ...(code === 'invalid_blocks' ? { response_metadata: { messages: [`[ERROR] ${error.message}`] } } : {}) };
  }
  return undefined;
}

/** The fake Slack Web API the app's WebClient talks to in sandbox mode: /sandbox/api/<method>. */
export function webApiRoute(ctx: SandboxContext): Route {
  return {
    path: '/sandbox/api/:method',
    method: ['GET', 'POST'],
    handler: async (req, res) => {
      const method = String(req.params?.method ?? '');
      try {
        sendJson(res, 200, { ok: true, ...(await answer(ctx, method, req)) });
      } catch (error) {
        const known = failure(error);
        if (!known) throw error;
        if (known.error !== 'unknown_method') ctx.log.info({ method, error: known.error, details: known.response_metadata }, 'sandbox Web API call refused');
        sendJson(res, 200, { ok: false, ...known });
      }
    },
  };
}
