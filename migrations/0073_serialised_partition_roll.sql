-- Up Migration
-- Two processes rolling email_events partitions at once (every worker's roller fires in the
-- same cron second; every process ensures partitions when it starts) collided: each saw a
-- month missing before either created it, then the second failed (deadlock on the default
-- partition, or "relation already exists"), and the second of two DETACHes of an expired
-- month found it gone. Creating, ensuring and dropping partitions now take one
-- transaction-level advisory lock before they look at anything, so concurrent rolls run one
-- after the other and the later one finds the work done. The functions are those of 0004
-- with the lock added.

CREATE FUNCTION lock_email_event_partitions() RETURNS void
LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(hashtextextended('email_events partitions', 0))
$$;

CREATE OR REPLACE FUNCTION create_email_event_partition(month date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  lower_bound timestamptz := (first_day::timestamp AT TIME ZONE 'UTC');
  upper_bound timestamptz := ((first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  part text := email_event_partition_name(first_day);
BEGIN
  PERFORM lock_email_event_partitions();
  IF to_regclass(format('public.%I', part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  -- serialise with concurrent inserts into the default partition while rows move
  LOCK TABLE email_events_default IN SHARE ROW EXCLUSIVE MODE;
  EXECUTE format('CREATE TABLE %I (LIKE email_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
  EXECUTE format(
    'WITH moved AS (DELETE FROM email_events_default WHERE created_at >= $1 AND created_at < $2 RETURNING *)
     INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM moved', part)
    USING lower_bound, upper_bound;
  EXECUTE format('ALTER TABLE email_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                 part, lower_bound, upper_bound);
  RETURN true;
END $$;

CREATE OR REPLACE FUNCTION ensure_email_event_partitions(months_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month date;
  created integer := 0;
BEGIN
  IF months_ahead < 2 THEN
    RAISE EXCEPTION 'months_ahead must be at least 2, got %', months_ahead;
  END IF;
  -- before reading the default partition: a roll waiting here holds no lock on it
  PERFORM lock_email_event_partitions();
  FOR month IN
    SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
                           date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => months_ahead),
                           interval '1 month')::date
    UNION
    SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM email_events_default
    ORDER BY 1
  LOOP
    IF create_email_event_partition(month) THEN
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;

CREATE OR REPLACE FUNCTION drop_email_event_partitions_older_than(retention_months integer) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => retention_months))
                        AT TIME ZONE 'UTC';
  part record;
BEGIN
  IF retention_months < 1 THEN
    RAISE EXCEPTION 'retention_months must be at least 1, got %', retention_months;
  END IF;
  PERFORM lock_email_event_partitions();
  FOR part IN
    SELECT c.relname,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'email_events'::regclass
       AND c.relname ~ '^email_events_\d{4}_\d{2}$'
  LOOP
    IF part.upper_bound <= cutoff THEN
      EXECUTE format('ALTER TABLE email_events DETACH PARTITION %I', part.relname);
      EXECUTE format('DROP TABLE %I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END $$;

-- Down Migration
