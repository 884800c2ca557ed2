import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { insertFile } from '../../db/sandbox/files.ts';
import { findMessage } from '../../db/sandbox/messages.ts';
import { findChannel, findMember, listChannels, listMembers, type SandboxChannel, type SandboxMember } from '../../db/sandbox/workspace.ts';
import { readBody, sendJson, type Route, type RouteRequest } from '../../http/respond.ts';
import type { SandboxContext } from '../context.ts';
import { post } from '../conversation.ts';
import { slackId } from '../ids.ts';
import type { AppFeatures } from '../manifest.ts';
import { escapeMentions, runGlobalShortcut, runMessageShortcut, runSlashCommand, type Outcome } from '../platform/commands.ts';
import { fileShared, openHome } from '../platform/events.ts';
import { clickElement, closeView, submitView } from '../platform/interactions.ts';
import { slackbotNotice } from '../platform/notices.ts';
import { loadOptions, type OptionsOutcome } from '../platform/options.ts';
import { RawState, RawValue } from '../platform/view-state.ts';
import { MESSAGES_TAB_OFF, renderPage } from '../render/page.ts';
import { fileTypeOf } from '../web-api/files.ts';
import { sendFile } from '../web-api/file-routes.ts';
import { DEFAULT_CHANNEL } from '../workspace.ts';
import { isJson, onlyFromSandboxPage } from './guard.ts';
import { pageState } from './state.ts';

const ASSETS = join(import.meta.dirname, '..', 'assets');
const UPLOAD_LIMIT = 50 * 1024 * 1024;
const LONG_POLL_MS = 25_000;

/** The sandbox page's own policy: its script and styles, images from anywhere (charts, logos). */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: http: https:; connect-src 'self'; frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

export function sendPage(res: ServerResponse, markup: string, policy = PAGE_POLICY): void {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(markup);
}

class BadRequest extends Error {}

async function jsonBody<T extends z.ZodType>(req: RouteRequest, schema: T): Promise<z.infer<T>> {
  if (!isJson(req)) throw new BadRequest('expected a JSON body');
  let value: unknown;
  try {
    value = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
  } catch {
    throw new BadRequest('malformed JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequest(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

async function human(ctx: SandboxContext, id: string): Promise<SandboxMember> {
  const member = await findMember(ctx.db, id);
  if (!member || member.is_bot) throw new BadRequest('unknown member');
  return member;
}

/** A channel the member may see: any public one, and only their own DM with the app. */
async function visibleChannel(ctx: SandboxContext, member: SandboxMember, id: string): Promise<SandboxChannel> {
  const channel = await findChannel(ctx.db, id);
  if (!channel || (channel.im_member !== null && channel.im_member !== member.id)) throw new BadRequest('unknown channel');
  return channel;
}

const MemberId = z.string().min(1).max(32);
const ChannelId = z.string().min(1).max(32);
const Ts = z.string().regex(/^\d+\.\d+$/);

const MessageBody = z.object({ member: MemberId, channel: ChannelId, thread: Ts.optional(), text: z.string().trim().min(1).max(4000) });
const Container = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), channelId: ChannelId, ts: Ts }),
  z.object({ type: z.literal('view'), viewId: z.string().min(1).max(32) }),
]);
const ActionBody = z.object({
  member: MemberId,
  container: Container,
  blockId: z.string().max(255),
  actionId: z.string().max(255),
  value: RawValue.optional(),
  state: RawState.default({}),
});
/** Text typed into an external select's search box. */
const OptionsBody = z.object({
  member: MemberId,
  container: Container,
  blockId: z.string().max(255),
  actionId: z.string().max(255),
  value: z.string().max(2000),
  state: RawState.default({}),
});
const ViewBody = z.object({ member: MemberId, viewId: z.string().min(1).max(32), state: RawState.default({}) });
const MemberBody = z.object({ member: MemberId });
const ShortcutBody = z.object({ member: MemberId, callbackId: z.string().min(1).max(255), channel: ChannelId.optional(), ts: Ts.optional() });

const COMMAND = /^(\/\S+)\s*([\s\S]*)$/;

/** A channel the member may write in: with a read-only Messages tab, not the app's DM (no messages, commands or files). */
async function writableChannel(ctx: SandboxContext, features: AppFeatures, member: SandboxMember, id: string): Promise<SandboxChannel> {
  const channel = await visibleChannel(ctx, member, id);
  if (channel.im_member !== null && features.messagesTabReadOnly) throw new BadRequest(MESSAGES_TAB_OFF);
  return channel;
}

async function typeMessage(ctx: SandboxContext, features: AppFeatures, body: z.infer<typeof MessageBody>): Promise<Outcome> {
  const member = await human(ctx, body.member);
  const channel = await writableChannel(ctx, features, member, body.channel);
  const command = COMMAND.exec(body.text);
  if (!command) {
    await post(ctx, { channelId: channel.id, threadTs: body.thread, authorId: member.id, text: body.text });
    return { ok: true };
  }
  const [, name = '', text = ''] = command;
  const known = features.commands.find((c) => c.command === name);
  if (!known) {
    const notice = `\`${name}\` is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands.`;
    await slackbotNotice(ctx, channel.id, member.id, notice);
    return { ok: false, notice };
  }
  return runSlashCommand(ctx, member, channel, name, known.shouldEscape ? await escapeMentions(ctx, text.trim()) : text.trim());
}

async function shortcut(ctx: SandboxContext, body: z.infer<typeof ShortcutBody>): Promise<Outcome> {
  const member = await human(ctx, body.member);
  if (!body.channel || !body.ts) return runGlobalShortcut(ctx, member, body.callbackId);
  const channel = await visibleChannel(ctx, member, body.channel);
  const message = await findMessage(ctx.db, channel.id, body.ts);
  if (!message) throw new BadRequest('unknown message');
  return runMessageShortcut(ctx, member, channel, message, body.callbackId);
}

/** A file dropped on the page: stored like an uploaded Slack file and shared in the channel by the member. */
async function dropFile(ctx: SandboxContext, features: AppFeatures, req: RouteRequest): Promise<Outcome> {
  const header = (name: string) => String(req.headers[name] ?? '');
  const member = await human(ctx, header('x-sandbox-member'));
  const channel = await writableChannel(ctx, features, member, header('x-sandbox-channel'));
  const name = decodeURIComponent(header('x-sandbox-filename')).replace(/[/\\]/g, '_').slice(0, 255);
  if (name === '') throw new BadRequest('file name missing');
  const content = await readBody(req, UPLOAD_LIMIT);
  const id = slackId('F');
  await insertFile(ctx.db, { id, name, size: content.length, uploaderId: member.id, ...fileTypeOf(name) }, content);
  const thread = header('x-sandbox-thread');
  await post(ctx, { channelId: channel.id, threadTs: Ts.safeParse(thread).success ? thread : null, authorId: member.id, text: '', fileIds: [id] });
  return fileShared(ctx, features, member, channel.id, id);
}

function guarded(ctx: SandboxContext, route: Route): Route {
  return onlyFromSandboxPage(ctx, {
    ...route,
    handler: async (req, res) => {
      try {
        await route.handler(req, res);
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        sendJson(res, 400, { ok: false, notice: error.message });
      }
    },
  });
}

function action(ctx: SandboxContext, path: string, run: (req: RouteRequest) => Promise<Outcome | OptionsOutcome>): Route {
  return guarded(ctx, {
    path,
    method: 'POST',
    handler: async (req, res) => sendJson(res, 200, { ...(await run(req)), version: ctx.changes.version() }),
  });
}

async function asset(name: string): Promise<string> {
  return readFile(join(ASSETS, name), 'utf8');
}

/** The page and the endpoints its script calls. */
export async function browserRoutes(ctx: SandboxContext, features: AppFeatures): Promise<Route[]> {
  const assets = { 'sandbox.js': await asset('sandbox.js'), 'sandbox.css': await asset('sandbox.css') };
  const types = { 'sandbox.js': 'text/javascript; charset=utf-8', 'sandbox.css': 'text/css; charset=utf-8' };
  return [
    guarded(ctx, {
      path: '/sandbox',
      method: 'GET',
      handler: async (_req, res) => {
        const [members, channels] = await Promise.all([listMembers(ctx.db), listChannels(ctx.db)]);
        sendPage(res, renderPage({ members, channels, features, defaultChannel: DEFAULT_CHANNEL }).value);
      },
    }),
    guarded(ctx, {
      path: '/sandbox/assets/:name',
      method: 'GET',
      handler: async (req, res) => {
        const name = String(req.params?.name ?? '');
        if (name !== 'sandbox.js' && name !== 'sandbox.css') return sendJson(res, 404, { error: 'not found' });
        res.writeHead(200, { 'content-type': types[name], 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
        res.end(assets[name]);
      },
    }),
    guarded(ctx, {
      path: '/sandbox/state',
      method: 'GET',
      handler: async (req, res) => {
        if (ctx.changes.closed()) {
          // shutting down: no new long polls, and the page's keep-alive connection goes too
          res.setHeader('connection', 'close');
          return sendJson(res, 503, { error: 'Herald is stopping' });
        }
        const query = new URL(req.url ?? '/', ctx.baseUrl).searchParams;
        const member = await human(ctx, query.get('member') ?? '');
        const home = query.get('home') === '1';
        const channel = home ? null : await visibleChannel(ctx, member, query.get('channel') ?? DEFAULT_CHANNEL);
        const thread = Ts.safeParse(query.get('thread')).success ? query.get('thread') : null;
        if (query.get('boot') === ctx.changes.boot) await ctx.changes.waitFor(Number(query.get('since')), LONG_POLL_MS);
        sendJson(res, 200, await pageState(ctx, features, { member, channelId: channel?.id ?? DEFAULT_CHANNEL, threadTs: thread, home }));
      },
    }),
    action(ctx, '/sandbox/message', async (req) => typeMessage(ctx, features, await jsonBody(req, MessageBody))),
    action(ctx, '/sandbox/action', async (req) => {
      const body = await jsonBody(req, ActionBody);
      return clickElement(ctx, await human(ctx, body.member), body.container, body, body.state);
    }),
    action(ctx, '/sandbox/options', async (req) => {
      const body = await jsonBody(req, OptionsBody);
      return loadOptions(ctx, await human(ctx, body.member), body.container, body, body.state);
    }),
    action(ctx, '/sandbox/submit', async (req) => {
      const body = await jsonBody(req, ViewBody);
      return submitView(ctx, await human(ctx, body.member), body.viewId, body.state);
    }),
    action(ctx, '/sandbox/close', async (req) => {
      const body = await jsonBody(req, ViewBody);
      return closeView(ctx, await human(ctx, body.member), body.viewId, body.state);
    }),
    action(ctx, '/sandbox/home', async (req) => openHome(ctx, features, await human(ctx, (await jsonBody(req, MemberBody)).member))),
    action(ctx, '/sandbox/shortcut', async (req) => shortcut(ctx, await jsonBody(req, ShortcutBody))),
    action(ctx, '/sandbox/drop', async (req) => dropFile(ctx, features, req)),
    guarded(ctx, {
      path: '/sandbox/download/:id',
      method: 'GET',
      handler: async (req, res) => {
        const inline = new URL(req.url ?? '/', ctx.baseUrl).searchParams.get('inline') === '1';
        await sendFile(ctx, res, String(req.params?.id ?? ''), inline ? 'inline' : 'attachment');
      },
    }),
  ];
}
