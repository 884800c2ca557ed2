-- Up Migration
-- When a member last opened Herald's App Home: after a campaign changes, Herald re-publishes
-- the home of members who look at it, and of nobody else (views.publish is rate-limited).
ALTER TABLE members ADD COLUMN home_opened_at timestamptz;

-- Down Migration
