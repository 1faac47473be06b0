-- Issue 10 (hardening): hostile webhook bodies. A message that cannot be
-- stored is counted on its raw event (the error says which), so are the
-- messages and statuses for another phone number id; raw bodies are pruned
-- by age (`tick outbox`, WEBHOOK_RETENTION_DAYS), which the index serves.
ALTER TABLE webhook_events
  ADD COLUMN IF NOT EXISTS failed INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS ignored INT UNSIGNED NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS idx_events_received ON webhook_events (received_at);
