-- Up Migration
-- State of the local sandbox (src/sandbox): the stand-in Slack workspace served when no
-- Slack credentials are configured. These tables hold Slack's side of the conversation
-- (members, channels, messages, views, files), not account data: there is exactly one
-- sandbox workspace, so they carry no user_id, and only src/sandbox reads them. They live
-- in the same database so the sandbox survives restarts together with Herald's data.

CREATE TABLE sandbox_members (
  id         varchar(32) PRIMARY KEY,
  name       varchar(80) NOT NULL,
  real_name  varchar(255) NOT NULL,
  title      varchar(80) NOT NULL DEFAULT '',
  email      varchar(320) NOT NULL,
  timezone   varchar(64) NOT NULL DEFAULT 'UTC',
  is_bot     boolean NOT NULL DEFAULT false,
  position   smallint NOT NULL DEFAULT 0
);

CREATE TABLE sandbox_channels (
  id         varchar(32) PRIMARY KEY,
  name       varchar(80) NOT NULL,
  -- a direct message channel between the app and this member (chat.postMessage to a user id)
  im_member  varchar(32) UNIQUE REFERENCES sandbox_members (id),
  position   smallint NOT NULL DEFAULT 0
);

-- Message timestamps: "<unix seconds>.<6 digits>", unique because the suffix comes from here.
CREATE SEQUENCE sandbox_ts_seq;

CREATE TABLE sandbox_messages (
  seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel_id       varchar(32) NOT NULL REFERENCES sandbox_channels (id),
  ts               varchar(32) NOT NULL,
  thread_ts        varchar(32),
  author_id        varchar(32) NOT NULL REFERENCES sandbox_members (id),
  -- ephemeral messages are seen by this member only
  visible_to       varchar(32) REFERENCES sandbox_members (id),
  text             text NOT NULL DEFAULT '',
  blocks           jsonb,
  file_ids         text[] NOT NULL DEFAULT '{}',
  reply_broadcast  boolean NOT NULL DEFAULT false,
  edited_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, ts)
);
CREATE INDEX sandbox_messages_thread ON sandbox_messages (channel_id, thread_ts, seq) WHERE thread_ts IS NOT NULL;

CREATE TABLE sandbox_views (
  id                varchar(32) PRIMARY KEY,
  member_id         varchar(32) NOT NULL REFERENCES sandbox_members (id),
  kind              varchar(8) NOT NULL CHECK (kind IN ('modal', 'home')),
  view              jsonb NOT NULL,
  hash              varchar(64) NOT NULL,
  external_id       varchar(255) UNIQUE,
  root_view_id      varchar(32) NOT NULL,
  previous_view_id  varchar(32),
  -- position in the member's modal stack (1..3); null once closed, and for the Home tab
  depth             smallint CHECK (depth BETWEEN 1 AND 3),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sandbox_views_one_home ON sandbox_views (member_id) WHERE kind = 'home';
CREATE UNIQUE INDEX sandbox_views_stack ON sandbox_views (member_id, depth) WHERE depth IS NOT NULL;

CREATE TABLE sandbox_files (
  id           varchar(32) PRIMARY KEY,
  name         varchar(255) NOT NULL,
  title        varchar(255),
  mimetype     varchar(127) NOT NULL,
  filetype     varchar(32) NOT NULL,
  size         integer NOT NULL CHECK (size >= 0),
  -- null until the bytes arrive at the upload URL (files.getUploadURLExternal)
  content      bytea,
  uploader_id  varchar(32) NOT NULL REFERENCES sandbox_members (id),
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- trigger_ids handed to the app with an interaction: valid for 3 seconds, usable once.
CREATE TABLE sandbox_triggers (
  id          varchar(64) PRIMARY KEY,
  member_id   varchar(32) NOT NULL REFERENCES sandbox_members (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  used_at     timestamptz
);

-- response_urls handed to the app: where the answer goes, and how often it was used
-- (Slack allows 5 uses within 30 minutes).
CREATE TABLE sandbox_response_urls (
  id          varchar(64) PRIMARY KEY,
  member_id   varchar(32) NOT NULL REFERENCES sandbox_members (id),
  channel_id  varchar(32) NOT NULL REFERENCES sandbox_channels (id),
  -- the message whose button was clicked (replace_original / delete_original act on it)
  message_ts  varchar(32),
  thread_ts   varchar(32),
  uses        smallint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
