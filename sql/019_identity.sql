-- Issue 16: WhatsApp usernames and business-scoped user ids. A contact is
-- found by wa_id or by user_id (either alone finds it); the username a
-- customer shows is kept; identity conflicts wait for a super admin, who
-- merges the two contacts with POST /api/contacts/:id/merge.
ALTER TABLE whatsapp_contacts
  ADD COLUMN IF NOT EXISTS username VARCHAR(64) NULL AFTER profile_name,
  ADD COLUMN IF NOT EXISTS parent_user_id VARCHAR(128) NULL AFTER user_id;

CREATE INDEX IF NOT EXISTS idx_contacts_user_id ON whatsapp_contacts (user_id);

CREATE TABLE IF NOT EXISTS whatsapp_identity_conflicts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- phone_two_user_ids: the same phone under a user id other than the
  -- stored one; two_contacts: the keys of one customer name two contacts.
  reason VARCHAR(32) CHARACTER SET ascii NOT NULL,
  contact_id BIGINT UNSIGNED NOT NULL,
  other_contact_id BIGINT UNSIGNED NULL,
  wa_id VARCHAR(20) NULL,
  user_id VARCHAR(128) NULL,
  previous_user_id VARCHAR(128) NULL,
  -- The message or event that showed it (dedupes redeliveries).
  wamid VARCHAR(191) CHARACTER SET ascii NOT NULL,
  resolved_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_identity_conflicts_event (wamid, reason),
  KEY idx_identity_conflicts_open (resolved_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
