-- Issue 19 (the agent's day): what needs me.
--
-- waiting_since: when the customer's oldest message not yet answered by an
-- agent arrived. Set by an inbound message while it is NULL, cleared by an
-- agent's reply (not by a note) and by closing, in the transaction that
-- stores the message (store/tickets.c, store/replies.c).
-- waiting_key: the same, with the tickets nobody waits on after every
-- waiting one ('9999-12-31'), so that sort=waiting (oldest waiting first)
-- reads an index in order and pages by cursor like the other sorts.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS waiting_since DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS waiting_key DATETIME(3)
    AS (COALESCE(waiting_since, TIMESTAMP '9999-12-31 00:00:00.000')) PERSISTENT;

-- Backfill, open tickets only (nobody waits on a closed one): the oldest
-- customer message after the agents' last reply; a WhatsApp ticket no
-- agent ever answered waits since it was opened (its first message is
-- the description, not a reply).
UPDATE tickets t SET t.waiting_since = (
    SELECT MIN(r.created_at) FROM replies r
    WHERE r.ticket_id = t.id AND r.author = 'customer'
      AND r.id > COALESCE((SELECT MAX(a.id) FROM replies a
        WHERE a.ticket_id = t.id AND a.author = 'agent' AND a.internal = 0), 0)),
  t.updated_at = t.updated_at
  WHERE t.status <> 'closed' AND t.deleted_at IS NULL AND t.waiting_since IS NULL;
UPDATE tickets t SET t.waiting_since = t.created_at, t.updated_at = t.updated_at
  WHERE t.status <> 'closed' AND t.deleted_at IS NULL AND t.waiting_since IS NULL
    AND t.source = 'whatsapp'
    AND NOT EXISTS (SELECT 1 FROM replies a WHERE a.ticket_id = t.id
      AND a.author = 'agent' AND a.internal = 0);

-- One index per list shape for sort=waiting, as sql/025 has for the
-- others (tests/integration/test_list_plans.py EXPLAINs them).
CREATE INDEX IF NOT EXISTS idx_tickets_list_waiting ON tickets (deleted_at, waiting_key, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_status_waiting ON tickets (deleted_at, status, waiting_key, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_holder_waiting ON tickets (deleted_at, assigned_to, waiting_key, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_site_waiting ON tickets (deleted_at, site_id, waiting_key, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_team_waiting ON tickets (deleted_at, team_id, waiting_key, id);

-- The lasting unread mark, per agent: when user_id last opened ticket_id
-- (GET /api/tickets/:id). A ticket is unread for them while the customer
-- wrote after read_at (tickets.last_customer_message_at), or they never
-- opened it and the customer wrote at all.
CREATE TABLE IF NOT EXISTS ticket_reads (
  user_id INT UNSIGNED NOT NULL,
  ticket_id INT UNSIGNED NOT NULL,
  read_at DATETIME(3) NOT NULL,
  PRIMARY KEY (user_id, ticket_id),
  KEY ix_ticket_reads_ticket (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
