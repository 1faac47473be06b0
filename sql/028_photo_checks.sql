-- Issue 17 (photos): a customer's photo is checked like a text, through
-- the same pending/backoff path (`tick outbox`). A message may now carry
-- two checks: its text and its photo (kind). The photo's bytes are kept
-- here from the moment the media step has them (its upload to Cloudinary)
-- until the check is done, failed or skipped, then dropped. A photo over
-- MODERATION_MAX_IMAGE_BYTES, or one the configuration keeps home, is a
-- recorded skip.
ALTER TABLE message_moderation
  ADD COLUMN IF NOT EXISTS kind ENUM('text','image') NOT NULL DEFAULT 'text' AFTER message_id,
  ADD COLUMN IF NOT EXISTS attachment_id BIGINT UNSIGNED NULL AFTER ticket_id,
  ADD COLUMN IF NOT EXISTS image_mime VARCHAR(128) NULL,
  ADD COLUMN IF NOT EXISTS image LONGBLOB NULL,
  MODIFY state ENUM('pending','done','failed','skipped') NOT NULL DEFAULT 'pending',
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (message_id, kind),
  ADD KEY IF NOT EXISTS ix_moderation_attachment (attachment_id);
