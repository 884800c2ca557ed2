import { compileHtml, compilePlain, type Render } from '../templates/handlebars.ts';
import { beforeBodyEnd, escapeHtml, htmlToText } from './html-text.ts';

export type CampaignContent = {
  subject: string;
  html: string;
  text: string | null;
  /** the account's postal address (users.settings.postal_address), shown in every footer */
  postalAddress: string | null;
};

/** The templates with their footers (postal address, unsubscribe link) compiled in. */
export type CompiledCampaign = { subject: Render; html: Render; text: Render };

export type MergeContact = {
  email: string;
  first_name: string | null;
  last_name: string | null;
  custom_fields: Record<string, unknown>;
};

export type Personalised = { subject: string; html: string; text: string };

/**
 * Compiles a campaign's templates once; throws (with Handlebars' line and column) when one
 * is broken. The footers become part of the templates, so a recipient costs three renders.
 */
export function compileCampaign(content: CampaignContent): CompiledCampaign {
  const postalAddress = content.postalAddress?.trim() || null;
  const html = compileHtml(content.html); // checks the template as written, so errors point into it
  const text = content.text?.trim() ? { template: content.text, blocks: false } : derivedText(content.html);
  return {
    subject: compilePlain(content.subject),
    html: compileHtml(beforeBodyEnd(content.html, htmlFooter(postalAddress))),
    text: text === null
      ? withTextFooter((context) => htmlToText(html(context)), postalAddress)
      : textWithFooter(text, postalAddress),
  };
}

const MERGE_TAG = /\{\{\{?[\s\S]*?\}?\}\}/g;
const MARK = /\u0000(\d+)\u0000/g;
/** Text Handlebars must print as it is. */
const literal = (text: string) => text.replace(/\{\{/g, '\\{{');

type TextTemplate = { template: string; blocks: boolean };

/**
 * The text template of a campaign without a text part: its HTML converted to text once,
 * merge tags kept, so each recipient costs a render instead of an HTML-to-text conversion.
 * Braces that only appear once entities are decoded stay literal. Null when the tags do
 * not survive the conversion (a block opened in one HTML tag and closed in another): then
 * each recipient's HTML is converted.
 */
function derivedText(source: string): TextTemplate | null {
  const tags: string[] = [];
  const marked = source.replace(MERGE_TAG, (tag) => `\u0000${tags.push(tag) - 1}\u0000`);
  const template = literal(htmlToText(marked)).replace(MARK, (_mark, index: string) => tags[Number(index)]!);
  try {
    compilePlain(template);
    return { template, blocks: tags.some((tag) => /^\{\{~?[#^]/.test(tag)) };
  } catch {
    return null;
  }
}

function textWithFooter(text: TextTemplate, postalAddress: string | null): Render {
  const render = compilePlain(`${text.template.trimEnd()}\n\n${textFooter(postalAddress)}`);
  // a block that rendered nothing leaves the blank lines around it, which converting would have merged
  return text.blocks ? (context) => render(context).replace(/\n{3,}/g, '\n\n') : render;
}

function withTextFooter(text: Render, postalAddress: string | null): Render {
  const footer = compilePlain(textFooter(postalAddress));
  return (context) => `${text(context).trimEnd()}\n\n${footer(context)}`;
}

/**
 * What a template sees: custom fields by name ({{company}}) and under custom ({{custom.company}}),
 * the contact's own fields (which a custom field of the same name never overrides) and
 * unsubscribe_url. {{…}} escapes every value in HTML; subject and text are plain.
 */
export function mergeContext(contact: MergeContact, unsubscribeUrl: string): Record<string, unknown> {
  return {
    ...contact.custom_fields,
    custom: contact.custom_fields,
    email: contact.email,
    first_name: contact.first_name ?? '',
    last_name: contact.last_name ?? '',
    full_name: [contact.first_name, contact.last_name].filter(Boolean).join(' '),
    unsubscribe_url: unsubscribeUrl,
  };
}

/** Subject, HTML and plain text for one contact, each with the footer (postal address, unsubscribe link). */
export function personalise(compiled: CompiledCampaign, contact: MergeContact, unsubscribeUrl: string): Personalised {
  const context = mergeContext(contact, unsubscribeUrl);
  return {
    subject: compiled.subject(context).replace(/[\r\n]+/g, ' ').trim(),
    html: compiled.html(context),
    text: compiled.text(context),
  };
}

function htmlFooter(postalAddress: string | null): string {
  const address = postalAddress ? `${literal(escapeHtml(postalAddress)).replace(/\r?\n/g, '<br>')}<br>` : '';
  return (
    '<div style="margin-top:32px;font-size:12px;line-height:1.5;color:#6b6b6b;text-align:center">' +
    `${address}<a href="{{unsubscribe_url}}" style="color:#6b6b6b">Unsubscribe</a></div>`
  );
}

function textFooter(postalAddress: string | null): string {
  return ['--', ...(postalAddress ? [literal(postalAddress)] : []), 'Unsubscribe: {{unsubscribe_url}}'].join('\n');
}
