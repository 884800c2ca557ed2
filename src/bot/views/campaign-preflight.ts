import type { Preflight } from '../../campaigns/preflight.ts';
import type { Campaign } from '../../db/campaigns.ts';
import type { Notice } from '../../notify/notifier.ts';
import { escapeMrkdwn, header, mrkdwn, truncate, type Block } from './blocks.ts';
import { campaignButtons } from './campaign-card.ts';
import { count, plural } from './campaign-text.ts';

const MAX_LINKS_SHOWN = 10;

function audienceLines(preflight: Preflight): string[] {
  const { suppressed } = preflight;
  const suppressedTotal = suppressed.unsubscribed + suppressed.bounced + suppressed.complained;
  return [
    `*Recipients:* ${count(preflight.recipients)} unique, subscribed contacts`,
    `• ${plural(preflight.duplicates, 'duplicate list entry', 'duplicate list entries')} removed (contacts on more than one list get one email)`,
    `• ${count(suppressedTotal)} suppressed: ${count(suppressed.unsubscribed)} unsubscribed, ${count(suppressed.bounced)} bounced, ${count(suppressed.complained)} complained`,
  ];
}

function quotaLine(preflight: Preflight): string {
  const { quota } = preflight;
  const period = quota.laterPeriodStart ? `in the billing month from ${quota.laterPeriodStart}, when it is scheduled` : 'this month';
  const base = `*Quota:* ${count(preflight.recipients)} of ${count(quota.remaining)} emails left ${period} (limit ${count(quota.limit)}, ${count(quota.used)} used)`;
  if (quota.shortBy > 0) {
    return `${base}\n:warning: ${count(quota.shortBy)} over the quota: ${count(quota.remaining)} would be sent, then the campaign pauses.`;
  }
  return `${base} → ${count(quota.afterSend)} left after sending`;
}

function mergeFieldLines(preflight: Preflight): string[] {
  if (preflight.missingFields.length === 0) return ['*Merge fields:* every recipient has every field the content uses'];
  return [
    '*Merge fields some recipients lack* (they render empty):',
    ...preflight.missingFields.map((f) => `• \`${escapeMrkdwn(f.field)}\`: missing for ${plural(f.missing, 'recipient')}`),
  ];
}

function linkLines(preflight: Preflight): string[] {
  if (preflight.links.length === 0) return ['*Links:* none'];
  const shown = preflight.links.slice(0, MAX_LINKS_SHOWN).map((link) => `• ${escapeMrkdwn(truncate(link.url, 200))}`);
  const more = preflight.links.length - shown.length;
  return [`*Links (${count(preflight.links.length)}):*`, ...shown, ...(more > 0 ? [`• … and ${count(more)} more`] : [])];
}

function complianceLines(preflight: Preflight): string[] {
  const { unsubscribe } = preflight;
  return [
    `${unsubscribe.inBody ? ':white_check_mark:' : ':ballot_box_with_check:'} Unsubscribe link: ${unsubscribe.inBody ? 'in the body, and' : 'not in the body;'} in the footer Herald adds to every email`,
    `:white_check_mark: List-Unsubscribe and one-click (RFC 8058) headers${unsubscribe.mailto ? ', with a mailto address' : ''}`,
    preflight.postalAddress
      ? `:white_check_mark: Postal address in the footer: ${escapeMrkdwn(preflight.postalAddress.replace(/\s*\n\s*/g, ', '))}`
      : ':warning: No postal address: the law in many countries requires one. An admin can set it in the account settings.',
  ];
}

export function preflightSummary(preflight: Preflight): string {
  return [...audienceLines(preflight), quotaLine(preflight)].join('\n');
}

/** The pre-flight card, posted in the campaign's thread. */
export function preflightCard(campaign: Campaign, preflight: Preflight): Notice {
  const section = (lines: string[]): Block => ({ type: 'section', text: mrkdwn(lines.join('\n')) });
  const buttons = campaignButtons(campaign, campaign.status === 'draft' ? ['sendTest', 'requestApproval'] : ['sendTest'], 'preflight_actions');
  return {
    text: `Pre-flight check of “${campaign.name}”: ${plural(preflight.recipients, 'recipient')}`,
    blocks: [
      header(`Pre-flight check: ${campaign.name}`),
      section([...audienceLines(preflight), quotaLine(preflight)]),
      section(mergeFieldLines(preflight)),
      section(linkLines(preflight)),
      section(complianceLines(preflight)),
      ...(buttons ? [buttons] : []),
    ],
  };
}
