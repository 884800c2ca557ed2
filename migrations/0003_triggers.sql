-- Up Migration
-- Trigger automation from the seed: updated_at, lists.contact_count and campaign stats.
-- Counters are maintained by statement-level triggers with transition tables: one
-- statement of N events costs a handful of set-based updates, not N row updates of one
-- hot campaign row.

CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER lists_updated_at BEFORE UPDATE ON lists FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER templates_updated_at BEFORE UPDATE ON templates FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER campaigns_updated_at BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER members_updated_at BEFORE UPDATE ON members FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- lists.contact_count = memberships of live (not soft-deleted) contacts.
CREATE FUNCTION list_contacts_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE lists l SET contact_count = l.contact_count + d.n
  FROM (SELECT nr.user_id, nr.list_id, count(*) AS n
          FROM new_rows nr
          JOIN contacts c ON c.user_id = nr.user_id AND c.id = nr.contact_id
         WHERE c.deleted_at IS NULL
         GROUP BY nr.user_id, nr.list_id) d
  WHERE l.user_id = d.user_id AND l.id = d.list_id;
  RETURN NULL;
END $$;

CREATE FUNCTION list_contacts_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A contact deleted in the same statement (cascade) was live until now; only
  -- memberships of contacts soft-deleted earlier were already discounted.
  UPDATE lists l SET contact_count = greatest(0, l.contact_count - d.n)
  FROM (SELECT o.user_id, o.list_id, count(*) AS n
          FROM old_rows o
          LEFT JOIN contacts c ON c.user_id = o.user_id AND c.id = o.contact_id
         WHERE c.id IS NULL OR c.deleted_at IS NULL
         GROUP BY o.user_id, o.list_id) d
  WHERE l.user_id = d.user_id AND l.id = d.list_id;
  RETURN NULL;
END $$;

CREATE TRIGGER list_contacts_count_ins AFTER INSERT ON list_contacts
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION list_contacts_count_inserted();
CREATE TRIGGER list_contacts_count_del AFTER DELETE ON list_contacts
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION list_contacts_count_deleted();

-- Soft-deleting a contact removes it from its lists' counts; restoring adds it back.
CREATE FUNCTION contacts_soft_delete_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE lists l SET contact_count = greatest(0, l.contact_count + d.delta)
  FROM (SELECT lc.user_id, lc.list_id,
               sum(CASE WHEN n.deleted_at IS NULL THEN 1 ELSE -1 END) AS delta
          FROM new_rows n
          JOIN old_rows o ON o.user_id = n.user_id AND o.id = n.id
          JOIN list_contacts lc ON lc.user_id = n.user_id AND lc.contact_id = n.id
         WHERE (o.deleted_at IS NULL) <> (n.deleted_at IS NULL)
         GROUP BY lc.user_id, lc.list_id) d
  WHERE l.user_id = d.user_id AND l.id = d.list_id AND d.delta <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_soft_delete_count AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION contacts_soft_delete_count();

-- Campaign stats from email_events.
--
-- Unique opens/clicks, bounces, unsubscribes and complaints count recipients, not events:
-- the first such event of a recipient sets its flag/timestamp in campaign_recipients
-- and only that change is counted. Deliveries likewise count each recipient once; an open
-- or click of a recipient with no delivery event implies delivery (the message arrived),
-- so open_rate and click_rate can never exceed 100 %. Events flagged as machine
-- generated (metadata.machine = true: mail privacy proxies, link scanners) are stored
-- but never count as opens or clicks. 'sent' counts every sent event.
--
-- Lock order is campaigns, then campaign_recipients, each by key, so concurrent
-- ingesting statements cannot deadlock; the dispatcher inserts its events before it
-- updates recipients in the same transaction, keeping the same order.
CREATE FUNCTION email_events_apply_stats() RETURNS trigger LANGUAGE plpgsql AS $$
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
  locked AS (
    SELECT r.user_id, r.campaign_id, r.contact_id,
           coalesce(r.delivered_at, p.delivered_at, p.opened_at, p.clicked_at) AS delivered_at,
           coalesce(r.first_opened_at, p.opened_at) AS first_opened_at,
           coalesce(r.first_clicked_at, p.clicked_at) AS first_clicked_at,
           r.bounced OR p.bounced AS bounced,
           r.hard_bounced OR p.hard_bounced AS hard_bounced,
           r.unsubscribed OR p.unsubscribed AS unsubscribed,
           r.complained OR p.complained AS complained,
           (r.delivered_at IS NULL AND coalesce(p.delivered_at, p.opened_at, p.clicked_at) IS NOT NULL)::int AS d_delivered,
           (r.first_opened_at IS NULL AND p.opened_at IS NOT NULL)::int AS d_opened,
           (r.first_clicked_at IS NULL AND p.clicked_at IS NOT NULL)::int AS d_clicked,
           (NOT r.bounced AND p.bounced)::int AS d_bounced,
           (NOT r.hard_bounced AND p.hard_bounced)::int AS d_hard_bounced,
           (NOT r.unsubscribed AND p.unsubscribed)::int AS d_unsubscribed,
           (NOT r.complained AND p.complained)::int AS d_complained
      FROM campaign_recipients r
      JOIN per_recipient p USING (user_id, campaign_id, contact_id)
     ORDER BY r.user_id, r.campaign_id, r.contact_id
       FOR UPDATE OF r
  ),
  changed AS (
    UPDATE campaign_recipients r
       SET delivered_at = l.delivered_at, first_opened_at = l.first_opened_at,
           first_clicked_at = l.first_clicked_at, bounced = l.bounced, hard_bounced = l.hard_bounced,
           unsubscribed = l.unsubscribed, complained = l.complained
      FROM locked l
     WHERE r.user_id = l.user_id AND r.campaign_id = l.campaign_id AND r.contact_id = l.contact_id
       AND (l.d_delivered + l.d_opened + l.d_clicked + l.d_bounced + l.d_hard_bounced
            + l.d_unsubscribed + l.d_complained) > 0
    RETURNING r.user_id  -- data-modifying CTEs always run to completion
  ),
  deltas AS (
    SELECT user_id, campaign_id, 0 AS sent,
           sum(d_delivered) AS delivered, sum(d_opened) AS opened, sum(d_clicked) AS clicked,
           sum(d_bounced) AS bounced, sum(d_hard_bounced) AS hard_bounced,
           sum(d_unsubscribed) AS unsubscribed, sum(d_complained) AS complained
      FROM locked GROUP BY user_id, campaign_id
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
   WHERE c.user_id = d.user_id AND c.id = d.campaign_id
     AND (d.sent + d.delivered + d.opened + d.clicked + d.bounced + d.unsubscribed + d.complained) > 0;

  -- last_engaged_at: the latest human open or click of each contact
  UPDATE contacts c SET last_engaged_at = e.at
    FROM (SELECT user_id, contact_id, max(created_at) AS at
            FROM new_events
           WHERE event_type IN ('opened', 'clicked') AND (metadata->>'machine')::boolean IS NOT TRUE
           GROUP BY user_id, contact_id) e
   WHERE c.user_id = e.user_id AND c.id = e.contact_id
     AND (c.last_engaged_at IS NULL OR c.last_engaged_at < e.at);
  RETURN NULL;
END $$;

CREATE TRIGGER email_events_stats AFTER INSERT ON email_events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION email_events_apply_stats();

-- Down Migration
