-- Issue 17 (first part): AI safety checks of customers' texts. One row per
-- checked message, written in the webhook's transaction with the message
-- (pending) and finished by `tick outbox`, which leases due rows as the
-- outbox does (next_attempt_at moved ahead before the call) so that two
-- runs never check one row.
CREATE TABLE IF NOT EXISTS message_moderation (
  message_id BIGINT UNSIGNED NOT NULL,
  ticket_id INT UNSIGNED NULL,
  state ENUM('pending','done','failed') NOT NULL DEFAULT 'pending',
  provider VARCHAR(16) NOT NULL,
  model VARCHAR(100) NULL,
  flagged TINYINT(1) NOT NULL DEFAULT 0,
  -- {"harassment": 0.1, ...}; {} for a provider's safety block.
  categories JSON NULL,
  -- {life_saving_rule, observation_type, severity, confidence} or NULL.
  suggestion JSON NULL,
  latency_ms INT UNSIGNED NULL,
  error VARCHAR(255) NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  -- An agent's decision on a flagged message: cleared (shown again, the
  -- ticket no longer flagged by it) or confirmed.
  review ENUM('cleared','confirmed') NULL,
  reviewed_by INT UNSIGNED NULL,
  reviewed_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (message_id),
  KEY ix_moderation_due (state, next_attempt_at),
  KEY ix_moderation_ticket (ticket_id, flagged)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
