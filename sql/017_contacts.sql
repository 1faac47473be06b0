-- Issue 13 (contacts, retention and erasure): a contact card over
-- whatsapp_contacts, its tags, and the Cloudinary files still to destroy
-- after their rows were erased.
ALTER TABLE whatsapp_contacts
  ADD COLUMN IF NOT EXISTS name VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS email VARCHAR(254) NULL,
  ADD COLUMN IF NOT EXISTS notes TEXT NULL,
  -- A JSON object of at most 50 members (base/contact_rules).
  ADD COLUMN IF NOT EXISTS custom_fields TEXT NULL,
  -- The customer asked to hear nothing more (the panel or an import).
  ADD COLUMN IF NOT EXISTS opted_out TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS opted_out_at DATETIME(3) NULL;

CREATE INDEX IF NOT EXISTS idx_contacts_name ON whatsapp_contacts (name);

-- A contact's tags, normalised like a ticket's (base/assign_rules).
CREATE TABLE IF NOT EXISTS contact_tags (
  contact_id BIGINT UNSIGNED NOT NULL,
  tag VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (contact_id, tag),
  KEY ix_contact_tags_tag (tag, contact_id)
) ENGINE=InnoDB;

-- Files on Cloudinary whose rows were erased (retention or a person's
-- erasure): `tick outbox` destroys each, retrying a failure later. Only
-- the public id is kept, never the content.
CREATE TABLE IF NOT EXISTS cloudinary_destroys (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  public_id VARCHAR(255) NOT NULL,
  -- the file's MIME type: wa/cld says which resource type it is
  mime_type VARCHAR(128) NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  error VARCHAR(255) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_cld_destroys_due (next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE INDEX IF NOT EXISTS idx_tickets_closed ON tickets (status, closed_at);
