-- Up Migration
-- CSV imports: when an import started (a 'running' import whose start is long past was
-- interrupted and no longer blocks the account), what it changed (so undo can restore
-- contacts it updated), and the files members shared with Herald (so `/herald import`
-- finds the CSV just uploaded in the channel).

ALTER TABLE imports ADD COLUMN started_at timestamptz;

CREATE TABLE import_contact_changes (
  user_id     uuid NOT NULL,
  import_id   bigint NOT NULL,
  contact_id  bigint NOT NULL,
  previous    jsonb NOT NULL,
  PRIMARY KEY (user_id, import_id, contact_id),
  FOREIGN KEY (user_id, import_id) REFERENCES imports (user_id, id) ON DELETE CASCADE,
  FOREIGN KEY (user_id, contact_id) REFERENCES contacts (user_id, id) ON DELETE CASCADE
);

-- undo finds what an import added by its id
CREATE INDEX contacts_import ON contacts (user_id, import_id) WHERE import_id IS NOT NULL;
CREATE INDEX list_contacts_import ON list_contacts (user_id, import_id) WHERE import_id IS NOT NULL;

CREATE TABLE slack_files (
  user_id        uuid NOT NULL REFERENCES users (id),
  file_id        varchar(32) NOT NULL,
  slack_user_id  varchar(32) NOT NULL,
  channel_id     varchar(32),
  shared_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, file_id)
);
CREATE INDEX slack_files_latest ON slack_files (user_id, slack_user_id, channel_id, shared_at DESC);

-- Down Migration
