-- Issue 12 (Scale, speed): the figures and the ticket report at a million
-- tickets.
--
-- 1. The times (first response, resolution, time to take) kept as
-- histograms beside ticket_rollup (sql/020_rollups.sql): one row per rollup
-- key (the same quarter hour of creation and the same columns, so the same
-- filters and groupings apply), per measure and per duration bucket, with
-- how many tickets fell there and the sum of their seconds. The median and
-- the 90th percentile of a range are estimated from the summed buckets
-- (base/figures: 16 buckets per power of two, within 3.125%), the count
-- and the average stay exact. Written by triggers on tickets in the
-- transaction of the change itself, as the rollup is, so the rows always
-- equal a recount (tests/integration/test_rollups.py).
-- measure: 0 first response (created_at to first_response_at), 1
-- resolution (to closed_at), 2 time to take (to assigned_at), as
-- enum tick_reports_duration.
CREATE TABLE IF NOT EXISTS ticket_durations (
  k BINARY(16) NOT NULL,
  measure TINYINT UNSIGNED NOT NULL,
  bucket SMALLINT UNSIGNED NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  status ENUM('new','assigned','in_progress','pending','closed') NOT NULL,
  source ENUM('form','whatsapp','api') NOT NULL,
  site_id INT UNSIGNED NULL,
  subsite_id INT UNSIGNED NULL,
  team_id INT UNSIGNED NULL,
  assigned_to INT UNSIGNED NULL,
  category VARCHAR(32) CHARACTER SET ascii NULL,
  severity ENUM('low','medium','high','critical') NULL,
  observation_type VARCHAR(32) CHARACTER SET ascii NULL,
  n INT NOT NULL DEFAULT 0,
  secs BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (k, measure, bucket),
  KEY ix_durations_created (measure, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The bucket of v seconds, as tick_figures_bucket: v itself below 32, else
-- 16 * s + (v >> s) with s the bit length of v less 5 (BIN: integers only).
DROP FUNCTION IF EXISTS tick_duration_bucket;
CREATE FUNCTION tick_duration_bucket(v BIGINT) RETURNS SMALLINT UNSIGNED DETERMINISTIC
  BEGIN DECLARE x BIGINT DEFAULT LEAST(GREATEST(v, 0), 2147483647); DECLARE s INT DEFAULT 0; IF x < 32 THEN RETURN x; END IF; SET s = LENGTH(BIN(x)) - 5; RETURN 16 * s + (x >> s); END;

-- d tickets more (or fewer) with a duration of v seconds (NULL: none).
DROP PROCEDURE IF EXISTS tick_durations_add;
CREATE PROCEDURE tick_durations_add(b TIMESTAMP, st VARCHAR(16), so VARCHAR(16), si INT UNSIGNED, su INT UNSIGNED, te INT UNSIGNED, a INT UNSIGNED, c VARCHAR(32), se VARCHAR(16), o VARCHAR(32), w TINYINT, v BIGINT, d INT)
  BEGIN IF v IS NOT NULL THEN
  INSERT INTO ticket_durations (k, measure, bucket, created_at, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, n, secs)
  VALUES (tick_rollup_key(tick_rollup_bucket(b), st, so, si, su, te, a, c, se, o), w, tick_duration_bucket(v), tick_rollup_bucket(b), st, so, si, su, te, a, c, se, o, d, GREATEST(v, 0) * d)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), secs = secs + VALUES(secs); END IF; END;

-- One measure of a ticket moves from its old key and bucket (ov NULL: it
-- had none) to its new ones (nv NULL: none now), the two rows in key order
-- so that two such moves never deadlock.
DROP PROCEDURE IF EXISTS tick_durations_move;
CREATE PROCEDURE tick_durations_move(w TINYINT,
  ob TIMESTAMP, ost VARCHAR(16), oso VARCHAR(16), osi INT UNSIGNED, osu INT UNSIGNED, ote INT UNSIGNED, oa INT UNSIGNED, oc VARCHAR(32), ose VARCHAR(16), oob VARCHAR(32), ov BIGINT,
  nb TIMESTAMP, nst VARCHAR(16), nso VARCHAR(16), nsi INT UNSIGNED, nsu INT UNSIGNED, nte INT UNSIGNED, na INT UNSIGNED, nc VARCHAR(32), nse VARCHAR(16), nob VARCHAR(32), nv BIGINT)
  BEGIN DECLARE ko, kn BINARY(16) DEFAULT NULL; DECLARE bo, bn INT DEFAULT 0; IF ov IS NOT NULL THEN
  SET ko = tick_rollup_key(tick_rollup_bucket(ob), ost, oso, osi, osu, ote, oa, oc, ose, oob), bo = tick_duration_bucket(ov); END IF; IF nv IS NOT NULL THEN
  SET kn = tick_rollup_key(tick_rollup_bucket(nb), nst, nso, nsi, nsu, nte, na, nc, nse, nob), bn = tick_duration_bucket(nv); END IF; IF NOT (ko <=> kn AND bo = bn AND GREATEST(ov, 0) <=> GREATEST(nv, 0)) THEN IF kn IS NOT NULL AND (ko IS NULL OR (kn, bn) < (ko, bo)) THEN
  CALL tick_durations_add(nb, nst, nso, nsi, nsu, nte, na, nc, nse, nob, w, nv, 1); END IF; IF ko IS NOT NULL THEN
  CALL tick_durations_add(ob, ost, oso, osi, osu, ote, oa, oc, ose, oob, w, ov, -1); END IF; IF kn IS NOT NULL AND ko IS NOT NULL AND (kn, bn) >= (ko, bo) THEN
  CALL tick_durations_add(nb, nst, nso, nsi, nsu, nte, na, nc, nse, nob, w, nv, 1); END IF; END IF; END;

DROP TRIGGER IF EXISTS tickets_durations_ins;
CREATE TRIGGER tickets_durations_ins AFTER INSERT ON tickets FOR EACH ROW
  BEGIN IF NEW.deleted_at IS NULL THEN
  CALL tick_durations_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, 0, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.first_response_at), 1); CALL tick_durations_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, 1, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.closed_at), 1); CALL tick_durations_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, 2, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.assigned_at), 1); END IF; END;

-- A deleted ticket counts nowhere (ov, nv NULL).
DROP TRIGGER IF EXISTS tickets_durations_upd;
CREATE TRIGGER tickets_durations_upd AFTER UPDATE ON tickets FOR EACH ROW
  BEGIN IF NOT (NEW.created_at <=> OLD.created_at AND NEW.status <=> OLD.status AND NEW.source <=> OLD.source AND NEW.site_id <=> OLD.site_id AND NEW.subsite_id <=> OLD.subsite_id AND NEW.team_id <=> OLD.team_id AND NEW.assigned_to <=> OLD.assigned_to AND NEW.category <=> OLD.category AND NEW.severity <=> OLD.severity AND NEW.observation_type <=> OLD.observation_type AND NEW.first_response_at <=> OLD.first_response_at AND NEW.closed_at <=> OLD.closed_at AND NEW.assigned_at <=> OLD.assigned_at AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL)) THEN
  CALL tick_durations_move(0, OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, IF(OLD.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.first_response_at), NULL),
    NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, IF(NEW.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.first_response_at), NULL)); CALL tick_durations_move(1, OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, IF(OLD.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.closed_at), NULL),
    NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, IF(NEW.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.closed_at), NULL)); CALL tick_durations_move(2, OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, IF(OLD.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.assigned_at), NULL),
    NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, IF(NEW.deleted_at IS NULL, TIMESTAMPDIFF(SECOND, NEW.created_at, NEW.assigned_at), NULL)); END IF; END;

DROP TRIGGER IF EXISTS tickets_durations_del;
CREATE TRIGGER tickets_durations_del AFTER DELETE ON tickets FOR EACH ROW
  BEGIN IF OLD.deleted_at IS NULL THEN
  CALL tick_durations_add(OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, 0, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.first_response_at), -1); CALL tick_durations_add(OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, 1, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.closed_at), -1); CALL tick_durations_add(OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, 2, TIMESTAMPDIFF(SECOND, OLD.created_at, OLD.assigned_at), -1); END IF; END;

-- The tickets there already (rebuilt whole: the migration may run again
-- after a failure).
DELETE FROM ticket_durations;
INSERT INTO ticket_durations (k, measure, bucket, created_at, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, n, secs)
  SELECT tick_rollup_key(b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type), w, tick_duration_bucket(v), b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, COUNT(*), SUM(v)
  FROM (SELECT tick_rollup_bucket(created_at) AS b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, 0 AS w, GREATEST(TIMESTAMPDIFF(SECOND, created_at, first_response_at), 0) AS v FROM tickets WHERE deleted_at IS NULL AND first_response_at IS NOT NULL
    UNION ALL SELECT tick_rollup_bucket(created_at), status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, 1, GREATEST(TIMESTAMPDIFF(SECOND, created_at, closed_at), 0) FROM tickets WHERE deleted_at IS NULL AND closed_at IS NOT NULL
    UNION ALL SELECT tick_rollup_bucket(created_at), status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, 2, GREATEST(TIMESTAMPDIFF(SECOND, created_at, assigned_at), 0) FROM tickets WHERE deleted_at IS NULL AND assigned_at IS NOT NULL) x
  GROUP BY b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, w, tick_duration_bucket(v);

-- 2. What a row of the ticket report (GET /api/reports/tickets and the
-- exports) needs, kept on the ticket instead of three sub-queries over its
-- messages per row: its messages in and out and the billable ones (those
-- a status's pricing marked billable). Triggers on whatsapp_messages keep
-- them in the transaction that adds a message, links it to a ticket or
-- records its pricing, whichever module does it. (The first response is
-- first_response_at since 003, the last message's text last_message since
-- 025.)
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS messages_in INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS messages_out INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS billable_messages INT NOT NULL DEFAULT 0;

-- (updated_at = updated_at: nothing changed for people.)
DROP TRIGGER IF EXISTS messages_counts_ins;
CREATE TRIGGER messages_counts_ins AFTER INSERT ON whatsapp_messages FOR EACH ROW
  BEGIN IF NEW.ticket_id IS NOT NULL THEN UPDATE tickets SET messages_in = messages_in + (NEW.direction = 'in'), messages_out = messages_out + (NEW.direction = 'out'), billable_messages = billable_messages + (NEW.direction = 'out' AND NEW.billable <=> 1), updated_at = updated_at WHERE id = NEW.ticket_id; END IF; END;

DROP TRIGGER IF EXISTS messages_counts_upd;
CREATE TRIGGER messages_counts_upd AFTER UPDATE ON whatsapp_messages FOR EACH ROW
  BEGIN IF NOT (NEW.ticket_id <=> OLD.ticket_id AND NEW.direction <=> OLD.direction AND (NEW.billable <=> 1) = (OLD.billable <=> 1)) THEN IF NEW.ticket_id <=> OLD.ticket_id THEN
  UPDATE tickets SET messages_in = messages_in + (NEW.direction = 'in') - (OLD.direction = 'in'), messages_out = messages_out + (NEW.direction = 'out') - (OLD.direction = 'out'), billable_messages = billable_messages + (NEW.direction = 'out' AND NEW.billable <=> 1) - (OLD.direction = 'out' AND OLD.billable <=> 1), updated_at = updated_at WHERE id = NEW.ticket_id; ELSE IF OLD.ticket_id IS NOT NULL THEN
  UPDATE tickets SET messages_in = messages_in - (OLD.direction = 'in'), messages_out = messages_out - (OLD.direction = 'out'), billable_messages = billable_messages - (OLD.direction = 'out' AND OLD.billable <=> 1), updated_at = updated_at WHERE id = OLD.ticket_id; END IF; IF NEW.ticket_id IS NOT NULL THEN
  UPDATE tickets SET messages_in = messages_in + (NEW.direction = 'in'), messages_out = messages_out + (NEW.direction = 'out'), billable_messages = billable_messages + (NEW.direction = 'out' AND NEW.billable <=> 1), updated_at = updated_at WHERE id = NEW.ticket_id; END IF; END IF; END IF; END;

DROP TRIGGER IF EXISTS messages_counts_del;
CREATE TRIGGER messages_counts_del AFTER DELETE ON whatsapp_messages FOR EACH ROW
  BEGIN IF OLD.ticket_id IS NOT NULL THEN UPDATE tickets SET messages_in = messages_in - (OLD.direction = 'in'), messages_out = messages_out - (OLD.direction = 'out'), billable_messages = billable_messages - (OLD.direction = 'out' AND OLD.billable <=> 1), updated_at = updated_at WHERE id = OLD.ticket_id; END IF; END;

-- The messages there already (absolute counts: the migration may run
-- again).
UPDATE tickets t
  JOIN (SELECT ticket_id, SUM(direction = 'in') AS i, SUM(direction = 'out') AS o, SUM(direction = 'out' AND billable <=> 1) AS bl
        FROM whatsapp_messages WHERE ticket_id IS NOT NULL GROUP BY ticket_id) m ON m.ticket_id = t.id
  SET t.messages_in = m.i, t.messages_out = m.o, t.billable_messages = m.bl, t.updated_at = t.updated_at;
