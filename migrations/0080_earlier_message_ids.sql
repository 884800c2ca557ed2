-- Up Migration
-- "Retry unknown" sends a recipient whose outcome was unknown again, under a new Message-ID
-- (each claim's Message-ID is what tells its outcome and lease from those of other attempts).
-- The first copy has probably arrived, so a bounce or complaint about it must still find its
-- recipient: the Message-IDs a recipient had before it was queued again are kept here, and
-- the webhooks look a Message-ID up in both places (src/db/recipients.ts).
CREATE TABLE campaign_recipient_earlier_message_ids (
  user_id      uuid NOT NULL,
  message_id   varchar(255) NOT NULL,
  campaign_id  bigint NOT NULL,
  contact_id   bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, message_id),
  FOREIGN KEY (user_id, campaign_id, contact_id) REFERENCES campaign_recipients (user_id, campaign_id, contact_id) ON DELETE CASCADE
);
-- provider reports name the Message-ID alone, before the account is known
CREATE INDEX campaign_recipient_earlier_message_ids_message_id ON campaign_recipient_earlier_message_ids (message_id);
CREATE INDEX campaign_recipient_earlier_message_ids_recipient ON campaign_recipient_earlier_message_ids (user_id, campaign_id, contact_id);

-- Down Migration
DROP TABLE campaign_recipient_earlier_message_ids;
