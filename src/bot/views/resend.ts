import { RESEND_DAYS } from '../../reports/resend.ts';
import { escapeMrkdwn, modal, section, textInput, type ModalView } from './blocks.ts';
import { formatCount } from './stats.ts';

export const RESEND_VIEW = 'resend_non_openers';

export type ResendState = { campaignId: bigint; name: string; nonOpeners: number; channel: string | undefined };

/** Asks after how many days the non-openers get the campaign again; the draft then needs approval. */
export function resendModal(state: ResendState): ModalView {
  return modal({
    callback_id: RESEND_VIEW,
    title: 'Resend to non-openers',
    submit: 'Create draft',
    private_metadata: JSON.stringify({ channel: state.channel, campaignId: String(state.campaignId) }),
    blocks: [
      section(
        `A new draft of *${escapeMrkdwn(state.name)}* for the ${formatCount(state.nonOpeners)} ${state.nonOpeners === 1 ? 'person' : 'people'} it reached who have neither opened it ` +
          'nor clicked in it and can still be emailed. It goes through approval like any other campaign.',
      ),
      textInput({
        blockId: 'after_days',
        label: 'Send how many days after the original?',
        initial: String(RESEND_DAYS.default),
        maxLength: 2,
        hint: `${RESEND_DAYS.min} to ${RESEND_DAYS.max} days. If that time has passed, the approver picks when to send.`,
      }),
    ],
  });
}
