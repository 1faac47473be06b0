-- Issue 16 (consent and channel health).
-- A contact's marketing consent: the user_preferences webhook (Meta's
-- "stop" and "resume" of marketing messages) and the opt-out keywords set
-- it (base/consent decides). marketing_pref_at is the time of the newest
-- preference applied (Meta's timestamp): an older one arriving late, or a
-- redelivery, changes nothing. Not opted_out (017), which stops every
-- message the desk sends.
ALTER TABLE whatsapp_contacts
  ADD COLUMN IF NOT EXISTS marketing_opt_out TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS marketing_opt_out_at DATETIME(3) NULL,
  -- user_preferences or keyword
  ADD COLUMN IF NOT EXISTS marketing_opt_out_source VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS marketing_pref_at DATETIME(3) NULL;

-- The channel's health, one row per kind (base/channel_rules): token (a
-- 190 from the Graph API), account (a lock, 131031, or Meta's
-- account_update), quality (phone_number_quality_update). severity 0 ok,
-- 1 warning, 2 error; since is when this state began, seen_at when it was
-- last seen.
CREATE TABLE IF NOT EXISTS whatsapp_channel_health (
  kind VARCHAR(16) NOT NULL,
  severity TINYINT UNSIGNED NOT NULL DEFAULT 0,
  code BIGINT NULL,
  event VARCHAR(64) NULL,
  title VARCHAR(255) NULL,
  rating VARCHAR(16) NULL,
  messaging_limit VARCHAR(64) NULL,
  -- Meta's own words (ban_info, violation_info, restriction_info, ...),
  -- a JSON object of at most 4 KB
  detail TEXT NULL,
  since DATETIME(3) NULL,
  seen_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The window reminder (WINDOW_REMINDER_TEXT): the customer message time it
-- was sent for, so it goes once per message.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS window_reminder_for DATETIME(3) NULL;
-- `tick outbox` looks for customers who wrote 23 to 24 hours ago.
CREATE INDEX IF NOT EXISTS idx_tickets_last_customer ON tickets (last_customer_message_at);
