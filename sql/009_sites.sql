-- Issue 11: sites and safety reports. A site is where reports come from
-- (a plant, a yard, a rig); a sub-site belongs to one site, one level
-- deep. Its code is what a worker's QR poster types into WhatsApp.
CREATE TABLE IF NOT EXISTS sites (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- 3 to 10 of A-Z and 0-9, stored upper case (the API checks the shape)
  code VARCHAR(10) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  name VARCHAR(100) NOT NULL,
  address VARCHAR(255) NULL,
  latitude DECIMAL(9,6) NULL,
  longitude DECIMAL(9,6) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  parent_id INT UNSIGNED NULL,
  -- Meta's QR code API (WHATSAPP_QR_API=1): its code and deep link
  qr_code VARCHAR(64) NULL,
  qr_deep_link VARCHAR(255) NULL,
  qr_prefill VARCHAR(560) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_sites_code (code),
  KEY ix_sites_parent (parent_id, active),
  KEY ix_sites_active (active, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The sites (or sub-sites) a user manages; a site_manager works only the
-- tickets of these, a reporter linked to any reads only these.
CREATE TABLE IF NOT EXISTS site_users (
  site_id INT UNSIGNED NOT NULL,
  user_id INT UNSIGNED NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (site_id, user_id),
  KEY ix_site_users_user (user_id, site_id)
) ENGINE=InnoDB;

-- A manager's mobile, for the critical-report notice over WhatsApp.
ALTER TABLE users ADD COLUMN IF NOT EXISTS mobile VARCHAR(15) NULL;

-- A safety report on a ticket. category: an IOGP life-saving rule key
-- (line_of_fire, ...) or other; observation_type: unsafe_act,
-- unsafe_condition, near_miss, incident, positive; severity: low, medium,
-- high, critical. anonymous masks the reporter for every role but
-- super_admin.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS site_id INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS subsite_id INT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS category VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS observation_type VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS severity ENUM('low','medium','high','critical') NULL,
  ADD COLUMN IF NOT EXISTS location_latitude DECIMAL(9,6) NULL,
  ADD COLUMN IF NOT EXISTS location_longitude DECIMAL(9,6) NULL,
  ADD COLUMN IF NOT EXISTS location_name VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS location_address VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS anonymous TINYINT(1) NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS idx_tickets_site ON tickets (deleted_at, site_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_subsite ON tickets (deleted_at, subsite_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_tickets_severity ON tickets (deleted_at, severity, created_at, id);
