-- Issue 16, richer conversations: what an inbound message answers or
-- quotes, reactions on messages, edits and deletions by the customer, and
-- messages the business sent from the WhatsApp Business app (coexistence).
ALTER TABLE whatsapp_messages
  -- context.id of a quoted reply (inbound), or context.message_id of an
  -- agent's reply that quotes one (outbound).
  ADD COLUMN IF NOT EXISTS context_wamid VARCHAR(191) NULL,
  -- 1: forwarded; 2: frequently forwarded.
  ADD COLUMN IF NOT EXISTS forwarded TINYINT UNSIGNED NOT NULL DEFAULT 0,
  -- An answer to buttons, a list, a template's quick reply or a flow:
  -- button_reply, list_reply, button or nfm_reply, with the id and title
  -- chosen and a flow's response_json.
  ADD COLUMN IF NOT EXISTS reply_kind VARCHAR(16) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS reply_ref VARCHAR(256) NULL,
  ADD COLUMN IF NOT EXISTS reply_title VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS flow_response MEDIUMTEXT NULL,
  -- The customer edited (the texts before are in message_edits) or
  -- deleted the message.
  ADD COLUMN IF NOT EXISTS edited_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS revoked_at DATETIME(3) NULL,
  -- Sent from the WhatsApp Business app on the desk's number.
  ADD COLUMN IF NOT EXISTS echo TINYINT(1) NOT NULL DEFAULT 0,
  -- Imported from the WhatsApp Business app's history (either way).
  ADD COLUMN IF NOT EXISTS imported TINYINT(1) NOT NULL DEFAULT 0;

-- One reaction per side on a message: the customer's (from the webhook)
-- and the desk's (an agent's, sent through the outbox). A removed reaction
-- is a deleted row.
CREATE TABLE IF NOT EXISTS message_reactions (
  message_id BIGINT UNSIGNED NOT NULL,
  actor ENUM('customer','agent') NOT NULL,
  emoji VARCHAR(16) NOT NULL,
  user_id INT UNSIGNED NULL,
  -- The reaction's own message: the inbound one, or the outbound send.
  source_message_id BIGINT UNSIGNED NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (message_id, actor)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The text a message had before each edit, oldest first.
CREATE TABLE IF NOT EXISTS message_edits (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  message_id BIGINT UNSIGNED NOT NULL,
  body TEXT NULL,
  -- The edit's own message (its wamid is unique there).
  edit_message_id BIGINT UNSIGNED NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_edits_message (message_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE INDEX IF NOT EXISTS idx_messages_context ON whatsapp_messages (context_wamid);
