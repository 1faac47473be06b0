-- Issue 18 (Speed): the inbox page at a million tickets.
-- The list's last-message snippet lives on the ticket, written with each
-- reply that is not an internal note in the transaction that adds it
-- (store/tickets.c), instead of a sub-query per listed row. last_reply_id
-- is the reply it shows: a reply committed out of order never overwrites a
-- newer one.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS last_message VARCHAR(300) NULL,
  ADD COLUMN IF NOT EXISTS last_reply_id INT UNSIGNED NULL;

-- The replies there already (updated_at kept: nothing changed for people).
UPDATE tickets t
  JOIN (SELECT ticket_id, MAX(id) AS id FROM replies WHERE internal = 0 GROUP BY ticket_id) m ON m.ticket_id = t.id
  JOIN replies r ON r.id = m.id
  SET t.last_message = LEFT(r.message, 300), t.last_reply_id = r.id, t.updated_at = t.updated_at
  WHERE t.last_reply_id IS NULL OR t.last_reply_id < r.id;

-- Keyset paging by activity needs a value on every row (every insert sets
-- it since 003).
UPDATE tickets SET last_activity_at = COALESCE(last_customer_message_at, created_at), updated_at = updated_at
  WHERE last_activity_at IS NULL;

-- One ordered index per list shape the panel offers, newest or oldest
-- (created_at) and by activity (last_activity_at), so a page reads its
-- rows in order and stops: a status, a holder (mine; unassigned is the
-- NULL holder), a site, a team. tests/integration/test_list_plans.py
-- checks each with EXPLAIN. (Status by created_at and a site by created_at
-- have theirs since 003 and 009.)
CREATE INDEX IF NOT EXISTS idx_tickets_list_status_activity ON tickets (deleted_at, status, last_activity_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_holder ON tickets (deleted_at, assigned_to, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_holder_activity ON tickets (deleted_at, assigned_to, last_activity_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_site_activity ON tickets (deleted_at, site_id, last_activity_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_subsite_activity ON tickets (deleted_at, subsite_id, last_activity_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_team ON tickets (deleted_at, team_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_team_activity ON tickets (deleted_at, team_id, last_activity_at, id);
