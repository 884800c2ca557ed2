import { UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import { findContactByEmail } from '../db/contacts.ts';
import type { DatabasePool } from '../db/pool.ts';
import { findTemplateByName, insertTemplate, liveTemplates, softDeleteTemplate, updateTemplate, type Template } from '../db/templates.ts';
import { normalizeEmail } from '../contacts/fields.ts';
import { UserError } from '../errors.ts';
import { compileCampaign, personalise, type MergeContact, type Personalised } from '../mail/render.ts';
import { mergeFieldsOf } from './merge-fields.ts';
import { templateProblems } from './validate.ts';

export type TemplateForm = { name: string; subject: string; html: string; text: string };

export const TEMPLATE_NAME_MAX = 80;
export const SUBJECT_MAX = 998;
/** Slack's limit for one text input; the modal is where templates are written. */
export const BODY_MAX = 3000;
const PREVIEW_UNSUBSCRIBE_URL = 'https://herald.invalid/u/preview';

function missingParts(name: string, subject: string, html: string): Record<string, string> {
  const errors: Record<string, string> = {};
  if (name === '') errors.name = 'Give the template a name.';
  else if (name.length > TEMPLATE_NAME_MAX) errors.name = `Keep the name under ${TEMPLATE_NAME_MAX} characters.`;
  if (subject === '') errors.subject = 'Write a subject line.';
  else if (subject.length > SUBJECT_MAX) errors.subject = `Keep the subject under ${SUBJECT_MAX} characters.`;
  if (html.trim() === '') errors.html = 'Write the HTML body.';
  return errors;
}

function parseForm(form: TemplateForm) {
  const name = form.name.trim();
  const subject = form.subject.replace(/[\r\n]+/g, ' ').trim();
  const text = form.text.trim() === '' ? null : form.text;
  const missing = missingParts(name, subject, form.html);
  const errors: Record<string, string> = Object.keys(missing).length ? missing : templateProblems({ subject, html: form.html, text });
  const [first] = Object.values(errors);
  if (first) throw new UserError(first, errors);
  return { name, subject, html: form.html, text, mergeFields: mergeFieldsOf(subject, form.html, text) };
}

async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) throw UserError.field('name', `There is already a template called “${name}”.`);
    throw error;
  }
}

/**
 * Creates a template, or replaces the one with `templateId`. Every part must compile with
 * Herald's Handlebars; problems come back per field with their line. The merge fields the
 * template reads are stored with it.
 */
export async function saveTemplate(db: DatabasePool, actor: Actor, form: TemplateForm, templateId?: bigint): Promise<Template> {
  const content = parseForm(form);
  if (templateId === undefined) return uniqueName(content.name, () => insertTemplate(db, actor.userId, content, actor.memberId));
  const updated = await uniqueName(content.name, () => updateTemplate(db, actor.userId, templateId, content));
  if (!updated) throw new UserError('That template no longer exists.');
  return updated;
}

/** The actor's templates; with `nameContains`, those whose name contains it. */
export function templatesOf(db: DatabasePool, actor: Actor, nameContains?: string): Promise<readonly Template[]> {
  return liveTemplates(db, actor.userId, nameContains);
}

export async function requireTemplate(db: DatabasePool, actor: Actor, name: string): Promise<Template> {
  const template = await findTemplateByName(db, actor.userId, name.trim());
  if (!template) throw new UserError(`There is no template called “${name}”. \`/herald template list\` shows your templates.`);
  return template;
}

export async function deleteTemplate(db: DatabasePool, actor: Actor, templateId: bigint): Promise<Template> {
  const deleted = await softDeleteTemplate(db, actor.userId, templateId);
  if (!deleted) throw new UserError('That template was already deleted.');
  return deleted;
}

/** A stand-in contact whose custom fields show their own names, so the preview shows where each goes. */
function sampleContact(template: Template): MergeContact {
  const builtIn = new Set(['email', 'first_name', 'last_name', 'full_name', 'unsubscribe_url', 'custom']);
  const fields = template.merge_fields.map((field) => field.replace(/^custom\./, '')).filter((field) => !builtIn.has(field) && !field.includes('.'));
  return { email: 'sam@example.com', first_name: 'Sam', last_name: 'Sample', custom_fields: Object.fromEntries(fields.map((field) => [field, `[${field}]`])) };
}

/** Renders a template for a real contact of the account (by email) or a sample one. */
export async function previewTemplate(db: DatabasePool, actor: Actor, template: Template, email?: string): Promise<Personalised & { contact: string }> {
  let contact = sampleContact(template);
  if (email !== undefined) {
    const normalized = normalizeEmail(email);
    const found = normalized ? await findContactByEmail(db, actor.userId, normalized) : null;
    if (!found) throw new UserError(`There is no contact “${email}” in this account to preview with.`);
    contact = found;
  }
  const compiled = compileCampaign({ subject: template.subject, html: template.html_content, text: template.text_content, postalAddress: null });
  return { ...personalise(compiled, contact, PREVIEW_UNSUBSCRIBE_URL), contact: contact.email };
}
