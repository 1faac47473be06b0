"""Issue 13, first part: teams (CRUD, members), a ticket's team and tags,
the inbox's team and tag filters, an agent's scope (their teams' queues),
transfer, availability, and automatic assignment (round robin, balanced
with capacity, 20 concurrent arrivals, waiting tickets given out when an
agent becomes available or `tick outbox` runs)."""
import threading

from harness import (api, admin_token, login, make_user, new_phone, one, post_webhook, sql,
                     text_message, tick, uniq)


def agent(role="agent"):
    uid, email = make_user(role)
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def team(**kw):
    body = {"name": "Team %d" % uniq()}
    body.update(kw)
    r = api("POST", "/api/teams", admin_token(), body)
    assert r.status == 201, r
    return r.json()["data"]


def members(team_id, ids):
    r = api("PUT", "/api/teams/%d/members" % team_id, admin_token(), {"user_ids": ids})
    assert r.status == 200, r
    return r.json()["data"]


def available(token, state="available"):
    r = api("PUT", "/api/me/availability", token, {"availability": state})
    assert r.status == 200, r
    assert r.json()["data"]["availability"] == state, r


_made = []


def site():
    code = "T%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name) VALUES ('%s', 'Site %s')" % (code, code))
    sid = int(one("SELECT id FROM sites WHERE code = '%s'" % code))
    _made.append(sid)
    return sid, code


def cleanup(fn):
    """Deactivates the sites the test made (an active site turns the guided
    intake on for the modules that run after) and the default team."""
    def run():
        try:
            fn()
        finally:
            sql("UPDATE teams SET is_default = 0")
            if _made:
                sql("UPDATE sites SET active = 0 WHERE id IN (%s)" % ",".join(map(str, _made)))
                del _made[:]
    run.__name__ = fn.__name__
    run.__module__ = fn.__module__
    return run


def arrive(code=None):
    """A new customer's first message through the webhook; the ticket's id."""
    phone = new_phone()
    text = ("Site %s: " % code if code else "") + "a leak at pump %d" % uniq()
    r = post_webhook(text_message(phone, text))
    assert r.status == 200, r
    return int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))


def form_ticket():
    r = api("POST", "/api/tickets", admin_token(), {
        "name": "Ana Ruiz", "mobile": "+" + new_phone(), "description": "help %d" % uniq(),
        "issue_type": "other", "issue_type_other": "x"})
    assert r.status == 201, r
    return r.json()["data"]["id"]


def holder(tid):
    v = one("SELECT COALESCE(assigned_to, 0) FROM tickets WHERE id = %d" % tid)
    return int(v)


def ids(r):
    assert r.status == 200, r
    return {t["id"] for t in r.json()["data"]["items"]}


@cleanup
def test_team_crud_and_errors():
    tok = admin_token()
    s, _ = site()
    name = "Night shift %d" % uniq()
    r = api("POST", "/api/teams", tok, {"name": name, "site_id": s, "assignment": "balanced",
                                        "agent_capacity": 5})
    assert r.status == 201, r
    t = r.json()["data"]
    assert t["name"] == name and t["site"]["id"] == s and t["assignment"] == "balanced"
    assert t["agent_capacity"] == 5 and t["is_default"] is False and t["members"] == []
    # The same name again, in any case, is 409.
    r = api("POST", "/api/teams", tok, {"name": name.upper()})
    assert r.status == 409 and r.json()["error"]["code"] == "duplicate", r
    # Each bad field is named.
    for body, field in [({}, "name"), ({"name": ""}, "name"), ({"name": 5}, "name"),
                        ({"name": "x" * 101}, "name"),
                        ({"name": "a", "assignment": "random"}, "assignment"),
                        ({"name": "a", "agent_capacity": 0}, "agent_capacity"),
                        ({"name": "a", "agent_capacity": 1.5}, "agent_capacity"),
                        ({"name": "a", "agent_capacity": "3"}, "agent_capacity"),
                        ({"name": "a", "agent_capacity": True}, "agent_capacity"),
                        ({"name": "a", "agent_capacity": 10**30}, "agent_capacity"),
                        ({"name": "a", "site_id": "abc"}, "site_id"),
                        ({"name": "a", "site_id": 0}, "site_id"),
                        ({"name": "a", "site_id": 999999999}, "site_id"),
                        ({"name": "a", "is_default": "yes"}, "is_default")]:
        r = api("POST", "/api/teams", tok, body)
        assert r.status == 422, (body, r)
        assert field in r.json()["error"]["details"], (body, r)
    assert api("POST", "/api/teams", tok, b"[1]").status in (400, 422)
    # Read, list, change, delete.
    assert api("GET", "/api/teams/%d" % t["id"], tok).json()["data"]["name"] == name
    assert t["id"] in ids(api("GET", "/api/teams", tok))
    r = api("PUT", "/api/teams/%d" % t["id"], tok, {"agent_capacity": None, "site_id": None,
                                                    "assignment": "round_robin"})
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["agent_capacity"] is None and d["site"] is None and d["assignment"] == "round_robin"
    assert d["name"] == name
    assert api("PUT", "/api/teams/%d" % t["id"], tok, {"name": ""}).status == 422
    assert api("PUT", "/api/teams/999999999", tok, {"name": "x%d" % uniq()}).status == 404
    other = team()
    r = api("PUT", "/api/teams/%d" % other["id"], tok, {"name": name})
    assert r.status == 409 and r.json()["error"]["code"] == "duplicate", r
    # Agents read teams but do not change them.
    _, atok = agent()
    assert api("GET", "/api/teams", atok).status == 200
    r = api("POST", "/api/teams", atok, {"name": "mine %d" % uniq()})
    assert r.status == 403, r
    assert api("DELETE", "/api/teams/%d" % t["id"], atok).status == 403
    r = api("DELETE", "/api/teams/%d" % t["id"], tok)
    assert r.status == 200, r
    assert api("GET", "/api/teams/%d" % t["id"], tok).status == 404
    assert api("DELETE", "/api/teams/%d" % t["id"], tok).status == 404
    for action in ("team.create", "team.update", "team.delete"):
        assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND entity_id = '%d'"
                       % (action, t["id"]))) == 1, action


def test_members_are_set_and_checked():
    t = team()
    a, atok = agent()
    m, _ = agent("site_manager")
    rep, _ = agent("reporter")
    d = members(t["id"], [a, m, a])
    assert sorted(x["id"] for x in d["members"]) == sorted([a, m])
    got = {x["id"]: x for x in d["members"]}
    assert got[a]["availability"] == "offline" and got[a]["open_tickets"] == 0
    available(atok)
    assert {x["id"]: x for x in api("GET", "/api/teams/%d" % t["id"], admin_token())
            .json()["data"]["members"]}[a]["availability"] == "available"
    for body in [{}, {"user_ids": "1"}, {"user_ids": [0]}, {"user_ids": [None]}, {"user_ids": [1.5]},
                 {"user_ids": [rep]}, {"user_ids": [999999999]}, {"user_ids": list(range(1, 202))}]:
        r = api("PUT", "/api/teams/%d/members" % t["id"], admin_token(), body)
        assert r.status == 422 and "user_ids" in r.json()["error"]["details"], (body, r)
    # A refused change leaves the members as they were.
    assert len(api("GET", "/api/teams/%d" % t["id"], admin_token()).json()["data"]["members"]) == 2
    assert api("PUT", "/api/teams/999999999/members", admin_token(), {"user_ids": []}).status == 404
    members(t["id"], [m])
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'team.members' AND entity_id = '%d'"
                   % t["id"])) == 2


def test_availability_is_the_agents_own():
    _, tok = agent()
    r = api("GET", "/api/me/availability", tok)
    assert r.status == 200 and r.json()["data"]["availability"] == "offline", r
    available(tok, "away")
    assert api("GET", "/api/me/availability", tok).json()["data"]["availability"] == "away"
    for body in [{}, {"availability": "busy"}, {"availability": None}, {"availability": 1}]:
        r = api("PUT", "/api/me/availability", tok, body)
        assert r.status == 422 and "availability" in r.json()["error"]["details"], (body, r)
    _, rtok = agent("reporter")
    assert api("PUT", "/api/me/availability", rtok, {"availability": "available"}).status == 403
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'agent.availability'"
                   " AND entity_id = (SELECT user_id FROM agent_status ORDER BY updated_at DESC"
                   " LIMIT 1)")) >= 1


def test_an_agent_sees_their_teams_queues():
    ta, tb = team(), team()
    a1, a1tok = agent()
    b1, _ = agent()
    free, freetok = agent()   # in no team: sees everything
    members(ta["id"], [a1])
    members(tb["id"], [b1])
    t_a, t_b, t_none, t_b_mine = form_ticket(), form_ticket(), form_ticket(), form_ticket()
    sql("UPDATE tickets SET team_id = %d WHERE id = %d" % (ta["id"], t_a))
    sql("UPDATE tickets SET team_id = %d WHERE id IN (%d, %d)" % (tb["id"], t_b, t_b_mine))
    sql("UPDATE tickets SET assigned_to = %d, status = 'assigned' WHERE id = %d" % (a1, t_b_mine))
    seen = ids(api("GET", "/api/tickets?limit=100&sort=newest", a1tok))
    assert {t_a, t_none, t_b_mine} <= seen and t_b not in seen, seen
    assert api("GET", "/api/tickets/%d" % t_b, a1tok).status == 404
    assert api("POST", "/api/tickets/%d/assign" % t_b, a1tok, {}).status == 404
    assert api("GET", "/api/tickets/%d" % t_a, a1tok).status == 200
    assert {t_a, t_b, t_none, t_b_mine} <= ids(api("GET", "/api/tickets?limit=100", freetok))
    assert {t_a, t_b, t_none, t_b_mine} <= ids(api("GET", "/api/tickets?limit=100", admin_token()))
    # The filters.
    assert ids(api("GET", "/api/tickets?team=%d" % tb["id"], admin_token())) == {t_b, t_b_mine}
    assert ids(api("GET", "/api/tickets?team=%d" % tb["id"], a1tok)) == {t_b_mine}
    none = ids(api("GET", "/api/tickets?team=none&limit=100", admin_token()))
    assert t_none in none and t_a not in none
    for bad in ("abc", "0", "-1", "1,2"):
        assert api("GET", "/api/tickets?team=" + bad, admin_token()).status == 400, bad
    # The ticket answers its team.
    t = api("GET", "/api/tickets/%d" % t_a, admin_token()).json()["data"]
    assert t["team"] == {"id": ta["id"], "name": ta["name"]} and t["tags"] == []
    assert api("GET", "/api/tickets/%d" % t_none, admin_token()).json()["data"]["team"] is None
    row = [x for x in api("GET", "/api/tickets?team=%d" % ta["id"], admin_token())
           .json()["data"]["items"]][0]
    assert row["team"]["id"] == ta["id"] and row["tags"] == []


def test_transfer_hands_the_ticket_on():
    ta, tb = team(), team()
    a1, a1tok = agent()
    b1, b1tok = agent()
    other, othertok = agent()
    members(ta["id"], [a1])
    members(tb["id"], [b1])
    tid = form_ticket()
    sql("UPDATE tickets SET team_id = %d WHERE id = %d" % (ta["id"], tid))
    assert api("POST", "/api/tickets/%d/assign" % tid, a1tok, {}).status == 200
    # Someone who does not hold it may not.
    r = api("POST", "/api/tickets/%d/transfer" % tid, othertok, {"user_id": other, "note": "mine"})
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    for body, field in [({"user_id": b1}, "note"), ({"note": "x"}, "team_id"),
                        ({"team_id": "x", "note": "x"}, "team_id"),
                        ({"user_id": 1.5, "note": "x"}, "user_id"),
                        ({"team_id": None, "note": "x"}, "team_id"),
                        ({"user_id": None, "team_id": 1, "note": "x"}, "user_id"),
                        ({"user_id": 10**30, "note": "x"}, "user_id"),
                        ({"team_id": tb["id"], "note": ""}, "note"),
                        ({"team_id": tb["id"], "note": "x" * 5001}, "note")]:
        r = api("POST", "/api/tickets/%d/transfer" % tid, a1tok, body)
        assert r.status == 422 and field in r.json()["error"]["details"], (body, r)
    r = api("POST", "/api/tickets/%d/transfer" % tid, a1tok, {"team_id": 999999999, "note": "x"})
    assert r.status == 422 and "team_id" in r.json()["error"]["details"], r
    r = api("POST", "/api/tickets/%d/transfer" % tid, a1tok,
            {"team_id": tb["id"], "user_id": other, "note": "x"})
    assert r.status == 422 and "user_id" in r.json()["error"]["details"], r
    r = api("POST", "/api/tickets/%d/transfer" % tid, a1tok, {"user_id": a1, "note": "x"})
    assert r.status == 409 and r.json()["error"]["code"] == "no_change", r
    before = int(one("SELECT COALESCE(MAX(id), 0) FROM events"))
    r = api("POST", "/api/tickets/%d/transfer" % tid, a1tok,
            {"team_id": tb["id"], "user_id": b1, "note": "Billing question: yours"})
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["team"]["id"] == tb["id"] and d["assigned_to"]["id"] == b1 and d["status"] == "assigned"
    # The note is internal, the audit written, the new holder told live.
    tl = api("GET", "/api/tickets/%d" % tid, b1tok).json()["data"]["timeline"]
    notes = [x for x in tl if x.get("internal")]
    assert notes and notes[-1]["text"] == "Billing question: yours" and notes[-1]["kind"] == "note", tl
    assert one("SELECT internal FROM replies WHERE id = %d" % d["note_id"]) == "1"
    assert not [x for x in tl if not x.get("internal") and "Billing" in (x.get("text") or "")], tl
    det = one("SELECT details FROM audit_log WHERE action = 'ticket.transfer' AND entity_id = '%d'" % tid)
    assert '"to_user":%d' % b1 in det.replace(" ", "") and '"from_user":%d' % a1 in det.replace(" ", ""), det
    assert int(one("SELECT COUNT(*) FROM events WHERE id > %d AND type = 'ticket.assigned'"
                   " AND ticket_id = %d AND user_id = %d" % (before, tid, b1))) == 1
    # a1 is in team A only: the ticket left their queue.
    assert api("GET", "/api/tickets/%d" % tid, a1tok).status == 404
    # To a team alone: nobody holds it, it waits there as new (team A is manual).
    r = api("POST", "/api/tickets/%d/transfer" % tid, b1tok, {"team_id": ta["id"], "note": "back"})
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["assigned_to"] is None and d["status"] == "new" and d["team"]["id"] == ta["id"], d
    # A super admin transfers anything; a closed ticket is not transferred.
    assert api("POST", "/api/tickets/%d/transfer" % tid, admin_token(),
               {"user_id": a1, "note": "admin"}).status == 200
    assert api("POST", "/api/tickets/%d/close" % tid, a1tok, {"resolution": "done"}).status == 200
    r = api("POST", "/api/tickets/%d/transfer" % tid, admin_token(), {"user_id": b1, "note": "x"})
    assert r.status == 409 and r.json()["error"]["code"] == "ticket_closed", r
    assert api("POST", "/api/tickets/999999999/transfer", admin_token(), {"user_id": b1, "note": "x"}).status == 404


def test_tags_are_set_and_filtered():
    tok = admin_token()
    tid, other = form_ticket(), form_ticket()
    r = api("PUT", "/api/tickets/%d/tags" % tid, tok, {"tags": ["Urgent", "  gas leak ", "urgent", "日本"]})
    assert r.status == 200, r
    assert r.json()["data"]["tags"] == sorted(["urgent", "gas leak", "日本"]), r
    assert api("GET", "/api/tickets/%d" % tid, tok).json()["data"]["tags"] == sorted(["urgent", "gas leak", "日本"])
    assert ids(api("GET", "/api/tickets?tag=URGENT&limit=100", tok)) >= {tid}
    assert other not in ids(api("GET", "/api/tickets?tag=urgent&limit=100", tok))
    assert ids(api("GET", "/api/tickets?tag=%E6%97%A5%E6%9C%AC", tok)) == {tid}
    assert api("GET", "/api/tickets?tag=a,b", tok).status == 400
    for body in [{}, {"tags": "urgent"}, {"tags": [1]}, {"tags": [None]}, {"tags": [""]},
                 {"tags": ["a,b"]}, {"tags": ["x" * 33]}, {"tags": ["a\nb"]},
                 {"tags": ["t%d" % i for i in range(21)]}]:
        r = api("PUT", "/api/tickets/%d/tags" % tid, tok, body)
        assert r.status == 422 and "tags" in r.json()["error"]["details"], (body, r)
    # The reports share the inbox's filters (422 naming a bad one there).
    r = api("GET", "/api/reports/tickets?tag=urgent&limit=100", tok)
    assert r.status == 200, r
    refs = {i["reference"] for i in r.json()["data"]["items"]}
    assert one("SELECT reference FROM tickets WHERE id = %d" % tid) in refs
    assert one("SELECT reference FROM tickets WHERE id = %d" % other) not in refs
    r = api("GET", "/api/reports/tickets?tag=a,b", tok)
    assert r.status == 422 and "tag" in r.json()["error"]["details"], r
    r = api("GET", "/api/reports/tickets?team=x", tok)
    assert r.status == 422 and "team" in r.json()["error"]["details"], r
    # 32 characters fit; the old tags went.
    r = api("PUT", "/api/tickets/%d/tags" % tid, tok, {"tags": ["é" * 32]})
    assert r.status == 200 and r.json()["data"]["tags"] == ["é" * 32], r
    assert tid not in ids(api("GET", "/api/tickets?tag=urgent&limit=100", tok))
    # A held ticket is its holder's to tag.
    a, atok = agent()
    _, btok = agent()
    assert api("POST", "/api/tickets/%d/assign" % other, atok, {}).status == 200
    assert api("PUT", "/api/tickets/%d/tags" % other, btok, {"tags": ["x"]}).status == 403
    assert api("PUT", "/api/tickets/%d/tags" % other, atok, {"tags": ["x"]}).status == 200
    assert api("PUT", "/api/tickets/%d/tags" % other, atok, {"tags": []}).json()["data"]["tags"] == []
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.tags' AND entity_id = '%d'"
                   % tid)) == 2


@cleanup
def test_round_robin_takes_turns():
    s, code = site()
    t = team(site_id=s, assignment="round_robin")
    people = sorted([agent() for _ in range(3)])
    off, _ = agent()
    members(t["id"], [p[0] for p in people] + [off])
    for _, tok in people:
        available(tok)
    got = [holder(arrive(code)) for _ in range(6)]
    order = [p[0] for p in people]
    assert got == order + order, (got, order)
    tid = arrive(code)
    d = api("GET", "/api/tickets/%d" % tid, admin_token()).json()["data"]
    assert d["team"]["id"] == t["id"] and d["status"] == "assigned" and d["assigned_to"]["id"] == order[0]
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.auto_assign'"
                   " AND entity_id = '%d'" % tid)) == 1
    assert int(one("SELECT COUNT(*) FROM events WHERE type = 'ticket.assigned' AND ticket_id = %d"
                   " AND user_id = %d" % (tid, order[0]))) == 1
    # Away agents get nothing new.
    available(people[1][1], "away")
    got = [holder(arrive(code)) for _ in range(2)]
    assert got == [order[2], order[0]], got


@cleanup
def test_balanced_respects_capacity_and_waiting_tickets_go_out():
    s, code = site()
    t = team(site_id=s, assignment="balanced", agent_capacity=2)
    (a, atok), (b, btok) = sorted([agent(), agent()])
    members(t["id"], [a, b])
    available(atok)
    available(btok)
    # a already holds one ticket: b gets the next, then they alternate.
    assert api("POST", "/api/tickets/%d/assign" % form_ticket(), atok, {}).status == 200
    first = holder(arrive(code))
    assert first == b, (first, a, b)
    got = sorted(holder(arrive(code)) for _ in range(2))
    assert got == sorted([a, b]), got
    # Both are full (2 each): the next waits in the team.
    waiting = arrive(code)
    assert holder(waiting) == 0
    d = api("GET", "/api/tickets/%d" % waiting, admin_token()).json()["data"]
    assert d["team"]["id"] == t["id"] and d["status"] == "new"
    assert waiting in ids(api("GET", "/api/tickets?team=%d&unassigned=1" % t["id"], admin_token()))
    # Room under the capacity gives it out.
    r = api("PUT", "/api/teams/%d" % t["id"], admin_token(), {"agent_capacity": 3})
    assert r.status == 200, r
    assert holder(waiting) in (a, b)
    # Closing a ticket makes room too.
    w2 = arrive(code)
    w3 = arrive(code)
    assert holder(w3) == 0
    mine = int(one("SELECT id FROM tickets WHERE assigned_to = %d AND status <> 'closed'"
                   " ORDER BY id LIMIT 1" % a))
    assert api("POST", "/api/tickets/%d/close" % mine, atok, {"resolution": "fixed"}).status == 200
    assert holder(w3) == a and holder(w2) in (a, b)
    for uid in (a, b):
        assert int(one("SELECT COUNT(*) FROM tickets WHERE assigned_to = %d AND status <> 'closed'" % uid)) <= 3


@cleanup
def test_twenty_concurrent_arrivals_respect_capacity():
    s, code = site()
    cap = 3
    t = team(site_id=s, assignment="balanced", agent_capacity=cap)
    people = [agent() for _ in range(3)]
    late, latetok = agent()
    members(t["id"], [p[0] for p in people] + [late])
    for _, tok in people:
        available(tok)
    phones = [new_phone() for _ in range(20)]
    results = []

    def send(phone):
        results.append(post_webhook(text_message(phone, "Site %s: fire alarm %d" % (code, uniq()))).status)

    threads = [threading.Thread(target=send, args=(p,)) for p in phones]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [200] * 20, results
    rows = sql("SELECT id, COALESCE(assigned_to, 0), COALESCE(team_id, 0) FROM tickets WHERE mobile IN (%s)"
               % ", ".join("'%s'" % p for p in phones))
    assert len(rows) == 20, rows
    assert all(int(r[2]) == t["id"] for r in rows), rows
    per = {}
    for r in rows:
        per[int(r[1])] = per.get(int(r[1]), 0) + 1
    for uid, _ in people:
        assert per.get(uid, 0) == cap, per       # filled exactly to capacity, never past
    assert per.get(0, 0) == 20 - 3 * cap, per   # the rest wait
    tids = ", ".join(r[0] for r in rows)
    # No ticket assigned twice.
    assert one("SELECT MAX(n) FROM (SELECT COUNT(*) n FROM audit_log WHERE action = 'ticket.auto_assign'"
               " AND entity_id IN (%s) GROUP BY entity_id) x" % ", ".join("'%s'" % r[0] for r in rows)) == "1"
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.auto_assign' AND entity_id IN (%s)"
                   % ", ".join("'%s'" % r[0] for r in rows))) == 3 * cap
    # The late agent becomes available: the oldest waiting tickets are theirs, up to capacity.
    available(latetok)
    n = int(one("SELECT COUNT(*) FROM tickets WHERE assigned_to = %d AND id IN (%s)" % (late, tids)))
    assert n == cap, n
    assert int(one("SELECT COUNT(*) FROM tickets WHERE assigned_to IS NULL AND id IN (%s)" % tids)) == 20 - 4 * cap


@cleanup
def test_a_waiting_ticket_goes_to_whoever_becomes_available():
    s, code = site()
    t = team(site_id=s, assignment="round_robin")
    a, atok = agent()
    members(t["id"], [a])
    tid = arrive(code)
    assert holder(tid) == 0
    before = int(one("SELECT COALESCE(MAX(id), 0) FROM events"))
    available(atok)
    assert holder(tid) == a
    assert one("SELECT status FROM tickets WHERE id = %d" % tid) == "assigned"
    assert int(one("SELECT COUNT(*) FROM events WHERE id > %d AND type = 'ticket.assigned'"
                   " AND ticket_id = %d AND user_id = %d" % (before, tid, a))) == 1
    # Offline: nothing; `tick outbox` gives out what waits once someone can take it.
    available(atok, "offline")
    t2 = arrive(code)
    assert holder(t2) == 0
    sql("UPDATE agent_status SET availability = 'available' WHERE user_id = %d" % a)
    out = tick("outbox")
    assert out.returncode == 0, out.stderr
    assert holder(t2) == a, out.stdout


@cleanup
def test_default_team_takes_tickets_of_no_site():
    t = team(is_default=True)
    try:
        other = team(is_default=True)   # one default at a time
        assert api("GET", "/api/teams/%d" % t["id"], admin_token()).json()["data"]["is_default"] is False
        tid = arrive()
        d = api("GET", "/api/tickets/%d" % tid, admin_token()).json()["data"]
        assert d["team"]["id"] == other["id"] and d["assigned_to"] is None   # manual: it waits
        # A site's own team wins over the default.
        s, code = site()
        st = team(site_id=s)
        assert api("GET", "/api/tickets/%d" % arrive(code), admin_token()).json()["data"]["team"]["id"] == st["id"]
    finally:
        sql("UPDATE teams SET is_default = 0")


@cleanup
def test_a_site_the_intake_asks_for_takes_the_ticket_to_its_team():
    s, code = site()
    t = team(site_id=s, assignment="round_robin")
    a, atok = agent()
    members(t["id"], [a])
    available(atok)
    phone = new_phone()
    assert post_webhook(text_message(phone, "something is wrong here %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    assert holder(tid) == 0 and one("SELECT team_id FROM tickets WHERE id = %d" % tid) == "NULL"
    # The customer picks the site from the intake's list.
    m = text_message(phone, "")
    msg = m["entry"][0]["changes"][0]["value"]["messages"][0]
    del msg["text"]
    msg["type"] = "interactive"
    msg["interactive"] = {"type": "list_reply", "list_reply": {"id": "site:%d" % s, "title": code, "description": "d"}}
    msg["context"] = {"from": "15550001111", "id": "wamid.Q"}
    assert post_webhook(m).status == 200
    assert one("SELECT site_id FROM tickets WHERE id = %d" % tid) == str(s)
    assert int(one("SELECT team_id FROM tickets WHERE id = %d" % tid)) == t["id"]
    assert holder(tid) == a
