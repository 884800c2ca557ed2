import type { Campaign, CampaignStatus } from '../../db/campaigns.ts';
import type { Segment } from '../../recipients/segment.ts';
import { escapeMrkdwn } from './blocks.ts';

/** Words and small formats shared by the campaign views. */

export const count = (n: number) => n.toLocaleString('en-US');

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** A time every reader sees in their own time zone (the fallback is UTC). */
export function slackTime(date: Date): string {
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

const STATUS_LABELS: Record<CampaignStatus, string> = {
  draft: ':memo: Draft',
  pending_approval: ':hourglass_flowing_sand: Waiting for approval',
  approved: ':white_check_mark: Approved',
  scheduled: ':calendar: Scheduled',
  sending: ':outbox_tray: Sending',
  sent: ':mailbox_with_mail: Sent',
  paused: ':double_vertical_bar: Paused',
  cancelled: ':no_entry_sign: Cancelled',
  failed: ':x: Failed',
};

export function statusLabel(campaign: Pick<Campaign, 'status' | 'held_at'>): string {
  if (campaign.status === 'paused' && campaign.held_at) return ':warning: Held — its send time passed while Herald was down';
  return STATUS_LABELS[campaign.status];
}

export function segmentWords(segment: Segment): string {
  const parts = [
    ...(segment.tags ? [`tagged ${segment.tags.map(escapeMrkdwn).join(' and ')}`] : []),
    ...(segment.field ? [`${escapeMrkdwn(segment.field.key)} = ${escapeMrkdwn(segment.field.value)}`] : []),
    ...(segment.engagedWithinDays ? [`opened or clicked in the last ${plural(segment.engagedWithinDays, 'day')}`] : []),
  ];
  return parts.length > 0 ? parts.join(' · ') : 'everyone on the lists';
}

export function senderWords(campaign: Pick<Campaign, 'from_name' | 'from_email'>): string {
  const address = escapeMrkdwn(campaign.from_email ?? 'no address');
  return campaign.from_name ? `${escapeMrkdwn(campaign.from_name)} &lt;${address}&gt;` : address;
}

export function sendTimeWords(campaign: Pick<Campaign, 'scheduled_at' | 'timezone'>): string {
  if (!campaign.scheduled_at) return 'not set (decide after approval)';
  return `${slackTime(campaign.scheduled_at)}${campaign.timezone ? ` (${escapeMrkdwn(campaign.timezone)})` : ''}`;
}
