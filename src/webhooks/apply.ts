import { insertEvents } from '../db/events.ts';
import type { DatabasePool } from '../db/pool.ts';
import { claimEvent } from '../db/processed-events.ts';
import { findRecipientByMessageId } from '../db/recipients.ts';
import { suppressAfterSoftBounces, suppressContact } from '../db/suppression.ts';

/** A provider's report about one message, whatever the provider's format. */
export type ProviderEvent = {
  /** the provider's id of this report: the idempotency key */
  id: string;
  type: 'bounce' | 'complaint' | 'delivery';
  /** the Message-ID header Herald gave the message */
  messageId: string;
  bounceType?: 'hard' | 'soft';
  reason?: string;
  at?: Date;
  detail?: Record<string, unknown>;
};

export type Applied = 'applied' | 'duplicate' | 'unattributed';

/** '<id@host>' however the provider wrote it. */
export function normaliseMessageId(value: string): string {
  const bare = value.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

/**
 * When the provider says a report's event happened; none (the time it arrives) for a time that
 * is unreadable or in the future, which a wrong clock gives: an event dated months ahead would
 * wait in email_events' default partition, and the partition roller alert about it, for ever.
 */
export function reportedAt(value: string | undefined): Date | undefined {
  const date = value ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) && date.getTime() <= Date.now() ? date : undefined;
}

/**
 * Applies one report exactly once (the provider may deliver it several times): the key is
 * recorded in the same transaction as its effects. Hard bounces and complaints suppress the
 * contact; soft bounces do once `softBounceLimit` messages to it soft-bounced with no delivery
 * reported, open or click since (the stats trigger counts each message once, however often
 * it is reported). A report for a message Herald does not know is recorded as processed
 * and otherwise ignored.
 */
export async function applyProviderEvent(db: DatabasePool, source: string, event: ProviderEvent, softBounceLimit: number): Promise<Applied> {
  return db.transaction(async (tx) => {
    if (!(await claimEvent(tx, source, event.id))) return 'duplicate';
    const recipient = await findRecipientByMessageId(tx, normaliseMessageId(event.messageId));
    if (!recipient) return 'unattributed';
    const ids = { userId: recipient.user_id, campaignId: recipient.campaign_id, contactId: recipient.contact_id };
    const metadata = { source, provider_event_id: event.id, ...event.detail };
    if (event.type === 'delivery') {
      await insertEvents(tx, [{ ...ids, type: 'delivered', at: event.at, metadata }]);
    } else if (event.type === 'complaint') {
      await insertEvents(tx, [{ ...ids, type: 'complained', at: event.at, metadata }]);
      await suppressContact(tx, ids.userId, ids.contactId, 'complained');
    } else {
      const bounceType = event.bounceType ?? 'hard';
      await insertEvents(tx, [{ ...ids, type: 'bounced', bounceType, bounceReason: event.reason ?? null, at: event.at, metadata }]);
      if (bounceType === 'hard') await suppressContact(tx, ids.userId, ids.contactId, 'bounced');
      else await suppressAfterSoftBounces(tx, ids.userId, ids.contactId, softBounceLimit);
    }
    return 'applied';
  });
}
