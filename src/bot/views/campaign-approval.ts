import type { Preflight } from '../../campaigns/preflight.ts';
import type { Campaign } from '../../db/campaigns.ts';
import type { Personalised } from '../../mail/render.ts';
import type { Notice } from '../../notify/notifier.ts';
import { escapeMrkdwn, modal, mrkdwn, plain, section, textInput, truncate, type ModalView } from './blocks.ts';
import { campaignButtons } from './campaign-card.ts';
import { CAMPAIGN_APPROVAL_PENDING_VIEW, CAMPAIGN_APPROVAL_VIEW } from './campaign-ids.ts';
import { preflightSummary } from './campaign-preflight.ts';
import { segmentWords, senderWords, sendTimeWords } from './campaign-text.ts';

export type Decision = 'approve' | 'reject';
export type ApprovalMetadata = { channel: string; campaignId: string; hash: string };

/** Posted in the thread when someone asks for approval: mentions who may approve. */
export function approvalRequestCard(campaign: Campaign, preflight: Preflight, approvers: readonly string[], requester: string): Notice {
  const mentions = approvers.filter((id) => id !== requester).map((id) => `<@${id}>`);
  const who = mentions.length > 0
    ? mentions.join(' ')
    : 'Nobody else can approve yet: an admin can make someone an approver with `/herald role @someone approver`.';
  const buttons = campaignButtons(campaign, ['approve', 'reject'], 'approval_actions');
  return {
    text: `<@${requester}> asks for approval of “${campaign.name}”`,
    blocks: [
      section(`:raising_hand: <@${requester}> asks for approval of *${escapeMrkdwn(campaign.name)}*.\n${who}`),
      section(preflightSummary(preflight)),
      ...(buttons ? [buttons] : []),
    ],
  };
}

export type ApprovalModalState = {
  channel: string;
  campaign: Campaign;
  listNames: readonly string[];
  preflight: Preflight;
  preview: Personalised & { recipient: string; sample: boolean };
  decision: Decision;
};

const PREVIEW_LIMIT = 2500;

/** Shown while the review is prepared, or in its place when it could not be. */
export function approvalPendingModal(campaign: Campaign, state: 'checking' | 'failed' = 'checking'): ModalView {
  const text = state === 'checking'
    ? `:hourglass_flowing_sand: Checking *${escapeMrkdwn(campaign.name)}*: counting recipients and rendering a preview…`
    : `:warning: The review of *${escapeMrkdwn(campaign.name)}* could not be prepared; Herald said why in the channel. Close this and try again.`;
  return modal({ callback_id: CAMPAIGN_APPROVAL_PENDING_VIEW, title: 'Review campaign', blocks: [section(text)] });
}

/** Review of exactly what will be sent; the content hash in the metadata binds the decision to it. */
export function approvalModal(state: ApprovalModalState): ModalView {
  const { campaign, preview } = state;
  const metadata: ApprovalMetadata = { channel: state.channel, campaignId: String(campaign.id), hash: campaign.content_hash };
  const decisions = [
    { text: plain('Approve', 75), value: 'approve' },
    { text: plain('Reject (back to draft)', 75), value: 'reject' },
  ];
  const body = preview.text.replace(/```/g, "'''");
  return modal({
    callback_id: CAMPAIGN_APPROVAL_VIEW,
    title: 'Review campaign',
    submit: 'Submit',
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section([
        `*${escapeMrkdwn(campaign.name)}* by <@${campaign.created_by ?? 'unknown'}>`,
        `*From:* ${senderWords(campaign)}`,
        `*Lists:* ${state.listNames.map(escapeMrkdwn).join(', ') || 'none'} · *Audience:* ${segmentWords(campaign.segment)}`,
        `*Send time:* ${sendTimeWords(campaign)}`,
      ].join('\n')),
      section(preflightSummary(state.preflight)),
      { type: 'divider' },
      section(`*Preview* for ${escapeMrkdwn(preview.recipient)}${preview.sample ? ' (a sample contact)' : ''}\n*Subject:* ${escapeMrkdwn(preview.subject)}`),
      { type: 'section', text: mrkdwn(`\`\`\`${escapeMrkdwn(truncate(body, PREVIEW_LIMIT))}\`\`\``) },
      {
        type: 'input',
        block_id: 'decision',
        label: plain('Decision'),
        element: {
          type: 'radio_buttons',
          action_id: 'value',
          options: decisions,
          initial_option: decisions.find((d) => d.value === state.decision),
        },
      },
      textInput({ blockId: 'comment', label: 'Comment', optional: true, multiline: true, maxLength: 1000,
        hint: 'Posted in the campaign thread with your decision.' }),
    ],
  });
}
