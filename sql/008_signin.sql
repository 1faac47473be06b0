-- Issue 10 (hardening), sign-in. Failed sign-ins are counted per (e-mail,
-- source address), so guesses from one address never lock the account for
-- everyone else (a stranger cannot lock out the last super admin). The row
-- is locked while an attempt is checked, so concurrent guesses are counted
-- one after the other. From LOGIN_MAX_FAILURES on, each failure locks the
-- pair for 1, 2, 4, ... minutes, at most LOGIN_LOCK_MINUTES.
CREATE TABLE IF NOT EXISTS login_throttle (
  email VARCHAR(254) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
  addr VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  locked_until DATETIME(3) NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (email, addr),
  KEY ix_login_throttle_updated (updated_at)
) ENGINE=InnoDB;

-- The panel's live streams, one row each while it lasts: a user holds at
-- most EVENTS_STREAMS_PER_USER; a new one ends the oldest (its row goes,
-- and the stream sees that at its next poll). seen_at is refreshed by each
-- poll, so the row of a worker that died stops counting.
CREATE TABLE IF NOT EXISTS event_streams (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id INT UNSIGNED NOT NULL,
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  seen_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  beats INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_event_streams_user (user_id, seen_at)
) ENGINE=InnoDB;
