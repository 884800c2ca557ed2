-- Up Migration
-- Reports and jobs: billing periods for the monthly quota, digest list snapshots, and
-- an index for the stats card's "unknown / failed" counts.

-- Each account's quota resets at its own billing month start: the anchor is the day the
-- account began (a 31st resets on the last day of shorter months, then again on the 31st).
-- quota_period_start is the start of the period monthly_emails_sent counts; the reset job
-- moves it forward with one conditional UPDATE, so a second run in the same period (or a
-- second process) changes nothing. quota_warned_percent remembers the highest quota
-- warning (80 or 100) posted in the period so each is posted once.
ALTER TABLE users
  ADD COLUMN billing_anchor date,
  ADD COLUMN quota_period_start date,
  ADD COLUMN quota_warned_percent smallint NOT NULL DEFAULT 0 CHECK (quota_warned_percent IN (0, 80, 100));
UPDATE users SET billing_anchor = (created_at AT TIME ZONE 'UTC')::date,
                 quota_period_start = (created_at AT TIME ZONE 'UTC')::date;
ALTER TABLE users
  ALTER COLUMN billing_anchor SET DEFAULT (now() AT TIME ZONE 'UTC')::date,
  ALTER COLUMN billing_anchor SET NOT NULL,
  ALTER COLUMN quota_period_start SET DEFAULT (now() AT TIME ZONE 'UTC')::date,
  ALTER COLUMN quota_period_start SET NOT NULL;

-- The start of the billing period containing `day` for an account anchored on `anchor`.
CREATE FUNCTION billing_period_start(anchor date, day date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN (anchor + make_interval(months => m))::date <= day
              THEN (anchor + make_interval(months => m))::date
              ELSE (anchor + make_interval(months => m - 1))::date END
    FROM (SELECT ((extract(year FROM day) - extract(year FROM anchor)) * 12
                  + extract(month FROM day) - extract(month FROM anchor))::integer AS m) months
$$;

-- Lists' sizes when a subscription's last digest was posted ({"<list id>": count}), so the
-- next digest can say which lists grew or shrank without keeping a history table.
ALTER TABLE digest_subscriptions ADD COLUMN last_list_counts jsonb NOT NULL DEFAULT '{}';

-- The stats card counts recipients that ended unknown or failed; these are few, so a
-- partial index keeps that count small even for campaigns with a million recipients.
CREATE INDEX campaign_recipients_unresolved ON campaign_recipients (user_id, campaign_id, status)
  WHERE status IN ('unknown', 'failed');

-- Down Migration
