"""Issue 18 (Speed): what the inbox reads per page and per row is kept
where it is read, by triggers in the transaction of each change
(sql/029_counts.sql).

- ticket_counts: how many tickets have each status, in all, per holder
  (nobody included), per site, per sub-site and per team (no team
  included). After creating (webhook and form), assigning, taking,
  transferring, moving sites, closing, reopening, deleting and erasing
  tickets, every row equals SELECT COUNT(*) over the tickets, and the
  inbox's `total` for each single filter is that count, exactly
  (total_estimate false).
- tickets.open_actions, next_action_due and flagged: after actions are
  created, edited, closed, reopened, cancelled and erased, and AI checks
  are written, flagged, reviewed and deleted, each ticket's values equal a
  recount, and the inbox row shows them (overdue_actions counted)."""
import datetime
import urllib.parse

from harness import ADMIN_EMAIL, admin_token, api, login, make_user, new_phone, one, post_webhook, sql, text_message, uniq

DIMS = {"all": "0", "holder": "IFNULL(assigned_to, 0)", "site": "IFNULL(site_id, 0)",
        "subsite": "IFNULL(subsite_id, 0)", "team": "IFNULL(team_id, 0)"}
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
PAST = (TODAY - datetime.timedelta(days=3)).isoformat()
FUTURE = (TODAY + datetime.timedelta(days=30)).isoformat()

_state = {}


def ok(r, status=200):
    assert r.status == status, r
    return r.json()["data"]


def agent():
    uid, email = make_user("agent")
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def site(parent=None):
    code = "K%d" % (uniq() % 10**8)
    # Inactive: an active site would make new customers answer the intake.
    sql("INSERT INTO sites (code, name, active, parent_id) VALUES ('%s', 'Site %s', 0, %s)"
        % (code, code, parent or "NULL"))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code))


def team():
    return ok(api("POST", "/api/teams", admin_token(), {"name": "Counts %d" % uniq()}), 201)["id"]


def wa_ticket():
    phone = new_phone()
    assert post_webhook(text_message(phone, "counts %d" % uniq())).status == 200
    return int(one("SELECT MAX(id) FROM tickets WHERE mobile = '%s'" % phone)), phone


def form_ticket(tok):
    r = api("POST", "/api/tickets", tok, {"name": "Counts form", "mobile": "+" + new_phone(),
                                          "description": "counts %d" % uniq(), "issue_type": "safety"})
    return ok(r, 201)["id"]


def workload():
    """Tickets through each change that moves a count, once."""
    if _state:
        return _state
    tok = admin_token()
    s = site()
    sub = site(s)
    ta, tb = team(), team()
    uid, atok = agent()
    wa = [wa_ticket() for _ in range(6)]
    form = [form_ticket(tok) for _ in range(4)]
    ids = [t for t, _ in wa] + form
    # Assigned by the admin, taken by the agent.
    ok(api("POST", "/api/tickets/%d/assign" % ids[0], tok, {"user_id": uid}))
    ok(api("POST", "/api/tickets/%d/assign" % ids[1], atok, {}))
    ok(api("POST", "/api/tickets/%d/assign" % ids[2], tok, {}))
    # Into a team, then on to another holder and team.
    ok(api("POST", "/api/tickets/%d/transfer" % ids[1], atok, {"team_id": ta, "note": "to the team"}))
    ok(api("PUT", "/api/teams/%d/members" % tb, tok, {"user_ids": [uid]}))
    ok(api("POST", "/api/tickets/%d/transfer" % ids[2], tok, {"team_id": tb, "user_id": uid, "note": "yours"}))
    ok(api("PUT", "/api/tickets/%d/status" % ids[0], atok, {"status": "in_progress"}))
    # A site, a sub-site (its tickets carry the site too), and a move.
    # (SQL: the sites are inactive, which the API refuses to set.)
    sql("UPDATE tickets SET site_id = %d WHERE id = %d" % (s, ids[3]))
    sql("UPDATE tickets SET site_id = %d, subsite_id = %d WHERE id IN (%d, %d)" % (s, sub, ids[4], ids[6]))
    sql("UPDATE tickets SET team_id = %d WHERE id = %d" % (ta, ids[6]))
    # Closed, one reopened by the admin; one deleted; one person erased.
    for t in (ids[5], ids[6], ids[7]):
        ok(api("POST", "/api/tickets/%d/close" % t, tok, {"resolution": "done", "force": True}))
    ok(api("PUT", "/api/tickets/%d/status" % ids[6], tok, {"status": "assigned"}))
    assert api("DELETE", "/api/tickets/%d" % ids[8], tok).status == 200
    cid = int(one("SELECT id FROM whatsapp_contacts WHERE wa_id = '%s'" % wa[5][1]))
    ok(api("POST", "/api/contacts/%d/erase" % cid, tok))
    assert one("SELECT COUNT(*) FROM tickets WHERE id = %d" % ids[5]) == "0"
    _state.update(site=s, sub=sub, teams=(ta, tb), agent=uid, agent_tok=atok, ids=ids)
    return _state


def recount(dim):
    return sorted((dim, str(v), st, int(n)) for v, st, n in sql(
        "SELECT %s, status, COUNT(*) FROM tickets WHERE deleted_at IS NULL GROUP BY 1, 2" % DIMS[dim]))


def counters(dim):
    return sorted((dim, str(v), st, int(n)) for v, st, n in sql(
        "SELECT val, status, n FROM ticket_counts WHERE dim = '%s' AND n <> 0" % dim))


def test_the_counters_equal_a_recount():
    workload()
    for dim in DIMS:
        want, got = recount(dim), counters(dim)
        assert got == want, (dim, set(got) ^ set(want))
    assert one("SELECT COUNT(*) FROM ticket_counts WHERE n < 0") == "0"


def total(query, token=None):
    d = ok(api("GET", "/api/tickets?" + query, token or admin_token()))
    return d["total"], d["total_estimate"]


def test_each_single_filter_answers_its_exact_count():
    w = workload()
    ta, tb = w["teams"]
    admin = int(one("SELECT id FROM users WHERE email = '%s'" % ADMIN_EMAIL))
    cases = [
        ("", "1"),
        ("status=new", "status = 'new'"),
        ("status=new,assigned,in_progress&sort=activity", "status IN ('new', 'assigned', 'in_progress')"),
        ("status=closed", "status = 'closed'"),
        ("assigned_to=%d" % w["agent"], "assigned_to = %d" % w["agent"]),
        ("unassigned=1&status=new", "assigned_to IS NULL AND status = 'new'"),
        ("site=%d" % w["site"], "site_id = %d" % w["site"]),
        ("site=%d&status=new,assigned" % w["sub"], "subsite_id = %d AND status IN ('new', 'assigned')" % w["sub"]),
        ("team=%d" % ta, "team_id = %d" % ta),
        ("team=%d&sort=oldest" % tb, "team_id = %d" % tb),
        ("team=none&status=new", "team_id IS NULL AND status = 'new'"),
        ("mine=1", "assigned_to = %d" % admin),
    ]
    for query, where in cases:
        want = int(one("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL AND %s" % where))
        got, estimate = total(query + "&limit=5")
        assert (got, estimate) == (want, False), (query, got, estimate, want)
    # Two filters at once are counted from the tickets, and agree.
    want = int(one("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL AND assigned_to = %d AND team_id = %d"
                   % (w["agent"], tb)))
    assert total("assigned_to=%d&team=%d" % (w["agent"], tb)) == (want, False)
    # An agent counts what their teams let them see: the tickets of no
    # team and of their teams from the counters, and the ones they hold in
    # another team (here one in tc) from the tickets.
    tc = team()
    sql("INSERT IGNORE INTO team_members (team_id, user_id) VALUES (%d, %d)" % (ta, w["agent"]))
    sql("UPDATE tickets SET team_id = %d WHERE id = %d" % (tc, w["ids"][0]))
    seen = ("deleted_at IS NULL AND (team_id IS NULL OR assigned_to = {0} OR team_id IN"
            " (SELECT team_id FROM team_members WHERE user_id = {0}))").format(w["agent"])
    assert int(one("SELECT COUNT(*) FROM tickets WHERE %s AND team_id = %d" % (seen, tc))) == 1
    for query, where in (("", "1"), ("status=new", "status = 'new'"),
                         ("status=new,assigned,in_progress&sort=activity",
                          "status IN ('new', 'assigned', 'in_progress')")):
        want = int(one("SELECT COUNT(*) FROM tickets WHERE %s AND %s" % (seen, where)))
        assert total(query, w["agent_tok"]) == (want, False), (query, want)
    # An agent of no team sees every ticket; other filters count the
    # tickets, within the scope, and agree.
    _uid, lone = agent()
    want = int(one("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL AND status <> 'closed'"))
    assert total("status=new,assigned,in_progress,pending", lone) == (want, False)
    want = int(one("SELECT COUNT(*) FROM tickets WHERE %s AND assigned_to IS NULL" % seen))
    assert total("unassigned=1", w["agent_tok"]) == (want, False)


# The stored values of every ticket against a recount: rows that differ.
DRIFT = ("SELECT t.id, t.open_actions, t.next_action_due, t.flagged FROM tickets t"
         " WHERE t.open_actions <> (SELECT COUNT(*) FROM ticket_actions a WHERE a.ticket_id = t.id"
         " AND a.status = 'open')"
         " OR NOT t.next_action_due <=> (SELECT MIN(a.due_date) FROM ticket_actions a WHERE a.ticket_id = t.id"
         " AND a.status = 'open')"
         " OR t.flagged <> EXISTS (SELECT 1 FROM message_moderation mm WHERE mm.ticket_id = t.id"
         " AND mm.flagged = 1 AND (mm.review IS NULL OR mm.review <> 'cleared'))")


def row(tid):
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    items = ok(api("GET", "/api/tickets?limit=5&q=" + urllib.parse.quote(ref), admin_token()))["items"]
    [it] = [i for i in items if i["id"] == tid]
    return it["open_actions"], it["overdue_actions"], it["flagged"]


def test_actions_and_flags_stored_on_the_ticket_equal_a_recount():
    tok = admin_token()
    uid, _ = agent()
    tid, _phone = wa_ticket()
    other, _ = wa_ticket()
    ok(api("POST", "/api/tickets/%d/assign" % tid, tok, {}))

    def act(body):
        return ok(api("POST", "/api/tickets/%d/actions" % tid, tok, dict({"owner_id": uid}, **body)), 201)["id"]

    def check(want):
        assert sql(DRIFT) == [], sql(DRIFT)
        assert row(tid) == want, (row(tid), want)

    check((0, 0, False))
    a1 = act({"description": "Fit a guard", "due_date": FUTURE})
    check((1, 0, False))
    a2 = act({"description": "Check the pump", "due_date": PAST})
    check((2, 1, False))
    assert one("SELECT next_action_due FROM tickets WHERE id = %d" % tid) == PAST
    ok(api("PUT", "/api/tickets/%d/actions/%d" % (tid, a1), tok, {"due_date": PAST}))
    check((2, 2, False))
    ok(api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a2), tok, {"note": "checked"}))
    check((1, 1, False))
    ok(api("PUT", "/api/tickets/%d/actions/%d" % (tid, a1), tok, {"due_date": FUTURE}))
    check((1, 0, False))
    ok(api("PUT", "/api/tickets/%d/actions/%d" % (tid, a2), tok, {"status": "open", "due_date": PAST}))
    check((2, 1, False))
    ok(api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a1), tok, {"note": "no", "status": "cancelled"}))
    check((1, 1, False))
    # The AI check's verdicts, whoever writes them (here SQL, as `tick
    # outbox` and the review route would).
    mid = int(one("SELECT MIN(id) FROM whatsapp_messages WHERE ticket_id = %d" % tid))
    sql("INSERT INTO message_moderation (message_id, ticket_id, provider) VALUES (%d, %d, 'gemini')" % (mid, tid))
    check((1, 1, False))
    sql("UPDATE message_moderation SET state = 'done', flagged = 1 WHERE message_id = %d" % mid)
    check((1, 1, True))
    assert tid in [i["id"] for i in ok(api("GET", "/api/tickets?flagged=1&limit=100", tok))["items"]]
    sql("UPDATE message_moderation SET review = 'cleared' WHERE message_id = %d" % mid)
    check((1, 1, False))
    sql("UPDATE message_moderation SET review = 'confirmed' WHERE message_id = %d" % mid)
    check((1, 1, True))
    # A check moved to another ticket flags that one instead.
    sql("UPDATE message_moderation SET ticket_id = %d WHERE message_id = %d" % (other, mid))
    check((1, 1, False))
    assert one("SELECT flagged FROM tickets WHERE id = %d" % other) == "1"
    sql("DELETE FROM message_moderation WHERE message_id = %d" % mid)
    assert one("SELECT flagged FROM tickets WHERE id = %d" % other) == "0"
    # Erasing the actions (as the retention does) clears the counts.
    sql("DELETE FROM ticket_actions WHERE ticket_id = %d" % tid)
    check((0, 0, False))
    assert one("SELECT next_action_due FROM tickets WHERE id = %d" % tid) == "NULL"


def test_a_total_from_the_counters_is_one_primary_key_range():
    """The statement list_total runs for a kept filter (store/tickets.c):
    the primary key, a range of at most five rows per value, no scan."""
    for dim, vals, status in (("all", "0", " AND status IN ('new', 'assigned')"), ("holder", "0", ""),
                              ("site", "1, 2", " AND status IN ('new')")):
        rows = sql("EXPLAIN SELECT CAST(COALESCE(SUM(n), 0) AS SIGNED) FROM ticket_counts"
                   " WHERE dim = '%s' AND val IN (%s)%s" % (dim, vals, status))
        assert len(rows) == 1 and rows[0][5] == "PRIMARY" and rows[0][3] in ("range", "ref"), rows
