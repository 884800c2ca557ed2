import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reject, SlackRejection, validateBlocks, validateMessage, validateOptionsResponse, validateView } from '../../src/sandbox/block-kit-rules.ts';

/**
 * A fake Slack Web API on 127.0.0.1: records every call and rejects payloads the way
 * Slack does (block and modal limits, required fields), so views that pass here pass
 * in Slack. Point Bolt's clientOptions.slackApiUrl at `apiUrl`.
 */

export type Call = { method: string; args: Record<string, unknown>; auth?: string };
export type Message = { channel: string; ts: string; thread_ts?: string; text?: string; blocks?: Block[]; user?: string };
export type FakeFile = {
  id: string;
  name: string;
  content: Buffer;
  mimetype?: string;
  filetype?: string;
  size?: number;
  /** The member who uploaded it. */
  user: string;
  /** Where it is shared, as files.info lists it: public channels, private channels and group DMs, DMs. */
  channels?: string[];
  groups?: string[];
  ims?: string[];
  /** A remote file (files.remote.add): files.info gives this address as url_private and has no url_private_download. */
  externalUrl?: string;
  /** Where url_private(_download) point instead of the fake's own download route. */
  downloadUrl?: string;
  /** The download answers 302 to this address (as Slack sends a token it refuses to the workspace's sign-in page). */
  redirectTo?: string;
};
type Block = Record<string, any>;
/** A Slack user as users.info tells: `guest` a multi- or single-channel guest (is_restricted / is_ultra_restricted). */
export type FakeUser = { tz: string; name: string; email?: string; deleted?: boolean; isBot?: boolean; guest?: 'multi' | 'single' };

const BOT_TOKEN_PREFIX = 'xoxb-';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

export async function startFakeSlack(options: { teamId?: string } = {}) {
  const teamId = options.teamId ?? 'T1';
  const calls: Call[] = [];
  const rejections: Array<{ method: string; error: string }> = [];
  const responses: Array<{ path: string; body: any }> = [];
  const uploads: Array<{ fileId: string; bytes: Buffer; contentType?: string }> = [];
  /** Ids of files downloaded (with or without a valid token). */
  const downloads: string[] = [];
  const messages: Message[] = [];
  const views = new Map<string, Block>();
  const homeViews = new Map<string, Block>();
  const files = new Map<string, FakeFile>();
  const users = new Map<string, FakeUser>();
  /** Each member's own workspace (users.info's team_id), as the last request from them said; the fake's team otherwise. */
  const homeTeams = new Map<string, string>();
  /**
   * Conversations the app is not in: a 'public' channel answers not_in_channel until the app
   * joins it; a 'private' one (a private channel, a DM between others) channel_not_found.
   */
  const outside = new Map<string, 'public' | 'private'>();
  /** Errors the next calls of a method answer with (Slack's fatal_error, ratelimited, …), oldest first. */
  const failures = new Map<string, string[]>();
  let seq = 0;
  let base = '';
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', base);
    const json = (o: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(o));
    };
    if (url.pathname.startsWith('/response/')) {
      responses.push({ path: url.pathname, body: JSON.parse(raw.toString()) });
      return json({ ok: true });
    }
    if (url.pathname.startsWith('/upload/')) {
      uploads.push({ fileId: url.pathname.slice('/upload/'.length), bytes: raw, contentType: req.headers['content-type'] });
      res.writeHead(200);
      return res.end('OK');
    }
    if (url.pathname.startsWith('/files/')) {
      downloads.push(url.pathname.slice('/files/'.length));
      const file = files.get(url.pathname.slice('/files/'.length));
      if (!file || !String(req.headers.authorization ?? '').startsWith(`Bearer ${BOT_TOKEN_PREFIX}`)) {
        res.writeHead(404);
        return res.end();
      }
      if (file.redirectTo) {
        res.writeHead(302, { location: file.redirectTo });
        return res.end();
      }
      res.writeHead(200, { 'content-type': file.mimetype ?? 'application/octet-stream' });
      return res.end(file.content);
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const ct = req.headers['content-type'] ?? '';
    const args: Record<string, unknown> = ct.includes('json')
      ? JSON.parse(raw.toString() || '{}')
      : Object.fromEntries(new URLSearchParams(raw.toString()));
    calls.push({ method, args, auth: req.headers.authorization });
    try {
      json(handle(method, args));
    } catch (error) {
      if (!(error instanceof SlackRejection)) throw error;
      rejections.push({ method, error: error.message });
      // single-word messages are Slack error codes; detailed ones are block validation failures
      const code = /^[a-z_]+$/.test(error.message) ? error.message : 'invalid_blocks';
      json({ ok: false, error: code, detail: error.message });
    }
  });

  function fileInfo(file: FakeFile): Record<string, unknown> {
    const where = { user: file.user, channels: file.channels ?? [], groups: file.groups ?? [], ims: file.ims ?? [] };
    const described = { id: file.id, name: file.name, size: file.size ?? file.content.length, mimetype: file.mimetype ?? 'text/csv', filetype: file.filetype ?? 'csv', ...where };
    if (file.externalUrl) return { ...described, mode: 'external', is_external: true, external_type: 'app', url_private: file.externalUrl };
    const url = file.downloadUrl ?? `${base}/files/${file.id}`;
    return { ...described, mode: 'hosted', is_external: false, url_private_download: url, url_private: url };
  }

  function requireMember(channel: unknown): void {
    const kind = outside.get(String(channel));
    reject(kind === 'public', 'not_in_channel');
    reject(kind === 'private', 'channel_not_found');
  }

  function handle(method: string, args: Record<string, unknown>): unknown {
    const failure = failures.get(method)?.shift();
    if (failure) throw new SlackRejection(failure);
    switch (method) {
      case 'auth.test':
        return { ok: true, team_id: teamId, user_id: 'UBOT', bot_id: 'BBOT', user: 'herald', team: 'Team', url: 'https://team.slack.com/' };
      case 'views.open':
      case 'views.push':
      case 'views.update': {
        reject(method !== 'views.update' && !args.trigger_id, 'invalid_trigger_id');
        const view = JSON.parse(String(args.view)) as Block;
        validateView(view);
        const id = method === 'views.update' ? String(args.view_id ?? 'V0') : `V${++seq}`;
        views.set(id, view);
        return { ok: true, view: { id, ...view } };
      }
      case 'views.publish': {
        reject(!args.user_id, 'invalid_arguments');
        const view = JSON.parse(String(args.view)) as Block;
        validateView(view);
        homeViews.set(String(args.user_id), view);
        return { ok: true, view: { id: `VH${++seq}`, ...view } };
      }
      case 'chat.postMessage': {
        validateMessage(args);
        requireMember(args.channel);
        const ts = nextTs();
        messages.push({
          channel: String(args.channel), ts, thread_ts: args.thread_ts ? String(args.thread_ts) : undefined,
          text: args.text as string | undefined, blocks: args.blocks ? JSON.parse(String(args.blocks)) : undefined,
        });
        return { ok: true, channel: args.channel, ts };
      }
      case 'chat.postEphemeral': {
        validateMessage(args);
        requireMember(args.channel);
        reject(!args.user, 'user_not_in_channel');
        messages.push({ channel: String(args.channel), ts: nextTs(), text: args.text as string, user: String(args.user),
          blocks: args.blocks ? JSON.parse(String(args.blocks)) : undefined });
        return { ok: true, message_ts: nextTs() };
      }
      case 'chat.update': {
        validateMessage(args);
        requireMember(args.channel);
        const msg = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        reject(!msg, 'message_not_found');
        msg!.text = args.text as string | undefined;
        msg!.blocks = args.blocks ? JSON.parse(String(args.blocks)) : undefined;
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'users.info': {
        const user = users.get(String(args.user)) ?? { tz: 'Europe/Berlin', name: String(args.user) };
        return {
          ok: true,
          user: {
            id: args.user, team_id: homeTeams.get(String(args.user)) ?? teamId, name: user.name, real_name: user.name, tz: user.tz, deleted: user.deleted ?? false, is_bot: user.isBot ?? false,
            is_restricted: user.guest !== undefined, is_ultra_restricted: user.guest === 'single', profile: { email: user.email, real_name: user.name },
          },
        };
      }
      case 'conversations.join':
        // a bot can join public channels only
        reject(outside.get(String(args.channel)) === 'private', 'channel_not_found');
        outside.delete(String(args.channel));
        return { ok: true, channel: { id: args.channel } };
      case 'conversations.open': {
        // the app's DM with one member (D…), or a group DM with 2–8 people (G…): the same id on every call
        reject(args.channel !== undefined, 'invalid_arguments'); // resuming by channel id: Herald never does
        const people = String(args.users ?? '').split(',').map((user) => user.trim()).filter(Boolean);
        reject(people.length === 0, 'users_list_not_supplied');
        reject(people.length > 8, 'too_many_users');
        reject(people.some((user) => !/^[UW][A-Z0-9]+$/.test(user)), 'user_not_found');
        reject(people.includes('UBOT'), 'cannot_dm_bot');
        const id = people.length === 1 ? `D${people[0]!.slice(1)}` : `G${[...people].sort().map((user) => user.slice(1)).join('')}`;
        return { ok: true, channel: { id } };
      }
      case 'files.info': {
        const file = files.get(String(args.file));
        reject(!file, 'file_not_found');
        return { ok: true, file: fileInfo(file!) };
      }
      case 'files.getUploadURLExternal': {
        reject(!args.filename || !args.length, 'invalid_arguments');
        const id = `F${++seq}`;
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list = JSON.parse(String(args.files)) as Array<{ id: string; title?: string }>;
        reject(list.length === 0, 'invalid_arguments');
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    apiUrl: `${base}/api/`,
    calls,
    rejections,
    responses,
    uploads,
    downloads,
    messages,
    views,
    homeViews,
    responseUrl: (id: string) => `${base}/response/${id}`,
    addFile(file: FakeFile) {
      files.set(file.id, file);
    },
    setUser(id: string, user: FakeUser) {
      users.set(id, user);
    },
    /** `member` belongs to workspace `team` (a Slack Connect guest belongs to another than the one they act in). */
    setHomeTeam(member: string, team: string) {
      homeTeams.set(member, team);
    },
    /** The app is not in `channel`: a public channel it may join, or a private one (or a DM between others) it cannot see. */
    notMemberOf(channel: string, kind: 'public' | 'private') {
      outside.set(channel, kind);
    },
    /** The next call of `method` answers `error` (each call queues one failure). */
    failNext(method: string, error: string) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    callsTo: (method: string) => calls.filter((c) => c.method === method),
    /** Messages in a thread, the parent first. */
    thread: (channel: string, ts: string) => messages.filter((m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts)),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Pure check of a view or message blocks, for unit tests of Block Kit builders. */
export function assertValidView(view: object): void {
  validateView(view as Block);
}
export function assertValidMessageBlocks(blocks: readonly object[]): void {
  validateBlocks(blocks, 'message');
}
/** An app's answer to an options request (block_suggestion), as Slack checks it before showing the options. */
export function assertValidOptionsResponse(answer: unknown): void {
  validateOptionsResponse(answer);
}
