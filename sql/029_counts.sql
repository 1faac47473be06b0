-- Issue 18 (Speed): what the inbox reads per row and per page, kept where
-- it is read instead of counted on every page.
--
-- 1. On the ticket: its open corrective actions, the earliest due date
-- among them, and whether a message of it is flagged by the AI check and
-- not cleared. Triggers on ticket_actions and message_moderation write
-- them in the transaction of the change (an action created, edited,
-- closed, reopened, erased; a check's verdict, a review, an erasure),
-- whichever store module or SQL makes it. Overdue depends on the day, so
-- it is not stored: the list counts a ticket's overdue actions only when
-- next_action_due is before today (UTC), which few rows are.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS open_actions INT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS next_action_due DATE NULL,
  ADD COLUMN IF NOT EXISTS flagged TINYINT(1) NOT NULL DEFAULT 0;

-- tick_ticket_actions_sync(id): ticket id's open_actions and
-- next_action_due from its actions (ix_actions_ticket: an index range).
-- updated_at is kept: nothing a person sees on the ticket changed.
DROP PROCEDURE IF EXISTS tick_ticket_actions_sync;
CREATE PROCEDURE tick_ticket_actions_sync(tid INT UNSIGNED)
  UPDATE tickets SET open_actions = (SELECT COUNT(*) FROM ticket_actions a WHERE a.ticket_id = tid AND a.status = 'open'),
    next_action_due = (SELECT MIN(a.due_date) FROM ticket_actions a WHERE a.ticket_id = tid AND a.status = 'open'),
    updated_at = updated_at
  WHERE id = tid;

DROP TRIGGER IF EXISTS ticket_actions_sync_ins;
CREATE TRIGGER ticket_actions_sync_ins AFTER INSERT ON ticket_actions FOR EACH ROW
  CALL tick_ticket_actions_sync(NEW.ticket_id);

DROP TRIGGER IF EXISTS ticket_actions_sync_upd;
CREATE TRIGGER ticket_actions_sync_upd AFTER UPDATE ON ticket_actions FOR EACH ROW
  BEGIN IF NOT (NEW.status <=> OLD.status AND NEW.due_date <=> OLD.due_date AND NEW.ticket_id <=> OLD.ticket_id) THEN
  CALL tick_ticket_actions_sync(NEW.ticket_id); IF NOT NEW.ticket_id <=> OLD.ticket_id THEN
  CALL tick_ticket_actions_sync(OLD.ticket_id); END IF; END IF; END;

DROP TRIGGER IF EXISTS ticket_actions_sync_del;
CREATE TRIGGER ticket_actions_sync_del AFTER DELETE ON ticket_actions FOR EACH ROW
  CALL tick_ticket_actions_sync(OLD.ticket_id);

-- tick_ticket_flag_sync(id): ticket id's flagged mark from its checked
-- messages (ix_moderation_ticket), the rule of TICK_MODERATION_FLAGGED_SQL
-- before this migration.
DROP PROCEDURE IF EXISTS tick_ticket_flag_sync;
CREATE PROCEDURE tick_ticket_flag_sync(tid INT UNSIGNED)
  UPDATE tickets SET flagged = EXISTS (SELECT 1 FROM message_moderation mm WHERE mm.ticket_id = tid AND mm.flagged = 1
    AND (mm.review IS NULL OR mm.review <> 'cleared')), updated_at = updated_at
  WHERE id = tid;

-- A check written pending (the webhook's path) flags nothing: no work there.
DROP TRIGGER IF EXISTS message_moderation_flag_ins;
CREATE TRIGGER message_moderation_flag_ins AFTER INSERT ON message_moderation FOR EACH ROW
  BEGIN IF NEW.flagged = 1 AND NEW.ticket_id IS NOT NULL THEN
  CALL tick_ticket_flag_sync(NEW.ticket_id); END IF; END;

DROP TRIGGER IF EXISTS message_moderation_flag_upd;
CREATE TRIGGER message_moderation_flag_upd AFTER UPDATE ON message_moderation FOR EACH ROW
  BEGIN IF NOT (NEW.flagged <=> OLD.flagged AND NEW.review <=> OLD.review AND NEW.ticket_id <=> OLD.ticket_id) THEN
  IF NEW.ticket_id IS NOT NULL THEN
  CALL tick_ticket_flag_sync(NEW.ticket_id); END IF; IF OLD.ticket_id IS NOT NULL AND NOT NEW.ticket_id <=> OLD.ticket_id THEN
  CALL tick_ticket_flag_sync(OLD.ticket_id); END IF; END IF; END;

DROP TRIGGER IF EXISTS message_moderation_flag_del;
CREATE TRIGGER message_moderation_flag_del AFTER DELETE ON message_moderation FOR EACH ROW
  BEGIN IF OLD.flagged = 1 AND OLD.ticket_id IS NOT NULL THEN
  CALL tick_ticket_flag_sync(OLD.ticket_id); END IF; END;

-- The tickets there already (updated_at kept).
UPDATE tickets t
  LEFT JOIN (SELECT ticket_id, COUNT(*) AS n, MIN(due_date) AS due FROM ticket_actions WHERE status = 'open' GROUP BY ticket_id) a ON a.ticket_id = t.id
  LEFT JOIN (SELECT DISTINCT ticket_id FROM message_moderation WHERE flagged = 1 AND (review IS NULL OR review <> 'cleared') AND ticket_id IS NOT NULL) m ON m.ticket_id = t.id
  SET t.open_actions = COALESCE(a.n, 0), t.next_action_due = a.due, t.flagged = m.ticket_id IS NOT NULL, t.updated_at = t.updated_at
  WHERE t.open_actions <> COALESCE(a.n, 0) OR NOT t.next_action_due <=> a.due OR t.flagged <> (m.ticket_id IS NOT NULL);

-- 2. The inbox's totals: how many tickets (deleted ones in none) have
-- each status, per value of each single filter the panel's inbox offers
-- beside the statuses: everyone (dim 'all', val 0), a holder (mine, or
-- assigned_to; val 0 is nobody: unassigned), a top-level site (site_id,
-- which its sub-sites' tickets carry too), a sub-site, a team (val 0: no
-- team). Five rows a ticket, so any one of those filters with any set of
-- statuses is one primary-key range of at most five rows
-- (store/tickets.c, list_total); other combinations count the tickets as
-- before. Kept by triggers on tickets in the transaction of the change
-- (created, status, holder, site, sub-site, team, deleted, erased),
-- whichever writer makes it; tests/integration/test_counts.py checks them
-- against a recount.
CREATE TABLE IF NOT EXISTS ticket_counts (
  dim ENUM('all','holder','site','subsite','team') NOT NULL,
  val INT UNSIGNED NOT NULL,
  status ENUM('new','assigned','in_progress','pending','closed') NOT NULL,
  n INT NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, val, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- tick_counts_add(dim, val, status, d): d tickets more (or fewer).
DROP PROCEDURE IF EXISTS tick_counts_add;
CREATE PROCEDURE tick_counts_add(di VARCHAR(8), v INT UNSIGNED, st VARCHAR(16), d INT)
  INSERT INTO ticket_counts (dim, val, status, n) VALUES (di, IFNULL(v, 0), st, d)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n);

-- tick_counts_move(dim, old val, old status, old counted, new val, new
-- status, new counted): one ticket out of its old row, into its new one,
-- in key order (val, then the status's place in the ENUM), so two changes
-- that swap rows take their locks in the same order and never deadlock.
DROP PROCEDURE IF EXISTS tick_counts_move;
CREATE PROCEDURE tick_counts_move(di VARCHAR(8), vo INT UNSIGNED, so VARCHAR(16), co INT, vn INT UNSIGNED, sn VARCHAR(16), cn INT)
  BEGIN DECLARE newfirst INT; IF NOT (co = cn AND IFNULL(vo, 0) = IFNULL(vn, 0) AND so = sn) THEN
  SET newfirst = IFNULL(vn, 0) < IFNULL(vo, 0) OR (IFNULL(vn, 0) = IFNULL(vo, 0) AND FIELD(sn, 'new', 'assigned', 'in_progress', 'pending', 'closed') < FIELD(so, 'new', 'assigned', 'in_progress', 'pending', 'closed')); IF cn AND newfirst THEN
  CALL tick_counts_add(di, vn, sn, 1); END IF; IF co THEN
  CALL tick_counts_add(di, vo, so, -1); END IF; IF cn AND NOT newfirst THEN
  CALL tick_counts_add(di, vn, sn, 1); END IF; END IF; END;

-- After the rollup's triggers (sql/020). A new ticket is one statement of
-- five rows, in key order (measured: a CALL a row cost twice as much).
DROP TRIGGER IF EXISTS tickets_counts_ins;
CREATE TRIGGER tickets_counts_ins AFTER INSERT ON tickets FOR EACH ROW
  BEGIN IF NEW.deleted_at IS NULL THEN
  INSERT INTO ticket_counts (dim, val, status, n) VALUES ('all', 0, NEW.status, 1), ('holder', IFNULL(NEW.assigned_to, 0), NEW.status, 1), ('site', IFNULL(NEW.site_id, 0), NEW.status, 1), ('subsite', IFNULL(NEW.subsite_id, 0), NEW.status, 1), ('team', IFNULL(NEW.team_id, 0), NEW.status, 1) ON DUPLICATE KEY UPDATE n = n + VALUES(n); END IF; END;

DROP TRIGGER IF EXISTS tickets_counts_upd;
CREATE TRIGGER tickets_counts_upd AFTER UPDATE ON tickets FOR EACH ROW
  BEGIN DECLARE co, cn INT; IF NOT (NEW.status <=> OLD.status AND NEW.assigned_to <=> OLD.assigned_to AND NEW.site_id <=> OLD.site_id AND NEW.subsite_id <=> OLD.subsite_id AND NEW.team_id <=> OLD.team_id AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL)) THEN
  SET co = OLD.deleted_at IS NULL, cn = NEW.deleted_at IS NULL; CALL tick_counts_move('all', 0, OLD.status, co, 0, NEW.status, cn); CALL tick_counts_move('holder', OLD.assigned_to, OLD.status, co, NEW.assigned_to, NEW.status, cn); CALL tick_counts_move('site', OLD.site_id, OLD.status, co, NEW.site_id, NEW.status, cn); CALL tick_counts_move('subsite', OLD.subsite_id, OLD.status, co, NEW.subsite_id, NEW.status, cn); CALL tick_counts_move('team', OLD.team_id, OLD.status, co, NEW.team_id, NEW.status, cn); END IF; END;

DROP TRIGGER IF EXISTS tickets_counts_del;
CREATE TRIGGER tickets_counts_del AFTER DELETE ON tickets FOR EACH ROW
  BEGIN IF OLD.deleted_at IS NULL THEN
  INSERT INTO ticket_counts (dim, val, status, n) VALUES ('all', 0, OLD.status, -1), ('holder', IFNULL(OLD.assigned_to, 0), OLD.status, -1), ('site', IFNULL(OLD.site_id, 0), OLD.status, -1), ('subsite', IFNULL(OLD.subsite_id, 0), OLD.status, -1), ('team', IFNULL(OLD.team_id, 0), OLD.status, -1) ON DUPLICATE KEY UPDATE n = n + VALUES(n); END IF; END;

-- The tickets there already (the rows are rebuilt whole: the migration may
-- run again after a failure).
DELETE FROM ticket_counts;
INSERT INTO ticket_counts (dim, val, status, n)
  SELECT 'all', 0, status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY status;
INSERT INTO ticket_counts (dim, val, status, n)
  SELECT 'holder', IFNULL(assigned_to, 0), status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY IFNULL(assigned_to, 0), status;
INSERT INTO ticket_counts (dim, val, status, n)
  SELECT 'site', IFNULL(site_id, 0), status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY IFNULL(site_id, 0), status;
INSERT INTO ticket_counts (dim, val, status, n)
  SELECT 'subsite', IFNULL(subsite_id, 0), status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY IFNULL(subsite_id, 0), status;
INSERT INTO ticket_counts (dim, val, status, n)
  SELECT 'team', IFNULL(team_id, 0), status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY IFNULL(team_id, 0), status;
