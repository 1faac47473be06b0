#!/usr/bin/env python3
"""CSAT (issue 13) through the real stack: the rating question asked on
close (the tickets responder run as plain CGI with CSAT=on, so the rest of
the suite keeps the default, off), the fake Graph API checking the
interactive and template shapes and limits, and the customer's answers
through the signed webhook."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, admin_token, api, esc, graph_sent, new_phone, one,  # noqa: E402
                     post_webhook, sign, sql, text_message)

ON = {"CSAT": "on"}


def message(phone, kind, obj, wamid=None):
    m = text_message(phone, "", wamid=wamid)
    msg = m["entry"][0]["changes"][0]["value"]["messages"][0]
    del msg["text"]
    msg["type"] = kind
    msg[kind] = obj
    msg["context"] = {"from": "15550001111", "id": "wamid.CSATQ"}
    return m


def button_reply(phone, rid, title="Good", wamid=None):
    return message(phone, "interactive", {"type": "button_reply", "button_reply": {"id": rid, "title": title}},
                   wamid)


def quick_reply(phone, payload, text="Good", wamid=None):
    return message(phone, "button", {"payload": payload, "text": text}, wamid)


def post(payload):
    r = post_webhook(payload)
    assert r.status == 200, r
    return r


def cgi(binary, method, uri, body, env, token=None):
    """A responder run once as plain CGI with env on top; its JSON answer."""
    data = json.dumps(body).encode() if body is not None else b""
    e = dict(os.environ, REQUEST_METHOD=method, DOCUMENT_URI=uri.split("?")[0], REQUEST_URI=uri,
             QUERY_STRING="", CONTENT_LENGTH=str(len(data)), CONTENT_TYPE="application/json",
             REMOTE_ADDR="127.0.0.1")
    if token:
        e["HTTP_AUTHORIZATION"] = "Bearer " + token
    if binary == "webhook.fcgi":
        e["HTTP_X_HUB_SIGNATURE_256"] = sign(data)
    e.update(env)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", binary)], env=e, input=data,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    head, _, rest = out.stdout.partition(b"\r\n\r\n")
    if not rest:
        head, _, rest = out.stdout.partition(b"\n\n")
    status = int(head.split(b"Status: ")[1][:3]) if b"Status: " in head else 200
    return status, (json.loads(rest) if rest.strip() else None)


def close(tid, env=ON):
    return cgi("tickets.fcgi", "POST", "/api/tickets/%d/close" % tid, {"resolution": "fixed"}, env,
               admin_token())


def wa_ticket():
    phone = new_phone()
    post(text_message(phone, "The printer is on fire"))
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % esc(phone)))
    return tid, phone


def sends(phone):
    got = graph_sent(phone)
    assert all(s.get("answer") == 200 for s in got), [(s.get("answer"), s.get("body")) for s in got]
    return [s["body"] for s in got]


def csat(tid):
    r = api("GET", "/api/tickets/%d" % tid, admin_token())
    assert r.status == 200, r
    return r.json()["data"]["csat"]


def status(tid):
    return one("SELECT status FROM tickets WHERE id = %d" % tid)


def test_in_window_asks_with_reply_buttons():
    tid, phone = wa_ticket()
    st, ans = close(tid)
    assert st == 200, ans
    assert ans["data"]["whatsapp_notice"]["csat"]["as"] == "interactive", ans
    s = sends(phone)
    q = s[-1]
    assert q["type"] == "interactive" and q["interactive"]["type"] == "button", q
    btns = q["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in btns] == ["csat:%d:3" % tid, "csat:%d:2" % tid, "csat:%d:1" % tid]
    assert [b["reply"]["title"] for b in btns] == ["Good", "OK", "Bad"]
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    assert ref in q["interactive"]["body"]["text"]
    # The closing notice went first.
    assert s[-2]["type"] == "text" and "closed" in s[-2]["text"]["body"], s[-2]
    assert csat(tid) is None


def test_off_by_default_asks_nothing():
    tid, phone = wa_ticket()
    assert api("POST", "/api/tickets/%d/close" % tid, admin_token(), {"resolution": "done"}).status == 200
    assert not [s for s in sends(phone) if s["type"] == "interactive"]
    assert one("SELECT csat_asked_at IS NULL FROM tickets WHERE id = %d" % tid) == "1"


def test_outside_window_sends_the_template():
    tid, phone = wa_ticket()
    sql("UPDATE tickets SET last_customer_message_at = NOW(3) - INTERVAL 2 DAY WHERE id = %d" % tid)
    st, ans = close(tid, dict(ON, CSAT_TEMPLATE_NAME="rate_us"))
    assert st == 200, ans
    t = [s for s in sends(phone) if s["type"] == "template"]
    assert t and t[-1]["template"]["name"] == "rate_us", t
    comps = t[-1]["template"]["components"]
    assert [c["parameters"][0]["payload"] for c in comps] == \
        ["csat:%d:3" % tid, "csat:%d:2" % tid, "csat:%d:1" % tid], comps
    assert [c["index"] for c in comps] == ["0", "1", "2"]
    assert not [s for s in sends(phone) if s["type"] == "interactive"]
    # The template's quick reply is the rating.
    post(quick_reply(phone, "csat:%d:2" % tid, "OK"))
    assert csat(tid)["score"] == 2


def test_outside_window_without_template_asks_nothing():
    tid, phone = wa_ticket()
    sql("UPDATE tickets SET last_customer_message_at = NOW(3) - INTERVAL 2 DAY WHERE id = %d" % tid)
    st, ans = close(tid)
    assert st == 200 and ans["data"]["whatsapp_notice"]["csat"]["reason"] == "outside_window", ans
    assert not [s for s in sends(phone) if s["type"] in ("interactive", "template")]


def test_reply_stored_then_comment_no_new_ticket():
    tid, phone = wa_ticket()
    assert close(tid)[0] == 200
    wamid = "wamid.CSAT%d" % tid
    post(button_reply(phone, "csat:%d:3" % tid, "Good", wamid))
    c = csat(tid)
    assert c["score"] == 3 and c["comment"] is None and c["at"], c
    # Stored as a message of that ticket, with its id and title.
    row = sql("SELECT ticket_id, body, payload FROM whatsapp_messages WHERE wamid = '%s'" % wamid)[0]
    assert int(row[0]) == tid and row[1] == "Good" and "csat:%d:3" % tid in row[2], row
    assert "Thank you for your rating" in sends(phone)[-1]["text"]["body"]
    post(text_message(phone, "Quick and kind, thanks"))
    c = csat(tid)
    assert c["comment"] == "Quick and kind, thanks", c
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % esc(phone))) == 1
    # The next text is a new conversation: a new ticket.
    post(text_message(phone, "Another problem now"))
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % esc(phone))) == 2
    assert csat(tid)["comment"] == "Quick and kind, thanks"


def test_redelivered_reply_changes_nothing():
    tid, phone = wa_ticket()
    assert close(tid)[0] == 200
    m = button_reply(phone, "csat:%d:3" % tid, "Good")
    post(m)
    first = csat(tid)
    n = len(sends(phone))
    post(m)
    assert csat(tid) == first
    assert len(sends(phone)) == n
    # A second, different answer does not change the first either.
    post(button_reply(phone, "csat:%d:1" % tid, "Bad"))
    assert csat(tid)["score"] == 3
    assert status(tid) == "closed"


def test_low_score_reopens():
    tid, phone = wa_ticket()
    assert close(tid)[0] == 200
    st, _ = cgi("webhook.fcgi", "POST", "/api/whatsapp/webhook", button_reply(phone, "csat:%d:1" % tid, "Bad"),
                {"CSAT_LOW_ACTION": "reopen"})
    assert st == 200
    assert csat(tid)["score"] == 1
    assert status(tid) == "new"
    assert one("SELECT closed_at IS NULL FROM tickets WHERE id = %d" % tid) == "1"
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.csat_reopen' AND entity_id = '%d'" % tid) == "1"


def test_low_score_without_action_stays_closed():
    tid, phone = wa_ticket()
    assert close(tid)[0] == 200
    post(button_reply(phone, "csat:%d:1" % tid, "Bad"))
    assert csat(tid)["score"] == 1 and status(tid) == "closed"


def test_foreign_or_unasked_rating_ignored():
    tid, phone = wa_ticket()
    other, other_phone = wa_ticket()
    assert close(tid)[0] == 200
    # Another customer cannot rate it; the reply is kept, no ticket opens.
    post(button_reply(other_phone, "csat:%d:1" % tid, "Bad"))
    assert csat(tid) is None
    # A rating of a ticket never asked changes nothing; a broken id neither.
    post(button_reply(other_phone, "csat:%d:1" % other, "Bad"))
    post(button_reply(other_phone, "csat:x:1", "Bad"))
    assert csat(other) is None
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % esc(other_phone))) == 1


def test_other_button_replies_stored():
    phone = new_phone()
    wamid = "wamid.OTHER%s" % phone
    post(button_reply(phone, "promo:42", "Tell me more", wamid))
    row = sql("SELECT body, payload, ticket_id FROM whatsapp_messages WHERE wamid = '%s'" % wamid)[0]
    assert row[0] == "Tell me more" and "promo:42" in row[1] and row[2] != "NULL", row


def test_reports_count_and_average():
    tid, phone = wa_ticket()
    assert close(tid)[0] == 200
    post(button_reply(phone, "csat:%d:2" % tid, "OK"))
    r = api("GET", "/api/stats/dashboard", admin_token())
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["csat"]["count"] >= 1 and 1 <= d["csat"]["average"] <= 3, d["csat"]
    assert "by_team" in d and all("csat" in i for i in d["by_agent"] + d["by_site"] + d["by_team"])
    # The same figure, one definition: the dashboard's equals the SQL's.
    row = sql("SELECT COUNT(csat_score), COALESCE(ROUND(AVG(csat_score), 2), 0) FROM tickets"
              " WHERE deleted_at IS NULL")[0]
    if d["csat"]["count"] == int(row[0]):
        assert abs(d["csat"]["average"] - float(row[1])) < 0.006, (d["csat"], row)
    r = api("GET", "/api/stats/tickets?group=team", admin_token())
    assert r.status == 200 and r.json()["data"]["group"] == "team", r
    r = api("GET", "/api/stats/tickets?group=agent", admin_token())
    assert r.status == 200 and all("csat" in i for i in r.json()["data"]["items"]), r
