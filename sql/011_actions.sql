-- Issue 11: corrective actions. A ticket's actions, each with an owner (a
-- user who works tickets), a due date and a status; closing one records
-- who closed it, when, a note and optional files (attachments.action_id).
CREATE TABLE IF NOT EXISTS ticket_actions (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  ticket_id INT UNSIGNED NOT NULL,
  -- 1 to 1000 characters (the API checks)
  description VARCHAR(1000) NOT NULL,
  owner_id INT UNSIGNED NOT NULL,
  due_date DATE NOT NULL,
  status ENUM('open','done','cancelled') NOT NULL DEFAULT 'open',
  -- the evidence of closing, 1 to 5000 characters
  closing_note TEXT NULL,
  created_by INT UNSIGNED NULL,
  closed_by INT UNSIGNED NULL,
  closed_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_actions_ticket (ticket_id, status, due_date),
  KEY ix_actions_owner (owner_id, status, due_date),
  KEY ix_actions_due (status, due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A file given as the evidence of closing an action.
ALTER TABLE attachments ADD COLUMN IF NOT EXISTS action_id INT UNSIGNED NULL;
CREATE INDEX IF NOT EXISTS idx_attachments_action ON attachments (action_id);

-- An event meant for one user (an action's owner); NULL: for everyone.
ALTER TABLE events ADD COLUMN IF NOT EXISTS user_id INT UNSIGNED NULL;
