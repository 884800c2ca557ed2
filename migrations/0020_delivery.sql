-- Up Migration
-- Delivery bookkeeping for the dispatcher (src/delivery, src/jobs/dispatch.ts).
--
-- campaign_recipients is materialised once per campaign, in the same transaction that moves
-- it to 'sending'. The timestamp says it happened, so a campaign paused and resumed through
-- 'scheduled' is not materialised again (new list members would otherwise join mid-send).
ALTER TABLE campaigns ADD COLUMN recipients_materialized_at timestamptz;

-- Due campaigns are found by status and time on every dispatcher tick.
CREATE INDEX campaigns_due ON campaigns (scheduled_at) WHERE status = 'scheduled' AND deleted_at IS NULL;

-- Down Migration
