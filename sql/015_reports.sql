-- Issue 12: reports and exports. The pricing object of each WhatsApp
-- status (PROTOCOLS.md: {billable, pricing_model, category, type}) is kept
-- on the status row, and on the message as the latest status said it, so
-- the reports count billable messages per category and per ticket (Meta
-- bills service messages per message from October 2026).
ALTER TABLE whatsapp_statuses
  ADD COLUMN IF NOT EXISTS pricing_category VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS pricing_model VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS pricing_type VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS billable TINYINT(1) NULL;

ALTER TABLE whatsapp_messages
  ADD COLUMN IF NOT EXISTS pricing_category VARCHAR(32) CHARACTER SET ascii NULL,
  ADD COLUMN IF NOT EXISTS billable TINYINT(1) NULL;

-- The message analytics read outbound and inbound messages by day.
CREATE INDEX IF NOT EXISTS idx_messages_direction_created ON whatsapp_messages (direction, created_at);
-- Figures grouped by category and agent over a period.
CREATE INDEX IF NOT EXISTS idx_tickets_category ON tickets (deleted_at, category, created_at, id);
