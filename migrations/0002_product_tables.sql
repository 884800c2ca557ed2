-- Up Migration
-- Tables Herald needs beyond the seed: Slack binding, members and roles, audit log,
-- digests, imports, and idempotency keys for retried Slack events and webhooks.

-- Global lookup from a Slack team to its account (a Citus reference table).
CREATE TABLE slack_workspaces (
  team_id           varchar(32) PRIMARY KEY,
  user_id           uuid NOT NULL UNIQUE REFERENCES users (id),
  team_name         varchar(255),
  admin_channel_id  varchar(32),
  installed_by      varchar(32) NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
  user_id        uuid NOT NULL REFERENCES users (id),
  slack_user_id  varchar(32) NOT NULL,
  role           varchar(10) NOT NULL DEFAULT 'editor' CHECK (role IN ('admin', 'approver', 'editor')),
  display_name   varchar(255),
  email          varchar(320),
  timezone       varchar(64),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, slack_user_id)
);

CREATE TABLE audit_log (
  user_id       uuid NOT NULL REFERENCES users (id),
  id            bigint GENERATED ALWAYS AS IDENTITY,
  actor         varchar(64) NOT NULL,
  action        varchar(64) NOT NULL,
  entity_type   varchar(32) NOT NULL,
  entity_id     bigint,
  from_status   varchar(20),
  to_status     varchar(20),
  content_hash  varchar(64),
  payload       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, id)
);
CREATE INDEX audit_log_entity ON audit_log (user_id, entity_type, entity_id, created_at);

CREATE TABLE digest_subscriptions (
  user_id      uuid NOT NULL REFERENCES users (id),
  id           bigint GENERATED ALWAYS AS IDENTITY,
  channel_id   varchar(32) NOT NULL,
  frequency    varchar(10) NOT NULL CHECK (frequency IN ('daily', 'weekly')),
  time_of_day  time NOT NULL DEFAULT '09:00',
  weekday      smallint NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),
  timezone     varchar(64) NOT NULL DEFAULT 'UTC',
  created_by   varchar(32) NOT NULL,
  next_run_at  timestamptz NOT NULL,
  last_run_at  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  PRIMARY KEY (user_id, id)
);
CREATE INDEX digest_subscriptions_due ON digest_subscriptions (next_run_at) WHERE deleted_at IS NULL;

CREATE TABLE imports (
  user_id          uuid NOT NULL REFERENCES users (id),
  id               bigint GENERATED ALWAYS AS IDENTITY,
  list_id          bigint NOT NULL,
  status           varchar(12) NOT NULL DEFAULT 'previewed'
                   CHECK (status IN ('previewed', 'running', 'completed', 'failed', 'undone', 'discarded')),
  file_id          varchar(64),
  filename         varchar(255),
  file_sha256      varchar(64),
  created_by       varchar(32) NOT NULL,
  mapping          jsonb NOT NULL DEFAULT '{}',
  total_rows       integer NOT NULL DEFAULT 0,
  new_count        integer NOT NULL DEFAULT 0,
  updated_count    integer NOT NULL DEFAULT 0,
  invalid_count    integer NOT NULL DEFAULT 0,
  duplicate_count  integer NOT NULL DEFAULT 0,
  suppressed_count integer NOT NULL DEFAULT 0,
  errors           jsonb NOT NULL DEFAULT '[]',
  error_message    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  PRIMARY KEY (user_id, id),
  FOREIGN KEY (user_id, list_id) REFERENCES lists (user_id, id)
);
-- one import at a time per account
CREATE UNIQUE INDEX imports_one_running ON imports (user_id) WHERE status = 'running';
ALTER TABLE contacts ADD FOREIGN KEY (user_id, import_id) REFERENCES imports (user_id, id);
ALTER TABLE list_contacts ADD FOREIGN KEY (user_id, import_id) REFERENCES imports (user_id, id);

-- Idempotency keys of processed Slack events and provider webhooks (global: ids are
-- unique per source, and arrive before the account is known).
CREATE TABLE processed_events (
  source       varchar(32) NOT NULL,
  event_id     varchar(255) NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, event_id)
);

-- Down Migration
