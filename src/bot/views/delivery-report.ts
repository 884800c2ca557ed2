import { button, section, type Block } from './blocks.ts';

/** Action of the "Retry unknown" button; its value is the campaign id. */
export const RETRY_UNKNOWN_ACTION = 'campaign_retry_unknown';

export type DeliveryReport = {
  campaignId: bigint;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
};

const count = (n: number) => n.toLocaleString('en-US');

export function deliveryReportText(report: DeliveryReport): string {
  const total = report.sent + report.failed + report.skipped + report.unknown;
  return (
    `Sending finished: ${count(report.sent)} sent, ${count(report.failed)} failed, ${count(report.skipped)} skipped, ` +
    `${count(report.unknown)} unknown (${count(total)} recipients).`
  );
}

export function unknownExplanation(unknown: number): string {
  return (
    `${count(unknown)} ${unknown === 1 ? 'recipient is' : 'recipients are'} *unknown*: sending stopped mid-message, ` +
    'so they may or may not have received it. Herald never resends them on its own; retry only if a duplicate is acceptable.'
  );
}

/** The thread message when a campaign finishes: counts, and a retry button when some outcomes are unknown. */
export function deliveryReportBlocks(report: DeliveryReport): Block[] {
  const blocks = [section(deliveryReportText(report))];
  if (report.unknown > 0) {
    blocks.push(section(unknownExplanation(report.unknown), button('Retry unknown', RETRY_UNKNOWN_ACTION, String(report.campaignId))));
  }
  return blocks;
}
