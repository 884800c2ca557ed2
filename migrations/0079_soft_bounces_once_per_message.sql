-- Up Migration
-- Soft bounces suppressed good addresses: every soft-bounce report added one to
-- contacts.soft_bounce_count, so a provider reporting one deferred message three times
-- suppressed its contact, and nothing ever set the count back. The stats trigger now keeps
-- the count: a recipient's first bounce, when soft, counts once (the recipient's bounced flag,
-- set under the campaign's lock, tells a repeated report of the same Message-ID), and a
-- human open or click or a delivery a provider reported sets it back to 0 (a statement
-- holding both, which Herald never writes — webhooks store one report per statement — ends
-- at 0). The webhook code suppresses a subscribed contact whose count reached
-- SOFT_BOUNCE_LIMIT. The function is that of 0075 with those two changes, both set-based;
-- the contact rows rewritten are only those whose count changes.

CREATE OR REPLACE FUNCTION email_events_apply_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM campaigns c
   WHERE (c.user_id, c.id) IN (SELECT DISTINCT user_id, campaign_id FROM new_events)
   ORDER BY c.user_id, c.id
   FOR UPDATE;

  WITH per_recipient AS (
    SELECT user_id, campaign_id, contact_id,
           min(created_at) FILTER (WHERE event_type = 'delivered') AS delivered_at,
           min(created_at) FILTER (WHERE event_type = 'opened' AND machine IS NOT TRUE) AS opened_at,
           min(created_at) FILTER (WHERE event_type = 'clicked' AND machine IS NOT TRUE) AS clicked_at,
           bool_or(event_type = 'bounced') AS bounced,
           bool_or(event_type = 'bounced' AND bounce_type = 'hard') AS hard_bounced,
           bool_or(event_type = 'unsubscribed') AS unsubscribed,
           bool_or(event_type = 'complained') AS complained
      FROM (SELECT *, (metadata->>'machine')::boolean AS machine FROM new_events) e
     WHERE event_type <> 'sent'
     GROUP BY user_id, campaign_id, contact_id
  ),
  -- SET expressions see the row version being replaced (re-read after a concurrent
  -- update), so stats_delta records exactly which facts this statement changed:
  -- bit 0 counted as delivered, 1 opened, 2 clicked, 3 bounced, 4 hard bounced,
  -- 5 unsubscribed, 6 complained, 7 no longer counted as delivered.
  changed AS (
    UPDATE campaign_recipients r
       SET delivered_at = coalesce(r.delivered_at, p.delivered_at, p.opened_at, p.clicked_at),
           first_opened_at = coalesce(r.first_opened_at, p.opened_at),
           first_clicked_at = coalesce(r.first_clicked_at, p.clicked_at),
           bounced = r.bounced OR p.bounced,
           hard_bounced = r.hard_bounced OR p.hard_bounced,
           unsubscribed = r.unsubscribed OR p.unsubscribed,
           complained = r.complained OR p.complained,
           stats_delta = (NOT recipient_counts_as_delivered(r.delivered_at, r.first_opened_at, r.first_clicked_at, r.bounced)
                          AND recipient_counts_as_delivered(coalesce(r.delivered_at, p.delivered_at), coalesce(r.first_opened_at, p.opened_at),
                                                            coalesce(r.first_clicked_at, p.clicked_at), r.bounced OR p.bounced))::int
                       + (r.first_opened_at IS NULL AND p.opened_at IS NOT NULL)::int * 2
                       + (r.first_clicked_at IS NULL AND p.clicked_at IS NOT NULL)::int * 4
                       + (NOT r.bounced AND p.bounced)::int * 8
                       + (NOT r.hard_bounced AND p.hard_bounced)::int * 16
                       + (NOT r.unsubscribed AND p.unsubscribed)::int * 32
                       + (NOT r.complained AND p.complained)::int * 64
                       + (recipient_counts_as_delivered(r.delivered_at, r.first_opened_at, r.first_clicked_at, r.bounced)
                          AND NOT recipient_counts_as_delivered(coalesce(r.delivered_at, p.delivered_at), coalesce(r.first_opened_at, p.opened_at),
                                                                coalesce(r.first_clicked_at, p.clicked_at), r.bounced OR p.bounced))::int * 128
      FROM per_recipient p
     WHERE r.user_id = p.user_id AND r.campaign_id = p.campaign_id AND r.contact_id = p.contact_id
       AND ((r.delivered_at IS NULL AND coalesce(p.delivered_at, p.opened_at, p.clicked_at) IS NOT NULL)
            OR (r.first_opened_at IS NULL AND p.opened_at IS NOT NULL)
            OR (r.first_clicked_at IS NULL AND p.clicked_at IS NOT NULL)
            OR (NOT r.bounced AND p.bounced) OR (NOT r.hard_bounced AND p.hard_bounced)
            OR (NOT r.unsubscribed AND p.unsubscribed) OR (NOT r.complained AND p.complained))
    RETURNING r.user_id, r.campaign_id, r.contact_id, r.stats_delta AS d
  ),
  -- a recipient's first bounce, when soft, counts once for its contact: more reports about
  -- the same message (a deferral reported again and again) find the recipient bounced already
  soft_bounced AS (
    UPDATE contacts c SET soft_bounce_count = c.soft_bounce_count + s.n
      FROM (SELECT user_id, contact_id, count(*) AS n FROM changed
             WHERE d & 8 <> 0 AND d & 16 = 0 GROUP BY user_id, contact_id) s
     WHERE c.user_id = s.user_id AND c.id = s.contact_id
  ),
  deltas AS (
    SELECT user_id, campaign_id, 0 AS sent,
           count(*) FILTER (WHERE d & 1 <> 0) - count(*) FILTER (WHERE d & 128 <> 0) AS delivered,
           count(*) FILTER (WHERE d & 2 <> 0) AS opened,
           count(*) FILTER (WHERE d & 4 <> 0) AS clicked, count(*) FILTER (WHERE d & 8 <> 0) AS bounced,
           count(*) FILTER (WHERE d & 16 <> 0) AS hard_bounced, count(*) FILTER (WHERE d & 32 <> 0) AS unsubscribed,
           count(*) FILTER (WHERE d & 64 <> 0) AS complained
      FROM changed GROUP BY user_id, campaign_id
    UNION ALL
    SELECT user_id, campaign_id, count(*), 0, 0, 0, 0, 0, 0, 0
      FROM new_events WHERE event_type = 'sent' GROUP BY user_id, campaign_id
  )
  UPDATE campaigns c
     SET emails_sent = c.emails_sent + d.sent,
         emails_delivered = c.emails_delivered + d.delivered,
         emails_opened = c.emails_opened + d.opened,
         emails_clicked = c.emails_clicked + d.clicked,
         emails_bounced = c.emails_bounced + d.bounced,
         emails_hard_bounced = c.emails_hard_bounced + d.hard_bounced,
         emails_unsubscribed = c.emails_unsubscribed + d.unsubscribed,
         emails_complained = c.emails_complained + d.complained
    FROM (SELECT user_id, campaign_id, sum(sent) AS sent, sum(delivered) AS delivered,
                 sum(opened) AS opened, sum(clicked) AS clicked, sum(bounced) AS bounced,
                 sum(hard_bounced) AS hard_bounced, sum(unsubscribed) AS unsubscribed,
                 sum(complained) AS complained
            FROM deltas
           GROUP BY user_id, campaign_id) d
   WHERE c.user_id = d.user_id AND c.id = d.campaign_id;

  -- last_engaged_at: the latest human open or click of each contact, kept to the hour. It
  -- feeds "engaged within N days" segments; rewriting the (wide, GIN-indexed) contact row
  -- on every repeated open would make that the costliest write of ingestion.
  -- soft_bounce_count starts again from 0 when mail is seen to arrive: a human open or click,
  -- or a delivery a provider reported (not one written on SMTP acceptance, which comes with
  -- every send, before any bounce). Only contacts with soft bounces are rewritten for that.
  UPDATE contacts c
     SET last_engaged_at = CASE WHEN e.at IS NOT NULL AND (c.last_engaged_at IS NULL OR c.last_engaged_at < e.at - interval '1 hour')
                                THEN e.at ELSE c.last_engaged_at END,
         soft_bounce_count = 0
    FROM (SELECT user_id, contact_id, max(created_at) FILTER (WHERE event_type IN ('opened', 'clicked')) AS at
            FROM new_events
           WHERE (event_type IN ('opened', 'clicked') AND (metadata->>'machine')::boolean IS NOT TRUE)
              OR (event_type = 'delivered' AND metadata ? 'provider_event_id')
           GROUP BY user_id, contact_id) e
   WHERE c.user_id = e.user_id AND c.id = e.contact_id
     AND ((e.at IS NOT NULL AND (c.last_engaged_at IS NULL OR c.last_engaged_at < e.at - interval '1 hour'))
          OR c.soft_bounce_count > 0);

  -- human clicks per link (after the campaigns are locked, so flushes of one campaign meet
  -- its links in the same order)
  UPDATE campaign_links l SET clicks = l.clicks + e.n
    FROM (SELECT user_id, campaign_id, link_url, count(*) AS n
            FROM new_events
           WHERE event_type = 'clicked' AND link_url IS NOT NULL AND (metadata->>'machine')::boolean IS NOT TRUE
           GROUP BY user_id, campaign_id, link_url) e
   WHERE l.user_id = e.user_id AND l.campaign_id = e.campaign_id AND l.url = e.link_url;
  RETURN NULL;
END $$;

-- Down Migration
