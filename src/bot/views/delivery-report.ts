import type { Notice } from '../../notify/notifier.ts';
import { button, section, type Block } from './blocks.ts';
import { CAMPAIGN_ACTIONS } from './campaign-ids.ts';

/** Action of the "Retry unknown" button; its value is the campaign id. */
export const RETRY_UNKNOWN_ACTION = CAMPAIGN_ACTIONS.retryUnknown;

export type DeliveryReport = {
  campaignId: bigint;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
};

const count = (n: number) => n.toLocaleString('en-US');

function deliveryReportText(report: DeliveryReport): string {
  const total = report.sent + report.failed + report.skipped + report.unknown;
  return (
    `Sending finished: ${count(report.sent)} sent, ${count(report.failed)} failed, ${count(report.skipped)} skipped, ` +
    `${count(report.unknown)} unknown (${count(total)} recipients).`
  );
}

function unknownExplanation(unknown: number): string {
  return (
    `${count(unknown)} ${unknown === 1 ? 'recipient is' : 'recipients are'} *unknown*: sending stopped mid-message, ` +
    'so they may or may not have received it. Herald never resends them on its own; retry only if a duplicate is acceptable.'
  );
}

function deliveryReportBlocks(report: DeliveryReport): Block[] {
  const blocks = [section(deliveryReportText(report))];
  if (report.unknown > 0) {
    blocks.push(section(unknownExplanation(report.unknown), button('Retry unknown', RETRY_UNKNOWN_ACTION, String(report.campaignId))));
  }
  return blocks;
}

/** The dispatcher's messages in a campaign's thread. */

export function startedNotice(total: number, skipped: number): Notice {
  const skippedNote = skipped > 0 ? ` (${count(skipped)} skipped: unsubscribed, bounced, complained or deleted)` : '';
  return { text: `Sending started to ${count(total - skipped)} of ${count(total)} recipients${skippedNote}.` };
}

export function quotaPausedNotice(limit: number, sent: number, waiting: number): Notice {
  return {
    text:
      `Sending paused: the account's monthly email limit of ${count(limit)} is used up. ` +
      `${count(sent)} sent so far, ${count(waiting)} still waiting. ` +
      'Raise the limit or wait for the next billing period, then resume the campaign.',
  };
}

export function accountPausedNotice(subscriptionStatus: string): Notice {
  return {
    text: `Sending paused: the account's subscription is ${subscriptionStatus.replace('_', ' ')}, so no email can be sent. Resume the campaign once it is active again.`,
  };
}

export function failedNotice(reason: string): Notice {
  return { text: `Sending failed: ${reason}` };
}

/** When a campaign finishes: the counts, and a retry button when some outcomes are unknown. */
export function finishedNotice(report: DeliveryReport): Notice {
  return { text: deliveryReportText(report), blocks: deliveryReportBlocks(report) };
}
