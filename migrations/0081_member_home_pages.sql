-- Up Migration
-- The page of each App Home section a member is on ({"sent": 2, …}; a section not in it shows
-- its first page). Re-publishing a member's home after a campaign changes keeps these pages,
-- instead of sending someone paging through a section back to its first page.
ALTER TABLE members ADD COLUMN home_pages jsonb;

-- Down Migration
ALTER TABLE members DROP COLUMN home_pages;
