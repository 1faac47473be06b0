"""Corrective actions (issue 11) over the real stack: a ticket's actions
under /api/tickets/:id/actions, GET /api/actions across tickets, the
owner's live event and WhatsApp notice, closing with evidence (a note and
a file kept on the fake Cloudinary), who may do what, the site scope, and
a ticket that cannot close while its actions are open."""
import base64
import json
import os

from harness import (admin_token, api, cld, graph_sent, leave_no_active_sites, login, make_user, new_phone,
                     one, post_webhook, sql, text_message, uniq)
from test_tickets import cgi

PAST = "2001-01-01"
FUTURE = "2150-06-30"
JPEG = b"\xff\xd8\xff\xe0" + os.urandom(2000) + b"\xff\xd9"


def user(role, mobile=None, window=False):
    """A user of role (id, token); mobile sets users.mobile, window makes
    the number one that wrote to the desk within 24 hours."""
    uid, email = make_user(role)
    if mobile:
        sql("UPDATE users SET mobile='%s' WHERE id=%d" % (mobile, uid))
    if mobile and window:
        sql("INSERT INTO whatsapp_contacts (contact_key, wa_id, last_inbound_at) VALUES ('%s', '%s', NOW(3))"
            % (mobile, mobile))
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def held_ticket():
    """A customer's WhatsApp ticket taken by a new agent: (id, reference,
    holder id, holder token)."""
    phone = new_phone()
    assert post_webhook(text_message(phone, "oil leak at pump %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s' ORDER BY id DESC LIMIT 1" % phone))
    hid, h = user("agent")
    assert api("POST", "/api/tickets/%d/assign" % tid, h).status == 200
    return tid, one("SELECT reference FROM tickets WHERE id=%d" % tid), hid, h


def create(tid, token, owner, description="Fit a guard on pump 3", due=FUTURE):
    return api("POST", "/api/tickets/%d/actions" % tid, token,
               {"description": description, "owner_id": owner, "due_date": due})


def texts_to(phone):
    return [x["body"]["text"]["body"] for x in graph_sent(phone)
            if x.get("body", {}).get("type") == "text" and x.get("answer") == 200]


def audit(action, entity_id):
    rows = sql("SELECT details FROM audit_log WHERE action='%s' AND entity='action' AND entity_id='%s' ORDER BY id"
               % (action, entity_id))
    return [json.loads(r[0]) for r in rows]


def action_count():
    return int(one("SELECT COUNT(*) FROM ticket_actions"))


def test_create_list_update_close_and_reopen():
    tid, ref, hid, h = held_ticket()
    phone = new_phone()
    oid, o = user("agent", mobile=phone, window=True)
    r = create(tid, h, oid, "Fit a guard on pump 3\nand check the valve")
    assert r.status == 201, r
    a = r.json()["data"]
    assert set(a) >= {"id", "ticket_id", "ticket_reference", "description", "owner", "due_date", "status", "overdue",
                      "closing_note", "files", "created_by", "closed_by", "closed_at", "created_at",
                      "updated_at"}, sorted(a)
    assert a["ticket_id"] == tid and a["ticket_reference"] == ref, a
    assert a["description"] == "Fit a guard on pump 3\nand check the valve"
    assert a["owner"] == {"id": oid, "name": "Agent"} and a["created_by"]["id"] == hid, a
    assert a["due_date"] == FUTURE and a["status"] == "open" and a["overdue"] is False, a
    assert a["closing_note"] is None and a["closed_by"] is None and a["closed_at"] is None and a["files"] == [], a
    # The owner is told on WhatsApp: the reference, the due date, the description.
    assert a["whatsapp_notice"]["status"] == "sent", a["whatsapp_notice"]
    sent = texts_to(phone)
    assert len(sent) == 1 and ref in sent[0] and FUTURE in sent[0] and "Fit a guard on pump 3" in sent[0], sent
    # The notice is the owner's: it is not on the customer's ticket.
    assert one("SELECT ticket_id IS NULL FROM whatsapp_messages WHERE id=%d" % a["whatsapp_notice"]["id"]) == "1"
    assert audit("action.create", a["id"]) == [{"ticket_id": tid, "owner_id": oid, "due_date": FUTURE}]

    r = api("GET", "/api/tickets/%d/actions" % tid, h)
    assert r.status == 200, r
    d = r.json()["data"]
    assert [x["id"] for x in d["items"]] == [a["id"]] and d["open_actions"] == 1 and d["overdue_actions"] == 0, d

    # A due date in the past is allowed, and flagged.
    r = api("PUT", "/api/tickets/%d/actions/%d" % (tid, a["id"]), h, {"due_date": PAST, "description": "Guard pump 3"})
    assert r.status == 200, r
    u = r.json()["data"]
    assert u["due_date"] == PAST and u["overdue"] is True and u["description"] == "Guard pump 3", u
    assert audit("action.update", a["id"])[-1]["changes"] == {
        "due_date": {"from": FUTURE, "to": PAST}, "description": {"to": "Guard pump 3"}}
    t = api("GET", "/api/tickets/%d" % tid, h).json()["data"]
    assert t["open_actions"] == 1 and t["overdue_actions"] == 1 and t["actions"][0]["id"] == a["id"], t

    # The owner closes it with the evidence; it cannot be closed twice.
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), o, {"note": "Guard fitted, photo on file"})
    assert r.status == 200, r
    c = r.json()["data"]
    assert c["status"] == "done" and c["overdue"] is False and c["closing_note"] == "Guard fitted, photo on file", c
    assert c["closed_by"] == {"id": oid, "name": "Agent"} and c["closed_at"], c
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), h, {"note": "again", "status": "cancelled"})
    assert r.status == 409 and r.json()["error"]["code"] == "action_closed", r
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % a["id"]) == "done"
    assert audit("action.close", a["id"]) == [{"ticket_id": tid, "status": "done", "file": None}]
    # A closed action is changed only after it is reopened.
    r = api("PUT", "/api/tickets/%d/actions/%d" % (tid, a["id"]), h, {"due_date": FUTURE})
    assert r.status == 409 and r.json()["error"]["code"] == "action_closed", r
    r = api("PUT", "/api/tickets/%d/actions/%d" % (tid, a["id"]), h, {"status": "open", "due_date": FUTURE})
    assert r.status == 200, r
    o2 = r.json()["data"]
    assert o2["status"] == "open" and o2["closing_note"] is None and o2["closed_by"] is None, o2
    assert o2["due_date"] == FUTURE and o2["overdue"] is False, o2
    assert audit("action.reopen", a["id"])[-1]["changes"]["status"] == {"from": "done", "to": "open"}
    # Cancelled is a way to close, too.
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), h, {"note": "not needed", "status": "cancelled"})
    assert r.status == 200 and r.json()["data"]["status"] == "cancelled", r


def test_the_owner_gets_a_live_event_and_no_whatsapp_without_a_mobile():
    tid, ref, hid, h = held_ticket()
    oid, o = user("agent")
    before = len(graph_sent())
    r = create(tid, h, oid)
    assert r.status == 201, r
    a = r.json()["data"]
    assert a["whatsapp_notice"] == {"status": "skipped", "reason": "no_mobile"}, a["whatsapp_notice"]
    assert len(graph_sent()) == before
    ev = sql("SELECT type, user_id FROM events WHERE ticket_id=%d AND type LIKE 'action.%%' ORDER BY id" % tid)
    assert ev == [["action.assigned", str(oid)]], ev
    # A new owner is told; the one before sees it go.
    nid, _ = user("agent")
    r = api("PUT", "/api/tickets/%d/actions/%d" % (tid, a["id"]), h, {"owner_id": nid})
    assert r.status == 200 and r.json()["data"]["owner"]["id"] == nid, r
    ev = sql("SELECT type, user_id FROM events WHERE ticket_id=%d AND type LIKE 'action.%%' ORDER BY id" % tid)
    assert ev[1:] == [["action.updated", str(oid)], ["action.assigned", str(nid)]], ev
    assert audit("action.update", a["id"])[-1]["changes"] == {"owner_id": {"from": oid, "to": nid}}
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), h, {"note": "done"})
    assert r.status == 200, r
    assert sql("SELECT type, user_id FROM events WHERE ticket_id=%d AND type LIKE 'action.%%' ORDER BY id DESC LIMIT 1"
               % tid) == [["action.closed", str(nid)]]
    # Giving an action to oneself sends no WhatsApp either.
    r = create(tid, h, hid)
    assert r.status == 201 and r.json()["data"]["whatsapp_notice"]["reason"] == "own_action", r


def test_outside_the_owners_window_the_template_goes_and_the_text_is_held():
    tid, ref, hid, h = held_ticket()
    phone = new_phone()
    oid, _ = user("agent", mobile=phone)   # never wrote to the desk
    status, r = cgi("/api/tickets/%d/actions" % tid, h,
                    {"description": "Replace the sling", "owner_id": oid, "due_date": FUTURE},
                    WHATSAPP_TEMPLATE_NAME="reopen_conversation")
    assert status == 201, r
    w = r["data"]["whatsapp_notice"]
    assert w["status"] == "held" and w["template"] == "reopen_conversation", w
    tpl = [x for x in graph_sent(phone) if x["body"]["type"] == "template"]
    assert len(tpl) == 1 and tpl[0]["body"]["template"]["name"] == "reopen_conversation", tpl
    assert texts_to(phone) == []
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "held"
    # Without a template the text is tried, as every notice is.
    r = create(tid, h, oid, "Check the harness")
    assert r.status == 201 and r.json()["data"]["whatsapp_notice"]["status"] == "sent", r
    assert any("Check the harness" in x for x in texts_to(phone))


def test_the_held_notice_goes_once_when_the_owner_writes():
    tid, ref, hid, h = held_ticket()
    phone = new_phone()
    oid, _ = user("agent", mobile=phone)   # never wrote to the desk: no contact yet
    status, r = cgi("/api/tickets/%d/actions" % tid, h,
                    {"description": "Tag out pump %d" % tid, "owner_id": oid, "due_date": FUTURE},
                    WHATSAPP_TEMPLATE_NAME="reopen_conversation")
    assert status == 201, r
    w = r["data"]["whatsapp_notice"]
    assert w["status"] == "held", w
    notice = lambda: [x for x in texts_to(phone) if ("Tag out pump %d" % tid) in x]
    assert notice() == []
    # The owner answers the template on WhatsApp: the held text goes, once.
    answer = text_message(phone, "ok, on my way")
    assert post_webhook(answer).status == 200
    assert len(notice()) == 1, texts_to(phone)
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) != "held"
    # Meta redelivers the message, and the owner writes again: nothing more.
    assert post_webhook(answer).status == 200
    assert post_webhook(text_message(phone, "and again")).status == 200
    assert len(notice()) == 1, texts_to(phone)
    # The text stays off every customer's timeline.
    assert one("SELECT ticket_id IS NULL FROM whatsapp_messages WHERE id=%d" % w["id"]) == "1"


def test_422_names_each_field_and_writes_nothing():
    tid, ref, hid, h = held_ticket()
    oid, _ = user("agent")
    before = action_count()

    def bad(body, fields, path=None, method="POST"):
        r = api(method, path or "/api/tickets/%d/actions" % tid, h, body)
        assert r.status == 422, (body, r)
        d = r.json()["error"]
        assert d["code"] == "validation_failed" and set(d["details"] or {}) == set(fields), (body, d)

    bad({}, {"description", "owner_id", "due_date"})
    bad({"description": None, "owner_id": None, "due_date": None}, {"description", "owner_id", "due_date"})
    bad({"description": 5, "owner_id": "abc", "due_date": 20260101}, {"description", "owner_id", "due_date"})
    for owner in (0, -1, 1.5, 1e30, True, "", 4294967296):
        bad({"description": "d", "owner_id": owner, "due_date": FUTURE}, {"owner_id"})
    for due in ("2026-02-29", "2026-13-01", "2026-04-31", "2026-1-5", "tomorrow", "2026-01-01T00:00:00",
                "1999-12-31", "", " 2026-01-01"):
        bad({"description": "d", "owner_id": oid, "due_date": due}, {"due_date"})
    # 1000 characters fit, 1001 do not: counted in characters, not bytes.
    r = create(tid, h, oid, "\u00e9" * 1000)
    assert r.status == 201 and r.json()["data"]["description"] == "\u00e9" * 1000, r
    before += 1
    bad({"description": "\u00e9" * 1001, "owner_id": oid, "due_date": FUTURE}, {"description"})
    bad({"description": "a\u0001b", "owner_id": oid, "due_date": FUTURE}, {"description"})
    r = api("POST", "/api/tickets/%d/actions" % tid, h, {"description": "a\u0000b", "owner_id": oid, "due_date": FUTURE})
    assert r.status == 400 and r.json()["error"]["code"] == "invalid_json", r
    # The owner is an active user who works tickets.
    rid, _ = make_user("reporter")
    gone, _ = make_user("agent")
    assert api("DELETE", "/api/users/%d" % gone, admin_token()).status == 200
    for owner in (rid, gone, 4294967295):
        bad({"description": "d", "owner_id": owner, "due_date": FUTURE}, {"owner_id"})
    assert action_count() == before
    # Updates and closes name their fields too.
    aid = create(tid, h, oid).json()["data"]["id"]
    path = "/api/tickets/%d/actions/%d" % (tid, aid)
    r = api("PUT", path, h, {})
    assert r.status == 422 and r.json()["error"]["code"] == "validation_failed", r
    bad({"description": ""}, {"description"}, path, "PUT")
    bad({"due_date": "2026-02-30", "owner_id": rid, "status": "later"}, {"due_date", "owner_id", "status"}, path, "PUT")
    r = api("PUT", path, h, {"status": "done"})
    assert r.status == 422 and r.json()["error"]["code"] == "use_close", r
    bad({}, {"note"}, path + "/close")
    bad({"note": "x" * 5001, "status": "open"}, {"note", "status"}, path + "/close")
    r = api("POST", path + "/close", h, {"note": "ok", "file": {"name": "a.exe", "type": "application/x-msdownload",
                                                               "content": base64.b64encode(b"MZ").decode()}})
    assert r.status == 415 and r.json()["error"]["code"] == "unsupported_media_type", r
    r = api("POST", path + "/close", h, {"note": "ok", "file": {"name": "a.jpg", "type": "image/jpeg",
                                                               "content": "not*base64!"}})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"file"}, r
    r = api("POST", path + "/close", h, b"[1,2]")
    assert r.status == 400, r
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % aid) == "open"
    assert one("SELECT description FROM ticket_actions WHERE id=%d" % aid) == "Fit a guard on pump 3"


def test_unknown_and_other_tickets_actions_are_404():
    tid, ref, hid, h = held_ticket()
    other, _, _, h2 = held_ticket()
    oid, o = user("agent")
    aid = create(tid, h, oid).json()["data"]["id"]
    # Another ticket's action is not found through this one.
    for method, path, body in (("PUT", "/api/tickets/%d/actions/%d" % (other, aid), {"due_date": PAST}),
                               ("POST", "/api/tickets/%d/actions/%d/close" % (other, aid), {"note": "x"}),
                               ("PUT", "/api/tickets/%d/actions/4294967295" % tid, {"due_date": PAST}),
                               ("PUT", "/api/tickets/%d/actions/abc" % tid, {"due_date": PAST}),
                               ("POST", "/api/tickets/%d/actions/0/close" % tid, {"note": "x"}),
                               ("GET", "/api/tickets/999999999/actions", None),
                               ("POST", "/api/tickets/999999999/actions", {"description": "d", "owner_id": oid,
                                                                            "due_date": FUTURE})):
        r = api(method, path, h2 if "/%d/" % other in path else h, body)
        assert r.status == 404, (method, path, r)
    assert one("SELECT due_date FROM ticket_actions WHERE id=%d" % aid) == FUTURE
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % aid) == "open"
    # By reference, as every ticket route.
    r = api("GET", "/api/tickets/%s/actions" % ref, h)
    assert r.status == 200 and r.json()["data"]["items"][0]["id"] == aid, r


def test_who_may_add_change_and_close():
    tid, ref, hid, h = held_ticket()
    oid, o = user("agent")
    xid, x = user("agent")          # neither holder nor owner
    _, rep = user("reporter")
    r = create(tid, x, oid)
    assert r.status == 403 and r.json()["error"]["code"] == "forbidden", r
    assert create(tid, rep, oid).status == 403
    aid = create(tid, h, oid).json()["data"]["id"]
    path = "/api/tickets/%d/actions/%d" % (tid, aid)
    # A reporter reads; nobody else changes; the owner closes but does not edit.
    assert api("GET", "/api/tickets/%d/actions" % tid, rep).status == 200
    assert api("PUT", path, x, {"due_date": PAST}).status == 403
    assert api("POST", path + "/close", x, {"note": "no"}).status == 403
    assert api("PUT", path, o, {"due_date": PAST}).status == 403
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % aid) == "open"
    assert api("POST", path + "/close", o, {"note": "done by the owner"}).status == 200
    # A super admin may; so may a site manager of the ticket's site.
    assert create(tid, admin_token(), oid).status == 201
    code = "AC%d" % (uniq() % 10000000)
    sql("INSERT INTO sites (code, name) VALUES ('%s', 'Plant %s')" % (code, code))
    site = int(one("SELECT id FROM sites WHERE code='%s'" % code))
    sql("UPDATE tickets SET site_id=%d WHERE id=%d" % (site, tid))
    mid, m = user("site_manager")
    r = create(tid, m, oid)
    assert r.status in (403, 404), r     # not (yet) a manager of this site
    sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (site, mid))
    r = create(tid, m, oid)
    assert r.status == 201, r


def test_a_ticket_with_open_actions_closes_only_when_forced():
    tid, ref, hid, h = held_ticket()
    oid, o = user("agent")
    a1 = create(tid, h, oid).json()["data"]["id"]
    a2 = create(tid, h, oid, due=PAST).json()["data"]["id"]
    r = api("POST", "/api/tickets/%d/close" % tid, h, {"resolution": "fixed"})
    assert r.status == 409 and r.json()["error"]["code"] == "open_actions", r
    assert r.json()["error"]["details"] == {"open_actions": 2, "overdue_actions": 1}, r
    assert one("SELECT status FROM tickets WHERE id=%d" % tid) == "assigned"
    r = api("POST", "/api/tickets/%d/close" % tid, h, {"resolution": "fixed", "force": "yes"})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"force"}, r
    # One closed: still one open.
    assert api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a1), o, {"note": "ok"}).status == 200
    r = api("POST", "/api/tickets/%d/close" % tid, h, {"resolution": "fixed", "force": False})
    assert r.status == 409 and r.json()["error"]["details"]["open_actions"] == 1, r
    r = api("POST", "/api/tickets/%d/close" % tid, h, {"resolution": "fixed", "force": True})
    assert r.status == 200 and r.json()["data"]["status"] == "closed", r
    d = json.loads(one("SELECT details FROM audit_log WHERE action='ticket.close' AND entity_id='%d'" % tid))
    assert d == {"from": "assigned", "force": True, "open_actions": 1}, d
    # The open one stays open; its owner may still close it; nothing new is added.
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % a2) == "open"
    r = create(tid, h, oid)
    assert r.status == 409 and r.json()["error"]["code"] == "ticket_closed", r
    r = api("PUT", "/api/tickets/%d/actions/%d" % (tid, a2), h, {"due_date": FUTURE})
    assert r.status == 409 and r.json()["error"]["code"] == "ticket_closed", r
    assert api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a2), o, {"note": "late but done"}).status == 200
    # A ticket whose actions are all closed closes without force.
    t2, _, _, h2 = held_ticket()
    a3 = create(t2, h2, oid).json()["data"]["id"]
    assert api("POST", "/api/tickets/%d/actions/%d/close" % (t2, a3), h2, {"note": "x", "status": "cancelled"}).status == 200
    r = api("POST", "/api/tickets/%d/close" % t2, h2, {"resolution": "fixed"})
    assert r.status == 200, r
    d = json.loads(one("SELECT details FROM audit_log WHERE action='ticket.close' AND entity_id='%d'" % t2))
    assert d == {"from": "assigned"}, d


def test_closing_with_a_file_keeps_it_on_cloudinary():
    tid, ref, hid, h = held_ticket()
    oid, o = user("agent")
    aid = create(tid, h, oid).json()["data"]["id"]
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, aid), o,
            {"note": "Guard fitted", "file": {"name": "guard.jpg", "type": "image/jpeg",
                                              "content": base64.b64encode(JPEG).decode()}})
    assert r.status == 200, r
    f = r.json()["data"]["files"]
    assert len(f) == 1 and f[0]["state"] == "stored" and f[0]["file_name"] == "guard.jpg", f
    assert f[0]["secure_url"].startswith("http") and f[0]["bytes"] == len(JPEG), f
    assert one("SELECT action_id FROM attachments WHERE id=%d" % f[0]["id"]) == str(aid)
    ups = [u for u in cld("GET", "/_fake/uploads") if ref in (u.get("folder") or "")]
    assert len(ups) == 1, ups
    assert audit("action.close", aid) == [{"ticket_id": tid, "status": "done", "file": f[0]["id"]}]
    # Evidence is not sent to the customer.
    phone = one("SELECT mobile FROM tickets WHERE id=%d" % tid)
    assert not [x for x in graph_sent(phone) if x["body"]["type"] == "image"]
    t = api("GET", "/api/tickets/%d" % tid, h).json()["data"]
    assert t["actions"][0]["files"][0]["id"] == f[0]["id"], t["actions"]
    # The close route takes a file as large as a reply's (nginx lets its
    # body past 1 MB): 900 KB of JPEG is 1.2 MB of base64.
    big = b"\xff\xd8\xff\xe0" + os.urandom(900 * 1024) + b"\xff\xd9"
    aid = create(tid, h, oid).json()["data"]["id"]
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, aid), o,
            {"note": "big photo", "file": {"name": "big.jpg", "type": "image/jpeg",
                                           "content": base64.b64encode(big).decode()}})
    assert r.status == 200 and r.json()["data"]["files"][0]["bytes"] == len(big), r


def test_list_across_tickets_filters_by_owner_status_overdue_and_site():
    oid, o = user("agent")
    t1, _, _, h1 = held_ticket()
    t2, _, _, h2 = held_ticket()
    code = "LS%d" % (uniq() % 10000000)
    sql("INSERT INTO sites (code, name) VALUES ('%s', 'Yard')" % code)
    site = int(one("SELECT id FROM sites WHERE code='%s'" % code))
    sql("UPDATE tickets SET site_id=%d WHERE id=%d" % (site, t2))
    a1 = create(t1, h1, oid, "one", FUTURE).json()["data"]["id"]
    a2 = create(t1, h1, oid, "two", PAST).json()["data"]["id"]
    a3 = create(t2, h2, oid, "three", "2100-01-01").json()["data"]["id"]
    assert api("POST", "/api/tickets/%d/actions/%d/close" % (t1, a1), o, {"note": "ok"}).status == 200

    def ids(query, token=o):
        r = api("GET", "/api/actions?" + query, token)
        assert r.status == 200, (query, r)
        d = r.json()["data"]
        assert d["total"] == len(d["items"]), d
        return [x["id"] for x in d["items"]]

    # By due date, oldest first.
    assert ids("owner=me") == [a2, a3, a1]
    assert ids("owner=%d" % oid, admin_token()) == [a2, a3, a1]
    assert ids("owner=me&status=open") == [a2, a3]
    assert ids("owner=me&status=done") == [a1]
    assert ids("owner=me&overdue=1") == [a2]
    assert ids("owner=me&overdue=0") == [a2, a3, a1]
    assert ids("owner=me&site=%d" % site) == [a3]
    assert ids("owner=me&site=%s" % code.lower()) == [a3]
    assert ids("owner=me&site=ZZ%d" % uniq()) == []
    # A code of digits only is a code too.
    digits = "%07d" % (uniq() % 10000000)
    sql("UPDATE sites SET code='%s' WHERE id=%d" % (digits, site))
    assert ids("owner=me&site=%s" % digits) == [a3]
    r = api("GET", "/api/actions?owner=me&limit=2&page=2", o).json()["data"]
    assert r["total"] == 3 and [x["id"] for x in r["items"]] == [a1], r
    item = api("GET", "/api/actions?owner=me&overdue=1", o).json()["data"]["items"][0]
    assert item["overdue"] is True and item["ticket_id"] == t1 and item["owner"]["id"] == oid, item
    for q in ("owner=abc", "owner=0", "overdue=2", "status=closed", "site=a!", "site=ab", "site=0", "site=ABCDEFGHIJK",
              "page=0", "limit=101"):
        r = api("GET", "/api/actions?" + q, o)
        assert r.status == 400 and r.json()["error"]["code"] == "bad_request", (q, r)
    # Deleted tickets' actions are gone from the list.
    assert api("DELETE", "/api/tickets/%d" % t2, admin_token()).status == 200
    assert ids("owner=me") == [a2, a1]


def test_the_list_is_scoped_to_a_site_managers_sites():
    oid, o = user("agent")
    codes = ["SC%d" % (uniq() % 10000000) for _ in range(2)]
    sites = []
    for c in codes:
        sql("INSERT INTO sites (code, name) VALUES ('%s', 'Site %s')" % (c, c))
        sites.append(int(one("SELECT id FROM sites WHERE code='%s'" % c)))
    t1, _, _, h1 = held_ticket()
    sql("UPDATE tickets SET site_id=%d WHERE id=%d" % (sites[0], t1))
    a1 = create(t1, h1, oid).json()["data"]["id"]
    m1, mt1 = user("site_manager")
    m2, mt2 = user("site_manager")
    sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d), (%d, %d)" % (sites[0], m1, sites[1], m2))
    r = api("GET", "/api/actions?owner=%d" % oid, mt1).json()["data"]
    assert [x["id"] for x in r["items"]] == [a1] and r["total"] == 1, r
    r = api("GET", "/api/actions?owner=%d" % oid, mt2).json()["data"]
    assert r["items"] == [] and r["total"] == 0, r
    # A manager of no site sees nothing; an agent sees every site.
    _, mt3 = user("site_manager")
    assert api("GET", "/api/actions?owner=%d" % oid, mt3).json()["data"]["total"] == 0
    assert api("GET", "/api/actions?owner=%d" % oid, o).json()["data"]["total"] == 1
    # The other site's manager changes nothing on it.
    r = api("PUT", "/api/tickets/%d/actions/%d" % (t1, a1), mt2, {"due_date": PAST})
    assert r.status in (403, 404), r
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (t1, a1), mt2, {"note": "x"})
    assert r.status in (403, 404), r
    assert one("SELECT status FROM ticket_actions WHERE id=%d" % a1) == "open"
    # Its own manager may, as may a manager of a sub-site the ticket is on.
    r = api("PUT", "/api/tickets/%d/actions/%d" % (t1, a1), mt1, {"due_date": PAST})
    assert r.status == 200 and r.json()["data"]["overdue"] is True, r
    sql("UPDATE tickets SET subsite_id=%d WHERE id=%d" % (sites[1], t1))
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (t1, a1), mt2, {"note": "sub-site manager"})
    assert r.status == 200, r


def test_a_due_date_of_today_is_not_overdue():
    tid, ref, hid, h = held_ticket()
    oid, _ = user("agent")
    today = one("SELECT UTC_DATE()")
    yesterday = one("SELECT UTC_DATE() - INTERVAL 1 DAY")
    a = create(tid, h, oid, due=today).json()["data"]
    b = create(tid, h, oid, due=yesterday).json()["data"]
    assert a["overdue"] is False and b["overdue"] is True, (a, b)
    r = api("GET", "/api/actions?owner=%d&overdue=1" % oid, h).json()["data"]
    assert [x["id"] for x in r["items"]] == [b["id"]], r


def test_widest_characters_read_back_intact():
    """Every text of an action at its limit in 4-byte characters: the fetch
    buffers hold them (sized in bytes, not characters)."""
    tid, ref, hid, h = held_ticket()
    oid, o = user("agent")
    sql("UPDATE users SET name='%s' WHERE id=%d" % ("\U0001F600" * 100, oid))
    r = create(tid, h, oid, "\U0001F600" * 1000)
    assert r.status == 201, r
    a = r.json()["data"]
    assert a["description"] == "\U0001F600" * 1000 and a["owner"]["name"] == "\U0001F600" * 100, a
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), o, {"note": "\U0001F600" * 5000})
    assert r.status == 200 and r.json()["data"]["closing_note"] == "\U0001F600" * 5000, r
    for path in ("/api/tickets/%d/actions" % tid, "/api/actions?owner=%d" % oid, "/api/tickets/%d" % tid):
        r = api("GET", path, h)
        assert r.status == 200, (path, r)
        d = r.json()["data"]
        item = (d.get("items") or d.get("actions"))[0]
        assert item["closing_note"] == "\U0001F600" * 5000 and item["description"] == "\U0001F600" * 1000, path


# Each test leaves no active site behind (see harness.leave_no_active_sites).
leave_no_active_sites(globals())
