"""Issue 11, the ticket's side: a report's fields on the ticket, the inbox's
site and report filters, a site manager's scope on every ticket route and
the live stream, and anonymous reports (masked for all, revealed only by a
super_admin, audited)."""
import time

from harness import (admin_token, api, leave_no_active_sites, login, make_user, new_phone, one, post_webhook,
                     sql, text_message, uniq)
from test_events import read_events, stream


def site(code=None, parent=None):
    code = code or "S%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name, parent_id) VALUES ('%s', 'Site %s', %s)"
        % (code, code, parent if parent else "NULL"))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code)), code


def manager(site_ids, role="site_manager"):
    uid, email = make_user(role)
    for s in site_ids:
        sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (s, uid))
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def ticket(site_id=None, subsite_id=None, name="Ana Ruiz", phone=None):
    phone = phone or new_phone()
    r = api("POST", "/api/tickets", admin_token(), {
        "name": name, "mobile": "+" + phone, "description": "oil leak at pump %d" % uniq(),
        "issue_type": "safety"})
    assert r.status == 201, r
    tid = r.json()["data"]["id"]
    if site_id or subsite_id:
        sql("UPDATE tickets SET site_id = %s, subsite_id = %s WHERE id = %d"
            % (site_id or "NULL", subsite_id or "NULL", tid))
    return tid


def ids(r):
    assert r.status == 200, r
    return {t["id"] for t in r.json()["data"]["items"]}


def test_a_ticket_answers_its_report_fields():
    t = api("GET", "/api/tickets/%d" % ticket(), admin_token()).json()["data"]
    for k in ("site", "subsite", "category", "observation_type", "severity", "location"):
        assert t[k] is None, (k, t[k])
    assert t["anonymous"] is False and t["urgent"] is False


def test_an_agent_classifies_a_report():
    s, code = site()
    sub, subcode = site(parent=s)
    tid = ticket()
    tok = admin_token()
    r = api("PUT", "/api/tickets/%d" % tid, tok, {
        "subsite_id": sub, "category": "line_of_fire", "observation_type": "near_miss",
        "severity": "critical",
        "location": {"latitude": 51.5, "longitude": -0.12, "name": "Pump 3", "address": None}})
    assert r.status == 200, r
    t = api("GET", "/api/tickets/%d" % tid, tok).json()["data"]
    # A sub-site given alone brings its site.
    assert t["site"] == {"id": s, "code": code, "name": "Site " + code}, t["site"]
    assert t["subsite"] == {"id": sub, "code": subcode, "name": "Site " + subcode}
    assert (t["category"], t["observation_type"], t["severity"]) == ("line_of_fire", "near_miss", "critical")
    assert t["location"] == {"latitude": 51.5, "longitude": -0.12, "name": "Pump 3", "address": None}
    assert t["urgent"] is True
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.update' AND entity_id = '%d'"
               " AND details LIKE '%%critical%%'" % tid) == "1"
    # Moving it to another site leaves the sub-site; null clears.
    s2, _ = site()
    r = api("PUT", "/api/tickets/%d" % tid, tok, {"site_id": s2, "severity": None, "location": None})
    assert r.status == 200, r
    t = r.json()["data"]
    assert t["site"]["id"] == s2 and t["subsite"] is None and t["severity"] is None
    assert t["location"] is None and t["urgent"] is False


def test_bad_report_fields_are_422_naming_each():
    s, _ = site()
    sub, _ = site(parent=s)
    other, _ = site()
    tid = ticket()
    tok = admin_token()
    cases = [
        ({"category": "falling"}, "category"),
        ({"category": 3}, "category"),
        ({"severity": "urgent"}, "severity"),
        ({"observation_type": ["near_miss"]}, "observation_type"),
        ({"site_id": "abc"}, "site_id"),
        ({"site_id": 1e30}, "site_id"),
        ({"site_id": 999999}, "site_id"),
        ({"site_id": sub}, "site_id"),            # a sub-site is given as subsite_id
        ({"subsite_id": s}, "subsite_id"),        # a site is not a sub-site
        ({"site_id": other, "subsite_id": sub}, "subsite_id"),
        ({"location": {"latitude": 91, "longitude": 0}}, "location"),
        ({"location": {"latitude": "1", "longitude": 0}}, "location"),
        ({"location": {"latitude": 1, "longitude": 0, "name": "x" * 256}}, "location"),
        ({"location": "here"}, "location"),
        ({"anonymous": "yes"}, "anonymous"),
    ]
    for body, field in cases:
        r = api("PUT", "/api/tickets/%d" % tid, tok, body)
        assert r.status == 422, (body, r)
        assert field in r.json()["error"]["details"], (body, r.json())
    # A deactivated site is no longer offered.
    sql("UPDATE sites SET active = 0 WHERE id = %d" % other)
    assert api("PUT", "/api/tickets/%d" % tid, tok, {"site_id": other}).status == 422
    # Nothing was half-written.
    assert one("SELECT CONCAT_WS(',', site_id, subsite_id, category, severity) FROM tickets"
               " WHERE id = %d" % tid) == ""


def test_the_inbox_filters_by_site_and_report():
    a, acode = site()
    b, bcode = site()
    asub, _ = site(parent=a)
    t1, t2, t3, t4 = ticket(a), ticket(b), ticket(a, asub), ticket()
    tok = admin_token()
    sql("UPDATE tickets SET category = 'hot_work', severity = 'high', observation_type = 'unsafe_act'"
        " WHERE id = %d" % t2)
    got = ids(api("GET", "/api/tickets?limit=100&site=%d" % a, tok))
    assert got == {t1, t3}, got                         # a site's tickets include its sub-sites'
    assert ids(api("GET", "/api/tickets?limit=100&site=%s" % acode.lower(), tok)) == {t1, t3}
    assert ids(api("GET", "/api/tickets?limit=100&site=%s,%d" % (bcode, a), tok)) == {t1, t2, t3}
    got = ids(api("GET", "/api/tickets?limit=100&site=%s&category=hot_work&severity=high,critical"
                  "&observation_type=unsafe_act" % bcode, tok))
    assert got == {t2}, got
    assert ids(api("GET", "/api/tickets?limit=100&site=%s&severity=low" % bcode, tok)) == set()
    assert t4 not in ids(api("GET", "/api/tickets?limit=100&site=%d" % a, tok))
    for q in ("site=a-b", "site=" + ",".join(["X1"] * 11), "category=fire", "severity=CRITICAL",
              "observation_type=incident,nope"):
        r = api("GET", "/api/tickets?" + q, tok)
        assert r.status == 400, (q, r)


def test_a_site_manager_sees_and_works_only_its_sites():
    a, _ = site()
    b, _ = site()
    asub, _ = site(parent=a)
    mine, sub_only, theirs = ticket(a), ticket(a, asub), ticket(b)
    uid, tok = manager([a])
    got = ids(api("GET", "/api/tickets?limit=100", tok))
    assert mine in got and sub_only in got and theirs not in got, got
    # Asking for another site by filter finds nothing either.
    assert ids(api("GET", "/api/tickets?limit=100&site=%d" % b, tok)) == set()
    ref = one("SELECT reference FROM tickets WHERE id = %d" % theirs)
    for method, path, body in [
            ("GET", "/api/tickets/%d" % theirs, None),
            ("GET", "/api/tickets/%s" % ref, None),
            ("PUT", "/api/tickets/%d" % theirs, {"name": "X"}),
            ("POST", "/api/tickets/%d/assign" % theirs, {}),
            ("PUT", "/api/tickets/%d/status" % theirs, {"status": "in_progress"}),
            ("POST", "/api/tickets/%d/reply" % theirs, {"message": "hi"}),
            ("POST", "/api/tickets/%d/notes" % theirs, {"message": "hi"}),
            ("POST", "/api/tickets/%d/close" % theirs, {"resolution": "done"}),
            ("GET", "/api/replies/%d" % theirs, None),
            ("POST", "/api/replies", {"ticket_id": theirs, "message": "hi"}),
            ("POST", "/api/whatsapp/send", {"ticket_id": theirs, "message": "hi"}),
            ("POST", "/api/tickets/%d/messages/1/retry" % theirs, None),
            ("POST", "/api/tickets/%d/attachments/1/retry" % theirs, None)]:
        r = api(method, path, tok, body)
        assert r.status == 404, (method, path, r)
    assert one("SELECT CONCAT_WS(',', status, COALESCE(assigned_to, 0)) FROM tickets WHERE id = %d"
               % theirs) == "new,0"
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id = %d" % theirs) == "0"
    # Its own site's ticket it works as an agent would.
    assert api("POST", "/api/tickets/%d/assign" % mine, tok, {}).status == 200
    assert api("GET", "/api/tickets/%d" % sub_only, tok).status == 200
    # Its statistics count its sites only.
    st = api("GET", "/api/tickets/stats", tok).json()["data"]
    assert st["total"] == int(one(
        "SELECT COUNT(*) FROM tickets WHERE deleted_at IS NULL AND (site_id = %d OR subsite_id = %d)"
        % (a, a))), st
    # It cannot move a ticket out of its sites.
    r = api("PUT", "/api/tickets/%d" % mine, tok, {"site_id": b})
    assert r.status == 422 and "site_id" in r.json()["error"]["details"], r
    assert one("SELECT site_id FROM tickets WHERE id = %d" % mine) == str(a)


def test_a_manager_of_a_sub_site_sees_that_sub_site_only():
    a, _ = site()
    asub, _ = site(parent=a)
    on_sub, on_site = ticket(a, asub), ticket(a)
    _, tok = manager([asub])
    got = ids(api("GET", "/api/tickets?limit=100", tok))
    assert on_sub in got and on_site not in got, got


def test_scope_by_role_without_sites():
    a, _ = site()
    t = ticket(a)
    free = ticket()
    # A site manager linked to no site sees nothing; a reporter linked to
    # none sees everything; one linked to a site sees that site.
    _, m = manager([])
    assert ids(api("GET", "/api/tickets?limit=100", m)) == set()
    assert api("GET", "/api/tickets/%d" % t, m).status == 404
    _, rep_all = manager([], role="reporter")
    got = ids(api("GET", "/api/tickets?limit=100&sort=newest", rep_all))
    assert t in got and free in got
    _, rep_a = manager([a], role="reporter")
    got = ids(api("GET", "/api/tickets?limit=100", rep_a))
    assert t in got and free not in got
    assert api("GET", "/api/tickets/%d" % free, rep_a).status == 404
    # Agents and super admins see every site.
    _, email = make_user("agent")
    agent = login(email, "a-long-password-1").json()["data"]["token"]
    assert api("GET", "/api/tickets/%d" % t, agent).status == 200
    # A link made after sign-in counts at once (the database decides).
    b, _ = site()
    tb = ticket(b)
    uid, rep = manager([], role="reporter")
    assert api("GET", "/api/tickets/%d" % tb, rep).status == 200
    sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (a, uid))
    assert api("GET", "/api/tickets/%d" % tb, rep).status == 404


def test_the_live_stream_tells_a_manager_only_of_its_sites():
    a, _ = site()
    b, _ = site()
    mine, theirs = ticket(a), ticket(b)
    _, tok = manager([a])
    conn, r = stream(tok)
    time.sleep(0.5)
    admin = admin_token()
    assert api("POST", "/api/tickets/%d/notes" % theirs, admin, {"message": "theirs"}).status == 201
    assert api("POST", "/api/tickets/%d/notes" % mine, admin, {"message": "mine"}).status == 201
    evs = read_events(r, lambda e: any(x[2].get("ticket_id") == mine for x in e), seconds=8)
    conn.close()
    seen = {x[2].get("ticket_id") for x in evs}
    assert mine in seen and theirs not in seen, evs


def test_an_anonymous_report_hides_its_reporter_from_everyone():
    a, _ = site()
    phone = new_phone()
    assert post_webhook(text_message(phone, "Gas smell near tank 2", name="Jo Worker")).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    admin = admin_token()
    sql("UPDATE tickets SET anonymous = 1, site_id = %d WHERE id = %d" % (a, tid))
    _, mtok = manager([a])
    for tok in (admin, mtok):
        t = api("GET", "/api/tickets/%d" % tid, tok).json()["data"]
        assert t["anonymous"] is True and t["name"] == "Anonymous", t
        assert t["mobile"] is None and t["email"] is None
        row = [x for x in api("GET", "/api/tickets?limit=100", tok).json()["data"]["items"]
               if x["id"] == tid][0]
        assert row["name"] == "Anonymous" and row["mobile"] is None
        # Searching by the reporter's number or name does not find it.
        for q in (phone, "Worker"):
            assert tid not in ids(api("GET", "/api/tickets?limit=100&q=" + q, tok)), q
    # Only a super admin reveals, and the reveal is audited.
    assert api("POST", "/api/tickets/%d/reveal" % tid, mtok).status == 403
    before = int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.reveal'"
                     " AND entity_id = '%d'" % tid))
    r = api("POST", "/api/tickets/%d/reveal" % tid, admin)
    assert r.status == 200, r
    assert r.json()["data"]["name"] == "Jo Worker" and r.json()["data"]["mobile"] == phone
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.reveal'"
                   " AND entity_id = '%d'" % tid)) == before + 1
    # Nobody but a super admin lifts the anonymity.
    assert api("POST", "/api/tickets/%d/assign" % tid, mtok, {}).status == 200
    r = api("PUT", "/api/tickets/%d" % tid, mtok, {"anonymous": False})
    assert r.status == 422 and "anonymous" in r.json()["error"]["details"], r
    assert one("SELECT anonymous FROM tickets WHERE id = %d" % tid) == "1"
    # Replies still reach the reporter's WhatsApp.
    r = api("POST", "/api/tickets/%d/reply" % tid, mtok, {"message": "Thanks, we are on it"})
    assert r.status == 201, r
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'out'"
               " AND body LIKE '%%on it%%'" % tid) == "1"


def test_critical_open_reports_are_counted():
    a, _ = site()
    tid = ticket(a)
    before = api("GET", "/api/tickets/stats", admin_token()).json()["data"]["critical_open"]
    sql("UPDATE tickets SET severity = 'critical' WHERE id = %d" % tid)
    st = api("GET", "/api/tickets/stats", admin_token()).json()["data"]
    assert st["critical_open"] == before + 1


def test_inbox_rows_count_open_and_overdue_actions():
    a, _ = site()
    tid = ticket(a)
    tok = admin_token()
    me = api("GET", "/api/auth/me", tok).json()["data"]["id"]
    for due in ("2020-01-01", "2199-01-01"):
        r = api("POST", "/api/tickets/%d/actions" % tid, tok,
                {"description": "fence the pump", "owner_id": me, "due_date": due})
        assert r.status == 201, r
    row = [x for x in api("GET", "/api/tickets?limit=100&site=%d" % a, tok).json()["data"]["items"]
           if x["id"] == tid][0]
    assert (row["open_actions"], row["overdue_actions"]) == (2, 1), row


# Each test leaves no active site behind (see harness.leave_no_active_sites).
leave_no_active_sites(globals())
