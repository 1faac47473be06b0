-- Issue 13 (second part): calendars (business hours), automatic replies
-- outside them, SLA policies and each ticket's due times.

-- A calendar: an IANA time zone (checked against the tz database, the
-- same tzdata MariaDB's time zone tables are loaded from), weekly hours
-- and holidays. The default calendar is the desk's; a team may name its
-- own (teams.calendar_id).
CREATE TABLE IF NOT EXISTS calendars (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
  is_default TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_calendars_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Opening intervals: weekday 0 (Sunday) to 6, local minutes [start, end).
CREATE TABLE IF NOT EXISTS calendar_hours (
  calendar_id INT UNSIGNED NOT NULL,
  weekday TINYINT UNSIGNED NOT NULL,
  start_min SMALLINT UNSIGNED NOT NULL,
  end_min SMALLINT UNSIGNED NOT NULL,
  PRIMARY KEY (calendar_id, weekday, start_min)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS calendar_holidays (
  calendar_id INT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  name VARCHAR(100) NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE teams ADD COLUMN IF NOT EXISTS calendar_id INT UNSIGNED NULL;

-- SLA policies, matched in ascending position; a NULL criterion matches
-- anything, so the last catch-all policy has none. Targets in business
-- minutes; NULL: no such target.
CREATE TABLE IF NOT EXISTS sla_policies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  position INT UNSIGNED NOT NULL,
  severity ENUM('low','medium','high','critical') NULL,
  site_id INT UNSIGNED NULL,
  team_id INT UNSIGNED NULL,
  tag VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  first_response_minutes INT UNSIGNED NULL,
  next_response_minutes INT UNSIGNED NULL,
  resolution_minutes INT UNSIGNED NULL,
  -- At breach, give the ticket to another available member of its team.
  reassign_on_breach TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_sla_policies_name (name),
  KEY ix_sla_policies_position (position, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- pending: the ticket waits on the customer (the SLA clock stops); the
-- customer's next message moves it back to in_progress.
ALTER TABLE tickets MODIFY status ENUM('new','assigned','in_progress','pending','closed') NOT NULL DEFAULT 'new';
-- The rollups (issue 12) count tickets by status too: where they came
-- first (020 already applied), their status learns pending as well.
ALTER TABLE IF EXISTS ticket_rollup MODIFY status ENUM('new','assigned','in_progress','pending','closed') NOT NULL;

-- A ticket's SLA: the policy that matched and the due times (UTC). While
-- the ticket is pending the business seconds left are kept in the *_left
-- columns and the due times are set again when it comes back.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS sla_policy_id INT UNSIGNED NULL,
  -- When the SLA clock started (the SLA's now at creation: a test may
  -- move it); NULL: the ticket's created_at.
  ADD COLUMN IF NOT EXISTS sla_started_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS first_response_due_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS next_response_due_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS resolution_due_at DATETIME NULL,
  ADD COLUMN IF NOT EXISTS pending_since DATETIME NULL,
  ADD COLUMN IF NOT EXISTS sla_first_left INT NULL,
  ADD COLUMN IF NOT EXISTS sla_next_left INT NULL,
  ADD COLUMN IF NOT EXISTS sla_resolution_left INT NULL,
  -- Whether a due time was missed (kept for the reports once met or not).
  ADD COLUMN IF NOT EXISTS sla_breached TINYINT(1) NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS idx_tickets_first_due ON tickets (first_response_due_at);
CREATE INDEX IF NOT EXISTS idx_tickets_next_due ON tickets (next_response_due_at);
CREATE INDEX IF NOT EXISTS idx_tickets_resolution_due ON tickets (resolution_due_at);
-- The reports' SLA figure reads the tickets with a policy (none: no rows).
CREATE INDEX IF NOT EXISTS idx_tickets_sla_policy ON tickets (sla_policy_id, created_at);

-- A customer's first message ever (TEXT_WELCOME answers it once); those
-- who wrote before count as welcomed.
ALTER TABLE whatsapp_contacts ADD COLUMN IF NOT EXISTS first_inbound_at DATETIME NULL;
UPDATE whatsapp_contacts SET first_inbound_at = last_inbound_at
  WHERE first_inbound_at IS NULL AND last_inbound_at IS NOT NULL;

-- Each warning and escalation once: the due time is in the key, so a new
-- next-response cycle warns again.
CREATE TABLE IF NOT EXISTS sla_alerts (
  ticket_id INT UNSIGNED NOT NULL,
  target ENUM('first_response','next_response','resolution') NOT NULL,
  level ENUM('warning','breach') NOT NULL,
  due_at DATETIME NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (ticket_id, target, level, due_at)
) ENGINE=InnoDB;

-- The out-of-hours text, once per ticket per local day of the calendar.
CREATE TABLE IF NOT EXISTS ooh_replies (
  ticket_id INT UNSIGNED NOT NULL,
  local_day DATE NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (ticket_id, local_day)
) ENGINE=InnoDB;
