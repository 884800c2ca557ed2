-- Up Migration
-- Herald's data model, from shared/seeds/000_d119470ec20a05fa.txt.
--
-- Deviations from the seed, and why:
-- * Every tenant table's primary key is (user_id, id) and every foreign key between
--   tenant tables includes user_id. A row of one account can therefore never reference
--   a row of another (the database refuses it), and the schema can be distributed by
--   user_id with Citus (docs/scaling.md).
-- * Tenant table ids are bigint identities (the seed only fixes users.id as UUID):
--   smaller indexes and cheap bulk loads; ids are always used together with user_id.
-- * users.password_hash is nullable: accounts are created from a Slack workspace and
--   have no password.
-- * campaigns.open_rate/click_rate/bounce_rate are generated columns computed from the
--   trigger-maintained counters, so they can never disagree with them and a zero
--   denominator gives 0. The counters themselves are maintained by a statement-level
--   trigger on email_events (0002).
-- * email_events carries user_id and references campaign_recipients (the send ledger,
--   which itself references campaigns and contacts) instead of two separate keys:
--   every event belongs to one recipient of one campaign, and one foreign key check
--   per row instead of two keeps bulk ingestion cheap.
-- * email_events is partitioned by month on created_at (the seed's partitioning plan),
--   so its primary key includes created_at.

CREATE TABLE users (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email                 varchar(255) NOT NULL UNIQUE,
  password_hash         varchar(255),
  subscription_tier     varchar(20) NOT NULL DEFAULT 'free'
                        CHECK (subscription_tier IN ('free', 'starter', 'growth', 'pro', 'scale')),
  subscription_status   varchar(20) NOT NULL DEFAULT 'active'
                        CHECK (subscription_status IN ('active', 'cancelled', 'past_due', 'trialing')),
  monthly_email_limit   integer NOT NULL DEFAULT 1000 CHECK (monthly_email_limit >= 0),
  monthly_emails_sent   integer NOT NULL DEFAULT 0 CHECK (monthly_emails_sent >= 0),
  contact_limit         integer NOT NULL DEFAULT 2000 CHECK (contact_limit >= 0),
  metadata              jsonb NOT NULL DEFAULT '{}',
  settings              jsonb NOT NULL DEFAULT '{}',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz
);

CREATE TABLE lists (
  user_id        uuid NOT NULL REFERENCES users (id),
  id             bigint GENERATED ALWAYS AS IDENTITY,
  name           varchar(255) NOT NULL,
  description    text,
  contact_count  integer NOT NULL DEFAULT 0 CHECK (contact_count >= 0),
  metadata       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  PRIMARY KEY (user_id, id)
);
CREATE INDEX idx_lists_user_id ON lists (user_id);
CREATE INDEX idx_lists_deleted_at ON lists (deleted_at);
-- list names are how people address lists in Slack: unique among live lists
CREATE UNIQUE INDEX lists_user_name_live ON lists (user_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE contacts (
  user_id          uuid NOT NULL REFERENCES users (id),
  id               bigint GENERATED ALWAYS AS IDENTITY,
  email            varchar(320) NOT NULL CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
  first_name       varchar(255),
  last_name        varchar(255),
  status           varchar(20) NOT NULL DEFAULT 'subscribed'
                   CHECK (status IN ('subscribed', 'unsubscribed', 'bounced', 'complained')),
  custom_fields    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom_fields) = 'object'),
  tags             text[] NOT NULL DEFAULT '{}',
  soft_bounce_count integer NOT NULL DEFAULT 0,
  last_engaged_at  timestamptz,
  import_id        bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  PRIMARY KEY (user_id, id),
  UNIQUE (user_id, email)
) WITH (fillfactor = 90);  -- room for HOT updates of last_engaged_at by the stats trigger
CREATE INDEX idx_contacts_user_id ON contacts (user_id);
CREATE INDEX idx_contacts_email ON contacts (email);
CREATE INDEX idx_contacts_status ON contacts (status);
CREATE INDEX idx_contacts_tags ON contacts USING gin (tags);
CREATE INDEX idx_contacts_custom_fields ON contacts USING gin (custom_fields);

CREATE TABLE templates (
  user_id        uuid NOT NULL REFERENCES users (id),
  id             bigint GENERATED ALWAYS AS IDENTITY,
  name           varchar(255) NOT NULL,
  subject        varchar(998) NOT NULL DEFAULT '',
  html_content   text NOT NULL,
  text_content   text,
  category       varchar(100),
  is_public      boolean NOT NULL DEFAULT false,
  usage_count    integer NOT NULL DEFAULT 0,
  merge_fields   text[] NOT NULL DEFAULT '{}',
  created_by     varchar(32),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deleted_at     timestamptz,
  PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX templates_user_name_live ON templates (user_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE campaigns (
  user_id              uuid NOT NULL REFERENCES users (id),
  id                   bigint GENERATED ALWAYS AS IDENTITY,
  template_id          bigint,
  name                 varchar(255) NOT NULL,
  subject              varchar(998) NOT NULL,
  html_content         text NOT NULL DEFAULT '',
  text_content         text,
  from_name            varchar(255),
  from_email           varchar(320),
  reply_to             varchar(320),
  status               varchar(20) NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'pending_approval', 'approved', 'scheduled', 'sending',
                                         'sent', 'paused', 'cancelled', 'failed')),
  segment              jsonb NOT NULL DEFAULT '{}',
  scheduled_at         timestamptz,
  timezone             varchar(64),
  sent_at              timestamptz,
  emails_sent          integer NOT NULL DEFAULT 0,
  emails_delivered     integer NOT NULL DEFAULT 0,
  emails_opened        integer NOT NULL DEFAULT 0,
  emails_clicked       integer NOT NULL DEFAULT 0,
  emails_bounced       integer NOT NULL DEFAULT 0,
  emails_hard_bounced  integer NOT NULL DEFAULT 0,
  emails_unsubscribed  integer NOT NULL DEFAULT 0,
  emails_complained    integer NOT NULL DEFAULT 0,
  open_rate            numeric(5,2) GENERATED ALWAYS AS (
                         CASE WHEN emails_delivered > 0
                              THEN least(100, round(emails_opened * 100.0 / emails_delivered, 2)) ELSE 0 END) STORED,
  click_rate           numeric(5,2) GENERATED ALWAYS AS (
                         CASE WHEN emails_delivered > 0
                              THEN least(100, round(emails_clicked * 100.0 / emails_delivered, 2)) ELSE 0 END) STORED,
  bounce_rate          numeric(5,2) GENERATED ALWAYS AS (
                         CASE WHEN emails_sent > 0
                              THEN least(100, round(emails_bounced * 100.0 / emails_sent, 2)) ELSE 0 END) STORED,
  recipients_total     integer NOT NULL DEFAULT 0,
  metadata             jsonb NOT NULL DEFAULT '{}',
  created_by           varchar(32),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  deleted_at           timestamptz,
  PRIMARY KEY (user_id, id),
  FOREIGN KEY (user_id, template_id) REFERENCES templates (user_id, id)
);
CREATE INDEX idx_campaigns_status ON campaigns (status);
CREATE INDEX idx_campaigns_scheduled_at ON campaigns (scheduled_at);
CREATE INDEX idx_campaigns_sent_at ON campaigns (sent_at);
CREATE UNIQUE INDEX campaigns_user_name_live ON campaigns (user_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE list_contacts (
  user_id     uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  list_id     bigint NOT NULL,
  contact_id  bigint NOT NULL,
  import_id   bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, id),
  UNIQUE (user_id, list_id, contact_id),
  FOREIGN KEY (user_id, list_id) REFERENCES lists (user_id, id) ON DELETE CASCADE,
  FOREIGN KEY (user_id, contact_id) REFERENCES contacts (user_id, id) ON DELETE CASCADE
);
CREATE INDEX list_contacts_contact ON list_contacts (user_id, contact_id);

CREATE TABLE campaign_lists (
  user_id      uuid NOT NULL,
  id           bigint GENERATED ALWAYS AS IDENTITY,
  campaign_id  bigint NOT NULL,
  list_id      bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, id),
  UNIQUE (user_id, campaign_id, list_id),
  FOREIGN KEY (user_id, campaign_id) REFERENCES campaigns (user_id, id) ON DELETE CASCADE,
  FOREIGN KEY (user_id, list_id) REFERENCES lists (user_id, id)
);

-- The send ledger: one row per campaign x contact, claimed by the dispatcher.
CREATE TABLE campaign_recipients (
  user_id            uuid NOT NULL,
  campaign_id        bigint NOT NULL,
  contact_id         bigint NOT NULL,
  email              varchar(320) NOT NULL,
  status             varchar(10) NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown', 'skipped')),
  lease_expires_at   timestamptz,
  attempts           smallint NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz,
  message_id         varchar(255),
  error              text,
  sent_at            timestamptz,
  delivered_at       timestamptz,
  first_opened_at    timestamptz,
  first_clicked_at   timestamptz,
  bounced            boolean NOT NULL DEFAULT false,
  hard_bounced       boolean NOT NULL DEFAULT false,
  complained         boolean NOT NULL DEFAULT false,
  unsubscribed       boolean NOT NULL DEFAULT false,
  -- scratch for the stats trigger: which first-time facts the last event statement added
  stats_delta        smallint NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, campaign_id, contact_id),
  FOREIGN KEY (user_id, campaign_id) REFERENCES campaigns (user_id, id) ON DELETE CASCADE,
  FOREIGN KEY (user_id, contact_id) REFERENCES contacts (user_id, id)
) WITH (fillfactor = 80);  -- recipients are updated in place by the dispatcher and the stats trigger (HOT updates)
-- the dispatcher claims pending work of one campaign; a partial index keeps that cheap
CREATE INDEX campaign_recipients_pending ON campaign_recipients (user_id, campaign_id, contact_id)
  WHERE status = 'pending';
CREATE INDEX campaign_recipients_sending ON campaign_recipients (lease_expires_at) WHERE status = 'sending';
CREATE UNIQUE INDEX campaign_recipients_message_id ON campaign_recipients (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX campaign_recipients_contact ON campaign_recipients (user_id, contact_id);

-- Links of a sent campaign: click redirects go only to these.
CREATE TABLE campaign_links (
  user_id      uuid NOT NULL,
  campaign_id  bigint NOT NULL,
  id           bigint GENERATED ALWAYS AS IDENTITY,
  url          text NOT NULL CHECK (url ~* '^https?://'),
  link_text    text,
  clicks       integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, campaign_id, id),
  UNIQUE (user_id, campaign_id, url),
  FOREIGN KEY (user_id, campaign_id) REFERENCES campaigns (user_id, id) ON DELETE CASCADE
);

CREATE TABLE email_events (
  user_id        uuid NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  campaign_id    bigint NOT NULL,
  contact_id     bigint NOT NULL,
  event_type     varchar(20) NOT NULL
                 CHECK (event_type IN ('sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained')),
  user_agent     text,
  ip_address     inet,
  location       varchar(255),
  device_type    varchar(50),
  link_url       text,
  link_text      text,
  bounce_type    varchar(20) CHECK (bounce_type IN ('hard', 'soft')),
  bounce_reason  text,
  metadata       jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, id, created_at),
  FOREIGN KEY (user_id, campaign_id, contact_id)
    REFERENCES campaign_recipients (user_id, campaign_id, contact_id) ON DELETE CASCADE
) PARTITION BY RANGE (created_at);
CREATE INDEX idx_email_events_campaign_id ON email_events (campaign_id);
CREATE INDEX idx_email_events_contact_id ON email_events (contact_id);
CREATE INDEX idx_email_events_event_type ON email_events (event_type);
CREATE INDEX idx_email_events_created_at ON email_events (created_at);
CREATE INDEX idx_email_events_campaign_contact ON email_events (campaign_id, contact_id);
-- An event whose month has no partition yet is never rejected: it lands here and is
-- moved into its month when that partition is created (ensure_email_event_partitions).
CREATE TABLE email_events_default PARTITION OF email_events DEFAULT;

-- Down Migration
