-- Issue 11: the guided intake over WhatsApp. One row per ticket whose
-- report is being asked for (core/intake): the step it is at, how often
-- its question went out, the page of the site list shown, the site known
-- so far, and the last inbound message applied, so that a redelivery (or
-- an older message arriving late) changes nothing.
CREATE TABLE IF NOT EXISTS intake_forms (
  ticket_id INT UNSIGNED NOT NULL,
  -- start, site, category, observation, severity, anonymous, location,
  -- done, expired (base/intake)
  step VARCHAR(16) CHARACTER SET ascii NOT NULL,
  asked TINYINT UNSIGNED NOT NULL DEFAULT 1,
  page SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  site_id INT UNSIGNED NULL,
  subsite_id INT UNSIGNED NULL,
  has_location TINYINT(1) NOT NULL DEFAULT 0,
  has_photo TINYINT(1) NOT NULL DEFAULT 0,
  last_wamid VARCHAR(191) NULL,
  last_message_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (ticket_id)
) ENGINE=InnoDB;
