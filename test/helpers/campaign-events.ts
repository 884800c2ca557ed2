import { sql, type DatabasePool } from 'slonik';

export type ScriptedEvent = {
  contactId: bigint;
  type: 'sent' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'unsubscribed' | 'complained';
  bounceType?: 'hard' | 'soft';
  linkUrl?: string;
  machine?: boolean;
  at?: Date;
};

/** Inserts events as the tracking pipeline would: one multi-row statement per call. */
export async function recordEvents(pool: DatabasePool, userId: string, campaignId: bigint, events: readonly ScriptedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await pool.query(sql.unsafe`
    INSERT INTO email_events (user_id, campaign_id, contact_id, event_type, bounce_type, link_url, metadata, created_at)
    SELECT ${userId}, ${campaignId}, e.contact_id, e.event_type, e.bounce_type, e.link_url, e.metadata, e.created_at
      FROM ${sql.unnest(
        events.map((e) => [
          String(e.contactId), e.type, e.bounceType ?? null, e.linkUrl ?? null,
          JSON.stringify(e.machine ? { machine: true } : {}), (e.at ?? new Date()).toISOString(),
        ]),
        ['int8', 'text', 'text', 'text', 'jsonb', 'timestamptz'],
      )} AS e(contact_id, event_type, bounce_type, link_url, metadata, created_at)`);
}

/** Marks a campaign sent at a given time (what the dispatcher does when it finishes). */
export async function markSent(pool: DatabasePool, userId: string, campaignId: bigint, sentAt: Date): Promise<void> {
  await pool.query(sql.unsafe`
    UPDATE campaigns SET status = 'sent', sent_at = ${sentAt.toISOString()},
           recipients_total = (SELECT count(*) FROM campaign_recipients r WHERE r.user_id = ${userId} AND r.campaign_id = ${campaignId})
     WHERE user_id = ${userId} AND id = ${campaignId}`);
}
