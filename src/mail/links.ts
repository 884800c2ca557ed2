import { decodeEntities, escapeHtml, innerText } from './html-text.ts';

export type FoundLink = { url: string; text: string | null };

const ANCHOR = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const HREF = /(\bhref\s*=\s*)("([^"]*)"|'([^']*)')/i;
const MAX_LINK_TEXT = 200;

/** http(s) links worth tracking; others (mailto:, tel:, #anchors, template leftovers) are left alone. */
export function isTrackable(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The http(s) links of a rendered HTML body with their visible text, each URL once. */
export function findLinks(html: string): FoundLink[] {
  const found = new Map<string, FoundLink>();
  for (const match of html.matchAll(ANCHOR)) {
    const href = HREF.exec(match[1] ?? '');
    if (!href) continue;
    const url = decodeEntities(href[3] ?? href[4] ?? '').trim();
    if (!isTrackable(url) || found.has(url)) continue;
    const text = innerText(match[2] ?? '').slice(0, MAX_LINK_TEXT);
    found.set(url, { url, text: text || null });
  }
  return [...found.values()];
}

/** Replaces each anchor's href with `replace(url)`; anchors for which it returns null stay as they are. */
export function rewriteLinks(html: string, replace: (url: string) => string | null): string {
  return html.replace(ANCHOR, (anchor, attributes: string, inner: string) => {
    const href = HREF.exec(attributes);
    if (!href) return anchor;
    const replacement = replace(decodeEntities(href[3] ?? href[4] ?? '').trim());
    if (replacement === null) return anchor;
    const rewritten = attributes.replace(HREF, `${href[1]}"${escapeHtml(replacement)}"`);
    return `<a${rewritten}>${inner}</a>`;
  });
}
