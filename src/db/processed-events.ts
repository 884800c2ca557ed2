import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Idempotency keys of Slack Events API deliveries (their event_id). */
export const SLACK_EVENTS_SOURCE = 'slack';

/** Records an idempotency key; false when it was already there (a retry or duplicate delivery). */
export async function claimEvent(db: CommonQueryMethods, source: string, eventId: string): Promise<boolean> {
  const claimed = await db.maybeOne(sql.type(z.object({ event_id: z.string() }))`
    INSERT INTO processed_events (source, event_id) VALUES (${source}, ${eventId})
    ON CONFLICT (source, event_id) DO NOTHING RETURNING event_id`);
  return claimed !== null;
}

/** Forgets a key whose processing failed, so the sender's retry is processed. */
export async function releaseEvent(db: CommonQueryMethods, source: string, eventId: string): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM processed_events WHERE source = ${source} AND event_id = ${eventId}`);
}

/** Slack retries within minutes and webhooks within days; keys older than a week only take space. */
export async function forgetOldEvents(db: CommonQueryMethods, source: string): Promise<number> {
  const forgotten = await db.query(sql.unsafe`
    DELETE FROM processed_events WHERE source = ${source} AND received_at < now() - interval '7 days'`);
  return forgotten.rowCount;
}
