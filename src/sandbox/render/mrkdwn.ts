import { escapeHtml, Html } from './html.ts';
import { replaceEmoji } from './emoji.ts';

/** How mentions are shown: member and channel names by id. */
export type Names = { member(id: string): string | undefined; channel(id: string): string | undefined };

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** Slack escapes only &, < and > in message text; undo that before escaping for HTML. */
function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `<…>` entities: links, user/channel mentions, @here and friends. */
function entity(inner: string, names: Names): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${escapeHtml(names.member(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="mention">#${escapeHtml(names.channel(id) ?? label ?? id)}</span>`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0] ?? '';
    const shown = label ?? (['here', 'channel', 'everyone'].includes(special) ? `@${special}` : special);
    return `<span class="mention">${escapeHtml(decodeSlackEntities(shown))}</span>`;
  }
  const url = decodeSlackEntities(target);
  const text = escapeHtml(decodeSlackEntities(label ?? target));
  if (!SAFE_LINK.test(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** Bold, italic, strike and emoji in escaped text (no tags in it yet). */
function inlineStyles(text: string): string {
  const edge = '(^|[\\s(\\[{"\'])';
  const end = '(?=$|[\\s)\\]}.,!?:;"\'])';
  return replaceEmoji(text)
    .replace(new RegExp(`${edge}\\*([^*\\n]+?)\\*${end}`, 'g'), '$1<b>$2</b>')
    .replace(new RegExp(`${edge}_([^_\\n]+?)_${end}`, 'g'), '$1<i>$2</i>')
    .replace(new RegExp(`${edge}~([^~\\n]+?)~${end}`, 'g'), '$1<s>$2</s>');
}

/** One line or paragraph without code blocks: entities and code spans are set aside, the rest styled. */
function inline(text: string, names: Names): string {
  const kept: string[] = [];
  const keep = (markup: string) => `\u0000${kept.push(markup) - 1}\u0000`;
  // code spans first: what is inside them is shown as written, entities included
  const withCode = text.replace(/`([^`\n]+)`/g, (_, code: string) => keep(`<code>${escapeHtml(decodeSlackEntities(code))}</code>`));
  const withEntities = withCode.replace(/<([^<>\n]+)>/g, (_, inner: string) => keep(entity(inner, names)));
  const styled = inlineStyles(escapeHtml(decodeSlackEntities(withEntities)));
  return styled.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)] ?? '');
}

function lines(text: string, names: Names): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of text.split('\n')) {
    const quoted = /^(>|&gt;)\s?(.*)$/.exec(line);
    if (quoted) {
      quote.push(inline(quoted[2] ?? '', names));
      continue;
    }
    flushQuote();
    out.push(inline(line, names));
  }
  flushQuote();
  return out.join('<br>').replace(/<br><blockquote>/g, '<blockquote>').replace(/<\/blockquote><br>/g, '</blockquote>');
}

/** Slack mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes, <links|text>, mentions, :emoji:. */
export function mrkdwn(text: string, names: Names): Html {
  const parts = text.split('```');
  const markup = parts
    .map((part, i) => (i % 2 === 1 && i < parts.length - 1 ? `<pre>${escapeHtml(decodeSlackEntities(part.replace(/^\n/, '')))}</pre>` : lines(part, names)))
    .join('');
  return new Html(markup);
}

/** plain_text objects: escaped, with :emoji: unless emoji is false. */
export function plainText(text: string, emoji = true): Html {
  const escaped = escapeHtml(text).replace(/\n/g, '<br>');
  return new Html(emoji ? replaceEmoji(escaped) : escaped);
}

/** A text object ({type, text}) as HTML. */
export function textObject(object: unknown, names: Names): Html {
  if (!object || typeof object !== 'object') return new Html('');
  const { type, text, emoji } = object as { type?: string; text?: unknown; emoji?: boolean };
  if (typeof text !== 'string') return new Html('');
  return type === 'mrkdwn' ? mrkdwn(text, names) : plainText(text, emoji !== false);
}
