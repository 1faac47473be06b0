-- Working tickets: holder, first response, resolution, activity, internal
-- notes, and the indexes that keep the inbox fast at a million tickets.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS assigned_to INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS assigned_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS first_response_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS resolution TEXT NULL,
  ADD COLUMN IF NOT EXISTS closed_by INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS created_by INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS last_activity_at DATETIME(3) NULL;

UPDATE tickets SET last_activity_at = COALESCE(last_customer_message_at, created_at)
  WHERE last_activity_at IS NULL;

CREATE INDEX IF NOT EXISTS idx_tickets_list_created ON tickets (deleted_at, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_status ON tickets (deleted_at, status, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_list_assigned ON tickets (deleted_at, assigned_to, status, created_at);
CREATE INDEX IF NOT EXISTS idx_tickets_list_activity ON tickets (deleted_at, last_activity_at, id);
CREATE FULLTEXT INDEX IF NOT EXISTS ftx_tickets_text ON tickets (name, description, issue_title);

-- Still a TIMESTAMP, now with milliseconds, so a conversation keeps its
-- order within a second.
ALTER TABLE replies MODIFY created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3);

ALTER TABLE replies
  ADD COLUMN IF NOT EXISTS user_id INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS internal TINYINT(1) NOT NULL DEFAULT 0;

CREATE FULLTEXT INDEX IF NOT EXISTS ftx_replies_text ON replies (message);
CREATE INDEX IF NOT EXISTS idx_replies_ticket_created ON replies (ticket_id, created_at);

-- An agent's text written outside the 24-hour window waits here ('held')
-- until the customer answers the template that re-opens the conversation.
ALTER TABLE whatsapp_messages MODIFY status
  ENUM('received','held','pending','accepted','sent','delivered','read','played','failed') NOT NULL;
CREATE INDEX IF NOT EXISTS idx_messages_held ON whatsapp_messages (ticket_id, status);
