import { UniqueIntegrityConstraintViolationError, type CommonQueryMethods } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import {
  deleteDraftCampaign,
  findCampaign,
  findCampaignByName,
  hasRecipients,
  insertCampaign,
  lockCampaign,
  recordCampaignAudit,
  replaceCampaignLists,
  transitionCampaign,
  markContentEditor,
  updateCampaignContent,
  VOID_APPROVAL,
  campaignContentHash,
  type Campaign,
  type CampaignStatus,
} from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import { UserError } from '../errors.ts';
import { contentOf, validateCampaignForm, validateSendTime, type CampaignForm, type SendTimeForm, type ValidDraft } from './form.ts';

/** Statuses whose content may still change; past them the campaign is being (or was) sent. */
const EDITABLE: readonly CampaignStatus[] = ['draft', 'pending_approval', 'approved', 'scheduled', 'paused'];

export async function requireCampaign(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Campaign> {
  const campaign = await findCampaign(db, actor.userId, campaignId);
  if (!campaign) throw new UserError('That campaign no longer exists.');
  return campaign;
}

export async function requireCampaignNamed(db: DatabasePool, actor: Actor, name: string): Promise<Campaign> {
  const campaign = await findCampaignByName(db, actor.userId, name.trim());
  if (!campaign) throw new UserError(`There is no campaign called “${name}”. \`/herald campaigns\` lists them.`);
  return campaign;
}

function nameTaken(name: string): UserError {
  return UserError.field('name', `There is already a campaign called “${name}”. Pick another name.`);
}

/** A new draft from the campaign form, with its audit row; nothing is written when a value is wrong. */
export async function createCampaign(db: DatabasePool, actor: Actor, form: CampaignForm, now = new Date()): Promise<Campaign> {
  const draft = await validateCampaignForm(db, actor.userId, form, { now });
  try {
    const campaignId = await db.transaction((tx) => insertDraft(tx, actor, draft, { template: draft.templateName }));
    return await requireCampaign(db, actor, campaignId);
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) throw nameTaken(draft.name);
    throw error;
  }
}

/**
 * Writes a new draft with its lists and its creation audit row; run it inside a transaction.
 * Also used for drafts made from another campaign (resend to non-openers).
 */
export async function insertDraft(
  tx: CommonQueryMethods,
  actor: Actor,
  draft: Pick<ValidDraft, 'name' | 'content' | 'listIds'>,
  auditPayload: Record<string, unknown>,
): Promise<bigint> {
  const id = await insertCampaign(tx, actor.userId, { name: draft.name, ...draft.content, createdBy: actor.memberId });
  await replaceCampaignLists(tx, actor.userId, id, draft.listIds);
  await recordCampaignAudit(tx, actor.userId, id, {
    actor: actor.memberId, action: 'create', fromStatus: null, toStatus: 'draft', payload: auditPayload,
  });
  return id;
}

export type EditResult = {
  campaign: Campaign;
  /** What changed of the content an approval covers, in words. */
  changes: readonly string[];
  /** Set when the edit sent a campaign past draft back to draft: the status it had. */
  resetFrom: CampaignStatus | null;
};

/**
 * Saves the campaign form over an existing campaign. Any change to what is sent, to whom or
 * when (the content hash) of a campaign past draft sends it back to draft: its approval is void.
 */
export async function editCampaign(db: DatabasePool, actor: Actor, campaignId: bigint, form: CampaignForm, now = new Date()): Promise<EditResult> {
  const before = await requireCampaign(db, actor, campaignId);
  await requireEditable(db, actor, before);
  const draft = await validateCampaignForm(db, actor.userId, form, { now, current: before });
  return saveDraft(db, actor, campaignId, draft);
}

/** A new send time: an edit like any other (a campaign past draft needs a new approval). */
export async function rescheduleCampaign(db: DatabasePool, actor: Actor, campaignId: bigint, form: SendTimeForm, now = new Date()): Promise<EditResult> {
  const before = await requireCampaign(db, actor, campaignId);
  await requireEditable(db, actor, before);
  const schedule = validateSendTime(form, now);
  // the rest of the content as it is once locked: a colleague's edit saved meanwhile stays
  return saveDraft(db, actor, campaignId, (locked) => ({
    name: locked.name, listIds: locked.list_ids, templateName: '', content: { ...contentOf(locked), ...schedule },
  }));
}

/**
 * Writes a validated draft (or the one built from the campaign as locked); `changes` names
 * the changed parts for people, the hash decides.
 */
async function saveDraft(db: DatabasePool, actor: Actor, campaignId: bigint, draftOf: ValidDraft | ((locked: Campaign) => ValidDraft)): Promise<EditResult> {
  let draft: ValidDraft | undefined;
  try {
    const saved = await db.transaction(async (tx) => {
      const locked = await lockCampaign(tx, actor.userId, campaignId);
      if (!locked) throw new UserError('That campaign no longer exists.');
      await requireEditable(tx, actor, locked);
      draft = typeof draftOf === 'function' ? draftOf(locked) : draftOf;
      await replaceCampaignLists(tx, actor.userId, campaignId, draft.listIds);
      await updateCampaignContent(tx, actor.userId, campaignId, { name: draft.name, content: draft.content });
      const changes = contentChanges(locked, draft);
      const hashChanged = (await campaignContentHash(tx, actor.userId, campaignId)) !== locked.content_hash;
      if (hashChanged) await markContentEditor(tx, actor.userId, campaignId, actor.memberId);
      if (!hashChanged || locked.status === 'draft') {
        await recordCampaignAudit(tx, actor.userId, campaignId, {
          actor: actor.memberId, action: 'edit', fromStatus: locked.status, toStatus: locked.status, payload: { changes },
        });
        return { changes, resetFrom: null };
      }
      await transitionCampaign(tx, actor.userId, campaignId, {
        actor: actor.memberId, action: 'edit_reset', from: [locked.status], to: 'draft', set: VOID_APPROVAL, payload: { changes },
      });
      return { changes, resetFrom: locked.status };
    });
    return { campaign: await requireCampaign(db, actor, campaignId), ...saved };
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError && draft) throw nameTaken(draft.name);
    throw error;
  }
}

async function requireEditable(db: CommonQueryMethods, actor: Actor, campaign: Campaign): Promise<void> {
  const started = campaign.status === 'paused' && (await hasRecipients(db, actor.userId, campaign.id));
  if (!EDITABLE.includes(campaign.status) || started) {
    throw new UserError(`“${campaign.name}” is ${campaign.status.replace('_', ' ')}${started ? ' part-way through sending' : ''}; its content can no longer change.`);
  }
}

/** What an edit changes of the content an approval covers, in words (empty: nothing). */
export function contentChanges(campaign: Campaign, draft: ValidDraft): string[] {
  const { content } = draft;
  const changed = (label: string, same: boolean) => (same ? [] : [label]);
  return [
    ...changed('subject', campaign.subject === content.subject),
    ...changed('body', campaign.html_content === content.html && campaign.text_content === content.text),
    ...changed('sender', campaign.from_name === content.fromName && campaign.from_email === content.fromEmail),
    ...changed('lists', campaign.list_ids.join() === draft.listIds.join()),
    ...changed('audience filter', JSON.stringify(campaign.segment) === JSON.stringify(content.segment)),
    ...changed('send time',
      campaign.scheduled_at?.getTime() === content.scheduledAt?.getTime() && campaign.timezone === content.timezone),
  ];
}

/** Deletes a draft; campaigns past draft are cancelled instead, so their history stays. */
export async function deleteDraft(db: DatabasePool, actor: Actor, campaign: Campaign): Promise<void> {
  const deleted = await db.transaction(async (tx) => {
    const done = await deleteDraftCampaign(tx, actor.userId, campaign.id);
    if (done) await recordCampaignAudit(tx, actor.userId, campaign.id, { actor: actor.memberId, action: 'delete', fromStatus: 'draft', toStatus: null });
    return done;
  });
  if (!deleted) {
    throw new UserError(`“${campaign.name}” is ${campaign.status.replace('_', ' ')}, not a draft: only drafts can be deleted. Cancel it instead.`);
  }
}
