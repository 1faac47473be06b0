-- WhatsApp intake: contacts, messages in and out, raw webhook events,
-- delivery statuses, and the columns tickets need for them.
ALTER TABLE tickets MODIFY status ENUM('new','assigned','in_progress','closed') NOT NULL DEFAULT 'new';

ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS reference VARCHAR(32) NULL,
  ADD COLUMN IF NOT EXISTS source ENUM('form','whatsapp','api') NOT NULL DEFAULT 'form',
  ADD COLUMN IF NOT EXISTS contact_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS last_customer_message_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS closed_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS deleted_at DATETIME(3) NULL;

CREATE UNIQUE INDEX IF NOT EXISTS uq_tickets_reference ON tickets (reference);
CREATE INDEX IF NOT EXISTS idx_tickets_mobile_status ON tickets (mobile, status);
CREATE INDEX IF NOT EXISTS idx_tickets_contact_status ON tickets (contact_id, status);

ALTER TABLE replies
  ADD COLUMN IF NOT EXISTS author ENUM('customer','agent','system') NOT NULL DEFAULT 'agent',
  ADD COLUMN IF NOT EXISTS message_id BIGINT UNSIGNED NULL;

CREATE TABLE IF NOT EXISTS whatsapp_contacts (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  -- wa_id when WhatsApp gives a phone number, else "user:" and the
  -- business-scoped user id: never assume a phone number is there.
  contact_key VARCHAR(160) NOT NULL,
  wa_id VARCHAR(20) NULL,
  user_id VARCHAR(128) NULL,
  profile_name VARCHAR(255) NULL,
  last_inbound_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_contacts_key (contact_key),
  KEY idx_contacts_wa_id (wa_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS webhook_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  received_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  remote_addr VARCHAR(64) NULL,
  signature_checked TINYINT(1) NOT NULL DEFAULT 0,
  body LONGBLOB NOT NULL,
  state ENUM('received','processed','failed') NOT NULL DEFAULT 'received',
  messages INT UNSIGNED NOT NULL DEFAULT 0,
  statuses INT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(255) NULL,
  processed_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY idx_events_state (state, received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS whatsapp_messages (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  direction ENUM('in','out') NOT NULL,
  wamid VARCHAR(191) NULL,
  phone_number_id VARCHAR(32) NULL,
  contact_id BIGINT UNSIGNED NULL,
  ticket_id INT UNSIGNED NULL,
  reply_id INT UNSIGNED NULL,
  event_id BIGINT UNSIGNED NULL,
  type VARCHAR(32) NOT NULL,
  body TEXT NULL,
  -- inbound: the message object as Meta sent it; outbound: the exact
  -- request body for the Graph API, so the outbox can send it again.
  payload MEDIUMTEXT NULL,
  ignored VARCHAR(64) NULL,
  status ENUM('received','pending','accepted','sent','delivered','read','played','failed') NOT NULL,
  status_rank TINYINT UNSIGNED NOT NULL DEFAULT 0,
  error_code INT NULL,
  error_title VARCHAR(255) NULL,
  wa_timestamp DATETIME NULL,
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NULL,
  last_attempt_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_messages_wamid (wamid),
  KEY idx_messages_ticket (ticket_id, created_at),
  KEY idx_messages_outbox (next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS whatsapp_statuses (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  wamid VARCHAR(191) NOT NULL,
  status VARCHAR(16) NOT NULL,
  status_rank TINYINT UNSIGNED NOT NULL,
  recipient_id VARCHAR(128) NULL,
  error_code INT NULL,
  error_title VARCHAR(255) NULL,
  wa_timestamp DATETIME NULL,
  event_id BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_statuses (wamid, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
