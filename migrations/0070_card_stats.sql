-- Up Migration
-- The engagement counters a campaign card last showed. Opens, clicks, bounces and
-- unsubscribes keep arriving after sending; a job refreshes the card when they moved,
-- claiming each change with a conditional UPDATE so that one process posts it.
ALTER TABLE campaigns ADD COLUMN card_counters integer[];
CREATE INDEX campaigns_card_refresh ON campaigns (sent_at) WHERE slack_message_ts IS NOT NULL;

-- Down Migration
