import { compileHtml, compilePlain, type Render } from '../templates/handlebars.ts';
import { beforeBodyEnd, escapeHtml, htmlToText } from './html-text.ts';

export type CampaignContent = {
  subject: string;
  html: string;
  text: string | null;
  /** the account's postal address (users.settings.postal_address), shown in every footer */
  postalAddress: string | null;
};

export type CompiledCampaign = { subject: Render; html: Render; text: Render | null; postalAddress: string | null };

export type MergeContact = {
  email: string;
  first_name: string | null;
  last_name: string | null;
  custom_fields: Record<string, unknown>;
};

export type Personalised = { subject: string; html: string; text: string };

/** Compiles a campaign's templates once; throws (with Handlebars' line and column) when one is broken. */
export function compileCampaign(content: CampaignContent): CompiledCampaign {
  return {
    subject: compilePlain(content.subject),
    html: compileHtml(content.html),
    text: content.text?.trim() ? compilePlain(content.text) : null,
    postalAddress: content.postalAddress?.trim() || null,
  };
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
  const html = compiled.html(context);
  const text = compiled.text ? compiled.text(context) : htmlToText(html);
  return {
    subject: compiled.subject(context).replace(/[\r\n]+/g, ' ').trim(),
    html: beforeBodyEnd(html, htmlFooter(compiled.postalAddress, unsubscribeUrl)),
    text: `${text.trimEnd()}\n\n${textFooter(compiled.postalAddress, unsubscribeUrl)}`,
  };
}

function htmlFooter(postalAddress: string | null, unsubscribeUrl: string): string {
  const address = postalAddress ? `${escapeHtml(postalAddress).replace(/\r?\n/g, '<br>')}<br>` : '';
  return (
    '<div style="margin-top:32px;font-size:12px;line-height:1.5;color:#6b6b6b;text-align:center">' +
    `${address}<a href="${escapeHtml(unsubscribeUrl)}" style="color:#6b6b6b">Unsubscribe</a></div>`
  );
}

function textFooter(postalAddress: string | null, unsubscribeUrl: string): string {
  return ['--', ...(postalAddress ? [postalAddress] : []), `Unsubscribe: ${unsubscribeUrl}`].join('\n');
}
