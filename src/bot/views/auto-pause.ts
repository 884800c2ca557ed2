import type { AutoPause, Breach } from '../../reports/auto-pause.ts';
import { button, context, escapeMrkdwn, section, type Block } from './blocks.ts';
import type { Message } from './stats.ts';

export const AUTO_PAUSE_ACTIONS = { resume: 'auto_pause_resume', cancel: 'auto_pause_cancel' } as const;

const percent = (value: number) => `${value.toFixed(value < 1 ? 2 : 1)} %`;

function breachLine(breach: Breach): string {
  return `• ${breach.kind}: *${percent(breach.percent)}* (${breach.count.toLocaleString('en-US')} of ${breach.sample.toLocaleString('en-US')} sent) — the limit is ${percent(breach.limit)}`;
}

/** Posted in the campaign's thread when Herald pauses it; only approvers and admins may act on it. */
export function autoPauseAlert(pause: AutoPause): Message {
  const value = String(pause.ref.campaignId);
  const cancel = {
    ...button('Cancel campaign', AUTO_PAUSE_ACTIONS.cancel, value, 'danger'),
    confirm: {
      title: { type: 'plain_text', text: 'Cancel the campaign?' },
      text: { type: 'mrkdwn', text: 'Recipients not sent to yet will not get it. This cannot be undone.' },
      confirm: { type: 'plain_text', text: 'Cancel campaign' },
      deny: { type: 'plain_text', text: 'Keep it paused' },
    },
  };
  const blocks: Block[] = [
    section(`:octagonal_sign: *Herald paused “${escapeMrkdwn(pause.name)}”* — too many problems while sending:\n${pause.breaches.map(breachLine).join('\n')}`),
    context('Check the list’s quality before resuming. Only approvers and admins can resume or cancel.'),
    { type: 'actions', block_id: 'auto_pause', elements: [button('Resume sending', AUTO_PAUSE_ACTIONS.resume, value, 'primary'), cancel] },
  ];
  return { text: `Herald paused “${pause.name}”: ${pause.breaches.map((b) => `${b.kind} ${percent(b.percent)}`).join(', ')}`, blocks };
}

/** The alert after someone acted on it: what was done, by whom, without the buttons. */
export function autoPauseResolved(text: string): Message {
  return { text, blocks: [section(text)] };
}
