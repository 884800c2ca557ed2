-- Up Migration
-- Monthly partitions of email_events (months in UTC), named email_events_YYYY_MM as in
-- the seed. Events whose month has no partition wait in email_events_default and are
-- moved out when their month is created.

CREATE FUNCTION email_event_partition_name(month date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT format('email_events_%s', to_char(month, 'YYYY_MM'))
$$;

-- Creates the partition of one month (idempotent). Rows of that month waiting in the
-- default partition are moved into the new table before it is attached; the moved rows
-- go straight into the child table, so the stats trigger on email_events does not see
-- them again (each event is counted once). Returns true when a partition was created.
CREATE FUNCTION create_email_event_partition(month date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  first_day date := date_trunc('month', month)::date;
  lower_bound timestamptz := (first_day::timestamp AT TIME ZONE 'UTC');
  upper_bound timestamptz := ((first_day + interval '1 month')::timestamp AT TIME ZONE 'UTC');
  part text := email_event_partition_name(first_day);
BEGIN
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

-- Ensures partitions for the current month and months_ahead more, and for every month
-- that has rows waiting in the default partition. Returns how many were created.
CREATE FUNCTION ensure_email_event_partitions(months_ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  month date;
  created integer := 0;
BEGIN
  IF months_ahead < 2 THEN
    RAISE EXCEPTION 'months_ahead must be at least 2, got %', months_ahead;
  END IF;
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

-- Detaches and drops monthly partitions that lie wholly before the first day of the
-- month retention_months ago. Returns the dropped partitions' names.
CREATE FUNCTION drop_email_event_partitions_older_than(retention_months integer) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => retention_months))
                        AT TIME ZONE 'UTC';
  part record;
BEGIN
  IF retention_months < 1 THEN
    RAISE EXCEPTION 'retention_months must be at least 1, got %', retention_months;
  END IF;
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

SELECT ensure_email_event_partitions(2);

-- Down Migration
