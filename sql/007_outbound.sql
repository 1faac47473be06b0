-- Issue 10 (hardening), outbound calls. A breaker per outside host, shared
-- by every worker on every host: after BREAKER_FAILURES timeouts or 5xx in
-- a row it is open until open_until, then one call tries again.
CREATE TABLE IF NOT EXISTS outbound_breakers (
  name VARCHAR(32) NOT NULL,
  failures INT UNSIGNED NOT NULL DEFAULT 0,
  open_until DATETIME(3) NULL,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When a send whose outcome tick does not know went out (written before
-- the call, cleared by an answer): its status webhook, which carries the
-- row id in biz_opaque_callback_data, is awaited OUTBOX_SEND_GRACE_S
-- before the row is sent again.
ALTER TABLE whatsapp_messages
  ADD COLUMN IF NOT EXISTS send_started_at DATETIME(3) NULL;
