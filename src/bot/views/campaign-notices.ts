import type { Campaign, CampaignStatus } from '../../db/campaigns.ts';
import type { TestSendOutcome } from '../../delivery/send-test.ts';
import type { Notice } from '../../notify/notifier.ts';
import { escapeMrkdwn, section } from './blocks.ts';
import { slackTime } from './campaign-text.ts';

/** The thread's record of what people did to a campaign: one short message per step. */

function notice(text: string): Notice {
  return { text: text.replace(/[*_]/g, ''), blocks: [section(text)] };
}

function withComment(text: string, comment: string): string {
  return comment.trim() ? `${text}\n> ${escapeMrkdwn(comment.trim()).replace(/\n/g, '\n> ')}` : text;
}

export function draftedNotice(campaign: Campaign, memberId: string): Notice {
  return notice(`:memo: <@${memberId}> drafted *${escapeMrkdwn(campaign.name)}*. ` +
    'Check it, then request approval: someone else has to approve it before it can be sent.');
}

const STATUS_NAMES: Partial<Record<CampaignStatus, string>> = {
  pending_approval: 'waiting for approval', approved: 'approved', scheduled: 'scheduled', paused: 'held',
};

export function editedNotice(memberId: string, changes: readonly string[], resetFrom: CampaignStatus | null): Notice {
  const what = changes.length > 0 ? changes.join(', ') : 'details';
  if (!resetFrom) return notice(`:pencil2: <@${memberId}> edited the campaign (${what}).`);
  return notice(`:leftwards_arrow_with_hook: <@${memberId}> changed the ${what} of a campaign that was ${STATUS_NAMES[resetFrom] ?? resetFrom}. ` +
    'It is back to *draft*: the earlier approval was for different content and no longer counts, so it needs a new approval.');
}

export function approvedNotice(memberId: string, comment: string): Notice {
  return notice(withComment(`:white_check_mark: Approved by <@${memberId}>. It can now be scheduled or sent.`, comment));
}

export function rejectedNotice(memberId: string, comment: string): Notice {
  return notice(withComment(`:leftwards_arrow_with_hook: Rejected by <@${memberId}>: back to draft.`, comment));
}

export function scheduledNotice(memberId: string, at: Date): Notice {
  return notice(`:calendar: <@${memberId}> scheduled it for ${slackTime(at)}.`);
}

export function sendNowNotice(memberId: string): Notice {
  return notice(`:rocket: <@${memberId}> chose *Send now*: sending starts within a few seconds.`);
}

export function pausedNotice(memberId: string): Notice {
  return notice(`:double_vertical_bar: Paused by <@${memberId}>.`);
}

export function resumedNotice(memberId: string, confirmedOverdue: boolean): Notice {
  return notice(confirmedOverdue
    ? `:arrow_forward: <@${memberId}> confirmed the overdue send: it goes out now.`
    : `:arrow_forward: Resumed by <@${memberId}>.`);
}

export function cancelledNotice(memberId: string): Notice {
  return notice(`:no_entry_sign: Cancelled by <@${memberId}>. It will not be sent.`);
}

export function retryUnknownNotice(memberId: string, requeued: number): Notice {
  const who = requeued === 1 ? '1 recipient whose outcome was unknown' : `${requeued} recipients whose outcome was unknown`;
  return notice(`:repeat: <@${memberId}> chose *Retry unknown*: ${who} will be sent again (they may get it twice).`);
}

export function deletedNotice(memberId: string): Notice {
  return notice(`:wastebasket: <@${memberId}> deleted this draft.`);
}

/** Who sent a test where; addresses the mail server refused are listed with its reason. */
export function testSentNotice(memberId: string, outcome: TestSendOutcome): Notice {
  const sent = outcome.sentTo.length > 0 ? `sent a test to ${outcome.sentTo.map(escapeMrkdwn).join(', ')}.` : 'tried to send a test.';
  const refused = outcome.notSent.map(({ address, reason }) => `\n• ${escapeMrkdwn(address)}: ${escapeMrkdwn(reason)}`).join('');
  return notice(`:test_tube: <@${memberId}> ${sent}${refused ? ` The mail server did not take it for:${refused}` : ''}`);
}
