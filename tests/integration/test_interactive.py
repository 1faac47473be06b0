#!/usr/bin/env python3
"""Issue 16, interactive replies: an agent's reply buttons and lists (checked
against WhatsApp's limits before anything is stored, and by the fake Graph
API as Meta documents them), the customer's answers linked by context.id,
the agent prefix (WHATSAPP_AGENT_PREFIX), read marks and the typing
indicator (WHATSAPP_READ_RECEIPTS), and the canned replies the desk shares.
Settings other than the suite's run the tickets responder once as plain
CGI, so the rest of the suite keeps the defaults."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, PNID, admin_token, api, graph, new_phone,  # noqa: E402
                     one, post_webhook, sql, text_message, token_for, uniq)


def cgi(method, uri, body, env, token):
    """The tickets responder run once as plain CGI with env on top: (status,
    JSON answer)."""
    data = json.dumps(body).encode() if body is not None else b""
    e = dict(os.environ, REQUEST_METHOD=method, DOCUMENT_URI=uri.split("?")[0], REQUEST_URI=uri,
             QUERY_STRING="", CONTENT_LENGTH=str(len(data)), CONTENT_TYPE="application/json",
             REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION="Bearer " + token)
    e.update(env)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "tickets.fcgi")], env=e, input=data,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    head, _, rest = out.stdout.partition(b"\r\n\r\n")
    if not rest:
        head, _, rest = out.stdout.partition(b"\n\n")
    status = int(head.split(b"Status: ")[1][:3]) if b"Status: " in head else 200
    return status, (json.loads(rest) if rest.strip() else None)


def envelope(messages, phone):
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID},
            "contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": phone}],
            "messages": messages}}]}]}


def start(text="the printer jams"):
    """A customer with a ticket; (phone, ticket id, first message's wamid)."""
    phone = new_phone()
    wamid = "wamid.IA%d" % uniq()
    assert post_webhook(text_message(phone, "%s %d" % (text, uniq()), wamid=wamid)).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    return phone, tid, wamid


def answer(phone, kind, obj, context_id):
    """The customer picks a button or a row of the message context_id."""
    wamid = "wamid.IAA%d" % uniq()
    m = {"from": phone, "id": wamid, "timestamp": str(int(time.time())), "type": "interactive",
         "interactive": dict(obj, type=kind), "context": {"from": "15550001111", "id": context_id}}
    assert post_webhook(envelope([m], phone)).status == 200
    return wamid


def ticket(tid, tok=None):
    r = api("GET", "/api/tickets/%d" % tid, tok or admin_token())
    assert r.status == 200, r
    return r.json()["data"]


def item_of(t, wamid):
    for x in t["timeline"]:
        if (x.get("whatsapp") or {}).get("wamid") == wamid:
            return x
    raise AssertionError("no timeline item for %s" % wamid)


def sends_to(phone):
    return [r for r in graph("GET", "/_fake/requests")
            if isinstance(r.get("body"), dict) and r["body"].get("to") == phone]


def reads_of(wamid):
    return [r for r in graph("GET", "/_fake/requests")
            if isinstance(r.get("body"), dict) and r["body"].get("status") == "read"
            and r["body"].get("message_id") == wamid]


def reply(tid, body, tok=None):
    return api("POST", "/api/tickets/%d/reply" % tid, tok or admin_token(), body)


def field_422(r, field):
    assert r.status == 422, (r.status, r.json() if hasattr(r, "json") else r)
    e = r.json()["error"]
    assert e["code"] == "validation_failed" and field in e["details"], e
    return e["details"][field]


def test_buttons_out_and_the_customers_choice_in():
    phone, tid, _ = start()
    r = reply(tid, {"message": "Shall we send a technician?", "header": "Ticket help",
                    "footer": "Tap one", "buttons": [{"id": "tech_yes", "title": "Yes, please"},
                                                     {"title": "No"}]})
    assert r.status == 201, r.json()
    d = r.json()["data"]
    assert d["whatsapp"]["status"] == "sent", d
    out = d["whatsapp"]["wamid"]
    sent = [x for x in sends_to(phone) if x["body"].get("type") == "interactive"]
    assert sent and sent[-1]["answer"] == 200, sent
    ia = sent[-1]["body"]["interactive"]
    assert ia == {"type": "button", "header": {"type": "text", "text": "Ticket help"},
                  "body": {"text": "Shall we send a technician?"}, "footer": {"text": "Tap one"},
                  "action": {"buttons": [{"type": "reply", "reply": {"id": "tech_yes", "title": "Yes, please"}},
                                         {"type": "reply", "reply": {"id": "opt-2", "title": "No"}}]}}, ia
    # The reply keeps the agent's words; the timeline shows the buttons.
    assert one("SELECT message FROM replies WHERE id = %d" % d["reply"]["id"]) == "Shall we send a technician?"
    it = item_of(ticket(tid), out)
    assert it["choices"] == {"type": "buttons", "header": "Ticket help", "footer": "Tap one",
                             "buttons": [{"id": "tech_yes", "title": "Yes, please"},
                                         {"id": "opt-2", "title": "No"}]}, it
    # The customer's tap comes back linked to the message it answers.
    a = answer(phone, "button_reply", {"button_reply": {"id": "tech_yes", "title": "Yes, please"}}, out)
    t = ticket(tid)
    got = item_of(t, a)
    assert got["interactive"]["kind"] == "button_reply" and got["interactive"]["id"] == "tech_yes", got
    assert got["context"]["message_id"] == out, got
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1


def test_list_out_and_the_customers_row_in():
    phone, tid, _ = start()
    lst = {"button": "Pick a slot", "sections": [
        {"title": "Morning", "rows": [{"id": "m9", "title": "9:00", "description": "Technician A"},
                                      {"id": "m11", "title": "11:00"}]},
        {"title": "Afternoon", "rows": [{"title": "15:00"}]}]}
    r = reply(tid, {"message": "When suits you?", "list": lst})
    assert r.status == 201, r.json()
    out = r.json()["data"]["whatsapp"]["wamid"]
    sent = [x for x in sends_to(phone) if x["body"].get("type") == "interactive"][-1]
    assert sent["answer"] == 200, sent
    ia = sent["body"]["interactive"]
    assert ia["type"] == "list" and ia["body"] == {"text": "When suits you?"} and "header" not in ia, ia
    assert ia["action"]["button"] == "Pick a slot"
    assert ia["action"]["sections"][1] == {"title": "Afternoon", "rows": [{"id": "opt-3", "title": "15:00"}]}, ia
    it = item_of(ticket(tid), out)
    assert it["choices"]["type"] == "list" and it["choices"]["list"]["button"] == "Pick a slot", it
    assert it["choices"]["list"]["sections"][0]["rows"][0] == {"id": "m9", "title": "9:00",
                                                              "description": "Technician A"}
    a = answer(phone, "list_reply", {"list_reply": {"id": "m11", "title": "11:00"}}, out)
    got = item_of(ticket(tid), a)
    assert got["interactive"]["kind"] == "list_reply" and got["interactive"]["id"] == "m11", got
    assert got["context"]["message_id"] == out


def test_limits_are_checked_before_anything_is_stored():
    phone, tid, _ = start()
    before = int(one("SELECT COUNT(*) FROM replies WHERE ticket_id = %d" % tid))
    n = len(sends_to(phone))
    cases = [
        ({"buttons": [{"title": "a"}, {"title": "b" * 21}]}, "buttons[1].title"),
        ({"buttons": [{"title": "a"}] * 4}, "buttons"),
        ({"buttons": [{"id": "x", "title": "a"}, {"id": "x", "title": "b"}]}, "buttons[1].id"),
        ({"buttons": [{"title": "a", "id": "i" * 257}]}, "buttons[0].id"),
        ({"buttons": [{"title": "a"}], "header": "h" * 61}, "header"),
        ({"buttons": [{"title": "a"}], "footer": "\u00e9" * 61}, "footer"),
        ({"header": "alone"}, "header"),
        ({"buttons": [{"title": "a"}], "list": {"button": "b", "sections": []}}, "list"),
        ({"list": {"button": "b" * 21, "sections": [{"rows": [{"title": "r"}]}]}}, "list.button"),
        ({"list": {"button": "b", "sections": [{"rows": [{"title": "r" * 25}]}]}},
         "list.sections[0].rows[0].title"),
        ({"list": {"button": "b", "sections": [{"rows": [{"title": "r", "description": "d" * 73}]}]}},
         "list.sections[0].rows[0].description"),
        ({"list": {"button": "b", "sections": [{"title": "A", "rows": [{"title": "r"}] * 6},
                                               {"title": "B", "rows": [{"title": "r"}] * 5}]}},
         "list.sections[1].rows[4]"),
        ({"list": {"button": "b", "sections": [{"title": "A", "rows": [{"title": "r"}]}, {"rows": [{"title": "s"}]}]}},
         "list.sections[1].title"),
    ]
    for extra, field in cases:
        body = {"message": "Choose"}
        body.update(extra)
        field_422(reply(tid, body), field)
    # Characters, not bytes: 20 emoji make a good title, 1024 of them a body.
    r = reply(tid, {"message": "\U0001F600" * 1024, "buttons": [{"title": "\U0001F600" * 20}]})
    assert r.status == 201, r.json()
    field_422(reply(tid, {"message": "x" * 1025, "buttons": [{"title": "ok"}]}), "message")
    assert int(one("SELECT COUNT(*) FROM replies WHERE ticket_id = %d" % tid)) == before + 1
    assert len([x for x in sends_to(phone) if x["body"].get("type") == "interactive"]) == 1 + len(
        [x for x in sends_to(phone)[:n] if x["body"].get("type") == "interactive"])


def test_buttons_outside_the_window_are_refused_like_text():
    phone, tid, _ = start()
    sql("UPDATE tickets SET last_customer_message_at = NOW() - INTERVAL 25 HOUR WHERE id = %d" % tid)
    r = reply(tid, {"message": "Still there?", "buttons": [{"title": "Yes"}]})
    assert r.status == 422 and r.json()["error"]["code"] == "outside_window", r.json()
    assert not [x for x in sends_to(phone) if x["body"].get("type") == "interactive"]


def test_a_file_reply_takes_no_buttons():
    _, tid, _ = start()
    import base64
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(200))).decode()
    r = reply(tid, {"message": "see", "file": {"name": "a.png", "type": "image/png", "content": png},
                    "buttons": [{"title": "ok"}]})
    field_422(r, "buttons")
    assert int(one("SELECT COUNT(*) FROM replies WHERE ticket_id = %d AND message = 'see'" % tid)) == 0


def test_agent_prefix_goes_to_whatsapp_only():
    phone, tid, _ = start()
    env = {"WHATSAPP_AGENT_PREFIX": "*{agent}*: "}
    tok = admin_token()
    me = api("GET", "/api/auth/me", tok).json()["data"]
    name = me.get("name") or me["user"]["name"]
    st, d = cgi("POST", "/api/tickets/%d/reply" % tid, {"message": "On my way"}, env, tok)
    assert st == 201, d
    sent = [x["body"] for x in sends_to(phone) if x["body"].get("type") == "text"]
    assert sent[-1]["text"]["body"] == "*%s*: On my way" % name, sent[-1]
    assert one("SELECT message FROM replies WHERE id = %d" % d["data"]["reply"]["id"]) == "On my way"
    # Buttons carry it too, in their body.
    st, d = cgi("POST", "/api/tickets/%d/reply" % tid, {"message": "OK?", "buttons": [{"title": "Yes"}]},
                env, tok)
    assert st == 201, d
    ia = [x["body"] for x in sends_to(phone) if x["body"].get("type") == "interactive"][-1]
    assert ia["interactive"]["body"]["text"] == "*%s*: OK?" % name
    # The prefix counts toward 4096 characters: never cut, refused.
    room = 4096 - len("*%s*: " % name)
    st, d = cgi("POST", "/api/tickets/%d/reply" % tid, {"message": "\u00e9" * (room + 1)}, env, tok)
    assert st == 422 and d["error"]["code"] == "validation_failed" and "message" in d["error"]["details"], d
    st, d = cgi("POST", "/api/tickets/%d/reply" % tid, {"message": "\u00e9" * room}, env, tok)
    assert st == 201, d
    sent = [x["body"] for x in sends_to(phone) if x["body"].get("type") == "text"]
    assert len(sent[-1]["text"]["body"]) == 4096
    # Without the key nothing is put before the text.
    r = reply(tid, {"message": "plain"})
    assert r.status == 201
    assert [x["body"] for x in sends_to(phone) if x["body"].get("type") == "text"][-1]["text"]["body"] == "plain"


def test_a_reply_marks_the_last_customer_message_read():
    phone, tid, first = start()
    second = "wamid.IA2%d" % uniq()
    assert post_webhook(text_message(phone, "any news? %d" % uniq(), wamid=second)).status == 200
    # Opening the ticket sends nothing.
    ticket(tid)
    assert reads_of(second) == [] and reads_of(first) == []
    r = reply(tid, {"message": "Looking at it now"})
    assert r.status == 201, r.json()
    reads = reads_of(second)
    assert len(reads) == 1 and reads[0]["answer"] == 200, reads
    assert reads[0]["body"] == {"messaging_product": "whatsapp", "status": "read", "message_id": second}
    assert reads_of(first) == []
    # After the reply, through the outbox: the row is there, sent, on no ticket.
    reqs = graph("GET", "/_fake/requests")
    idx_reply = max(i for i, x in enumerate(reqs) if (x.get("body") or {}).get("to") == phone)
    idx_read = max(i for i, x in enumerate(reqs) if (x.get("body") or {}).get("message_id") == second)
    assert idx_read > idx_reply
    row = sql("SELECT type, status, ticket_id IS NULL FROM whatsapp_messages WHERE direction = 'out'"
              " AND payload LIKE '%%%s%%' AND type = 'read'" % second)
    assert row == [["read", "accepted", "1"]], row
    assert not [x for x in ticket(tid)["timeline"] if x.get("type") == "read"]


def test_typing_sends_read_and_indicator_at_most_every_20_seconds():
    phone, tid, first = start()
    tok = admin_token()
    api("POST", "/api/tickets/%d/assign" % tid, tok)
    r = api("POST", "/api/tickets/%d/typing" % tid, tok)
    assert r.status == 202 and r.json()["data"] == {"sent": True}, r.json()
    reads = reads_of(first)
    assert len(reads) == 1 and reads[0]["body"] == {
        "messaging_product": "whatsapp", "status": "read", "message_id": first,
        "typing_indicator": {"type": "text"}} and reads[0]["answer"] == 200, reads
    r = api("POST", "/api/tickets/%d/typing" % tid, tok)
    assert r.status == 202 and r.json()["data"] == {"sent": False, "reason": "throttled"}, r.json()
    assert len(reads_of(first)) == 1
    # Twenty seconds later it goes again.
    sql("UPDATE ticket_typing SET sent_at = NOW(3) - INTERVAL 21 SECOND WHERE ticket_id = %d" % tid)
    r = api("POST", "/api/tickets/%d/typing" % tid, tok)
    assert r.json()["data"]["sent"] is True, r.json()
    assert len(reads_of(first)) == 2
    # Someone who does not hold the ticket makes nobody appear to type.
    other = token_for("agent")
    r = api("POST", "/api/tickets/%d/typing" % tid, other)
    assert r.status in (202, 403, 404), r
    if r.status == 202:
        assert r.json()["data"]["sent"] is False
    # A ticket with no customer message yet has nothing to mark.
    r = api("POST", "/api/tickets", tok, {"name": "Walk-in", "description": "at the desk", "issue_type": "other",
                                          "issue_type_other": "walk-in"})
    assert r.status == 201, r.json()
    nid = r.json()["data"]["id"]
    r = api("POST", "/api/tickets/%d/typing" % nid, tok)
    assert r.status == 202 and r.json()["data"]["sent"] is False, r.json()
    assert api("POST", "/api/tickets/999999999/typing", tok).status == 404


def test_read_receipts_off_sends_neither():
    phone, tid, first = start()
    tok = admin_token()
    env = {"WHATSAPP_READ_RECEIPTS": "0"}
    st, d = cgi("POST", "/api/tickets/%d/typing" % tid, None, env, tok)
    assert st == 202 and d["data"] == {"sent": False, "reason": "off"}, d
    st, d = cgi("POST", "/api/tickets/%d/reply" % tid, {"message": "quiet"}, env, tok)
    assert st == 201, d
    assert reads_of(first) == []


def test_a_failed_read_mark_is_left_to_the_outbox():
    phone, tid, first = start()
    tok = admin_token()
    graph("POST", "/_fake/read_mode", {"mode": "http500", "times": 1})
    r = api("POST", "/api/tickets/%d/typing" % tid, tok)
    assert r.status == 202, r
    assert reads_of(first)[-1]["answer"] == 500
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) WHERE type = 'read' AND payload LIKE '%%%s%%'"
        % first)
    from harness import tick
    assert tick("outbox").returncode == 0
    assert reads_of(first)[-1]["answer"] == 200


def test_canned_replies_are_managed_by_managers_and_read_by_everyone():
    admin, manager, agent = admin_token(), token_for("site_manager"), token_for("agent")
    code = "greet-%d" % uniq()
    body = {"code": code, "title": "Greeting", "text": "Hello {name}, this is {agent} about {reference}.",
            "buttons": ["Yes", "No"]}
    assert api("POST", "/api/canned-replies", agent, body).status == 403
    r = api("POST", "/api/canned-replies", manager, body)
    assert r.status == 201, r.json()
    c = r.json()["data"]
    assert c["code"] == code and c["buttons"] == ["Yes", "No"] and c["text"] == body["text"], c
    cid = c["id"]
    assert api("POST", "/api/canned-replies", admin, body).json()["error"]["code"] == "duplicate"
    # Everyone who reads tickets finds it by code or title.
    r = api("GET", "/api/canned-replies?q=%s" % code[:8], agent)
    assert r.status == 200 and [x["id"] for x in r.json()["data"]["items"]] == [cid], r.json()
    r = api("GET", "/api/canned-replies?q=Greet", agent)
    assert cid in [x["id"] for x in r.json()["data"]["items"]]
    assert api("GET", "/api/canned-replies?q=100%25_nothing", agent).json()["data"]["items"] == []
    assert api("GET", "/api/canned-replies/%d" % cid, agent).json()["data"]["title"] == "Greeting"
    # Changes: the members given; null clears the buttons.
    r = api("PUT", "/api/canned-replies/%d" % cid, admin, {"title": "Hello", "buttons": None})
    assert r.status == 200 and r.json()["data"]["title"] == "Hello" and r.json()["data"]["buttons"] == [], r.json()
    assert r.json()["data"]["text"] == body["text"]
    assert api("PUT", "/api/canned-replies/%d" % cid, agent, {"title": "x"}).status == 403
    # Bad input names the field.
    for bad, field in [({"code": "Has Space", "title": "t", "text": "x"}, "code"),
                       ({"code": "ok-%d" % uniq(), "title": "t", "text": "x" * 4097}, "text"),
                       ({"code": "ok-%d" % uniq(), "title": "", "text": "x"}, "title"),
                       ({"code": "ok-%d" % uniq(), "title": "t", "text": "x", "buttons": ["a"] * 4}, "buttons"),
                       ({"code": "ok-%d" % uniq(), "title": "t", "text": "x", "buttons": ["b" * 21]}, "buttons[0]"),
                       ({"code": "ok-%d" % uniq(), "title": "t", "text": "x", "buttons": ["a", "a"]}, "buttons[1]"),
                       ({"code": "ok-%d" % uniq(), "title": "t", "text": "x", "extra": 1}, "extra")]:
        field_422(api("POST", "/api/canned-replies", admin, bad), field)
    # 4096 characters (not bytes) is a good text.
    r = api("POST", "/api/canned-replies", admin, {"code": "long-%d" % uniq(), "title": "Long", "text": "\u00e9" * 4096})
    assert r.status == 201, r.json()
    # Audited, then gone.
    assert api("DELETE", "/api/canned-replies/%d" % cid, manager).status == 200
    assert api("GET", "/api/canned-replies/%d" % cid, agent).status == 404
    assert api("DELETE", "/api/canned-replies/%d" % cid, manager).status == 404
    acts = [r[0] for r in sql("SELECT action FROM audit_log WHERE entity = 'canned_reply' AND entity_id = '%d'"
                              " ORDER BY id" % cid)]
    assert acts == ["canned.create", "canned.update", "canned.delete"], acts
