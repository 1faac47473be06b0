-- Issue 18 and 19 (search): every kind of search an indexed lookup.
--
-- 1. A mobile is found by its last digits ("612345678" or "5678" finds
-- 34612345678): the digits reversed, with an index, turn "ends with" into
-- a prefix range instead of a LIKE '%...' over every ticket.
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS mobile_rev VARCHAR(15) CHARACTER SET ascii AS (REVERSE(mobile)) VIRTUAL;
CREATE INDEX IF NOT EXISTS ix_tickets_mobile_rev ON tickets (mobile_rev);

-- 2. Chinese and Japanese: InnoDB's FULLTEXT parser splits words on spaces
-- and MariaDB has no ngram parser (MySQL's) and no Mroonga here. So the
-- CJK runs of a text (Han, Hiragana, Katakana) are also kept as
-- overlapping bigrams, each written as the hex of its two UTF-32 code
-- points ("00004E2D00006587" for 中文) so that the default parser keeps
-- every bigram as one ASCII token, whatever its token size settings; a
-- run's last character is kept alone too, so a one-character search finds
-- it at the end of a run. src/base/cjk.c splits a search the same way.
-- Anonymous reports' names are left out, as from the other indexes.
DROP FUNCTION IF EXISTS tick_cjk_bigrams;
CREATE FUNCTION tick_cjk_bigrams(s MEDIUMTEXT CHARACTER SET utf8mb4) RETURNS MEDIUMTEXT CHARACTER SET ascii DETERMINISTIC NO SQL
  BEGIN DECLARE i, n INT DEFAULT 0; DECLARE h, p VARCHAR(8) CHARACTER SET ascii DEFAULT ''; DECLARE o MEDIUMTEXT CHARACTER SET ascii DEFAULT ''; IF s IS NULL OR NOT s REGEXP
  '[\\x{3040}-\\x{30FF}\\x{31F0}-\\x{31FF}\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{2FFFF}]' THEN RETURN ''; END IF; SET n = CHAR_LENGTH(s); WHILE i < n DO
  SET i = i + 1; SET h = HEX(CONVERT(SUBSTRING(s, i, 1) USING utf32)); IF h BETWEEN '00003040' AND '000030FF' OR h BETWEEN '000031F0' AND '000031FF' OR h BETWEEN '00003400' AND '00004DBF'
  OR h BETWEEN '00004E00' AND '00009FFF' OR h BETWEEN '0000F900' AND '0000FAFF' OR h BETWEEN '00020000' AND '0002FFFF' THEN
  IF p <> '' THEN SET o = CONCAT(o, p, h, ' '); END IF; SET p = h; ELSE IF p <> '' THEN SET o = CONCAT(o, p, ' '); END IF; SET p = ''; END IF; END WHILE; IF p <> '' THEN
  SET o = CONCAT(o, p, ' '); END IF; RETURN o; END;

ALTER TABLE tickets ADD COLUMN IF NOT EXISTS search_cjk MEDIUMTEXT CHARACTER SET ascii NULL;
ALTER TABLE replies ADD COLUMN IF NOT EXISTS search_cjk MEDIUMTEXT CHARACTER SET ascii NULL;

DROP TRIGGER IF EXISTS tickets_cjk_ins;
CREATE TRIGGER tickets_cjk_ins BEFORE INSERT ON tickets FOR EACH ROW
  SET NEW.search_cjk = tick_cjk_bigrams(CONCAT_WS(' ', IF(NEW.anonymous = 0, NEW.name, NULL), NEW.description, NEW.issue_title));

DROP TRIGGER IF EXISTS tickets_cjk_upd;
CREATE TRIGGER tickets_cjk_upd BEFORE UPDATE ON tickets FOR EACH ROW
  BEGIN IF NOT (NEW.name <=> OLD.name AND NEW.description <=> OLD.description AND NEW.issue_title <=> OLD.issue_title AND NEW.anonymous <=> OLD.anonymous) THEN
  SET NEW.search_cjk = tick_cjk_bigrams(CONCAT_WS(' ', IF(NEW.anonymous = 0, NEW.name, NULL), NEW.description, NEW.issue_title)); END IF; END;

DROP TRIGGER IF EXISTS replies_cjk_ins;
CREATE TRIGGER replies_cjk_ins BEFORE INSERT ON replies FOR EACH ROW
  SET NEW.search_cjk = tick_cjk_bigrams(NEW.message);

DROP TRIGGER IF EXISTS replies_cjk_upd;
CREATE TRIGGER replies_cjk_upd BEFORE UPDATE ON replies FOR EACH ROW
  BEGIN IF NOT NEW.message <=> OLD.message THEN SET NEW.search_cjk = tick_cjk_bigrams(NEW.message); END IF; END;

-- What is there already (a fresh desk has nothing: the REGEXP skips the
-- rest). updated_at is kept: nothing a person sees changed.
UPDATE tickets SET search_cjk = tick_cjk_bigrams(CONCAT_WS(' ', IF(anonymous = 0, name, NULL), description, issue_title)), updated_at = updated_at
  WHERE CONCAT_WS(' ', name, description, issue_title) REGEXP '[\\x{3040}-\\x{30FF}\\x{31F0}-\\x{31FF}\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{2FFFF}]';
UPDATE replies SET search_cjk = tick_cjk_bigrams(message)
  WHERE message REGEXP '[\\x{3040}-\\x{30FF}\\x{31F0}-\\x{31FF}\\x{3400}-\\x{4DBF}\\x{4E00}-\\x{9FFF}\\x{F900}-\\x{FAFF}\\x{20000}-\\x{2FFFF}]';

CREATE FULLTEXT INDEX IF NOT EXISTS ftx_tickets_cjk ON tickets (search_cjk);
CREATE FULLTEXT INDEX IF NOT EXISTS ftx_replies_cjk ON replies (search_cjk);
