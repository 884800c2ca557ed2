import { isIP } from 'node:net';
import { ForeignKeyIntegrityConstraintViolationError, sql, type CommonQueryMethods } from 'slonik';
import type { DatabasePool } from './pool.ts';

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
  /** click events: the campaign_links row, whose click counter rises with human clicks */
  linkId?: bigint | null;
  linkUrl?: string | null;
  linkText?: string | null;
  bounceType?: 'hard' | 'soft' | null;
  bounceReason?: string | null;
  metadata?: Record<string, unknown>;
  at?: Date;
};

/** Rows per INSERT: large enough that the statement-level stats trigger runs rarely, small enough to stay well under the parameter limits. */
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

const KNOWN_RECIPIENT = sql.fragment`
  WHERE EXISTS (SELECT 1 FROM campaign_recipients r
                 WHERE r.user_id = e.user_id AND r.campaign_id = e.campaign_id AND r.contact_id = e.contact_id)`;

function insertRows(db: CommonQueryMethods, events: readonly NewEvent[], onlyKnownRecipients: boolean) {
  return db.query(sql.unsafe`
    INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, user_agent, ip_address, device_type,
                              link_url, link_text, bounce_type, bounce_reason, metadata, created_at)
    SELECT e.user_id, e.campaign_id, e.contact_id, e.event_type, e.user_agent, e.ip::inet, e.device_type,
           e.link_url, e.link_text, e.bounce_type, e.bounce_reason, e.metadata::jsonb, e.created_at::timestamptz
      FROM ${sql.unnest(events.map(columns), [
        'uuid', 'int8', 'int8', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text',
      ])} AS e(user_id, campaign_id, contact_id, event_type, user_agent, ip, device_type,
               link_url, link_text, bounce_type, bounce_reason, metadata, created_at)
    ${onlyKnownRecipients ? KNOWN_RECIPIENT : sql.fragment``}`);
}

/**
 * One multi-row INSERT (the stats trigger then runs once for all of them). Events of
 * recipients that do not exist (a campaign deleted meanwhile) are dropped rather than
 * failing the whole statement on the foreign key. Returns how many were stored.
 */
export async function insertEvents(db: CommonQueryMethods, events: readonly NewEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  return (await insertRows(db, events, true)).rowCount;
}

/**
 * Adds human clicks to campaign_links.clicks. Runs after the events: the stats trigger has
 * already locked the campaigns involved, so concurrent flushes of one campaign are
 * serialised there and never meet in a different order on its links.
 */
async function countLinkClicks(db: CommonQueryMethods, events: readonly NewEvent[]): Promise<void> {
  const clicks = events.filter((e) => e.type === 'clicked' && e.linkId != null && e.metadata?.machine !== true);
  if (clicks.length === 0) return;
  await db.query(sql.unsafe`
    UPDATE campaign_links l SET clicks = l.clicks + d.n
      FROM (SELECT user_id, campaign_id, link_id, count(*) AS n
              FROM ${sql.unnest(clicks.map((e) => [e.userId, String(e.campaignId), String(e.linkId)]), ['uuid', 'int8', 'int8'])}
                   AS t(user_id, campaign_id, link_id)
             GROUP BY user_id, campaign_id, link_id) d
     WHERE l.user_id = d.user_id AND l.campaign_id = d.campaign_id AND l.id = d.link_id`);
}

/**
 * Stores any number of tracking events in chunks of INGEST_CHUNK, each chunk one transaction
 * (events + link counters). This is what the tracking buffer flushes into and what the
 * benchmark drives directly. A chunk first goes in unfiltered, checked by the foreign key
 * alone: filtering thousands of rows makes the planner hash all of campaign_recipients for
 * every chunk. Only a chunk the key rejects (a campaign deleted meanwhile) is stored again
 * without the events of recipients that no longer exist.
 */
export async function ingestEvents(pool: DatabasePool, events: readonly NewEvent[]): Promise<number> {
  let stored = 0;
  for (let start = 0; start < events.length; start += INGEST_CHUNK) {
    const chunk = events.slice(start, start + INGEST_CHUNK);
    const store = (onlyKnownRecipients: boolean) =>
      pool.transaction(async (tx) => {
        const inserted = (await insertRows(tx, chunk, onlyKnownRecipients)).rowCount;
        await countLinkClicks(tx, chunk);
        return inserted;
      });
    stored += await store(false).catch((error: unknown) => {
      if (error instanceof ForeignKeyIntegrityConstraintViolationError) return store(true);
      throw error;
    });
  }
  return stored;
}
