import { escapeHtml } from '../mail/html-text.ts';

/**
 * A campaign body written as plain text (typed in the modal, or taken from a Slack message):
 * blank lines separate paragraphs, http(s) URLs become links, *bold* and _italic_ work as
 * in Slack. Merge fields ({{first_name}}) pass through untouched.
 */

const SLACK_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;

/** Slack message markup (`<url|label>`, `<@U1>`, entities) as text a person would type. */
export function plainTextOfSlackMessage(text: string): string {
  return text
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/<[@#!]([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<[@#!]([^>]+)>/g, '$1')
    .replace(/&(amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity);
}

function inlineHtml(line: string): string {
  let html = '';
  let last = 0;
  for (const match of line.matchAll(URL_PATTERN)) {
    html += emphasis(escapeHtml(line.slice(last, match.index)));
    const url = escapeHtml(match[0]);
    html += `<a href="${url}">${url}</a>`;
    last = match.index + match[0].length;
  }
  return html + emphasis(escapeHtml(line.slice(last)));
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,;:!?])/g, '$1<strong>$2</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,;:!?])/g, '$1<em>$2</em>');
}

export function bodyFromText(text: string): { html: string; text: string } {
  const normalised = text.replace(/\r\n?/g, '\n').trim();
  const paragraphs = normalised.split(/\n{2,}/).filter((p) => p.trim() !== '');
  const html = paragraphs.map((p) => `<p>${p.split('\n').map(inlineHtml).join('<br>\n')}</p>`).join('\n');
  return { html, text: normalised };
}
