import { escapeHtml } from '../mail/html-text.ts';

/** The few pages people see from an email link. Plain HTML, no scripts, no cookies. */

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1d1d1d}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1d1d1d;color:#fff;cursor:pointer}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function confirmUnsubscribePage(email: string): string {
  return page(
    'Unsubscribe',
    `<p>Stop sending emails to <strong>${escapeHtml(email)}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function unsubscribedPage(email: string): string {
  return page('You are unsubscribed', `<p><strong>${escapeHtml(email)}</strong> will not receive these emails any more.</p>`);
}

export function invalidLinkPage(): string {
  return page('This link is not valid', '<p>It may be incomplete or too old. To unsubscribe, reply to the email and ask.</p>');
}

export function testSendPage(): string {
  return page('This was a test email', '<p>The unsubscribe link works in the real campaign; test emails have none.</p>');
}
