-- Up Migration
-- Campaign workflow: four-eyes approval bound to a content hash, and the stale-schedule hold.
-- The seed's campaigns.status values already cover every state
-- (draft → pending_approval → approved → scheduled → sending → sent, paused, cancelled,
-- failed), so its CHECK is unchanged; a held campaign is 'paused' with held_at set.

ALTER TABLE campaigns
  -- who last changed the content: neither they nor the creator may approve it
  ADD COLUMN edited_by      varchar(32),
  ADD COLUMN approved_hash  varchar(64),
  ADD COLUMN approved_by    varchar(32),
  ADD COLUMN approved_at    timestamptz,
  -- set when the scheduled time passed while Herald was down; a person must confirm or reschedule
  ADD COLUMN held_at        timestamptz;

-- What an approval is bound to: everything that decides what is sent, to whom and when.
-- Computed in one place, by the database, so a conditional UPDATE can compare it with the
-- hash the approver saw. jsonb's text form is canonical (sorted keys), lists are sorted.
CREATE FUNCTION campaign_content_hash(c campaigns) RETURNS varchar(64)
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_object(
    'subject', c.subject,
    'html', c.html_content,
    'text', c.text_content,
    'from_name', c.from_name,
    'from_email', c.from_email,
    'reply_to', c.reply_to,
    'segment', c.segment,
    'scheduled_at', to_char(c.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'timezone', c.timezone,
    'lists', (SELECT coalesce(jsonb_agg(cl.list_id ORDER BY cl.list_id), '[]'::jsonb)
                FROM campaign_lists cl
               WHERE cl.user_id = c.user_id AND cl.campaign_id = c.id)
  )::text, 'UTF8')), 'hex')::varchar(64)
$$;

-- Down Migration
