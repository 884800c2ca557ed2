import type { Campaign, CampaignStatus } from '../../db/campaigns.ts';
import type { RecipientCounts } from '../../db/recipients.ts';
import type { Notice } from '../../notify/notifier.ts';
import { button, context, escapeMrkdwn, header, mrkdwn, type Block } from './blocks.ts';
import { CAMPAIGN_ACTIONS, type CampaignAction } from './campaign-ids.ts';
import { count, segmentWords, senderWords, sendTimeWords, statusLabel } from './campaign-text.ts';

export type CampaignCardState = {
  campaign: Campaign;
  listNames: readonly string[];
  /** the send ledger, once written */
  recipients: RecipientCounts | null;
  /** before that: how many it would go to now (unique, subscribed, matching the audience filter) */
  audience: number | null;
  now: Date;
};

const BUTTONS: Record<CampaignAction, { text: string; style?: 'primary' | 'danger'; confirm?: string }> = {
  edit: { text: 'Edit' },
  check: { text: 'Pre-flight check' },
  sendTest: { text: 'Send test…' },
  requestApproval: { text: 'Request approval', style: 'primary' },
  approve: { text: 'Review & approve…', style: 'primary' },
  reject: { text: 'Reject…' },
  schedule: { text: 'Schedule', style: 'primary' },
  sendNow: { text: 'Send now', confirm: 'Send this campaign to its recipients right away?' },
  pause: { text: 'Pause' },
  resume: { text: 'Resume', style: 'primary' },
  cancel: { text: 'Cancel campaign', style: 'danger', confirm: 'Cancel this campaign? It will never be sent (again).' },
  reschedule: { text: 'Reschedule…' },
  retryUnknown: { text: 'Retry unknown', confirm: 'Send again to recipients whose outcome is unknown? Some may get it twice.' },
  stats: { text: 'Stats' },
};

/** The buttons that make sense in each state (the domain still checks every click). */
function actionsFor(campaign: Campaign, started: boolean, now: Date): CampaignAction[] {
  const byStatus: Record<CampaignStatus, CampaignAction[]> = {
    draft: ['edit', 'check', 'requestApproval', 'cancel'],
    pending_approval: ['approve', 'reject', 'edit', 'check', 'cancel'],
    approved: [
      ...(campaign.scheduled_at && campaign.scheduled_at > now ? (['schedule'] as const) : []),
      'sendNow', 'reschedule', 'cancel',
    ],
    scheduled: ['sendNow', 'pause', 'reschedule', 'cancel'],
    sending: ['pause', 'cancel', 'stats'],
    paused: ['resume', ...(started ? [] : (['reschedule'] as const)), 'cancel', ...(started ? (['stats'] as const) : [])],
    sent: ['stats'],
    cancelled: [],
    failed: [],
  };
  return byStatus[campaign.status];
}

export function campaignButtons(campaign: Campaign, actions: readonly CampaignAction[], blockId = 'campaign_actions'): Block | null {
  if (actions.length === 0) return null;
  const value = String(campaign.id);
  return {
    type: 'actions',
    block_id: blockId,
    elements: actions.map((action) => {
      const spec = BUTTONS[action];
      const text = action === 'resume' && campaign.held_at ? 'Confirm: send now' : spec.text;
      return {
        ...button(text, CAMPAIGN_ACTIONS[action], value, spec.style),
        ...(spec.confirm ? { confirm: confirmDialog(spec.confirm) } : {}),
      };
    }),
  };
}

function confirmDialog(question: string) {
  return {
    title: { type: 'plain_text', text: 'Are you sure?' },
    text: { type: 'plain_text', text: question },
    confirm: { type: 'plain_text', text: 'Yes' },
    deny: { type: 'plain_text', text: 'No' },
  };
}

function progressLine(campaign: Campaign, recipients: RecipientCounts | null): string | null {
  if (!recipients) return null;
  const total = Object.values(recipients).reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const parts = [`*Progress:* ${count(recipients.sent)} of ${count(total - recipients.skipped)} sent`];
  if (recipients.pending + recipients.sending > 0) parts.push(`${count(recipients.pending + recipients.sending)} to go`);
  if (recipients.failed > 0) parts.push(`${count(recipients.failed)} failed`);
  if (recipients.unknown > 0) parts.push(`${count(recipients.unknown)} unknown`);
  if (recipients.skipped > 0) parts.push(`${count(recipients.skipped)} skipped (suppressed)`);
  return parts.join(' · ');
}

function statsLine(campaign: Campaign): string | null {
  if (campaign.emails_sent === 0) return null;
  return `*Stats:* ${count(campaign.emails_delivered)} delivered · opens ${campaign.open_rate}% · clicks ${campaign.click_rate}%` +
    ` · ${count(campaign.emails_bounced)} bounced · ${count(campaign.emails_unsubscribed)} unsubscribed`;
}

function peopleLine(campaign: Campaign): string {
  const parts = [`Created by <@${campaign.created_by ?? 'unknown'}>`];
  if (campaign.edited_by && campaign.edited_by !== campaign.created_by) parts.push(`last edited by <@${campaign.edited_by}>`);
  if (campaign.approved_by) parts.push(`approved by <@${campaign.approved_by}>`);
  return `${parts.join(' · ')} · everything about this campaign is in the thread`;
}

/** The status card posted where the campaign was created and updated in place. */
export function campaignCard(state: CampaignCardState): Notice {
  const { campaign } = state;
  const started = state.recipients !== null && Object.values(state.recipients).some((n) => n > 0);
  const lines = [
    `*Status:* ${statusLabel(campaign)}`,
    `*Subject:* ${escapeMrkdwn(campaign.subject)}`,
    `*From:* ${senderWords(campaign)}`,
    `*Lists:* ${state.listNames.length > 0 ? state.listNames.map(escapeMrkdwn).join(', ') : 'none'} · *Audience:* ${segmentWords(campaign.segment)}`,
    `*Send time:* ${sendTimeWords(campaign)}`,
    state.audience === null ? null : `*Recipients:* ${count(state.audience)} (unique, subscribed; counted again as the lists change)`,
    progressLine(campaign, state.recipients),
    statsLine(campaign),
  ].filter((line): line is string => line !== null);
  const buttons = campaignButtons(campaign, actionsFor(campaign, started, state.now));
  return {
    text: `Campaign “${campaign.name}”: ${statusLabel(campaign).replace(/^:[a-z_]+: /, '')}`,
    blocks: [
      header(`Campaign: ${campaign.name}`),
      { type: 'section', text: mrkdwn(lines.join('\n')) },
      ...(buttons ? [buttons] : []),
      context(peopleLine(campaign)),
    ],
  };
}
