import { sql, type CommonQueryMethods } from 'slonik';
import { transitionCampaign, type Transition } from '../db/campaigns.ts';
import type { CampaignRef } from '../notify/notifier.ts';

/** The campaign status changes the dispatcher makes, each a conditional UPDATE with its audit row. */
export const DISPATCHER_ACTOR = 'herald:dispatcher';

const STARTS: Transition = {
  actor: DISPATCHER_ACTOR, action: 'start_sending', from: ['scheduled'], to: 'sending',
  when: sql.fragment`AND c.scheduled_at <= now()`,
};

/**
 * When sending ended, set once: a campaign reopened by "Retry unknown" keeps the time its
 * sending first ended, so digests and reports count it in one period only.
 */
const ENDED_NOW = sql.fragment`coalesce(c.sent_at, now())`;

// evaluated on the locked campaign row; claims never create pending recipients, so two dispatchers cannot both finish it
const FINISHES: Transition = {
  actor: DISPATCHER_ACTOR, action: 'finish_sending', from: ['sending'], to: 'sent',
  set: sql.fragment`, sent_at = ${ENDED_NOW}`,
  when: sql.fragment`AND NOT EXISTS (SELECT 1 FROM campaign_recipients r
                                      WHERE r.user_id = c.user_id AND r.campaign_id = c.id
                                        AND r.status IN ('pending', 'sending'))`,
};

/**
 * Cancelling or failing a campaign that started sending records when its sending ended, as
 * finishing does: reports, digests, the App Home and card refreshes count what it sent.
 */
export const SENDING_ENDS = sql.fragment`, sent_at = CASE WHEN c.recipients_materialized_at IS NOT NULL THEN ${ENDED_NOW} ELSE c.sent_at END`;

async function move(db: CommonQueryMethods, ref: CampaignRef, transition: Transition): Promise<boolean> {
  return (await transitionCampaign(db, ref.userId, ref.campaignId, transition)) !== null;
}

/** scheduled → sending, if still scheduled and due (another dispatcher, a pause or an edit wins otherwise). */
export const startSending = (db: CommonQueryMethods, ref: CampaignRef) => move(db, ref, STARTS);

/** sending → sent once no recipient is pending or being sent. */
export const finishSending = (db: CommonQueryMethods, ref: CampaignRef, counts: Record<string, number>) =>
  move(db, ref, { ...FINISHES, payload: counts });

/** sending → paused (quota used up, account not active) or failed (a broken template or audience). */
export const stopSending = (db: CommonQueryMethods, ref: CampaignRef, to: 'paused' | 'failed', reason: string) =>
  move(db, ref, {
    actor: DISPATCHER_ACTOR, action: to === 'paused' ? 'pause_sending' : 'fail_sending', from: ['sending'], to, payload: { reason },
    ...(to === 'failed' ? { set: SENDING_ENDS } : {}),
  });

/** sent → sending again, after unknown recipients were put back in the queue. */
export const reopenSending = (db: CommonQueryMethods, ref: CampaignRef, actor: string) =>
  move(db, ref, { actor, action: 'retry_unknown', from: ['sent'], to: 'sending' });
