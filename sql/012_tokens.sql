-- Issue 15: API tokens for integrations. A token reads
-- "tick_<selector>_<secret>": the selector finds the row, the SHA-256 of
-- the whole token is compared in constant time, and the token itself is
-- never stored. scopes: the permissions it carries, by name, comma-
-- separated, never beyond its owner's role (checked at each use, so a
-- demoted owner's tokens shrink with it). Each minute of use is counted
-- for the per-token rate limit.
CREATE TABLE IF NOT EXISTS api_tokens (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id INT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  selector CHAR(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  scopes VARCHAR(400) CHARACTER SET ascii NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  last_used_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  created_by INT UNSIGNED NULL,
  rate_window DATETIME NULL,
  rate_count INT UNSIGNED NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_api_tokens_selector (selector),
  KEY ix_api_tokens_user (user_id, revoked_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
