-- Issue 13: the customer's rating of a closed ticket. csat_asked_at says
-- the question went (a reply to it is only taken then); the score is 1
-- (bad) to 3 (good), the comment is the customer's next text after it.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS csat_asked_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS csat_score TINYINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS csat_comment VARCHAR(1000) NULL,
  ADD COLUMN IF NOT EXISTS csat_at DATETIME(3) NULL;

-- The customer's newest rating (its comment), and the figures by period.
CREATE INDEX IF NOT EXISTS idx_tickets_contact_csat ON tickets (contact_id, csat_at);
CREATE INDEX IF NOT EXISTS idx_tickets_csat ON tickets (deleted_at, csat_at);
