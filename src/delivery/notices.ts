import { deliveryReportBlocks, deliveryReportText, type DeliveryReport } from '../bot/views/delivery-report.ts';
import type { Notice } from '../notify/notifier.ts';

const count = (n: number) => n.toLocaleString('en-US');

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

export function finishedNotice(report: DeliveryReport): Notice {
  return { text: deliveryReportText(report), blocks: deliveryReportBlocks(report) };
}
