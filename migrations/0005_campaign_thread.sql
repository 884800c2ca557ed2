-- Up Migration
-- Where a campaign's status card lives in Slack: everything about the campaign is posted
-- in that card's thread, and the card is updated in place.
ALTER TABLE campaigns
  ADD COLUMN slack_channel_id varchar(32),
  ADD COLUMN slack_message_ts varchar(32);

-- Down Migration
