-- Issue 17 (photos, and the intake's confirmation below): a customer's photo is checked like a text, through
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

-- The guided intake offers the model's suggestion (what happened, the
-- observation type, the severity) for the worker to confirm with one
-- button: the form keeps what it offered, and whether it was declined
-- (then it is not offered again).
ALTER TABLE intake_forms
  ADD COLUMN IF NOT EXISTS suggested_category VARCHAR(40) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS suggested_observation VARCHAR(40) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS suggested_severity VARCHAR(16) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS suggestion_declined TINYINT(1) NOT NULL DEFAULT 0;

-- TEXT_MODERATION_NOTICE goes once per ticket: the check it went for.
ALTER TABLE message_moderation
  ADD COLUMN IF NOT EXISTS notice_sent TINYINT(1) NOT NULL DEFAULT 0;
