-- Up Migration
-- One-time steps of setting up the sandbox workspace (a welcome message, giving Ben the
-- approver role through /herald role), claimed once even when two processes start together.
CREATE TABLE sandbox_setup (
  step     varchar(64) PRIMARY KEY,
  done_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
