import type { Campaign, CampaignSummary } from '../../db/campaigns.ts';
import type { Notice } from '../../notify/notifier.ts';
import { context, escapeMrkdwn, listingBlocks, modal, section, sectionsOf, textInput, type Block, type ModalView } from './blocks.ts';
import { campaignButtons } from './campaign-card.ts';
import { CAMPAIGN_RESCHEDULE_VIEW, CAMPAIGN_SEND_TEST_VIEW } from './campaign-ids.ts';
import { slackTime, statusLabel } from './campaign-text.ts';

export type CampaignModalMetadata = { channel: string; campaignId: string };

/** Asks in the thread what to do with a campaign held because its time passed while Herald was down. */
export function overduePrompt(campaign: Campaign, scheduledAt: Date): Notice {
  const text = `“${campaign.name}” was due ${scheduledAt.toISOString()} but Herald was not running then, so it was not sent. ` +
    'Confirm to send it now, or reschedule it.';
  const buttons = campaignButtons(campaign, ['resume', 'reschedule', 'cancel'], 'overdue_actions');
  return {
    text,
    blocks: [
      section(`:warning: *${escapeMrkdwn(campaign.name)}* was due ${slackTime(scheduledAt)}, but Herald was not running then. ` +
        'Nothing has been sent. Should it go out now, or at another time?'),
      ...(buttons ? [buttons] : []),
      context('Rescheduling changes the approved content, so it needs a new approval.'),
    ],
  };
}

export function sendTestModal(channel: string, campaign: Campaign, defaultAddress: string | null): ModalView {
  const metadata: CampaignModalMetadata = { channel, campaignId: String(campaign.id) };
  return modal({
    callback_id: CAMPAIGN_SEND_TEST_VIEW,
    title: 'Send a test',
    submit: 'Send test',
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(`Sends *${escapeMrkdwn(campaign.name)}* with a sample contact's merge fields and “[Test]” in the subject. Test emails don't count as sent.`),
      textInput({ blockId: 'addresses', label: 'To', initial: defaultAddress, maxLength: 1000, placeholder: 'you@example.com, colleague@example.com',
        hint: 'Up to 5 addresses, separated by commas.' }),
    ],
  });
}

export function rescheduleModal(channel: string, campaign: Campaign, values: { sendDate: string; sendTime: string; timezone: string }): ModalView {
  const metadata: CampaignModalMetadata = { channel, campaignId: String(campaign.id) };
  const pick = (blockId: string, label: string, type: 'datepicker' | 'timepicker', initial: string): Block => ({
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    element: { type, action_id: 'value', ...(initial ? { [type === 'datepicker' ? 'initial_date' : 'initial_time']: initial } : {}) },
  });
  return modal({
    callback_id: CAMPAIGN_RESCHEDULE_VIEW,
    title: 'Reschedule',
    submit: 'Reschedule',
    private_metadata: JSON.stringify(metadata),
    blocks: [
      section(`New send time for *${escapeMrkdwn(campaign.name)}*.${campaign.status === 'draft' ? '' : ' It goes back to draft and needs a new approval.'}`),
      pick('send_date', 'Date', 'datepicker', values.sendDate),
      pick('send_time', 'Time', 'timepicker', values.sendTime),
      textInput({ blockId: 'timezone', label: 'Time zone', initial: values.timezone, maxLength: 64, placeholder: 'Europe/Berlin' }),
    ],
  });
}

/** `/herald campaigns [text]`: names and statuses, newest first, as many as one message carries. */
export function campaignsMessage(listing: { campaigns: readonly CampaignSummary[]; total: number }, nameContains = ''): { text: string; blocks: Block[] } {
  const { campaigns, total } = listing;
  if (total === 0) {
    const text = nameContains
      ? `No campaign’s name contains “${nameContains}”. \`/herald campaigns\` shows them all.`
      : 'No campaigns yet. Start one with `/herald campaign new`.';
    return { text, blocks: [section(escapeMrkdwn(text))] };
  }
  const count = `${total.toLocaleString('en-US')} campaign${total === 1 ? '' : 's'}`;
  const text = nameContains ? `${count} whose name contains “${nameContains}”` : count;
  const lines = campaigns.map((c) =>
    `*${escapeMrkdwn(c.name)}* — ${statusLabel(c)}${c.scheduled_at && ['approved', 'scheduled'].includes(c.status) ? ` · ${slackTime(c.scheduled_at)}` : ''}`);
  return {
    text,
    blocks: [
      ...listingBlocks(`*${escapeMrkdwn(text)}*`, lines, '`/herald campaigns <part of a name>` shows the campaigns whose name contains it.', total),
      context('`/herald campaign check|edit|pause|resume|cancel|delete <name>`'),
    ],
  };
}
