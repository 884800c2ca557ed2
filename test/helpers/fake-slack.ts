import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Slack Web API on 127.0.0.1: records every call and rejects payloads the way
 * Slack does (block and modal limits, required fields), so views that pass here pass
 * in Slack. Point Bolt's clientOptions.slackApiUrl at `apiUrl`.
 */

export type Call = { method: string; args: Record<string, unknown>; auth?: string };
export type Message = { channel: string; ts: string; thread_ts?: string; text?: string; blocks?: Block[]; user?: string };
export type FakeFile = { id: string; name: string; content: Buffer; mimetype?: string; filetype?: string; size?: number };
type Block = Record<string, any>;

const MESSAGE_BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'input', 'rich_text', 'file']);
const BOT_TOKEN_PREFIX = 'xoxb-';

class SlackRejection extends Error {}

function reject(condition: boolean, message: string): void {
  if (condition) throw new SlackRejection(message);
}

function textLength(obj: unknown): number {
  if (obj && typeof obj === 'object' && 'text' in obj && typeof (obj as { text: unknown }).text === 'string') {
    return (obj as { text: string }).text.length;
  }
  return 0;
}

function validateTextObject(obj: unknown, where: string, max: number, plainOnly = false): void {
  reject(!obj || typeof obj !== 'object', `${where}: missing text object`);
  const t = obj as { type?: string; text?: unknown };
  reject(t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn'), `${where}: bad text type ${t.type}`);
  reject(typeof t.text !== 'string' || t.text.length === 0, `${where}: empty text`);
  reject(textLength(t) > max, `${where}: text longer than ${max}`);
}

function validateElement(el: Block, where: string): void {
  reject(typeof el.type !== 'string', `${where}: element without type`);
  if (el.action_id !== undefined) reject(String(el.action_id).length > 255, `${where}: action_id too long`);
  if (el.type === 'button') {
    validateTextObject(el.text, `${where}.text`, 75, true);
    if (el.value !== undefined) reject(String(el.value).length > 2000, `${where}: button value too long`);
    if (el.url !== undefined) reject(String(el.url).length > 3000, `${where}: url too long`);
  }
  if (el.type === 'static_select' || el.type === 'multi_static_select' || el.type === 'checkboxes' || el.type === 'radio_buttons' || el.type === 'overflow') {
    const options = (el.options ?? el.option_groups?.flatMap((g: Block) => g.options)) as Block[] | undefined;
    reject(!Array.isArray(options) || options.length === 0, `${where}: select without options`);
    reject((options ?? []).length > 100, `${where}: more than 100 options`);
    for (const [i, o] of (options ?? []).entries()) {
      validateTextObject(o.text, `${where}.options[${i}].text`, 75, el.type.includes('select') || el.type === 'overflow');
      reject(typeof o.value !== 'string' || o.value.length > 150, `${where}.options[${i}]: bad value`);
    }
  }
  if (el.type === 'plain_text_input') {
    if (el.max_length !== undefined) reject(el.max_length < 1 || el.max_length > 3000, `${where}: bad max_length`);
    if (el.initial_value !== undefined) reject(String(el.initial_value).length > 3000, `${where}: initial_value too long`);
  }
}

function validateBlock(block: Block, where: string, surface: 'message' | 'modal' | 'home'): void {
  reject(!block || typeof block.type !== 'string', `${where}: block without type`);
  reject(surface === 'message' && !MESSAGE_BLOCK_TYPES.has(block.type), `${where}: unknown block type ${block.type}`);
  if (block.block_id !== undefined) reject(String(block.block_id).length > 255, `${where}: block_id too long`);
  switch (block.type) {
    case 'section':
      reject(block.text === undefined && block.fields === undefined, `${where}: section needs text or fields`);
      if (block.text !== undefined) validateTextObject(block.text, `${where}.text`, 3000);
      if (block.fields !== undefined) {
        reject(!Array.isArray(block.fields) || block.fields.length > 10, `${where}: more than 10 fields`);
        for (const [i, f] of (block.fields as Block[]).entries()) validateTextObject(f, `${where}.fields[${i}]`, 2000);
      }
      if (block.accessory !== undefined) validateElement(block.accessory, `${where}.accessory`);
      break;
    case 'header':
      validateTextObject(block.text, `${where}.text`, 150, true);
      break;
    case 'context':
      reject(!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10, `${where}: context needs 1-10 elements`);
      for (const [i, e] of (block.elements as Block[]).entries()) {
        if (e.type !== 'image') validateTextObject(e, `${where}.elements[${i}]`, 3000);
      }
      break;
    case 'actions':
      reject(!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25, `${where}: actions needs 1-25 elements`);
      for (const [i, e] of (block.elements as Block[]).entries()) validateElement(e, `${where}.elements[${i}]`);
      break;
    case 'input':
      reject(surface === 'message', `${where}: input blocks are not allowed in messages`);
      validateTextObject(block.label, `${where}.label`, 2000, true);
      reject(!block.element, `${where}: input without element`);
      validateElement(block.element, `${where}.element`);
      if (block.hint !== undefined) validateTextObject(block.hint, `${where}.hint`, 2000, true);
      break;
    case 'image':
      reject(typeof block.image_url !== 'string' && !block.slack_file, `${where}: image without url`);
      reject(typeof block.alt_text !== 'string', `${where}: image without alt_text`);
      break;
    case 'divider':
      break;
  }
}

function validateBlocks(blocks: unknown, surface: 'message' | 'modal' | 'home'): void {
  reject(!Array.isArray(blocks), 'blocks: not an array');
  const limit = surface === 'message' ? 50 : 100;
  reject((blocks as Block[]).length > limit, `blocks: more than ${limit} blocks`);
  const ids = new Set<string>();
  for (const [i, b] of (blocks as Block[]).entries()) {
    validateBlock(b, `blocks[${i}]`, surface);
    if (b.block_id !== undefined) {
      reject(ids.has(b.block_id), `blocks[${i}]: duplicate block_id ${b.block_id}`);
      ids.add(b.block_id);
    }
  }
}

function validateView(view: Block): void {
  reject(view.type !== 'modal' && view.type !== 'home', 'invalid view type');
  const surface = view.type as 'modal' | 'home';
  if (surface === 'modal') {
    validateTextObject(view.title, 'view.title', 24, true);
    if (view.submit !== undefined) validateTextObject(view.submit, 'view.submit', 24, true);
    if (view.close !== undefined) validateTextObject(view.close, 'view.close', 24, true);
    const hasInput = (view.blocks as Block[] | undefined)?.some((b) => b.type === 'input');
    reject(Boolean(hasInput) && view.submit === undefined, 'view: submit is required with input blocks');
  }
  if (view.private_metadata !== undefined) reject(String(view.private_metadata).length > 3000, 'view: private_metadata too long');
  if (view.callback_id !== undefined) reject(String(view.callback_id).length > 255, 'view: callback_id too long');
  validateBlocks(view.blocks, surface);
}

function validateMessage(args: Record<string, unknown>): void {
  reject(typeof args.channel !== 'string' || args.channel === '', 'channel_not_found');
  const blocks = args.blocks === undefined ? undefined : JSON.parse(String(args.blocks));
  reject(blocks === undefined && (typeof args.text !== 'string' || args.text === ''), 'no_text');
  if (blocks !== undefined) validateBlocks(blocks, 'message');
  if (typeof args.text === 'string') reject(args.text.length > 40_000, 'msg_too_long');
}

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
  const messages: Message[] = [];
  const views = new Map<string, Block>();
  const homeViews = new Map<string, Block>();
  const files = new Map<string, FakeFile>();
  const users = new Map<string, { tz: string; name: string; email?: string }>();
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
      const file = files.get(url.pathname.slice('/files/'.length));
      if (!file || !String(req.headers.authorization ?? '').startsWith(`Bearer ${BOT_TOKEN_PREFIX}`)) {
        res.writeHead(404);
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

  function handle(method: string, args: Record<string, unknown>): unknown {
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
        const ts = nextTs();
        messages.push({
          channel: String(args.channel), ts, thread_ts: args.thread_ts ? String(args.thread_ts) : undefined,
          text: args.text as string | undefined, blocks: args.blocks ? JSON.parse(String(args.blocks)) : undefined,
        });
        return { ok: true, channel: args.channel, ts };
      }
      case 'chat.postEphemeral': {
        validateMessage(args);
        reject(!args.user, 'user_not_in_channel');
        messages.push({ channel: String(args.channel), ts: nextTs(), text: args.text as string, user: String(args.user),
          blocks: args.blocks ? JSON.parse(String(args.blocks)) : undefined });
        return { ok: true, message_ts: nextTs() };
      }
      case 'chat.update': {
        validateMessage(args);
        const msg = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        reject(!msg, 'message_not_found');
        msg!.text = args.text as string | undefined;
        msg!.blocks = args.blocks ? JSON.parse(String(args.blocks)) : undefined;
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'users.info': {
        const user = users.get(String(args.user)) ?? { tz: 'Europe/Berlin', name: String(args.user) };
        return { ok: true, user: { id: args.user, name: user.name, real_name: user.name, tz: user.tz, profile: { email: user.email, real_name: user.name } } };
      }
      case 'conversations.join':
        return { ok: true, channel: { id: args.channel } };
      case 'files.info': {
        const file = files.get(String(args.file));
        reject(!file, 'file_not_found');
        return { ok: true, file: { id: file!.id, name: file!.name, size: file!.size ?? file!.content.length, mimetype: file!.mimetype ?? 'text/csv',
          filetype: file!.filetype ?? 'csv', url_private_download: `${base}/files/${file!.id}`, url_private: `${base}/files/${file!.id}` } };
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
    messages,
    views,
    homeViews,
    responseUrl: (id: string) => `${base}/response/${id}`,
    addFile(file: FakeFile) {
      files.set(file.id, file);
    },
    setUser(id: string, user: { tz: string; name: string; email?: string }) {
      users.set(id, user);
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
