import { html, type Html } from '../render/html.ts';
import { layout } from '../render/page.ts';
import type { Email, EmailSummary } from './mailbox.ts';

function when(date: Date | null): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '';
}

export function renderOutbox(list: { total: number; emails: readonly EmailSummary[] }): Html {
  const rows = list.emails.map(
    (e) => html`<tr><td><a href="/sandbox/outbox/${e.name}">${e.subject}</a></td><td>${e.to}</td><td>${e.from}</td><td>${when(e.date)}</td></tr>`,
  );
  const body = list.emails.length === 0
    ? html`<p class="empty">No emails yet. Campaigns sent without SMTP_URL are written to the outbox and show up here.</p>`
    : html`<p>${list.total} email${list.total === 1 ? '' : 's'}${list.total > list.emails.length ? html`, the newest ${list.emails.length} shown` : ''}.</p>
<table class="outbox"><thead><tr><th>Subject</th><th>To</th><th>From</th><th>Written</th></tr></thead><tbody>${rows}</tbody></table>`;
  return layout('Outbox · Herald sandbox', 'outbox-page', html`<header class="topbar"><div class="brand">Herald <span>outbox</span></div><a class="outbox-link" href="/sandbox">Back to the sandbox</a></header>
<main class="page"><h1>Outbox</h1>${body}</main>`);
}

/** Links in the List-Unsubscribe header ("<https://…>, <mailto:…>"). */
function unsubscribeLinks(headers: Email['headers']): string[] {
  const value = headers.find(([key]) => key === 'list-unsubscribe')?.[1] ?? '';
  return [...value.matchAll(/<([^>]+)>/g)].map((m) => m[1] ?? '').filter((url) => /^https?:\/\//.test(url));
}

export function renderEmail(email: Email): Html {
  const headers = email.headers.map(([key, value]) => html`<tr><th>${key}</th><td>${value}</td></tr>`);
  const unsubscribe = unsubscribeLinks(email.headers).map((url) => html`<a class="bk-button" href="${url}" target="_blank" rel="noopener">Unsubscribe (List-Unsubscribe)</a>`);
  const htmlPart = email.html
    ? html`<h2>HTML</h2><iframe class="email-frame" title="Email HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/sandbox/outbox/${email.name}/html"></iframe>`
    : '';
  const textPart = email.text ? html`<h2>Text</h2><pre class="email-text">${email.text}</pre>` : '';
  return layout(`${email.subject} · Outbox`, 'outbox-page', html`<header class="topbar"><div class="brand">Herald <span>outbox</span></div><a class="outbox-link" href="/sandbox/outbox">All emails</a></header>
<main class="page email">
<h1>${email.subject}</h1>
<p class="email-meta">To <b>${email.to}</b> from ${email.from} · ${when(email.date)}</p>
<p class="hint">Links and the open pixel in this email are live: opening it records an open, clicking a link records a click.</p>
${unsubscribe}
${htmlPart}
${textPart}
<details><summary>Headers</summary><table class="headers">${headers}</table></details>
</main>`);
}

/** The email's own HTML for the sandboxed frame: links open in a new tab, like a mail client does. */
export function framedEmail(markup: string): string {
  const base = '<base target="_blank">';
  return /<head[^>]*>/i.test(markup) ? markup.replace(/<head[^>]*>/i, (head) => `${head}${base}`) : `${base}${markup}`;
}
