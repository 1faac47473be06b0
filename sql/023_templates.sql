-- Issue 16: the WhatsApp template library, synced from Meta
-- (GET /{waba-id}/message_templates), created and deleted through Meta's
-- API, kept current by the message_template_status_update,
-- template_category_update and message_template_quality_update webhooks.
CREATE TABLE IF NOT EXISTS whatsapp_templates (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- Meta's naming rule: a-z, 0-9 and _, at most 512 characters.
  name VARCHAR(512) CHARACTER SET ascii NOT NULL,
  language VARCHAR(16) CHARACTER SET ascii NOT NULL,
  -- MARKETING, UTILITY, AUTHENTICATION (as Meta says them).
  category VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT '',
  -- APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ... (as Meta says).
  status VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT 'PENDING',
  -- GREEN, YELLOW, RED, UNKNOWN; NULL until Meta rates it.
  quality VARCHAR(16) CHARACTER SET ascii NULL,
  -- POSITIONAL ({{1}}) or NAMED ({{first_name}}).
  parameter_format VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT 'POSITIONAL',
  components MEDIUMTEXT NOT NULL CHECK (JSON_VALID(components)),
  meta_id VARCHAR(64) CHARACTER SET ascii NULL,
  -- Why Meta rejected or paused it, when it said.
  reason VARCHAR(255) NULL,
  synced_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_templates_name_language (name, language),
  KEY idx_templates_meta_id (meta_id),
  KEY idx_templates_status (status, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
