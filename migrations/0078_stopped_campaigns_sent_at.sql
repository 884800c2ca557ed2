-- Up Migration
-- campaigns.sent_at is when a campaign's sending ended: set when it finishes, and now also when
-- it is cancelled or fails after it started sending (src/delivery/transitions.ts SENDING_ENDS),
-- so reports, digests, the App Home and card refreshes count what it sent. Campaigns stopped
-- that way before get the time of the audit row that stopped them.
UPDATE campaigns c
   SET sent_at = stopped.at
  FROM (SELECT user_id, entity_id AS campaign_id, max(created_at) AS at
          FROM audit_log
         WHERE entity_type = 'campaign' AND to_status IN ('cancelled', 'failed')
         GROUP BY user_id, entity_id) stopped
 WHERE c.user_id = stopped.user_id AND c.id = stopped.campaign_id
   AND c.status IN ('cancelled', 'failed') AND c.sent_at IS NULL AND c.recipients_materialized_at IS NOT NULL;

-- Down Migration
