import { sql } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import { requireRole } from '../accounts/roles.ts';
import {
  holdOverdueCampaigns,
  isCampaignAuthor,
  lastPauseAction,
  transitionCampaign,
  type AuditEntry,
  type Campaign,
  type CampaignStatus,
  type HeldCampaign,
  type Transition,
  writtenBy,
} from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import { CANCELLED_REASON, skipPending } from '../db/recipients.ts';
import { SENDING_ENDS } from '../delivery/transitions.ts';
import { UserError } from '../errors.ts';
import { computePreflight, type Preflight } from './preflight.ts';
import { previewCampaign } from './preview.ts';
import { requireCampaign } from './drafts.ts';

/**
 * The campaign state machine:
 *   draft → pending_approval → approved → scheduled → sending → sent
 *   paused from scheduled/sending (or held: scheduled but overdue), cancelled from any state
 *   before sent, failed when sending cannot continue; any content edit → draft.
 * Each step here is one conditional UPDATE with its audit row (db/campaigns.ts transitionCampaign).
 * When the UPDATE matches nothing, the campaign is read again to say why, so a double click,
 * two approvers at once or a stale button get a clear sentence instead of a second change.
 */

export type Step = { campaign: Campaign; entry: AuditEntry };

const STATUS_WORDS: Record<CampaignStatus, string> = {
  draft: 'a draft',
  pending_approval: 'waiting for approval',
  approved: 'approved',
  scheduled: 'scheduled',
  sending: 'being sent',
  sent: 'sent',
  paused: 'paused',
  cancelled: 'cancelled',
  failed: 'failed',
};

export function describeStatus(campaign: Pick<Campaign, 'status' | 'held_at'>): string {
  return campaign.status === 'paused' && campaign.held_at ? 'held (its send time passed while Herald was down)' : STATUS_WORDS[campaign.status];
}

async function step(db: DatabasePool, actor: Actor, campaign: Campaign, transition: Transition, whyNot: (now: Campaign) => string): Promise<Step> {
  const entry = await transitionCampaign(db, actor.userId, campaign.id, transition);
  const now = await requireCampaign(db, actor, campaign.id);
  if (!entry) throw new UserError(whyNot(now));
  return { campaign: now, entry };
}

function isAuthor(campaign: Campaign, memberId: string): boolean {
  return campaign.created_by === memberId || campaign.edited_by === memberId;
}

function notInState(campaign: Campaign, wanted: string): string {
  return `“${campaign.name}” is ${describeStatus(campaign)}, so it cannot be ${wanted}. Nothing was changed.`;
}

export async function requestApproval(
  db: DatabasePool,
  actor: Actor,
  campaign: Campaign,
  options: { unsubscribeMailto: boolean },
): Promise<Step & { preflight: Preflight }> {
  if (campaign.status !== 'draft') throw new UserError(notInState(campaign, 'sent for approval'));
  const preflight = await computePreflight(db, campaign, options);
  if (preflight.recipients === 0) {
    throw new UserError(`“${campaign.name}” would reach nobody: its lists have no subscribed contacts that match. Nothing was changed.`);
  }
  const done = await step(db, actor, campaign, { actor: actor.memberId, action: 'request_approval', from: ['draft'], to: 'pending_approval' },
    (now) => notInState(now, 'sent for approval'));
  return { ...done, preflight };
}

/**
 * Four-eyes approval of exactly the content the approver saw (`seenHash`): only approvers and
 * admins, never the campaign's author or last editor, and only while it waits for approval.
 */
export async function approveCampaign(db: DatabasePool, actor: Actor, campaignId: bigint, seenHash: string, comment: string): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  await requireMayApprove(db, actor, campaign);
  return step(db, actor, campaign, {
    actor: actor.memberId,
    action: 'approve',
    from: ['pending_approval'],
    to: 'approved',
    set: sql.fragment`, approved_hash = ${seenHash}, approved_by = ${actor.memberId}, approved_at = now()`,
    when: sql.fragment`AND campaign_content_hash(c) = ${seenHash} AND NOT ${writtenBy(actor.memberId)}`,
    payload: comment ? { comment } : {},
  }, (now) => whyNotApproved(now, seenHash, actor.memberId));
}

/** Approvers and admins who wrote none of it: not its creator, nor anyone whose edit changed its content. */
async function requireMayApprove(db: DatabasePool, actor: Actor, campaign: Campaign): Promise<void> {
  requireRole(actor, 'approver', 'approve campaigns');
  if (await isCampaignAuthor(db, actor.userId, campaign.id, actor.memberId)) {
    throw new UserError(ownCampaign(campaign));
  }
}

export type ApprovalReview = { campaign: Campaign; preflight: Preflight; preview: Awaited<ReturnType<typeof previewCampaign>> };

/**
 * The campaign `actor` is about to decide on. Refused up front (a few key lookups, no
 * pre-flight) for people who may not decide, or when there is nothing to decide.
 */
export async function campaignToReview(db: DatabasePool, actor: Actor, campaignId: bigint, decision: 'approve' | 'reject'): Promise<Campaign> {
  const campaign = await requireCampaign(db, actor, campaignId);
  if (decision === 'approve') await requireMayApprove(db, actor, campaign);
  else requireRole(actor, 'approver', 'reject campaigns');
  if (campaign.status === 'draft') throw new UserError(`“${campaign.name}” is a draft: nobody has asked for its approval (yet, or since it was last edited).`);
  if (campaign.status !== 'pending_approval') throw new UserError(whyNotApproved(campaign, campaign.content_hash, actor.memberId));
  return campaign;
}

/** What an approver reviews before deciding: the pre-flight numbers and the rendered email. */
export async function reviewForApproval(db: DatabasePool, campaign: Campaign, options: { unsubscribeMailto: boolean }): Promise<ApprovalReview> {
  const [preflight, preview] = await Promise.all([computePreflight(db, campaign, options), previewCampaign(db, campaign)]);
  return { campaign, preflight, preview };
}

function ownCampaign(campaign: Campaign): string {
  return `You wrote or edited “${campaign.name}”, so someone else has to approve it (four-eyes rule). Nothing was changed.`;
}

function whyNotApproved(campaign: Campaign, seenHash: string, memberId: string): string {
  if (campaign.approved_by && ['approved', 'scheduled', 'sending', 'sent', 'paused'].includes(campaign.status)) {
    const by = campaign.approved_by === memberId ? 'you' : `<@${campaign.approved_by}>`;
    return `“${campaign.name}” was already approved by ${by}. Nothing more to do.`;
  }
  if (campaign.status === 'cancelled') return `“${campaign.name}” was cancelled, so there is nothing to approve.`;
  if (campaign.status === 'draft') {
    return `“${campaign.name}” went back to draft after you opened it (it was edited or rejected). It needs a new approval request.`;
  }
  if (campaign.status === 'pending_approval' && campaign.content_hash !== seenHash) {
    return `“${campaign.name}” changed after you opened it. Open the approval again to review the current version.`;
  }
  if (isAuthor(campaign, memberId)) return ownCampaign(campaign);
  return notInState(campaign, 'approved');
}

export async function rejectCampaign(db: DatabasePool, actor: Actor, campaignId: bigint, comment: string): Promise<Step> {
  requireRole(actor, 'approver', 'reject campaigns');
  const campaign = await requireCampaign(db, actor, campaignId);
  return step(db, actor, campaign, {
    actor: actor.memberId, action: 'reject', from: ['pending_approval'], to: 'draft', payload: comment ? { comment } : {},
  }, (now) => notInState(now, 'rejected'));
}

/** Schedules an approved campaign at its approved send time (which must still be ahead). */
export async function scheduleCampaign(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  return step(db, actor, campaign, {
    actor: actor.memberId, action: 'schedule', from: ['approved'], to: 'scheduled',
    when: sql.fragment`AND c.approved_hash = campaign_content_hash(c) AND c.scheduled_at > now()`,
  }, (now) => {
    if (now.status !== 'approved') return notInState(now, 'scheduled');
    if (!now.scheduled_at) return `“${now.name}” has no send time. Use *Send now*, or *Reschedule* to pick a time (that needs a new approval).`;
    return `The approved send time of “${now.name}” has passed. Use *Send now*, or *Reschedule* (that needs a new approval).`;
  });
}

/** Sends an approved campaign on the dispatcher's next tick. */
export async function sendCampaignNow(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  return step(db, actor, campaign, {
    actor: actor.memberId, action: 'send_now', from: ['approved', 'scheduled'], to: 'scheduled',
    set: sql.fragment`, scheduled_at = now()`,
    when: sql.fragment`AND c.approved_hash IS NOT NULL`,
  }, (now) => notInState(now, 'sent now'));
}

export async function pauseCampaign(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  return step(db, actor, campaign, { actor: actor.memberId, action: 'pause', from: ['scheduled', 'sending'], to: 'paused' },
    (now) => notInState(now, 'paused'));
}

/**
 * Paused → scheduled. A campaign paused mid-send continues at once; one paused before its
 * time keeps that time; a held (overdue) campaign is sent now: resuming it is the confirmation.
 * One Herald paused for its bounces or complaints is resumed by approvers and admins only.
 */
export async function resumeCampaign(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  if (campaign.status === 'paused' && (await lastPauseAction(db, actor.userId, campaign.id)) === 'auto_pause') {
    requireRole(actor, 'approver', 'resume a campaign Herald paused for its bounces or complaints');
  }
  return step(db, actor, campaign, {
    actor: actor.memberId,
    action: campaign.held_at ? 'confirm_overdue' : 'resume',
    from: ['paused'],
    to: 'scheduled',
    set: sql.fragment`, scheduled_at = greatest(coalesce(c.scheduled_at, now()), now()), held_at = NULL`,
    when: sql.fragment`AND c.approved_hash IS NOT NULL`,
  }, (now) => notInState(now, 'resumed'));
}

const CANCELLABLE: readonly CampaignStatus[] = ['draft', 'pending_approval', 'approved', 'scheduled', 'paused', 'sending'];

/**
 * Cancels a campaign before it is sent; recipients not tried yet end 'skipped'. One cancelled
 * part-way through sending is dated like a sent one, to when sending ended.
 */
export async function cancelCampaign(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Step> {
  const campaign = await requireCampaign(db, actor, campaignId);
  const entry = await db.transaction(async (tx) => {
    const moved = await transitionCampaign(tx, actor.userId, campaign.id, {
      actor: actor.memberId, action: 'cancel', from: CANCELLABLE, to: 'cancelled', set: SENDING_ENDS,
    });
    if (moved) await skipPending(tx, { userId: actor.userId, campaignId: campaign.id }, CANCELLED_REASON);
    return moved;
  });
  const now = await requireCampaign(db, actor, campaign.id);
  if (!entry) throw new UserError(now.status === 'cancelled' ? `“${now.name}” was already cancelled.` : notInState(now, 'cancelled'));
  return { campaign: now, entry };
}

/**
 * The stale-schedule guard: scheduled campaigns whose time passed more than `graceMinutes`
 * ago (Herald was down) are held rather than sent late without anyone knowing.
 */
export function holdOverdueSchedules(db: DatabasePool, graceMinutes: number): Promise<readonly HeldCampaign[]> {
  return holdOverdueCampaigns(db, graceMinutes * 60);
}
