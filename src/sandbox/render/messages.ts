import type { SandboxFile } from '../../db/sandbox/files.ts';
import type { SandboxMessage } from '../../db/sandbox/messages.ts';
import type { SandboxMember } from '../../db/sandbox/workspace.ts';
import { renderBlocks, type BlockContext } from './blocks.ts';
import { html, type Html } from './html.ts';
import { mrkdwn } from './mrkdwn.ts';

export type Shortcut = { callback_id: string; name: string };

export type TimelineContext = BlockContext & {
  viewer: SandboxMember;
  members: ReadonlyMap<string, SandboxMember>;
  files: ReadonlyMap<string, SandboxFile>;
  messageShortcuts: readonly Shortcut[];
};

/** "14:05" in the viewer's time zone, from a message ts. */
function clock(ts: string, timeZone: string): string {
  const date = new Date(Number(ts.split('.')[0]) * 1000);
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(date);
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function fileCard(file: SandboxFile): Html {
  const href = `/sandbox/download/${file.id}`;
  if (file.mimetype.startsWith('image/') && file.uploaded) {
    return html`<a class="file file-image" href="${href}" target="_blank"><img src="${href}?inline=1" alt="${file.title ?? file.name}"></a>`;
  }
  return html`<a class="file" href="${href}" data-file-id="${file.id}"><span class="file-icon">${file.filetype.toUpperCase()}</span><span><b>${file.title ?? file.name}</b><small>${file.name} · ${size(file.size)}</small></span></a>`;
}

function menu(message: SandboxMessage, ctx: TimelineContext, inThread: boolean): Html {
  const reply = inThread ? '' : html`<button type="button" class="msg-menu-item" data-open-thread="${message.thread_ts ?? message.ts}">Reply in thread</button>`;
  const shortcuts = message.visible_to === null
    ? ctx.messageShortcuts.map((s) => html`<button type="button" class="msg-menu-item" data-message-shortcut="${s.callback_id}">${s.name}</button>`)
    : [];
  return html`<div class="msg-menu">${reply}${shortcuts}</div>`;
}

function body(message: SandboxMessage, ctx: TimelineContext): Html {
  const content = message.blocks && message.blocks.length > 0 ? renderBlocks(message.blocks, ctx) : mrkdwn(message.text, ctx.names);
  const files = message.file_ids.map((id) => ctx.files.get(id)).filter((f): f is SandboxFile => f !== undefined);
  return html`<div class="msg-content">${content}</div>${files.length > 0 ? html`<div class="msg-files">${files.map(fileCard)}</div>` : ''}`;
}

function renderMessage(message: SandboxMessage, ctx: TimelineContext, inThread = false): Html {
  const author = ctx.members.get(message.author_id);
  const name = author?.real_name ?? message.author_id;
  const ephemeral = message.visible_to !== null;
  const replies = !inThread && message.reply_count > 0
    ? html`<button type="button" class="thread-link" data-open-thread="${message.ts}">${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}</button>`
    : '';
  return html`<article class="msg${ephemeral ? ' msg-ephemeral' : ''}${author?.is_bot ? ' msg-bot' : ''}" data-container="message" data-channel="${message.channel_id}" data-ts="${message.ts}">
  <div class="avatar" aria-hidden="true">${name.slice(0, 1)}</div>
  <div class="msg-main">
    <div class="msg-meta"><b class="msg-author">${name}</b>${author?.is_bot ? html`<span class="badge">APP</span>` : ''}<time>${clock(message.ts, ctx.viewer.timezone)}</time>${message.edited ? html`<span class="edited">(edited)</span>` : ''}</div>
    ${body(message, ctx)}
    ${ephemeral ? html`<div class="ephemeral-note">Only visible to you</div>` : ''}
    ${replies}
  </div>
  ${menu(message, ctx, inThread)}
</article>`;
}

export function renderTimeline(messages: readonly SandboxMessage[], ctx: TimelineContext): Html {
  if (messages.length === 0) return html`<p class="empty">No messages yet. Type <code>/herald help</code> below to start.</p>`;
  return html`${messages.map((m) => renderMessage(m, ctx))}`;
}

export function renderThread(messages: readonly SandboxMessage[], ctx: TimelineContext): Html {
  const [parent, ...replies] = messages;
  if (!parent) return html`<p class="empty">This thread is gone.</p>`;
  return html`${renderMessage(parent, ctx, true)}<div class="thread-count">${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}</div>${replies.map((m) => renderMessage(m, ctx, true))}`;
}
