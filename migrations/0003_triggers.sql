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

-- updated_at tracks changes made by statements, not the counters that the stats and
-- count triggers below maintain (pg_trigger_depth() > 0): that keeps bulk event
-- ingestion free of a per-row trigger call on every touched campaign, list and contact.
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER lists_updated_at BEFORE UPDATE ON lists FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER contacts_updated_at BEFORE UPDATE ON contacts FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER templates_updated_at BEFORE UPDATE ON templates FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER campaigns_updated_at BEFORE UPDATE ON campaigns FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER members_updated_at BEFORE UPDATE ON members FOR EACH ROW
  WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION update_updated_at_column();

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
-- A row trigger with a WHEN clause: soft deletes are rare, while contacts are updated in
-- bulk by imports and by the stats trigger (last_engaged_at), which then pay nothing.
CREATE FUNCTION contacts_soft_delete_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE lists l SET contact_count = greatest(0, l.contact_count + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END)
    FROM list_contacts lc
   WHERE lc.user_id = NEW.user_id AND lc.contact_id = NEW.id AND l.user_id = lc.user_id AND l.id = lc.list_id;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_soft_delete_count AFTER UPDATE OF deleted_at ON contacts FOR EACH ROW
  WHEN ((OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)) EXECUTE FUNCTION contacts_soft_delete_count();

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
-- The statement first locks its campaigns in key order: two statements touching the same
-- recipient share its campaign, so they serialise there and cannot deadlock on recipients.
-- The dispatcher inserts its events before it updates recipients in the same transaction,
-- keeping the same order.
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
  -- SET expressions see the row version being replaced (re-read after a concurrent
  -- update), so stats_delta records exactly which first-time facts this statement added:
  -- bit 0 delivered, 1 opened, 2 clicked, 3 bounced, 4 hard bounced, 5 unsubscribed, 6 complained.
  changed AS (
    UPDATE campaign_recipients r
       SET delivered_at = coalesce(r.delivered_at, p.delivered_at, p.opened_at, p.clicked_at),
           first_opened_at = coalesce(r.first_opened_at, p.opened_at),
           first_clicked_at = coalesce(r.first_clicked_at, p.clicked_at),
           bounced = r.bounced OR p.bounced,
           hard_bounced = r.hard_bounced OR p.hard_bounced,
           unsubscribed = r.unsubscribed OR p.unsubscribed,
           complained = r.complained OR p.complained,
           stats_delta = (r.delivered_at IS NULL AND coalesce(p.delivered_at, p.opened_at, p.clicked_at) IS NOT NULL)::int
                       + (r.first_opened_at IS NULL AND p.opened_at IS NOT NULL)::int * 2
                       + (r.first_clicked_at IS NULL AND p.clicked_at IS NOT NULL)::int * 4
                       + (NOT r.bounced AND p.bounced)::int * 8
                       + (NOT r.hard_bounced AND p.hard_bounced)::int * 16
                       + (NOT r.unsubscribed AND p.unsubscribed)::int * 32
                       + (NOT r.complained AND p.complained)::int * 64
      FROM per_recipient p
     WHERE r.user_id = p.user_id AND r.campaign_id = p.campaign_id AND r.contact_id = p.contact_id
       AND ((r.delivered_at IS NULL AND coalesce(p.delivered_at, p.opened_at, p.clicked_at) IS NOT NULL)
            OR (r.first_opened_at IS NULL AND p.opened_at IS NOT NULL)
            OR (r.first_clicked_at IS NULL AND p.clicked_at IS NOT NULL)
            OR (NOT r.bounced AND p.bounced) OR (NOT r.hard_bounced AND p.hard_bounced)
            OR (NOT r.unsubscribed AND p.unsubscribed) OR (NOT r.complained AND p.complained))
    RETURNING r.user_id, r.campaign_id, r.stats_delta AS d
  ),
  deltas AS (
    SELECT user_id, campaign_id, 0 AS sent,
           count(*) FILTER (WHERE d & 1 <> 0) AS delivered, count(*) FILTER (WHERE d & 2 <> 0) AS opened,
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
