#!/usr/bin/env python3
"""Hardening: holder rules, typed JSON fields, timeline paging, WhatsApp text limits (issue 10)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (admin_token, api, graph_mode, graph_sent, leave_no_active_sites, login, make_user,  # noqa: E402,F401
                     new_phone, one, post_webhook, request, sql, text_message, token_for, uniq)


def agent():
    uid, email = make_user("agent")
    return uid, login(email, "a-long-password-1").json()["data"]["token"]


def wa_ticket(text="help please"):
    phone = new_phone()
    r = post_webhook(text_message(phone, text))
    assert r.status == 200, r
    return int(one("SELECT id FROM tickets WHERE mobile='%s' ORDER BY id DESC LIMIT 1" % phone)), phone


def held_ticket():
    """A WhatsApp ticket held by a new agent: (ticket id, phone, agent id, agent token)."""
    tid, phone = wa_ticket()
    uid, tok = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    return tid, phone, uid, tok


def alive():
    r = api("GET", "/api/tickets/stats", admin_token())
    assert r.status == 200, r


def field_422(r, name):
    assert r.status == 422, r
    e = r.json()["error"]
    assert e["code"] == "validation_failed" and isinstance(e["details"].get(name), str), e
    return e["details"][name]


# ---- 1. typed JSON ids

def test_null_user_id_on_assign_is_422_not_a_crash():
    tid, _ = wa_ticket()
    _, tok = agent()
    r = api("POST", "/api/tickets/%d/assign" % tid, tok, {"user_id": None})
    assert "null" in field_422(r, "user_id")
    alive()
    assert one("SELECT assigned_to IS NULL FROM tickets WHERE id=%d" % tid) == "1"


def test_null_ticket_id_on_whatsapp_send_is_422_not_a_crash():
    r = api("POST", "/api/whatsapp/send", token_for("site_manager"), {"ticket_id": None, "message": "hi"})
    assert "null" in field_422(r, "ticket_id")
    alive()


BAD_IDS = [None, True, False, 1.5, 2.0, "abc", "", "-1", " 7", 1e30, 2 ** 63, 2 ** 63 + 5, 2 ** 64,
           -(2 ** 63) - 1, 2 ** 32, 0, -1, [1], {"id": 1}]


def test_every_id_field_refuses_every_wrong_value_by_name():
    tid, _ = wa_ticket()
    admin = admin_token()
    routes = [
        ("/api/tickets/%d/assign" % tid, "user_id", {}),
        ("/api/replies", "ticket_id", {"message": "x"}),
        ("/api/whatsapp/send", "ticket_id", {"message": "x"}),
    ]
    for path, name, rest in routes:
        for bad in BAD_IDS:
            body = json.dumps(dict(rest, **{name: bad})).encode()
            r = api("POST", path, admin, body)
            assert r.status == 422, (path, name, bad, r)
            d = r.json()["error"]["details"]
            assert isinstance(d.get(name), str), (path, bad, d)
    alive()
    # Nothing happened to the ticket, and a good id still works.
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d AND message='x'" % tid) == "0"
    uid, _ = agent()
    r = api("POST", "/api/tickets/%d/assign" % tid, admin, {"user_id": str(uid)})
    assert r.status == 200 and r.json()["data"]["assigned_to"]["id"] == uid, r


# ---- 2. editing follows the holder rules

def test_only_the_holder_or_a_super_admin_edits_a_ticket():
    tid, phone, a_id, a = held_ticket()
    _, b = agent()
    evil = new_phone()
    r = api("PUT", "/api/tickets/%d" % tid, b, {"mobile": evil})
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    assert one("SELECT mobile FROM tickets WHERE id=%d" % tid) == phone
    # Unheld: take it first, as for a reply.
    free, _ = wa_ticket()
    r = api("PUT", "/api/tickets/%d" % free, b, {"issue_title": "mine now"})
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    assert api("PUT", "/api/tickets/%d" % tid, a, {"issue_title": "by the holder"}).status == 200
    r = api("PUT", "/api/tickets/%d" % tid, admin_token(), {"issue_title": "by the admin"})
    assert r.status == 200 and r.json()["data"]["issue_title"] == "by the admin", r


def test_a_closed_ticket_is_read_only_until_reopened():
    tid, phone, _, a = held_ticket()
    assert api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "done"}).status == 200
    for tok in (a, admin_token()):
        r = api("PUT", "/api/tickets/%d" % tid, tok, {"mobile": new_phone(), "issue_title": "late"})
        assert r.status == 409 and r.json()["error"]["code"] == "ticket_closed", r
    assert one("SELECT mobile FROM tickets WHERE id=%d" % tid) == phone
    assert api("PUT", "/api/tickets/%d/status" % tid, admin_token(), {"status": "in_progress"}).status == 200
    assert api("PUT", "/api/tickets/%d" % tid, a, {"issue_title": "reopened"}).status == 200


def test_a_change_of_mobile_or_whatsapp_settings_is_audited_with_old_and_new():
    tid, phone, _, a = held_ticket()
    other = new_phone()
    r = api("PUT", "/api/tickets/%d" % tid, a, {"mobile": "+" + other, "whatsapp_notifications": False,
                                                "whatsapp_enabled": True})
    assert r.status == 200, r
    d = json.loads(one("SELECT details FROM audit_log WHERE action='ticket.contact_change' AND entity_id='%d'"
                       " ORDER BY id DESC LIMIT 1" % tid))
    assert d == {"mobile": {"from": phone, "to": other},
                 "whatsapp_notifications": {"from": True, "to": False}}, d
    # An edit that moves none of them writes no such entry.
    api("PUT", "/api/tickets/%d" % tid, a, {"issue_title": "t", "mobile": other, "whatsapp_enabled": True})
    assert one("SELECT COUNT(*) FROM audit_log WHERE action='ticket.contact_change' AND entity_id='%d'" % tid) == "1"
    # null leaves a setting as it is.
    api("PUT", "/api/tickets/%d" % tid, a, {"whatsapp_enabled": None})
    assert one("SELECT whatsapp_enabled FROM tickets WHERE id=%d" % tid) == "1"


# ---- 3. the holder rule on every path; permanent failures stay failed

def test_a_site_manager_does_not_reply_on_someone_elses_ticket_through_send():
    tid, phone, a_id, _ = held_ticket()
    sm = token_for("site_manager")
    # A site manager works its sites' tickets: this one is on its site.
    sm_id = int(one("SELECT id FROM users WHERE role='site_manager' ORDER BY id DESC LIMIT 1"))
    code = "H%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name) VALUES ('%s', 'Hold site')" % code)
    sql("INSERT INTO site_users (site_id, user_id) SELECT id, %d FROM sites WHERE code = '%s'" % (sm_id, code))
    sql("UPDATE tickets SET site_id = (SELECT id FROM sites WHERE code = '%s') WHERE id = %d" % (code, tid))
    r = api("POST", "/api/whatsapp/send", sm, {"ticket_id": tid, "message": "not yours"})
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    r = api("POST", "/api/whatsapp/send", sm, {"phone": "+" + phone, "message": "not yours"})
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d AND message='not yours'" % tid) == "0"
    assert "not yours" not in [x["body"].get("text", {}).get("body") for x in graph_sent(phone)]
    # Once the site manager holds it, the same call goes through.
    assert api("POST", "/api/tickets/%d/assign" % tid, admin_token(), {"user_id": sm_id}).status == 200
    assert api("POST", "/api/whatsapp/send", sm, {"ticket_id": tid, "message": "mine"}).status == 201


def test_only_the_holder_retries_a_failed_message_or_file():
    tid, phone, _, a = held_ticket()
    _, b = agent()
    graph_mode("http500", 1)
    w = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "retry me"}).json()["data"]["whatsapp"]
    assert w["status"] == "failed" and w["retryable"] is True, w
    r = api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), b)
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "failed"
    r = api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), a)
    assert r.status == 200 and r.json()["message"] == "sent", r
    sql("INSERT INTO attachments (ticket_id, direction, state, error) VALUES (%d, 'in', 'failed', 'x')" % tid)
    att = int(one("SELECT MAX(id) FROM attachments WHERE ticket_id=%d" % tid))
    r = api("POST", "/api/tickets/%d/attachments/%d/retry" % (tid, att), b)
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    assert one("SELECT state FROM attachments WHERE id=%d" % att) == "failed"


def test_a_permanently_failed_message_is_not_sent_again():
    tid, phone, _, a = held_ticket()
    graph_mode("error:131026", 1)   # undeliverable: permanent
    w = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "for good"}).json()["data"]["whatsapp"]
    assert w["status"] == "failed" and w["error_code"] == 131026 and w["retryable"] is False, w
    tl = api("GET", "/api/tickets/%d" % tid, a).json()["data"]["timeline"]
    assert [e["whatsapp"]["retryable"] for e in tl if e["text"] == "for good"] == [False], tl[-1]
    before = len(graph_sent(phone))
    for tok in (a, admin_token()):
        r = api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), tok)
        assert r.status == 409 and r.json()["error"]["code"] == "failed_permanently", r
    assert len(graph_sent(phone)) == before
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "failed"


# ---- 4. the timeline pages from the newest

def bulk_timeline(replies, messages, every):
    """A form ticket with `replies` replies one second apart and `messages`
    WhatsApp messages at the same second as every `every`th reply (ties: the
    message comes first). Answers (ticket id, holder token)."""
    admin = admin_token()
    r = api("POST", "/api/tickets", admin, {"name": "Bulk", "description": "many", "issue_type": "x",
                                            "whatsapp_enabled": False})
    assert r.status == 201, r
    tid = r.json()["data"]["id"]
    sql("INSERT INTO replies (ticket_id, message, replied_by, author, internal, created_at)"
        " SELECT %d, CONCAT('r', seq), 'bulk', 'agent', 0, '2026-01-01 00:00:00' + INTERVAL seq SECOND"
        " FROM seq_1_to_%d" % (tid, replies))
    sql("INSERT INTO whatsapp_messages (direction, ticket_id, type, body, status, created_at)"
        " SELECT 'in', %d, 'text', CONCAT('m', seq), 'received',"
        " '2026-01-01 00:00:00' + INTERVAL seq * %d SECOND FROM seq_1_to_%d" % (tid, every, messages))
    return tid


def expected_texts(replies, messages, every):
    items = [(i, 1, "r%d" % i) for i in range(1, replies + 1)] + \
        [(k * every, 0, "m%d" % k) for k in range(1, messages + 1)]
    return [t for _, _, t in sorted(items)]


def test_a_long_timeline_shows_its_newest_items_and_pages_back_to_the_first():
    tid = bulk_timeline(2050, 50, 41)
    want = expected_texts(2050, 50, 41)
    admin = admin_token()
    r = api("GET", "/api/tickets/%d" % tid, admin)
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["timeline"][-1]["text"] == "r2050", d["timeline"][-1]          # the newest is there
    assert [e["text"] for e in d["timeline"]] == want[-len(d["timeline"]):]
    assert d.get("timeline_total") == 2100 and d.get("timeline_has_older") is True, \
        {k: d[k] for k in d if k.startswith("timeline_")}
    # Page back with the cursor: every item once, in time order.
    seen, before, pages = [], None, 0
    while True:
        q = "?timeline_limit=700" + ("&timeline_before=%s" % before if before else "")
        p = api("GET", "/api/tickets/%d%s" % (tid, q), admin).json()["data"]
        assert len(p["timeline"]) <= 700 and p["timeline_total"] == 2100, p["timeline_total"]
        seen = [e["text"] for e in p["timeline"]] + seen
        pages += 1
        if not p["timeline_has_older"]:
            assert p["timeline_before"] is None
            break
        before = p["timeline_before"]
        assert pages < 10
    assert pages == 3 and seen == want, (pages, len(seen))
    # The tick system's replies route pages the same way.
    r = api("GET", "/api/replies/%d?timeline_limit=5" % tid, admin).json()["data"]
    assert [e["text"] for e in r["replies"]] == want[-5:] and r["timeline_total"] == 2100 and r["timeline_has_older"]
    # A new reply shows at the end of the default page.
    assert api("POST", "/api/tickets/%d/notes" % tid, admin, {"message": "the newest note"}).status == 201
    d = api("GET", "/api/tickets/%d" % tid, admin).json()["data"]
    assert d["timeline"][-1]["text"] == "the newest note" and d["timeline_total"] == 2101


def test_timeline_paging_parameters_are_checked():
    tid, _ = wa_ticket()
    other, _ = wa_ticket()
    mid = one("SELECT MIN(id) FROM whatsapp_messages WHERE ticket_id=%d" % other)
    admin = admin_token()
    for q in ("timeline_limit=0", "timeline_limit=1001", "timeline_limit=abc", "timeline_before=x1",
              "timeline_before=r0", "timeline_before=r", "timeline_before=m%s" % mid,
              "timeline_before=r99999999999"):
        r = api("GET", "/api/tickets/%d?%s" % (tid, q), admin)
        assert r.status == 400, (q, r)
    d = api("GET", "/api/tickets/%d" % tid, admin).json()["data"]
    assert d["timeline_has_older"] is False and d["timeline_before"] is None and d["timeline_total"] == len(d["timeline"])


# ---- 5. what goes to WhatsApp fits one WhatsApp text

EMOJI = "\U0001F600"


def test_a_resolution_too_long_for_the_closing_notice_is_422_and_the_ticket_stays_open():
    tid, phone, _, a = held_ticket()
    r = api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": EMOJI * 4500})
    why = field_422(r, "resolution")
    assert one("SELECT status FROM tickets WHERE id=%d" % tid) != "closed"
    room = int(why.split("at most ")[1].split(" ")[0])
    assert 3900 < room < 4096, why
    assert field_422(api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "x" * (room + 1)}), "resolution")
    r = api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": EMOJI * room})
    assert r.status == 200 and r.json()["data"]["whatsapp_notice"]["status"] == "sent", r
    sent = [x["body"]["text"]["body"] for x in graph_sent(phone) if EMOJI in x["body"].get("text", {}).get("body", "")]
    assert len(sent) == 1 and len(sent[0]) == 4096, [len(s) for s in sent]
    # Without WhatsApp a resolution keeps its own limit (5000 characters).
    admin = admin_token()
    t = api("POST", "/api/tickets", admin, {"name": "No WA", "description": "d", "issue_type": "x",
                                            "whatsapp_enabled": False}).json()["data"]
    assert field_422(api("POST", "/api/tickets/%d/close" % t["id"], admin, {"resolution": EMOJI * 5001}),
                     "resolution")
    r = api("POST", "/api/tickets/%d/close" % t["id"], admin, {"resolution": EMOJI * 5000})
    assert r.status == 200 and r.json()["data"]["resolution"] == EMOJI * 5000, r


def test_replies_notes_and_sends_are_limited_in_characters_not_bytes():
    tid, phone, _, a = held_ticket()
    field_422(api("POST", "/api/tickets/%d/reply" % tid, a, {"message": EMOJI * 4097}), "message")
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": EMOJI * 4096})
    assert r.status == 201 and r.json()["data"]["whatsapp"]["status"] == "sent", r
    assert EMOJI * 4096 in [x["body"].get("text", {}).get("body") for x in graph_sent(phone)]
    field_422(api("POST", "/api/tickets/%d/notes" % tid, a, {"message": EMOJI * 10001}), "message")
    assert api("POST", "/api/tickets/%d/notes" % tid, a, {"message": EMOJI * 10000}).status == 201
    tl = api("GET", "/api/tickets/%d" % tid, a).json()["data"]["timeline"]
    assert tl[-1]["text"] == EMOJI * 10000 and tl[-2]["text"] == EMOJI * 4096
    admin = admin_token()
    field_422(api("POST", "/api/whatsapp/send", admin, {"phone": new_phone(), "message": EMOJI * 4097}), "message")
    field_422(api("POST", "/api/replies", a, {"ticket_id": tid, "message": EMOJI * 4097}), "message")
    # The inbox still lists it, its snippet cut on a character.
    r = api("GET", "/api/tickets?q=%s" % one("SELECT reference FROM tickets WHERE id=%d" % tid), admin)
    assert r.status == 200 and r.json()["data"]["items"][0]["last_message"] == EMOJI * 300, r


# Each test leaves no active site behind (see harness.leave_no_active_sites).
leave_no_active_sites(globals())
