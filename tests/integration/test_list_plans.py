"""Issue 18 (Speed): every list shape the panel's inbox offers (a status,
mine, unassigned, a site, a team, everything; newest, oldest or by activity;
a first page and a page after a cursor) reads its rows in the order of an
index and stops at the page: EXPLAIN names the index (sql/025_list_speed.sql
and earlier) and never a filesort. So a later migration that drops or
reshapes one of them fails here instead of slowing the inbox at a million
tickets.

The query is the one store/tickets.c builds for a user whom no scope
limits, over a few thousand tickets seeded in
a scratch copy of the desk's tables (dropped at the end), so what other
modules left in the desk never changes the optimizer's choice."""
import os

from harness import one, sql

N = 5000
MAIN = os.environ.get("DB_NAME", "tick")
DB = MAIN + "_plans"


# What store/tickets.c reads of the rows: the columns are not the point,
# the tables and the order are.
SELECT = ("SELECT t.id, t.reference, t.description, t.last_message, u.name, st.code, sb.code, tm.name,"
          " wc.username FROM tickets t LEFT JOIN users u ON u.id = t.assigned_to"
          " LEFT JOIN sites st ON st.id = t.site_id LEFT JOIN sites sb ON sb.id = t.subsite_id"
          " LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN whatsapp_contacts wc ON wc.id = t.contact_id"
          " LEFT JOIN replies lr ON lr.id = t.last_reply_id LEFT JOIN users lu ON lu.id = lr.user_id")
ORDER = {
    "newest": (" ORDER BY t.created_at DESC, t.id DESC", "created_at", "<"),
    "oldest": (" ORDER BY t.created_at, t.id", "created_at", ">"),
    "activity": (" ORDER BY t.last_activity_at DESC, t.id DESC", "last_activity_at", "<"),
    # Issue 19: the customer waiting longest first (sql/030's waiting_key
    # puts those nobody waits on after them).
    "waiting": (" ORDER BY t.waiting_key, t.id", "waiting_key", ">"),
}

_seed = {}


def seed():
    """A scratch database with the desk's own tables (CREATE TABLE ... LIKE:
    every index the migrations left, and nothing else's rows or purge lag)
    and N tickets as a desk with a history has them: most closed; a few new
    (nobody holds them), assigned and in progress; a few held by the admin
    (mine), on one of two sites and in one of two teams. Each shape selects
    a few per cent, where reading its own index is what keeps a page flat
    as the desk grows."""
    if _seed:
        return _seed
    sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s" % (DB, DB))
    for table in ("tickets", "users", "sites", "teams", "whatsapp_contacts", "site_users", "team_members", "replies"):
        sql("CREATE TABLE %s.%s LIKE %s.%s" % (DB, table, MAIN, table))
    sql("USE %s; INSERT INTO sites (id, code, name, active) VALUES (1, 'PLAN1', 'Plan 1', 1), (2, 'PLAN2', 'Plan 2', 1);"
        " INSERT INTO teams (id, name) VALUES (1, 'Plan 1'), (2, 'Plan 2')" % DB)
    sql("USE %s; INSERT INTO tickets (name, description, status, source, assigned_to, site_id, team_id,"
        " created_at, last_activity_at, reference, waiting_since)"
        " SELECT CONCAT('Plan ', seq), 'plan',"
        " ELT(1 + LEAST(seq %% 50, 3), 'new', 'assigned', 'in_progress', 'closed'),"
        " 'form', IF(seq %% 50 = 0, NULL, IF(seq %% 40 = 1, 1, 2)),"
        " IF(seq %% 100 = 3, 1, IF(seq %% 2 = 0, 2, NULL)),"
        " IF(seq %% 100 = 5, 1, IF(seq %% 2 = 1, 2, NULL)),"
        " NOW() - INTERVAL seq * 37 MINUTE, NOW() - INTERVAL seq * 53 %% 100000 SECOND,"
        " CONCAT('PLAN-', seq),"
        " IF(seq %% 50 < 3 AND seq %% 7 <> 0, NOW() - INTERVAL seq * 11 MINUTE, NULL)"
        " FROM seq_1_to_%d; ANALYZE TABLE tickets" % (DB, N))
    _seed.update(sites=[1, 2], teams=[1, 2], admin=1)
    return _seed


def plan(where, sort, after=False):
    order, col, op = ORDER[sort]
    # A user whom no scope limits (a super admin, an agent of no team):
    # store/tickets.c leaves TICK_SCOPE_SQL out then.
    q = SELECT + " WHERE t.deleted_at IS NULL" + where
    if after:
        # A few pages in: the row a tenth of the way along this order.
        key = "'%s'" % one("SELECT %s FROM %s.tickets ORDER BY %s %s LIMIT 1 OFFSET %d"
                           % (col, DB, col, "DESC" if op == "<" else "", N // 10))
        q += " AND t.%s %s= %s AND (t.%s %s %s OR t.id %s 1000000)" % (col, op, key, col, op, key, op)
    rows = sql("USE %s; EXPLAIN " % DB + q + order + " LIMIT 51")
    return rows


def check(shape, where, want):
    for sort, key in want.items():
        for after in (False, True):
            rows = plan(where, sort, after)
            t = [r for r in rows if r[2] == "t"]
            assert t, rows
            extra = " | ".join(r[-1] for r in rows)
            assert t[0][5] == key and "filesort" not in extra and "temporary" not in extra, \
                "%s, %s%s: key %s (want %s), %s\n%s" % (
                    shape, sort, " after a cursor" if after else "", t[0][5], key, extra,
                    "\n".join("\t".join(r) for r in rows))


def test_everything():
    seed()
    check("every status", "", {"newest": "idx_tickets_list_created", "oldest": "idx_tickets_list_created",
                               "activity": "idx_tickets_list_activity", "waiting": "idx_tickets_list_waiting"})


def test_a_status():
    seed()
    check("status=new", " AND t.status IN ('new')",
          {"newest": "idx_tickets_list_status", "oldest": "idx_tickets_list_status",
           "activity": "idx_tickets_list_status_activity", "waiting": "idx_tickets_list_status_waiting"})


def test_mine():
    s = seed()
    check("mine", " AND t.assigned_to = %d" % s["admin"],
          {"newest": "idx_tickets_list_holder", "oldest": "idx_tickets_list_holder",
           "activity": "idx_tickets_list_holder_activity", "waiting": "idx_tickets_list_holder_waiting"})


def test_unassigned():
    seed()
    check("unassigned", " AND t.assigned_to IS NULL",
          {"newest": "idx_tickets_list_holder", "oldest": "idx_tickets_list_holder",
           "activity": "idx_tickets_list_holder_activity", "waiting": "idx_tickets_list_holder_waiting"})


def test_a_site():
    s = seed()
    # As store/tickets.c writes a site the filter resolved to a top-level
    # site (its sub-sites' tickets carry it as site_id too).
    check("site", " AND t.site_id IN (%d)" % s["sites"][0],
          {"newest": "idx_tickets_site", "oldest": "idx_tickets_site",
           "activity": "idx_tickets_list_site_activity", "waiting": "idx_tickets_list_site_waiting"})


def test_a_team():
    s = seed()
    check("team", " AND t.team_id = %d" % s["teams"][0],
          {"newest": "idx_tickets_list_team", "oldest": "idx_tickets_list_team",
           "activity": "idx_tickets_list_team_activity", "waiting": "idx_tickets_list_team_waiting"})


def test_zz_cleanup():
    sql("DROP DATABASE IF EXISTS %s" % DB)
