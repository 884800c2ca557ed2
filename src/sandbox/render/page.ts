import type { SandboxChannel, SandboxMember } from '../../db/sandbox/workspace.ts';
import type { AppFeatures } from '../manifest.ts';
import { html, type Html } from './html.ts';

export type PageModel = {
  members: readonly SandboxMember[];
  channels: readonly SandboxChannel[];
  features: AppFeatures;
  defaultChannel: string;
};

function layout(title: string, bodyClass: string, content: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/assets/sandbox.css">
</head>
<body class="${bodyClass}">
${content}
</body>
</html>`;
}

/** What Slack's client shows instead of a message box in a read-only Messages tab. */
export const MESSAGES_TAB_OFF = 'Sending messages to this app has been turned off.';

/** The sandbox page: workspace sidebar, channel, thread pane, composer; app.js fills in the live parts. */
export function renderPage(model: PageModel): Html {
  const people = model.members.filter((m) => !m.is_bot);
  const channels = model.channels.filter((c) => c.im_member === null);
  const content = html`<header class="topbar">
  <div class="brand">Herald <span>sandbox</span></div>
  <label class="acting">Acting as
    <select id="member" aria-label="Acting as">${people.map((m) => html`<option value="${m.id}">${m.real_name.split(' ')[0]} (${m.title})</option>`)}</select>
  </label>
  <a class="outbox-link" href="/sandbox/outbox" target="_blank">Outbox</a>
</header>
<div class="workspace" data-default-channel="${model.defaultChannel}" data-messages-tab-read-only="${String(model.features.messagesTabReadOnly)}">
  <nav class="sidebar" aria-label="Channels">
    <h3>Channels</h3>
    <ul>${channels.map((c) => html`<li><a href="#${c.id}" data-channel-link="${c.id}"># ${c.name}</a></li>`)}</ul>
    <h3>Apps</h3>
    <ul><li><a href="#home" data-channel-link="home">Herald</a></li></ul>
    <p class="hint">Switch members above to act as someone else — an approver can't approve their own campaign.</p>
  </nav>
  <main class="channel" id="channel">
    <header class="channel-header"><h1 id="channel-title"></h1><div class="tabs" id="home-tabs" hidden><button type="button" data-tab="home" class="active">Home</button><button type="button" data-tab="messages">Messages</button></div></header>
    <section id="timeline" class="timeline" aria-live="polite"></section>
    <section id="home" class="home-pane" hidden></section>
    <form id="composer" class="composer" autocomplete="off">
      <div id="drop-hint" class="drop-hint" hidden>Drop a file to share it here</div>
      <input id="message" name="message" type="text" placeholder="Message, or ${model.features.commands[0]?.command ?? '/herald'} help" aria-label="Message">
      <label class="attach" title="Upload a file (or drop one here)">Upload file<input id="file" type="file" hidden></label>
      ${model.features.globalShortcuts.length > 0 ? html`<select id="shortcuts" aria-label="Shortcuts"><option value="">⚡</option>${model.features.globalShortcuts.map((s) => html`<option value="${s.callback_id}">${s.name}</option>`)}</select>` : ''}
      <button type="submit">Send</button>
    </form>
    <p id="messages-tab-off" class="composer-off" hidden>${MESSAGES_TAB_OFF}</p>
    <div id="toast" class="toast" role="status" hidden></div>
  </main>
  <aside id="thread" class="thread" hidden>
    <header class="thread-header"><h2>Thread</h2><button type="button" id="close-thread" aria-label="Close thread">×</button></header>
    <section id="thread-messages" class="timeline"></section>
    <form id="thread-composer" class="composer" autocomplete="off"><input id="thread-message" type="text" placeholder="Reply…" aria-label="Reply"><button type="submit">Send</button></form>
  </aside>
</div>
<div id="modal-root" class="modal-root" hidden></div>
<div id="confirm-root" class="modal-root" hidden></div>
<script src="/sandbox/assets/sandbox.js" defer></script>`;
  return layout('Herald sandbox', 'sandbox', content);
}

export { layout };
