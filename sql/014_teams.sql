-- Issue 13 (first part): teams, a ticket's team and tags, agents'
-- availability and automatic assignment. Business hours (a calendar per
-- team), SLA, contacts, CSAT and retention come later in their own
-- migrations.
CREATE TABLE IF NOT EXISTS teams (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  -- New WhatsApp tickets of this site (or of its sub-sites) join the team.
  site_id INT UNSIGNED NULL,
  -- manual: nobody is chosen; round_robin: the next available member in
  -- turn; balanced: the available member with the fewest open tickets.
  assignment ENUM('manual','round_robin','balanced') NOT NULL DEFAULT 'manual',
  -- The most open tickets automatic assignment gives one agent (counted
  -- over all the agent's tickets); NULL: no limit.
  agent_capacity INT UNSIGNED NULL,
  -- New WhatsApp tickets no site's team takes join the default team (one).
  is_default TINYINT(1) NOT NULL DEFAULT 0,
  -- Round robin: the member who got the team's last ticket.
  rr_last_user_id INT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_teams_name (name),
  KEY ix_teams_site (site_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS team_members (
  team_id INT UNSIGNED NOT NULL,
  user_id INT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (team_id, user_id),
  KEY ix_team_members_user (user_id, team_id)
) ENGINE=InnoDB;

-- An agent's availability; no row is offline. The row is also what
-- automatic assignment locks (FOR UPDATE) before it counts an agent's
-- open tickets, so two arrivals never give one agent more than capacity.
CREATE TABLE IF NOT EXISTS agent_status (
  user_id INT UNSIGNED NOT NULL,
  availability ENUM('available','away','offline') NOT NULL DEFAULT 'offline',
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id)
) ENGINE=InnoDB;

-- A ticket's tags (normalised by base/assign_rules: 1 to 32 characters,
-- ASCII lower-cased); binary so that each stored tag is one key.
CREATE TABLE IF NOT EXISTS ticket_tags (
  ticket_id INT UNSIGNED NOT NULL,
  tag VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (ticket_id, tag),
  KEY ix_ticket_tags_tag (tag, ticket_id)
) ENGINE=InnoDB;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS team_id INT UNSIGNED NULL;
CREATE INDEX IF NOT EXISTS idx_tickets_team ON tickets (deleted_at, team_id, assigned_to, created_at, id);
