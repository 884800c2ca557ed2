import { z } from 'zod';
import { fieldKey, normalizeEmail, parseTags } from '../contacts/fields.ts';
import {
  findCampaignByName,
  findLiveLists,
  type Campaign,
  type CampaignContent,
} from '../db/campaigns.ts';
import { findTemplate, type Template } from '../db/templates.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import { compileCampaign } from '../mail/render.ts';
import { templateProblems } from '../templates/validate.ts';
import { parseSegment, type Segment } from '../recipients/segment.ts';
import { bodyFromText } from './message-body.ts';
import { isTimeZone, zonedTimeToInstant } from './send-time.ts';

/** What the campaign form holds, as typed: every value a string ('' when left empty). */
export type CampaignForm = {
  name: string;
  templateId: string;
  subject: string;
  body: string;
  fromName: string;
  fromEmail: string;
  listIds: readonly string[];
  tags: string;
  field: string;
  engagedDays: string;
  sendDate: string;
  sendTime: string;
  timezone: string;
};

/** The form's inputs; field errors are keyed by these (the modal uses them as block ids). */
export const CAMPAIGN_FIELDS = [
  'name', 'template', 'subject', 'body', 'from_name', 'from_email', 'lists', 'tags', 'field', 'engaged_days',
  'send_date', 'send_time', 'timezone',
] as const;
export type CampaignField = (typeof CAMPAIGN_FIELDS)[number];

export const CAMPAIGN_NAME_MAX = 80;

export type ValidDraft = { name: string; content: CampaignContent; listIds: readonly bigint[]; templateName: string };

type Errors = Partial<Record<CampaignField, string>>;

const Name = z.string().trim().min(1, 'Give the campaign a name.').max(CAMPAIGN_NAME_MAX, `Keep the name under ${CAMPAIGN_NAME_MAX} characters.`);
const Subject = z.string().trim().max(998, 'Keep the subject under 998 characters.');
const FromName = z.string().trim().max(255, 'Keep the from name under 255 characters.').refine((v) => !/[\r\n"<>]/.test(v), 'The from name cannot contain quotes, angle brackets or line breaks.');
const EngagedDays = z.coerce.number().int('Enter a whole number of days.').min(1, 'Enter at least 1 day.').max(3650, 'Enter at most 3650 days.');

/**
 * Checks every input of the campaign form and returns the campaign it describes, or throws a
 * UserError with one message per input at fault (nothing is written either way). `current`
 * is the campaign being edited: its body is kept unless a new body or another template is chosen.
 */
export async function validateCampaignForm(
  db: DatabasePool,
  userId: string,
  form: CampaignForm,
  options: { now: Date; current?: Campaign },
): Promise<ValidDraft> {
  const errors: Errors = {};
  const name = checked(Name, form.name, 'name', errors);
  if (name !== undefined) await checkNameFree(db, userId, name, options.current, errors);
  const template = await checkTemplate(db, userId, form.templateId, errors);
  const listIds = await checkLists(db, userId, form.listIds, errors);
  const fromEmail = normalizeEmail(form.fromEmail);
  if (fromEmail === null) {
    errors.from_email = form.fromEmail.trim()
      ? `“${form.fromEmail.trim()}” is not an email address. Use one like news@example.com.`
      : 'Enter the address the campaign is sent from, like news@example.com.';
  }
  const fromName = checked(FromName, form.fromName, 'from_name', errors);
  const segment = checkSegment(form, errors);
  const schedule = checkSchedule(form, options.now, errors);
  const content = template ? checkContent(form, template, options.current, errors) : undefined;

  if (Object.keys(errors).length > 0 || !name || !template || !listIds || !fromEmail || fromName === undefined || !segment || !schedule || !content) {
    throw formError(errors);
  }
  return {
    name,
    templateName: template.name,
    listIds,
    content: {
      templateId: template.id,
      ...content,
      fromName: fromName || null,
      fromEmail,
      replyTo: options.current?.reply_to ?? null,
      segment,
      ...schedule,
    },
  };
}

function formError(errors: Errors): UserError {
  const first = Object.values(errors)[0] ?? 'Please check the form.';
  return new UserError(first, errors);
}

function checked<T>(schema: z.ZodType<T>, value: string, field: CampaignField, errors: Errors): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  errors[field] = parsed.error.issues[0]?.message ?? 'Invalid value.';
  return undefined;
}

async function checkNameFree(db: DatabasePool, userId: string, name: string, current: Campaign | undefined, errors: Errors) {
  const existing = await findCampaignByName(db, userId, name);
  if (existing && existing.id !== current?.id) errors.name = `There is already a campaign called “${name}”. Pick another name.`;
}

async function checkTemplate(db: DatabasePool, userId: string, templateId: string, errors: Errors) {
  if (!templateId) {
    errors.template = 'Pick a template.';
    return undefined;
  }
  const template = /^\d{1,18}$/.test(templateId) ? await findTemplate(db, userId, BigInt(templateId)) : null;
  if (!template) errors.template = 'That template does not exist (any more). Pick another one.';
  return template ?? undefined;
}

async function checkLists(db: DatabasePool, userId: string, listIds: readonly string[], errors: Errors) {
  if (listIds.length === 0) {
    errors.lists = 'Pick at least one list to send to.';
    return undefined;
  }
  const ids = listIds.filter((id) => /^\d{1,18}$/.test(id)).map(BigInt);
  const found = ids.length === listIds.length ? await findLiveLists(db, userId, ids) : [];
  if (found.length !== new Set(listIds).size) {
    errors.lists = 'A list you picked does not exist (any more). Pick the lists again.';
    return undefined;
  }
  return found.map((list) => list.id).sort((a, b) => (a < b ? -1 : 1));
}

function checkSegment(form: CampaignForm, errors: Errors): Segment | undefined {
  const segment: Record<string, unknown> = {};
  const tags = parseTags(form.tags);
  if (tags.length > 0) segment.tags = tags;
  if (form.field.trim()) {
    const separator = form.field.indexOf('=');
    const key = separator > 0 ? fieldKey(form.field.slice(0, separator)) : null;
    if (key === null) errors.field = 'Write the custom field condition as field=value, e.g. plan=pro.';
    else segment.field = { key, value: form.field.slice(separator + 1).trim() };
  }
  if (form.engagedDays.trim()) {
    const days = checked(EngagedDays, form.engagedDays.trim(), 'engaged_days', errors);
    if (days !== undefined) segment.engagedWithinDays = days;
  }
  const parsed = parseSegment(segment);
  if ('error' in parsed) {
    errors.tags ??= parsed.error;
    return undefined;
  }
  return parsed.segment;
}

export type SendTimeForm = Pick<CampaignForm, 'sendDate' | 'sendTime' | 'timezone'>;

/** A new send time on its own (Reschedule), or a UserError on the inputs at fault. */
export function validateSendTime(form: SendTimeForm, now: Date): { scheduledAt: Date | null; timezone: string | null } {
  const errors: Errors = {};
  const schedule = checkSchedule(form, now, errors);
  if (!schedule) throw formError(errors);
  return schedule;
}

/** The content of an existing campaign, to change one part of it. */
export function contentOf(campaign: Campaign): CampaignContent {
  return {
    templateId: campaign.template_id,
    subject: campaign.subject,
    html: campaign.html_content,
    text: campaign.text_content,
    fromName: campaign.from_name,
    fromEmail: campaign.from_email ?? '',
    replyTo: campaign.reply_to,
    segment: campaign.segment,
    scheduledAt: campaign.scheduled_at,
    timezone: campaign.timezone,
  };
}

function checkSchedule(form: SendTimeForm, now: Date, errors: Errors): { scheduledAt: Date | null; timezone: string | null } | undefined {
  const zone = form.timezone.trim();
  if (zone && !isTimeZone(zone)) {
    errors.timezone = `“${zone}” is not a time zone. Use a name like Europe/Berlin or America/New_York.`;
    return undefined;
  }
  if (!form.sendDate && !form.sendTime) return { scheduledAt: null, timezone: zone || null };
  if (!form.sendDate) errors.send_date = 'Pick a date for the send time, or clear the time.';
  if (!form.sendTime) errors.send_time = 'Pick a time for the send date, or clear the date.';
  if (!zone) errors.timezone = 'Enter the time zone of the send time, like Europe/Berlin.';
  if (!form.sendDate || !form.sendTime || !zone) return undefined;
  const scheduledAt = zonedTimeToInstant(form.sendDate, form.sendTime, zone);
  if (!scheduledAt) {
    errors.send_date = 'That is not a valid date and time.';
    return undefined;
  }
  if (scheduledAt.getTime() <= now.getTime()) {
    const field = form.sendDate < todayIn(now, zone) ? 'send_date' : 'send_time';
    errors[field] = 'That send time is in the past. Pick a later time, or leave date and time empty to decide after approval.';
    return undefined;
  }
  return { scheduledAt, timezone: zone };
}

function todayIn(now: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Subject and body: typed, kept from the campaign, or copied from the template, and checked to compile. */
function checkContent(form: CampaignForm, template: Template, current: Campaign | undefined, errors: Errors) {
  const subject = checked(Subject, form.subject, 'subject', errors) || template.subject.trim();
  if (!subject) errors.subject ??= 'Enter a subject (the template has none).';
  const sameTemplate = current !== undefined && current.template_id === template.id;
  const body = form.body.trim()
    ? bodyFromText(form.body)
    : sameTemplate
      ? { html: current.html_content, text: current.text_content }
      : { html: template.html_content, text: template.text_content };
  const problem = contentProblem({ subject, html: body.html, text: body.text });
  if (problem) errors[problem.field === 'subject' || form.body.trim() ? problem.field : 'template'] = problem.message;
  return subject ? { subject, html: body.html, text: body.text } : undefined;
}

type ContentProblem = { field: 'subject' | 'body'; message: string };

/** What templates may not do (unescaped HTML output, partials, internals) applies to a typed body too, then it must compile. */
function contentProblem(content: { subject: string; html: string; text: string | null }): ContentProblem | null {
  const problems = templateProblems(content);
  if (problems.subject) return { field: 'subject', message: `The subject has a template error: ${problems.subject}` };
  const body = problems.html ?? problems.text;
  if (body) return { field: 'body', message: `The body has a template error: ${body}` };
  return compileProblem(content);
}

function compileProblem(content: { subject: string; html: string; text: string | null }): ContentProblem | null {
  const attempt = (field: 'subject' | 'body', source: { subject: string; html: string; text: string | null }) => {
    try {
      compileCampaign({ ...source, postalAddress: null });
      return null;
    } catch (error) {
      const firstLine = String((error as Error).message).split('\n')[0];
      return { field, message: `The ${field} has a template error: ${firstLine}` };
    }
  };
  return attempt('subject', { subject: content.subject, html: '', text: null }) ?? attempt('body', { ...content, subject: '' });
}
