import type { CampaignCounters, Quota } from '../../db/reports.ts';
import { percent, softBounces, type AccountOverview, type CampaignStats } from '../../reports/stats.ts';
import { CAMPAIGN_ACTIONS } from './campaign-ids.ts';
import { button, context, escapeMrkdwn, header, section, truncate, type Block } from './blocks.ts';

export const STATS_ACTION = CAMPAIGN_ACTIONS.stats;
export const RESEND_NON_OPENERS_ACTION = 'resend_non_openers';

export type Message = { text: string; blocks: Block[] };

/** Campaign and list names in lists of many are cut here, so a message stays far below Slack's size limits. */
export const NAME_SHOWN = 80;

export const formatCount = (n: number) => n.toLocaleString('en-US');
export const formatRate = (rate: number) => `${rate.toFixed(1)} %`;

const field = (label: string, value: string) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` });

/** Longer URLs are shown as their text only, so five links always fit one section. */
const LINKED_URL_MAX = 500;

function linkLine(rank: number, link: CampaignStats['topLinks'][number]): string {
  const label = escapeMrkdwn(truncate(link.link_text?.trim() || link.url, NAME_SHOWN));
  const clicks = `${formatCount(link.clicks)} click${link.clicks === 1 ? '' : 's'}`;
  const shown = link.url.length <= LINKED_URL_MAX ? `<${link.url.replace(/[<>|]/g, encodeURIComponent)}|${label}>` : label;
  return `${rank}. ${shown} — ${clicks}`;
}

/** sent_at is when sending ended: a cancelled or failed campaign stopped then. */
const endedWord = (status: string) => (status === 'cancelled' || status === 'failed' ? 'stopped' : 'sent');

/** `/herald stats <campaign>` and the card's Stats button. */
export function campaignStatsMessage({ campaign: c, topLinks }: CampaignStats): Message {
  const blocks: Block[] = [
    header(`Stats · ${c.name}`),
    {
      type: 'section',
      fields: [
        field('Sent', formatCount(c.emails_sent)),
        field('Delivered', formatCount(c.emails_delivered)),
        field('Unique opens', `${formatCount(c.emails_opened)} (${formatRate(c.open_rate)})`),
        field('Unique clicks', `${formatCount(c.emails_clicked)} (${formatRate(c.click_rate)})`),
        field(
          'Bounces',
          `${formatCount(c.emails_bounced)} (${formatRate(c.bounce_rate)}) — ` +
            `${formatCount(c.emails_hard_bounced)} hard · ${formatCount(softBounces(c))} soft`,
        ),
        field('Unsubscribes', formatCount(c.emails_unsubscribed)),
        field('Complaints', formatCount(c.emails_complained)),
        field('Unknown / failed', `${formatCount(c.unknown_count)} / ${formatCount(c.failed_count)}`),
      ],
    },
    section(
      topLinks.length > 0
        ? `*Top clicked links*\n${topLinks.map((link, i) => linkLine(i + 1, link)).join('\n')}`
        : '*Top clicked links*\nNo clicks yet.',
    ),
    context(`Status: *${c.status}*${c.sent_at ? ` · ${endedWord(c.status)} <!date^${Math.floor(c.sent_at.getTime() / 1000)}^{date_short_pretty} {time}|${c.sent_at.toISOString()}>` : ''} · ${formatCount(c.recipients_total)} recipients`),
  ];
  // Counting the non-openers reads every recipient, which stats never do; the modal says how many.
  // Delivered minus opened bounds them from above: none left means nobody to offer a resend to.
  if (c.status === 'sent' && c.emails_delivered > c.emails_opened) {
    blocks.push({
      type: 'actions',
      elements: [button('Resend to non-openers…', RESEND_NON_OPENERS_ACTION, String(c.id))],
    });
  }
  return {
    text: `${c.name}: ${formatCount(c.emails_sent)} sent, ${formatRate(c.open_rate)} opened, ${formatRate(c.click_rate)} clicked, ${formatRate(c.bounce_rate)} bounced`,
    blocks,
  };
}

const column = (value: string, width: number) => truncate(value, width).padEnd(width);
const numberColumn = (value: string, width: number) => value.padStart(width);

function overviewRow(c: CampaignCounters): string {
  return (
    column(c.name, 24) +
    numberColumn(formatCount(c.emails_sent), 9) +
    numberColumn(formatRate(c.open_rate), 9) +
    numberColumn(formatRate(c.click_rate), 9) +
    numberColumn(formatRate(c.bounce_rate), 9)
  );
}

export function quotaLine(quota: Quota): string {
  const used = percent(quota.monthly_emails_sent, quota.monthly_email_limit);
  return (
    `*Sent this billing month:* ${formatCount(quota.monthly_emails_sent)} of ${formatCount(quota.monthly_email_limit)} ` +
    `emails (${formatRate(used)}) since ${quota.quota_period_start}`
  );
}

/** `/herald stats` without a campaign: the last campaigns side by side and the quota. */
export function accountStatsMessage({ campaigns, quota }: AccountOverview): Message {
  const table =
    campaigns.length > 0
      ? [column('Campaign', 24) + ['Sent', 'Open', 'Click', 'Bounce'].map((h) => numberColumn(h, 9)).join(''), ...campaigns.map(overviewRow)]
          .map(escapeMrkdwn)
          .join('\n')
      : null;
  const blocks: Block[] = [
    header(`Your last ${campaigns.length === 1 ? 'campaign' : `${campaigns.length} campaigns`}`),
    section(table ? `\`\`\`${table}\`\`\`` : 'No campaign has been sent yet.'),
    section(quotaLine(quota)),
    context('`/herald stats <campaign>` shows one campaign in detail.'),
  ];
  return { text: `Last ${campaigns.length} campaigns; ${formatCount(quota.monthly_emails_sent)} of ${formatCount(quota.monthly_email_limit)} emails sent this month`, blocks };
}
