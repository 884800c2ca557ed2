import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Actor } from '../../../accounts/actor.ts';
import { requireCampaign } from '../../../campaigns/drafts.ts';
import { computePreflight } from '../../../campaigns/preflight.ts';
import {
  cancelCampaign,
  describeStatus,
  pauseCampaign,
  campaignToReview,
  requestApproval,
  resumeCampaign,
  reviewForApproval,
  scheduleCampaign,
  sendCampaignNow,
  type Step,
} from '../../../campaigns/workflow.ts';
import { requireRole } from '../../../accounts/roles.ts';
import { listApprovers } from '../../../db/campaigns.ts';
import { retryUnknown } from '../../../delivery/retry-unknown.ts';
import type { Notice } from '../../../notify/notifier.ts';
import type { Services } from '../../../services.ts';
import { announce, campaignNotifier, listNamesOf, refOf } from '../../campaigns.ts';
import { approvalModal, approvalPendingModal, approvalRequestCard } from '../../views/campaign-approval.ts';
import { CAMPAIGN_ACTIONS, type CampaignAction } from '../../views/campaign-ids.ts';
import { cancelledNotice, pausedNotice, resumedNotice, retryUnknownNotice, scheduledNotice, sendNowNotice } from '../../views/campaign-notices.ts';
import { preflightCard } from '../../views/campaign-preflight.ts';
import { sendTestModal } from '../../views/campaign-prompts.ts';
import { memberEmail, openCampaignForm, openRescheduleForm } from '../campaign-forms.ts';
import { idFrom } from '../ids.ts';
import { onAction } from '../with-actor.ts';

/** `committed` tells an error after a saved step what stays saved. */
type Click = { services: Services; client: WebClient; actor: Actor; campaignId: bigint; triggerId: string; channel: string; committed: (what: string) => void };
type Handler = (click: Click) => Promise<void>;

const mailto = (services: Services) => ({ unsubscribeMailto: Boolean(services.config.UNSUBSCRIBE_MAILTO) });

/** A state change from a button: one workflow step, told in the thread, card refreshed. */
function stepButton(run: (click: Click) => Promise<Step>, told: (memberId: string, step: Step) => Notice): Handler {
  return async (click) => {
    const step = await run(click);
    click.committed(`“${step.campaign.name}” is ${describeStatus(step.campaign)} now.`);
    await announce(campaignNotifier(click.services, click.client), refOf(step.campaign), told(click.actor.memberId, step));
  };
}

/**
 * The review modal opens at once (a trigger id lasts 3 seconds; the pre-flight of a large
 * audience can take longer) and shows the review when it is ready.
 */
function openApproval(decision: 'approve' | 'reject'): Handler {
  return async ({ services, client, actor, campaignId, triggerId, channel }) => {
    const campaign = await campaignToReview(services.db.primary, actor, campaignId, decision);
    const opened = await client.views.open({ trigger_id: triggerId, view: approvalPendingModal(campaign) as never });
    const viewId = opened.view!.id!;
    try {
      const review = await reviewForApproval(services.db.primary, campaign, mailto(services));
      const view = approvalModal({ channel, decision, ...review, listNames: await listNamesOf(services, campaign) });
      await client.views.update({ view_id: viewId, view: view as never });
    } catch (error) {
      await client.views.update({ view_id: viewId, view: approvalPendingModal(campaign, 'failed') as never }).catch(() => {});
      throw error;
    }
  };
}

const HANDLERS: Record<Exclude<CampaignAction, 'stats'>, Handler> = {
  async edit({ services, client, actor, campaignId, triggerId, channel }) {
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    await openCampaignForm(services, client, { triggerId, channel, actor, campaign });
  },
  async check({ services, client, actor, campaignId }) {
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    const preflight = await computePreflight(services.db.primary, campaign, mailto(services));
    await campaignNotifier(services, client).campaignThread(refOf(campaign), preflightCard(campaign, preflight));
  },
  async sendTest({ services, client, actor, campaignId, triggerId, channel }) {
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    const view = sendTestModal(channel, campaign, await memberEmail(client, actor.memberId));
    await client.views.open({ trigger_id: triggerId, view: view as never });
  },
  async requestApproval({ services, client, actor, campaignId, committed }) {
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    const requested = await requestApproval(services.db.primary, actor, campaign, mailto(services));
    committed(`“${campaign.name}” is waiting for approval now.`);
    const approvers = await listApprovers(services.db.primary, actor.userId);
    const card = approvalRequestCard(requested.campaign, requested.preflight, approvers, actor.memberId);
    await announce(campaignNotifier(services, client), refOf(campaign), card);
  },
  approve: openApproval('approve'),
  reject: openApproval('reject'),
  schedule: stepButton((c) => scheduleCampaign(c.services.db.primary, c.actor, c.campaignId),
    (member, step) => scheduledNotice(member, step.campaign.scheduled_at ?? new Date())),
  sendNow: stepButton((c) => sendCampaignNow(c.services.db.primary, c.actor, c.campaignId), (member) => sendNowNotice(member)),
  pause: stepButton((c) => pauseCampaign(c.services.db.primary, c.actor, c.campaignId), (member) => pausedNotice(member)),
  resume: stepButton((c) => resumeCampaign(c.services.db.primary, c.actor, c.campaignId),
    (member, step) => resumedNotice(member, step.entry.action === 'confirm_overdue')),
  cancel: stepButton((c) => cancelCampaign(c.services.db.primary, c.actor, c.campaignId), (member) => cancelledNotice(member)),
  async reschedule({ services, client, actor, campaignId, triggerId, channel }) {
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    await openRescheduleForm(client, { triggerId, channel, actor, campaign });
  },
  async retryUnknown({ services, client, actor, campaignId, committed }) {
    // a retry may deliver twice to someone who already got it: a decision for approvers
    requireRole(actor, 'approver', 'retry recipients whose outcome is unknown');
    const campaign = await requireCampaign(services.db.primary, actor, campaignId);
    const requeued = await retryUnknown(services.db.primary, refOf(campaign), actor.memberId);
    committed(`${requeued} recipient${requeued === 1 ? ' is' : 's are'} queued again.`);
    await announce(campaignNotifier(services, client), refOf(campaign), retryUnknownNotice(actor.memberId, requeued));
  },
};

/** Every button of the campaign card, pre-flight card, approval card and overdue prompt. */
export function registerCampaignButtons(app: App, services: Services): void {
  for (const [name, handler] of Object.entries(HANDLERS)) {
    app.action(CAMPAIGN_ACTIONS[name as keyof typeof HANDLERS], onAction(services, async ({ action, body, client, actor, committed }) => {
      await handler({
        services, client, actor, committed,
        campaignId: idFrom(action),
        triggerId: body.trigger_id,
        channel: body.channel?.id ?? actor.memberId,
      });
    }));
  }
}
