-- Issue 16, interactive replies: the typing indicator's pace per ticket,
-- and the canned replies the desk shares.

-- When tick last sent the typing indicator (with a read mark) for a
-- ticket: at most once per 20 seconds (core/readmark).
CREATE TABLE IF NOT EXISTS ticket_typing (
  ticket_id INT UNSIGNED NOT NULL,
  sent_at DATETIME(3) NOT NULL,
  PRIMARY KEY (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Canned replies: a short code typed after "/" in the composer, a title,
-- a text with {name}, {reference} and {agent} filled by the panel, and up
-- to 3 reply buttons (their titles, a JSON array).
CREATE TABLE IF NOT EXISTS canned_replies (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- a-z, 0-9, - and _, 1 to 32 characters.
  code VARCHAR(32) CHARACTER SET ascii NOT NULL,
  title VARCHAR(100) NOT NULL,
  body TEXT NOT NULL,
  buttons TEXT NULL CHECK (buttons IS NULL OR JSON_VALID(buttons)),
  created_by INT UNSIGNED NULL,
  updated_by INT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_canned_code (code),
  KEY idx_canned_title (title)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
