-- Issue 12 (Scale): the ticket counts of the figures, kept per quarter hour
-- of creation (UTC) and per value of every column a figure groups or
-- filters by, so the dashboard and /api/stats/tickets sum a few rows
-- instead of scanning every ticket. Quarter hours, not days: every zone in
-- use today is a whole number of quarter hours from UTC, so any IANA zone
-- (tz=) buckets them into its own days, weeks and months exactly.
-- Written by triggers, in the transaction of the change itself (created,
-- status, holder, site, category, severity, team, rating, deleted), whichever
-- store module or SQL makes it: the rows always equal a recount of the
-- tickets (tests/integration/test_rollups.py). A deleted ticket counts in
-- no row. k is the key (an MD5 of the columns, NULL kept apart from every
-- value), since a primary key cannot hold the NULLs the filters ask for.
CREATE TABLE IF NOT EXISTS ticket_rollup (
  k BINARY(16) NOT NULL,
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
  -- The customers' ratings of these tickets (issue 13): how many, their sum.
  csat_n INT NOT NULL DEFAULT 0,
  csat_sum INT NOT NULL DEFAULT 0,
  PRIMARY KEY (k),
  KEY ix_rollup_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP FUNCTION IF EXISTS tick_rollup_key;
CREATE FUNCTION tick_rollup_key(b TIMESTAMP, st VARCHAR(16), so VARCHAR(16), si INT UNSIGNED, su INT UNSIGNED, te INT UNSIGNED, a INT UNSIGNED, c VARCHAR(32), se VARCHAR(16), o VARCHAR(32))
  RETURNS BINARY(16) DETERMINISTIC
  RETURN UNHEX(MD5(CONCAT_WS('|', UNIX_TIMESTAMP(b), st, so, IFNULL(si, '-'), IFNULL(su, '-'), IFNULL(te, '-'), IFNULL(a, '-'), IFNULL(c, '-'), IFNULL(se, '-'), IFNULL(o, '-'))));

DROP FUNCTION IF EXISTS tick_rollup_bucket;
CREATE FUNCTION tick_rollup_bucket(t TIMESTAMP) RETURNS TIMESTAMP DETERMINISTIC
  RETURN FROM_UNIXTIME(UNIX_TIMESTAMP(t) DIV 900 * 900);

-- tick_rollup_add(ticket columns, rating, d): d tickets more (or fewer) in
-- a key, with their rating (NULL: none).
DROP PROCEDURE IF EXISTS tick_rollup_add;
CREATE PROCEDURE tick_rollup_add(b TIMESTAMP, st VARCHAR(16), so VARCHAR(16), si INT UNSIGNED, su INT UNSIGNED, te INT UNSIGNED, a INT UNSIGNED, c VARCHAR(32), se VARCHAR(16), o VARCHAR(32), cs INT, d INT)
  INSERT INTO ticket_rollup (k, created_at, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, n, csat_n, csat_sum)
  VALUES (tick_rollup_key(tick_rollup_bucket(b), st, so, si, su, te, a, c, se, o), tick_rollup_bucket(b), st, so, si, su, te, a, c, se, o, d, IF(cs IS NULL, 0, d), IFNULL(cs, 0) * d)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), csat_n = csat_n + VALUES(csat_n), csat_sum = csat_sum + VALUES(csat_sum);

DROP TRIGGER IF EXISTS tickets_rollup_ins;
CREATE TRIGGER tickets_rollup_ins AFTER INSERT ON tickets FOR EACH ROW
  BEGIN IF NEW.deleted_at IS NULL THEN CALL tick_rollup_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, NEW.csat_score, 1); END IF; END;

-- Out of the old key, into the new one, in key order: two changes that
-- swap keys take the rows' locks in the same order and never deadlock.
-- (A statement ends with ";" at the end of a line: the body's lines end
-- elsewhere.)
DROP TRIGGER IF EXISTS tickets_rollup_upd;
CREATE TRIGGER tickets_rollup_upd AFTER UPDATE ON tickets FOR EACH ROW
  BEGIN DECLARE ko, kn BINARY(16); IF NOT (NEW.created_at <=> OLD.created_at AND NEW.status <=> OLD.status AND NEW.source <=> OLD.source AND NEW.site_id <=> OLD.site_id AND NEW.subsite_id <=> OLD.subsite_id AND NEW.team_id <=> OLD.team_id AND NEW.assigned_to <=> OLD.assigned_to AND NEW.category <=> OLD.category AND NEW.severity <=> OLD.severity AND NEW.observation_type <=> OLD.observation_type AND NEW.csat_score <=> OLD.csat_score AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL)) THEN
  SET ko = IF(OLD.deleted_at IS NULL, tick_rollup_key(tick_rollup_bucket(OLD.created_at), OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type), NULL); SET kn = IF(NEW.deleted_at IS NULL, tick_rollup_key(tick_rollup_bucket(NEW.created_at), NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type), NULL); IF kn IS NOT NULL AND (ko IS NULL OR kn < ko) THEN
  CALL tick_rollup_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, NEW.csat_score, 1); END IF; IF ko IS NOT NULL THEN
  CALL tick_rollup_add(OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, OLD.csat_score, -1); END IF; IF kn IS NOT NULL AND ko IS NOT NULL AND kn >= ko THEN
  CALL tick_rollup_add(NEW.created_at, NEW.status, NEW.source, NEW.site_id, NEW.subsite_id, NEW.team_id, NEW.assigned_to, NEW.category, NEW.severity, NEW.observation_type, NEW.csat_score, 1); END IF; END IF; END;

DROP TRIGGER IF EXISTS tickets_rollup_del;
CREATE TRIGGER tickets_rollup_del AFTER DELETE ON tickets FOR EACH ROW
  BEGIN IF OLD.deleted_at IS NULL THEN CALL tick_rollup_add(OLD.created_at, OLD.status, OLD.source, OLD.site_id, OLD.subsite_id, OLD.team_id, OLD.assigned_to, OLD.category, OLD.severity, OLD.observation_type, OLD.csat_score, -1); END IF; END;

-- The tickets there already (the rows are rebuilt whole: the migration may
-- run again after a failure).
DELETE FROM ticket_rollup;
INSERT INTO ticket_rollup (k, created_at, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, n, csat_n, csat_sum)
  SELECT tick_rollup_key(b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type), b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, COUNT(*), COUNT(csat_score), COALESCE(SUM(csat_score), 0)
  FROM (SELECT tick_rollup_bucket(created_at) AS b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type, csat_score FROM tickets WHERE deleted_at IS NULL) x
  GROUP BY b, status, source, site_id, subsite_id, team_id, assigned_to, category, severity, observation_type;
