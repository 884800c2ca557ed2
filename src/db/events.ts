import { isIP } from 'node:net';
import pg from 'pg';
import { sql, type CommonQueryMethods } from 'slonik';
import { copyLine, copyRows, inCopyTransaction } from './copy.ts';
import type { Database } from './pool.ts';

export const EVENT_TYPES = ['sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type NewEvent = {
  userId: string;
  campaignId: bigint;
  contactId: bigint;
  type: EventType;
  userAgent?: string | null;
  ip?: string | null;
  deviceType?: string | null;
  /** click events: the campaign_links url, whose click counter the stats trigger raises for human clicks */
  linkUrl?: string | null;
  linkText?: string | null;
  bounceType?: 'hard' | 'soft' | null;
  bounceReason?: string | null;
  metadata?: Record<string, unknown>;
  at?: Date;
};

/** Rows per COPY: large enough that the statement-level stats trigger runs rarely, small enough to keep each transaction short. */
export const INGEST_CHUNK = 5_000;

type EventColumns = [string, string, string, string, string | null, string | null, string | null, string | null, string | null, string | null, string | null, string, string];

function columns(event: NewEvent): EventColumns {
  return [
    event.userId,
    String(event.campaignId),
    String(event.contactId),
    event.type,
    event.userAgent?.slice(0, 1000) ?? null,
    event.ip && isIP(event.ip) ? event.ip : null,
    event.deviceType ?? null,
    event.linkUrl ?? null,
    event.linkText?.slice(0, 1000) ?? null,
    event.bounceType ?? null,
    event.bounceReason?.slice(0, 2000) ?? null,
    JSON.stringify(event.metadata ?? {}),
    (event.at ?? new Date()).toISOString(),
  ];
}

/**
 * One multi-row INSERT (the stats trigger then runs once for all of them). Events of
 * recipients that do not exist (a campaign deleted meanwhile) are dropped rather than
 * failing the whole statement on the foreign key. Returns how many were stored.
 */
export async function insertEvents(db: CommonQueryMethods, events: readonly NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.query(sql.unsafe`
    INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, user_agent, ip_address, device_type,
                              link_url, link_text, bounce_type, bounce_reason, metadata, created_at)
    SELECT e.user_id, e.campaign_id, e.contact_id, e.event_type, e.user_agent, e.ip::inet, e.device_type,
           e.link_url, e.link_text, e.bounce_type, e.bounce_reason, e.metadata::jsonb, e.created_at::timestamptz
      FROM ${sql.unnest(events.map(columns), [
        'uuid', 'int8', 'int8', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
      ])} AS e(user_id, campaign_id, contact_id, event_type, user_agent, ip, device_type,
               link_url, link_text, bounce_type, bounce_reason, metadata, created_at)
     WHERE EXISTS (SELECT 1 FROM campaign_recipients r
                    WHERE r.user_id = e.user_id AND r.campaign_id = e.campaign_id AND r.contact_id = e.contact_id)`);
  return result.rowCount;
}

const COPY_EVENTS = `
  COPY email_events (user_id, campaign_id, contact_id, event_type, user_agent, ip_address, device_type,
                     link_url, link_text, bounce_type, bounce_reason, metadata, created_at) FROM STDIN`;

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Stores any number of tracking events, INGEST_CHUNK at a time, each chunk one COPY in its
 * own transaction (the stats trigger then runs once per chunk). This is what the tracking
 * buffer flushes into. A chunk goes in unfiltered, checked by the foreign key alone:
 * filtering thousands of rows would make the planner hash all of campaign_recipients for
 * every chunk. Only a chunk the key rejects (a campaign deleted meanwhile) is stored again
 * without the events of recipients that no longer exist. `onCommitted` hears, after each
 * chunk commits, how many of `events` (from the first) are stored: when a later chunk
 * fails, only the rest may be written again.
 */
export async function ingestEvents(
  db: Pick<Database, 'primary' | 'copy'>,
  events: readonly NewEvent[],
  onCommitted?: (through: number) => void,
): Promise<number> {
  let stored = 0;
  for (let start = 0; start < events.length; start += INGEST_CHUNK) {
    const chunk = events.slice(start, start + INGEST_CHUNK);
    try {
      await inCopyTransaction(db.copy, (client) => copyRows(client, COPY_EVENTS, chunk, (event) => copyLine(columns(event))));
      stored += chunk.length;
    } catch (error) {
      if (!(error instanceof pg.DatabaseError && error.code === FOREIGN_KEY_VIOLATION)) throw error;
      stored += await db.primary.transaction((tx) => insertEvents(tx, chunk));
    }
    onCommitted?.(start + chunk.length);
  }
  return stored;
}
