import { UniqueIntegrityConstraintViolationError } from 'slonik';
import type { Actor } from '../accounts/actor.ts';
import { insertDraft, requireCampaign } from '../campaigns/drafts.ts';
import { CAMPAIGN_NAME_MAX, contentOf } from '../campaigns/form.ts';
import { findCampaignByName, type Campaign } from '../db/campaigns.ts';
import { insertList } from '../db/lists.ts';
import type { DatabasePool } from '../db/pool.ts';
import { fillWithNonOpeners } from '../db/resend.ts';
import { UserError } from '../errors.ts';

export const RESEND_DAYS = { min: 1, max: 30, default: 3 } as const;
const DAY_MS = 86_400_000;

export function parseResendDays(text: string): number {
  const days = /^\s*(\d{1,2})\s*$/.exec(text)?.[1];
  const value = days === undefined ? NaN : Number(days);
  if (!(value >= RESEND_DAYS.min && value <= RESEND_DAYS.max)) {
    throw UserError.field('after_days', `Enter a whole number of days from ${RESEND_DAYS.min} to ${RESEND_DAYS.max}.`);
  }
  return value;
}

const resendName = (original: Campaign) => {
  const suffix = ' – non-openers';
  return `${original.name.slice(0, CAMPAIGN_NAME_MAX - suffix.length)}${suffix}`;
};

const alreadyResent = (original: Campaign) =>
  new UserError(`A resend of “${original.name}” to its non-openers exists already: “${resendName(original)}”.`);

/**
 * The quick checks of a resend, for the form to show before it closes: the campaign finished
 * sending and has no resend yet.
 */
export async function requireResendable(db: DatabasePool, actor: Actor, campaignId: bigint): Promise<Campaign & { sent_at: Date }> {
  const original = await requireCampaign(db, actor, campaignId);
  if (original.status !== 'sent' || !original.sent_at) {
    throw new UserError(`“${original.name}” has not finished sending, so nobody can be said not to have opened it yet.`);
  }
  if (await findCampaignByName(db, actor.userId, resendName(original))) throw alreadyResent(original);
  return { ...original, sent_at: original.sent_at };
}

/**
 * A new draft with the original's content, for the people it reached who did not open it,
 * planned `afterDays` after the original was sent. Its audience is a list made now (from the
 * original's whole audience: slow for a large one), and it needs an approval like any other
 * campaign. Nothing is written when anything is refused.
 */
export async function draftResendToNonOpeners(db: DatabasePool, actor: Actor, campaignId: bigint, afterDays: number, now = new Date()) {
  const original = await requireResendable(db, actor, campaignId);
  const planned = new Date(original.sent_at.getTime() + afterDays * DAY_MS);
  const name = resendName(original);
  try {
    const { id, recipients } = await db.transaction(async (tx) => {
      const list = await insertList(tx, actor.userId, `Non-openers of ${original.name}`, `Reached by “${original.name}” but did not open it.`);
      const recipients = await fillWithNonOpeners(tx, actor.userId, original.id, list.id);
      if (recipients === 0) throw new UserError(`Everyone “${original.name}” reached has opened it or clicked in it (or can no longer be emailed). Nothing was created.`);
      const content = {
        ...contentOf(original),
        segment: {},
        scheduledAt: planned > now ? planned : null,
        timezone: planned > now ? (original.timezone ?? 'UTC') : null,
      };
      const id = await insertDraft(tx, actor, { name, content, listIds: [list.id] }, { resend_of: String(original.id), after_days: afterDays });
      return { id, recipients };
    });
    return { campaign: await requireCampaign(db, actor, id), recipients };
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) throw alreadyResent(original);
    throw error;
  }
}
