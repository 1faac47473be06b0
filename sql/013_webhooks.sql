-- Issue 15: outbound webhooks. A subscription names a URL, the event
-- types it wants and the secret its deliveries are signed with (kept, since
-- each delivery is signed with it). Deliveries are made by `tick outbox`
-- from the events table, which every change writes in its own
-- transaction: last_event_id is how far this subscription has read, and
-- (subscription_id, event_id) is unique, so a run that stops half-way
-- makes nothing twice. A delivery keeps the event's id on every attempt.
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT,
  url VARCHAR(2048) NOT NULL,
  events VARCHAR(400) CHARACTER SET ascii NOT NULL,
  secret VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  description VARCHAR(200) NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  last_event_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  disabled_at DATETIME(3) NULL,
  disabled_reason VARCHAR(255) NULL,
  created_by INT UNSIGNED NULL,
  deleted_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_webhook_subscriptions_active (active, deleted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  subscription_id INT UNSIGNED NOT NULL,
  event_id BIGINT UNSIGNED NOT NULL,
  type VARCHAR(32) CHARACTER SET ascii NOT NULL,
  ticket_id INT UNSIGNED NULL,
  event_at DATETIME(3) NOT NULL,
  -- pending: not tried yet; failed: tried, will be again; delivered; dead:
  -- out of attempts (a resend makes it pending again)
  state ENUM('pending','failed','delivered','dead') NOT NULL DEFAULT 'pending',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  -- the event's data as first sent, so every retry sends the same
  payload MEDIUMTEXT NULL,
  last_status INT NULL,
  last_error VARCHAR(255) NULL,
  last_response VARCHAR(1000) NULL,
  last_attempt_at DATETIME(3) NULL,
  delivered_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_webhook_deliveries_event (subscription_id, event_id),
  KEY ix_webhook_deliveries_due (state, next_attempt_at),
  KEY ix_webhook_deliveries_sub (subscription_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
