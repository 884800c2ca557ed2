import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../accounts/actor.ts';
import type { CampaignForm } from '../../campaigns/form.ts';
import { instantInZone } from '../../campaigns/send-time.ts';
import { findSenderSettings, type Campaign } from '../../db/campaigns.ts';
import { liveTemplates } from '../../db/templates.ts';
import { liveLists } from '../../db/lists.ts';
import { UserError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { campaignFormModal, type CampaignFormMetadata } from '../views/campaign-form.ts';
import { rescheduleModal } from '../views/campaign-prompts.ts';
import { inputValue, pickedValue, selectedValue, selectedValues } from './view-state.ts';

/** The member's Slack time zone (send times default to it); UTC when Slack does not say. */
export async function memberTimeZone(client: WebClient, memberId: string): Promise<string> {
  const info = await client.users.info({ user: memberId }).catch(() => null);
  return info?.user?.tz ?? 'UTC';
}

export async function memberEmail(client: WebClient, memberId: string): Promise<string | null> {
  const info = await client.users.info({ user: memberId }).catch(() => null);
  return info?.user?.profile?.email ?? null;
}

function sendTimeValues(campaign: Campaign | undefined, zone: string): Pick<CampaignForm, 'sendDate' | 'sendTime' | 'timezone'> {
  const timezone = campaign?.timezone ?? zone;
  if (!campaign?.scheduled_at) return { sendDate: '', sendTime: '', timezone };
  const { date, time } = instantInZone(campaign.scheduled_at, timezone);
  return { sendDate: date, sendTime: time, timezone };
}

function valuesOf(campaign: Campaign): Omit<CampaignForm, 'sendDate' | 'sendTime' | 'timezone'> {
  const { segment } = campaign;
  return {
    name: campaign.name,
    templateId: campaign.template_id === null ? '' : String(campaign.template_id),
    subject: campaign.subject,
    body: '',
    fromName: campaign.from_name ?? '',
    fromEmail: campaign.from_email ?? '',
    listIds: campaign.list_ids.map(String),
    tags: segment.tags?.join(', ') ?? '',
    field: segment.field ? `${segment.field.key}=${segment.field.value}` : '',
    engagedDays: segment.engagedWithinDays ? String(segment.engagedWithinDays) : '',
  };
}

/** The templates and lists to pick from; without any, there is nothing to draft yet. */
async function formChoices(services: Services, actor: Actor) {
  const db = services.db.primary;
  const [templates, lists] = await Promise.all([liveTemplates(db, actor.userId), liveLists(db, actor.userId)]);
  if (templates.length === 0) throw new UserError('There are no templates yet. Create one first with `/herald template create`.');
  if (lists.length === 0) throw new UserError('There are no lists yet. Create one first with `/herald list create`.');
  return { templates, lists };
}

/**
 * A template was picked in the open form: the form is shown again as filled in, with the
 * template's subject, unless the member typed a subject of their own.
 */
export async function fillInTemplateSubject(
  services: Services,
  client: WebClient,
  actor: Actor,
  view: SubmittedView & { id: string; hash: string; private_metadata: string },
): Promise<void> {
  const { templates, lists } = await formChoices(services, actor);
  const form = campaignFormFrom(view);
  const picked = templates.find((template) => String(template.id) === form.templateId);
  const ownSubject = form.subject.trim() !== '' && !templates.some((template) => template.subject === form.subject);
  const metadata = JSON.parse(view.private_metadata || '{}') as CampaignFormMetadata;
  const modal = campaignFormModal({
    channel: metadata.channel,
    campaignId: metadata.campaignId === undefined ? undefined : BigInt(metadata.campaignId),
    templates,
    lists,
    values: { ...form, subject: picked && !ownSubject ? picked.subject : form.subject },
  });
  await client.views.update({ view_id: view.id, hash: view.hash, view: modal as never });
}

/** Opens the campaign form: empty for a new campaign (sender defaults, the member's time zone), or filled to edit one. */
export async function openCampaignForm(
  services: Services,
  client: WebClient,
  opening: { triggerId: string; channel: string; actor: Actor; campaign?: Campaign; body?: string },
): Promise<void> {
  const db = services.db.primary;
  const { actor, campaign } = opening;
  const [{ templates, lists }, sender, zone] = await Promise.all([
    formChoices(services, actor),
    findSenderSettings(db, actor.userId),
    memberTimeZone(client, actor.memberId),
  ]);
  const fresh = {
    name: '', templateId: '', subject: '', body: opening.body ?? '', fromName: sender.from_name ?? '', fromEmail: sender.from_email ?? '',
    listIds: [], tags: '', field: '', engagedDays: '',
  };
  const view = campaignFormModal({
    channel: opening.channel,
    campaignId: campaign?.id,
    templates,
    lists,
    values: { ...(campaign ? valuesOf(campaign) : fresh), ...sendTimeValues(campaign, zone) },
  });
  await client.views.open({ trigger_id: opening.triggerId, view: view as never });
}

export async function openRescheduleForm(client: WebClient, opening: { triggerId: string; channel: string; actor: Actor; campaign: Campaign }) {
  const zone = await memberTimeZone(client, opening.actor.memberId);
  const values = sendTimeValues(opening.campaign, zone);
  await client.views.open({ trigger_id: opening.triggerId, view: rescheduleModal(opening.channel, opening.campaign, values) as never });
}

type SubmittedView = Parameters<typeof inputValue>[0];

/** The campaign form as submitted. */
export function campaignFormFrom(view: SubmittedView): CampaignForm {
  return {
    name: inputValue(view, 'name'),
    templateId: selectedValue(view, 'template') ?? '',
    subject: inputValue(view, 'subject'),
    body: inputValue(view, 'body'),
    fromName: inputValue(view, 'from_name'),
    fromEmail: inputValue(view, 'from_email'),
    listIds: selectedValues(view, 'lists'),
    tags: inputValue(view, 'tags'),
    field: inputValue(view, 'field'),
    engagedDays: inputValue(view, 'engaged_days'),
    ...sendTimeFrom(view),
  };
}

export function sendTimeFrom(view: SubmittedView): Pick<CampaignForm, 'sendDate' | 'sendTime' | 'timezone'> {
  return { sendDate: pickedValue(view, 'send_date'), sendTime: pickedValue(view, 'send_time'), timezone: inputValue(view, 'timezone') };
}
