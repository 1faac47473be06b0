"""Issue 19 (the agent's day): what needs me. A ticket's waiting_since (the
customer's oldest message no agent answered yet: set by an inbound message,
cleared by a reply, not by a note), last_author of the message the list
shows, sort=waiting (oldest waiting first, by cursor), the lasting per-agent
unread mark (GET /api/tickets/:id reads it) with the list's new_for_me count,
and the 24-hour window on each row."""
import urllib.parse

from harness import admin_token, api, login, make_user, new_phone, one, post_webhook, sql, text_message, uniq


def customer_writes(phone, text, name="Wait Tester"):
    r = post_webhook(text_message(phone, text, name=name))
    assert r.status == 200, r
    return int(one("SELECT id FROM tickets WHERE mobile = '%s' ORDER BY id DESC LIMIT 1" % phone))


def row(tok, tid, **params):
    """The ticket's row in the list, as the asker sees it."""
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    q = {"q": ref, "status": "new,assigned,in_progress,pending,closed"}
    q.update(params)
    r = api("GET", "/api/tickets?" + urllib.parse.urlencode(q), tok)
    assert r.status == 200, r
    d = r.json()["data"]
    rows = [t for t in d["items"] if t["id"] == tid]
    assert len(rows) == 1, d
    return rows[0], d


def agent():
    uid, email = make_user("agent")
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def test_waiting_since_set_by_the_customer_cleared_by_a_reply_not_a_note():
    tok = admin_token()
    phone = new_phone()
    tid = customer_writes(phone, "my order never came")
    t, _ = row(tok, tid)
    assert t["waiting_since"] is not None, t
    first = t["waiting_since"]
    assert t["last_author"] == {"kind": "customer", "user_id": None, "name": "Wait Tester"}, t
    # A second message: still waiting since the first.
    customer_writes(phone, "hello?")
    t, _ = row(tok, tid)
    assert t["waiting_since"] == first and t["last_message"] == "hello?", t
    assert t["last_author"]["kind"] == "customer", t
    # A note is no answer.
    assert api("POST", "/api/tickets/%d/assign" % tid, tok, {}).status == 200
    r = api("POST", "/api/tickets/%d/notes" % tid, tok, {"message": "looking into it"})
    assert r.status in (200, 201), r
    t, _ = row(tok, tid)
    assert t["waiting_since"] == first and t["last_author"]["kind"] == "customer", t
    # The reply is: nobody waits, and the agent wrote last.
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "On its way"})
    assert r.status in (200, 201), r
    t, _ = row(tok, tid)
    me = api("GET", "/api/auth/me", tok).json()["data"]
    assert t["waiting_since"] is None, t
    assert t["last_author"]["kind"] == "agent" and t["last_author"]["user_id"] == me["id"], t
    assert t["last_author"]["name"] == me["name"], t
    assert one("SELECT waiting_since IS NULL FROM tickets WHERE id = %d" % tid) == "1"
    # The customer writes again: waiting from now, later than before.
    customer_writes(phone, "thanks, and another thing")
    t, _ = row(tok, tid)
    assert t["waiting_since"] is not None and t["waiting_since"] > first, t
    # The detail carries the same fields.
    d = api("GET", "/api/tickets/%d" % tid, tok).json()["data"]
    assert d["waiting_since"] == t["waiting_since"] and d["last_author"]["kind"] == "customer", d
    # Closing: nobody waits on a closed ticket.
    r = api("POST", "/api/tickets/%d/close" % tid, tok, {"resolution": "sent"})
    assert r.status == 200, r
    assert one("SELECT waiting_since IS NULL FROM tickets WHERE id = %d" % tid) == "1"


def test_unread_lasts_until_the_agent_opens_the_ticket_and_counts_as_new_for_me():
    tok = admin_token()
    uid, atok = agent()
    phone = new_phone()
    tid = customer_writes(phone, "is anyone there")
    t, d = row(atok, tid)
    assert t["unread"] is True, t
    before = d["new_for_me"]
    assert isinstance(before, int) and before >= 1, d
    # Someone else opening it changes nothing for this agent.
    assert api("GET", "/api/tickets/%d" % tid, tok).status == 200
    t, _ = row(atok, tid)
    assert t["unread"] is True, t
    t, _ = row(tok, tid)
    assert t["unread"] is False, t
    # Opening it reads it, lastingly.
    assert api("GET", "/api/tickets/%d" % tid, atok).status == 200
    t, d = row(atok, tid)
    assert t["unread"] is False and d["new_for_me"] == before - 1, (t, d["new_for_me"], before)
    assert one("SELECT COUNT(*) FROM ticket_reads WHERE user_id = %d AND ticket_id = %d" % (uid, tid)) == "1"
    # A new customer message makes it unread again (read_at moved back a
    # second so that the two never share a millisecond).
    sql("UPDATE ticket_reads SET read_at = read_at - INTERVAL 1 SECOND WHERE user_id = %d AND ticket_id = %d"
        % (uid, tid))
    customer_writes(phone, "hello again")
    t, d = row(atok, tid)
    assert t["unread"] is True and d["new_for_me"] == before, (t, d["new_for_me"])
    # Held by another agent: still unread for this one, but not in their
    # queue (new_for_me counts their own and the unassigned).
    assert api("POST", "/api/tickets/%d/assign" % tid, tok, {}).status == 200
    t, d = row(atok, tid)
    assert t["unread"] is True and d["new_for_me"] == before - 1, (t, d["new_for_me"])


def test_a_form_ticket_nobody_wrote_on_is_not_unread_and_waits_for_nobody():
    tok = admin_token()
    r = api("POST", "/api/tickets", tok, {"name": "Form person", "description": "written by an agent",
                                          "issue_type": "other_issue"})
    assert r.status == 201, r
    tid = r.json()["data"]["id"]
    t, _ = row(tok, tid)
    assert t["unread"] is False and t["waiting_since"] is None, t
    assert t["last_author"] == {"kind": "customer", "user_id": None, "name": "Form person"}, t


def test_window_closed_shows_on_the_row():
    tok = admin_token()
    phone = new_phone()
    tid = customer_writes(phone, "window")
    t, _ = row(tok, tid)
    assert t["whatsapp_window_open"] is True, t
    sql("UPDATE tickets SET last_customer_message_at = NOW(3) - INTERVAL 25 HOUR WHERE id = %d" % tid)
    t, _ = row(tok, tid)
    assert t["whatsapp_window_open"] is False, t


def site():
    code = "W%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name, active) VALUES ('%s', 'Waiting %s', 0)" % (code, code))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code))


def test_sort_waiting_oldest_first_then_nobody_waiting_by_cursor():
    tok = admin_token()
    sid = site()
    ids = []
    for i in range(7):
        r = api("POST", "/api/tickets", tok, {"name": "Sort %d" % i, "description": "w", "issue_type": "other_issue"})
        assert r.status == 201, r
        ids.append(r.json()["data"]["id"])
    sql("UPDATE tickets SET site_id = %d WHERE id IN (%s)" % (sid, ",".join(map(str, ids))))
    # Four wait (two at the same moment: the id breaks the tie), three not.
    sql("UPDATE tickets SET waiting_since = NOW(3) - INTERVAL 3 HOUR WHERE id IN (%d, %d)" % (ids[5], ids[2]))
    sql("UPDATE tickets SET waiting_since = NOW(3) - INTERVAL 25 HOUR WHERE id = %d" % ids[4])
    sql("UPDATE tickets SET waiting_since = NOW(3) - INTERVAL 1 MINUTE WHERE id = %d" % ids[0])
    want = [ids[4], ids[2], ids[5], ids[0], ids[1], ids[3], ids[6]]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"site": sid, "sort": "waiting", "limit": 3, "status": "new,assigned,in_progress,pending,closed"}
        if cursor:
            params["cursor"] = cursor
        r = api("GET", "/api/tickets?" + urllib.parse.urlencode(params), tok)
        assert r.status == 200, r
        d = r.json()["data"]
        seen += [t["id"] for t in d["items"]]
        pages += 1
        assert pages < 10
        cursor = d["next_cursor"]
        if not cursor:
            break
        # A cursor is for its own sort only.
        r = api("GET", "/api/tickets?" + urllib.parse.urlencode({"sort": "newest", "cursor": cursor}), tok)
        assert r.status == 422 and r.json()["error"]["details"].get("cursor"), r
    assert seen == want and pages == 3, (seen, want)
    # An unknown sort is the list's 400, naming the sorts there are.
    r = api("GET", "/api/tickets?sort=longest", tok)
    assert r.status == 400 and "waiting" in r.json()["error"]["message"], r
