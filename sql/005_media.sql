-- Media kept on Cloudinary: customers' photos, documents, voice notes and
-- videos, and files agents send. tick keeps the record; a pending row is
-- finished later by `tick outbox`.
CREATE TABLE IF NOT EXISTS attachments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  ticket_id INT UNSIGNED NULL,
  reply_id INT UNSIGNED NULL,
  message_id BIGINT UNSIGNED NULL,
  direction ENUM('in','out') NOT NULL,
  provider VARCHAR(16) NOT NULL DEFAULT 'cloudinary',
  media_id VARCHAR(64) NULL,
  public_id VARCHAR(255) NULL,
  secure_url VARCHAR(1024) NULL,
  mime_type VARCHAR(128) NULL,
  bytes BIGINT UNSIGNED NULL,
  file_name VARCHAR(255) NULL,
  sha256 VARCHAR(128) NULL,
  state ENUM('pending','stored','failed') NOT NULL DEFAULT 'pending',
  error VARCHAR(255) NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  -- a file uploaded to tick (an agent's, or the form's), kept here only
  -- until Cloudinary has it
  content LONGBLOB NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY idx_attachments_ticket (ticket_id),
  KEY idx_attachments_message (message_id),
  KEY idx_attachments_due (state, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
