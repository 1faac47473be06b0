#!/usr/bin/env python3
"""Issue 16, richer conversations: button, list, template and flow answers,
reactions both ways, quoted replies, edits and deletions by the customer,
and messages the business sent from the WhatsApp Business app (echoes),
all through nginx with signed webhooks."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PNID, admin_token, api, graph, new_phone, one,  # noqa: E402
                     post_webhook, sql, text_message, uniq)


def envelope(messages, field="messages", key="messages", phone=None):
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID},
             key: messages}
    if phone and key == "messages":
        value["contacts"] = [{"profile": {"name": "Ana Ruiz"}, "wa_id": phone}]
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": field, "value": value}]}]}


def msg(phone, type_, obj, wamid=None, context=None):
    m = {"from": phone, "id": wamid or "wamid.RM%d" % uniq(), "timestamp": str(int(time.time())),
         "type": type_, type_: obj}
    if context is not None:
        m["context"] = context
    return m


def send(phone, type_, obj, wamid=None, context=None):
    m = msg(phone, type_, obj, wamid, context)
    r = post_webhook(envelope([m], phone=phone))
    assert r.status == 200, r
    return m["id"]


def start(text="my screen is broken"):
    """A customer with a ticket; its first message's wamid."""
    phone = new_phone()
    wamid = "wamid.RS%d" % uniq()
    assert post_webhook(text_message(phone, "%s %d" % (text, uniq()), wamid=wamid)).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    return phone, tid, wamid


def ticket(tid, tok=None):
    r = api("GET", "/api/tickets/%d" % tid, tok or admin_token())
    assert r.status == 200, r
    return r.json()["data"]


def item_of(t, wamid):
    for x in t["timeline"]:
        if (x.get("whatsapp") or {}).get("wamid") == wamid:
            return x
    raise AssertionError("no timeline item for %s in %r" % (wamid, t["timeline"]))


def sends_to(phone):
    return [r["body"] for r in graph("GET", "/_fake/requests")
            if isinstance(r.get("body"), dict) and r["body"].get("to") == phone]


def reply(tid, text, tok=None, **extra):
    body = {"message": text}
    body.update(extra)
    return api("POST", "/api/tickets/%d/reply" % tid, tok or admin_token(), body)


def test_button_list_template_and_flow_answers_are_stored_as_such():
    phone, tid, _ = start()
    b = send(phone, "interactive", {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes, please"}})
    li = send(phone, "interactive", {"type": "list_reply",
                                     "list_reply": {"id": "r1", "title": "Billing", "description": "Invoices"}})
    qr = send(phone, "button", {"payload": "STOP_PROMO", "text": "Stop promotions"})
    fl = send(phone, "interactive", {"type": "nfm_reply", "nfm_reply": {
        "name": "flow", "body": "Sent", "response_json": '{"flow_token": "t1", "rating": "5"}'}})
    un = send(phone, "unsupported", {}, None)
    t = ticket(tid)
    assert item_of(t, b)["interactive"] == {"kind": "button_reply", "id": "yes", "title": "Yes, please",
                                            "response_json": None}
    assert item_of(t, li)["interactive"]["kind"] == "list_reply" and item_of(t, li)["interactive"]["id"] == "r1"
    assert item_of(t, qr)["interactive"] == {"kind": "button", "id": "STOP_PROMO", "title": "Stop promotions",
                                             "response_json": None}
    f = item_of(t, fl)
    assert f["interactive"]["kind"] == "nfm_reply" and '"rating": "5"' in f["interactive"]["response_json"], f
    # Nothing is dropped: an unsupported message is kept on the ticket too.
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE wamid = '%s'" % un) == "1"
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1


def test_customer_reaction_lands_on_its_message_and_is_removed():
    phone, tid, first = start()
    r = reply(tid, "we will look at it")
    assert r.status == 201, r
    out = r.json()["data"]["whatsapp"]["wamid"]
    assert out, r.json()
    n = len(sends_to(phone))
    rx = {"message_id": out, "emoji": "\U0001F44D"}
    rw = "wamid.RX%d" % uniq()
    for _ in range(2):  # a redelivery changes nothing
        send(phone, "reaction", rx, wamid=rw)
    t = ticket(tid)
    assert item_of(t, out)["reactions"] == [{"emoji": "\U0001F44D", "by": "customer", "user": None, "status": None}]
    # Not a message of its own, no confirmation, no new ticket.
    assert not [x for x in t["timeline"] if x.get("type") == "reaction"], t["timeline"]
    assert len(sends_to(phone)) == n
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1
    send(phone, "reaction", {"message_id": out, "emoji": ""})
    assert item_of(ticket(tid), out)["reactions"] == []
    # On a closed ticket a reaction neither reopens it nor opens another.
    assert api("POST", "/api/tickets/%d/close" % tid, admin_token(), {"resolution": "done"}).status == 200
    n = len(sends_to(phone))
    send(phone, "reaction", {"message_id": out, "emoji": "\u2764\ufe0f"})
    t = ticket(tid)
    assert t["status"] == "closed" and item_of(t, out)["reactions"][0]["emoji"] == "\u2764\ufe0f"
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1
    assert len(sends_to(phone)) == n
    # A reaction to a message tick never saw is kept, and changes nothing.
    send(phone, "reaction", {"message_id": "wamid.NEVERSEEN%d" % uniq(), "emoji": "\U0001F44D"})
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1


def test_agent_reacts_to_a_customer_message_through_the_outbox():
    phone, tid, first = start()
    tok = admin_token()
    mid = item_of(ticket(tid), first)["whatsapp"]["id"]
    path = "/api/tickets/%d/messages/%d/reaction" % (tid, mid)
    r = api("POST", path, tok, {"emoji": "\U0001F64F"})
    assert r.status == 200, r
    assert r.json()["data"]["whatsapp_notice"]["status"] == "sent", r.json()
    sent = [b for b in sends_to(phone) if b.get("type") == "reaction"]
    assert sent and sent[-1]["reaction"] == {"message_id": first, "emoji": "\U0001F64F"}, sent
    it = item_of(ticket(tid), first)
    assert [(x["emoji"], x["by"]) for x in it["reactions"]] == [("\U0001F64F", "agent")], it
    assert it["reactions"][0]["user"]["id"] > 0
    assert it["reactions"][0]["status"] in ("accepted", "sent", "delivered", "read"), it
    # Taken back: "" goes to Meta, and the reaction is gone.
    r = api("POST", path, tok, {"emoji": ""})
    assert r.status == 200, r
    assert [b for b in sends_to(phone) if b.get("type") == "reaction"][-1]["reaction"]["emoji"] == ""
    assert item_of(ticket(tid), first)["reactions"] == []
    # Bad input: 422 naming the field; not a customer's message: 409; none: 404.
    for bad in ({"emoji": "ok"}, {"emoji": 5}, {}, {"emoji": "\U0001F44D" * 17}):
        r = api("POST", path, tok, bad)
        assert r.status == 422 and r.json()["error"]["code"] == "validation_failed", (bad, r)
        assert "emoji" in r.json()["error"]["details"], r.json()
    out = reply(tid, "an answer").json()["data"]["whatsapp"]["id"]
    r = api("POST", "/api/tickets/%d/messages/%d/reaction" % (tid, out), tok, {"emoji": "\U0001F44D"})
    assert r.status == 409 and r.json()["error"]["code"] == "not_reactable", r
    r = api("POST", "/api/tickets/%d/messages/999999999/reaction" % tid, tok, {"emoji": "\U0001F44D"})
    assert r.status == 404, r


def test_quoted_and_forwarded_messages_link_and_agents_quote():
    phone, tid, first = start("the quoted question")
    r = reply(tid, "which model is it?")
    out = r.json()["data"]["whatsapp"]["wamid"]
    q = send(phone, "text", {"body": "an X200"}, context={"from": "15550001111", "id": out})
    fw = send(phone, "text", {"body": "look at this"}, context={"forwarded": True})
    ff = send(phone, "text", {"body": "and this"}, context={"frequently_forwarded": True})
    t = ticket(tid)
    assert item_of(t, q)["context"] == {"message_id": out, "quoted": "which model is it?"}, item_of(t, q)
    assert item_of(t, fw)["forwarded"] and not item_of(t, fw)["frequently_forwarded"]
    assert item_of(t, ff)["forwarded"] and item_of(t, ff)["frequently_forwarded"]
    assert item_of(t, q)["forwarded"] is False
    # An agent's reply quoting the customer's message carries context.message_id.
    r = reply(tid, "thanks, noted", context_message_id=q)
    assert r.status == 201, r
    body = [b for b in sends_to(phone) if (b.get("text") or {}).get("body") == "thanks, noted"]
    assert body and body[-1]["context"] == {"message_id": q}, body
    it = item_of(ticket(tid), r.json()["data"]["whatsapp"]["wamid"])
    assert it["context"]["message_id"] == q and it["context"]["quoted"] == "an X200", it
    # Another ticket's message, or not a string: 422 naming the field.
    _, _, elsewhere = start()
    for bad in (elsewhere, 42, "", "x" * 300):
        r = reply(tid, "no", context_message_id=bad)
        assert r.status == 422, (bad, r)
        assert "context_message_id" in r.json()["error"]["details"], r.json()


def test_edit_keeps_the_previous_text_and_revoke_marks_deleted():
    phone, tid, first = start()
    second = send(phone, "text", {"body": "the serial is 1234"})
    edit = {"original_message_id": second, "message": {"type": "text", "text": {"body": "the serial is 4321"}}}
    ew = "wamid.ED%d" % uniq()
    for _ in range(2):  # redelivered: one edit
        send(phone, "edit", edit, wamid=ew)
    it = item_of(ticket(tid), second)
    assert it["text"] == "the serial is 4321" and it["edited"] is True, it
    assert [e["text"] for e in it["edits"]] == ["the serial is 1234"], it
    # The first message of the ticket can be edited too (its caption or text).
    send(phone, "edit", {"original_message_id": first,
                         "message": {"type": "text", "text": {"body": "edited opening"}}})
    assert item_of(ticket(tid), first)["text"] == "edited opening"
    # Deleted: marked, its text no longer shown, for anyone.
    send(phone, "revoke", {"original_message_id": second})
    it = item_of(ticket(tid), second)
    assert it["deleted"] is True and it["text"] is None and it["edits"] == [], it
    # Nor does the inbox's snippet or its search.
    tok = admin_token()
    row = [x for x in api("GET", "/api/tickets?q=%s" % phone, tok).json()["data"]["items"] if x["id"] == tid]
    assert row and "4321" not in row[0]["last_message"], row
    assert not [x for x in api("GET", "/api/tickets?q=4321", tok).json()["data"]["items"] if x["id"] == tid]
    # Another customer cannot edit or delete this one's message.
    other = new_phone()
    assert post_webhook(text_message(other, "hi %d" % uniq())).status == 200
    send(other, "revoke", {"original_message_id": first})
    assert item_of(ticket(tid), first)["deleted"] is False
    assert not [x for x in ticket(tid)["timeline"] if x.get("type") in ("edit", "revoke")]


def test_business_app_echo_is_stored_outbound_without_notices():
    phone, tid, _ = start()
    n = len(sends_to(phone))
    ew = "wamid.EC%d" % uniq()
    echo = {"from": "15550001111", "to": phone, "id": ew, "timestamp": str(int(time.time())),
            "type": "text", "text": {"body": "answered from the phone app"}}
    for _ in range(2):
        assert post_webhook(envelope([echo], field="smb_message_echoes", key="message_echoes")).status == 200
    it = item_of(ticket(tid), ew)
    assert it["echo"] is True and it["whatsapp"]["direction"] == "out" and it["text"] == "answered from the phone app"
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE wamid = '%s'" % ew) == "1"
    assert len(sends_to(phone)) == n
    # An echo to someone with no ticket opens none.
    stranger = new_phone()
    echo2 = dict(echo, to=stranger, id="wamid.EC%d" % uniq())
    assert post_webhook(envelope([echo2], field="smb_message_echoes", key="message_echoes")).status == 200
    assert one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % stranger) == "0"
    assert sql("SELECT direction FROM whatsapp_messages WHERE wamid = '%s'" % echo2["id"]) == [["out"]]


def test_history_import_is_stored_without_notices_or_tickets():
    phone, tid, _ = start()
    n = len(sends_to(phone))
    h1, h2 = "wamid.HI%d" % uniq(), "wamid.HO%d" % uniq()
    hist = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "history", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID},
            "history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
                         "threads": [{"id": phone, "messages": [
                             {"from": phone, "id": h1, "timestamp": "1717000000", "type": "text",
                              "text": {"body": "an old question"}, "history_context": {"status": "READ"}},
                             {"from": "15550001111", "to": phone, "id": h2, "timestamp": "1717000100",
                              "type": "text", "text": {"body": "an old answer"}}]}]}]}}]}]}
    for _ in range(2):
        assert post_webhook(hist).status == 200
    t = ticket(tid)
    a, b = item_of(t, h1), item_of(t, h2)
    assert a["imported"] and a["whatsapp"]["direction"] == "in" and a["text"] == "an old question", a
    assert b["imported"] and b["echo"] and b["whatsapp"]["direction"] == "out", b
    assert len(sends_to(phone)) == n
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE wamid IN ('%s', '%s')" % (h1, h2)) == "2"
    # A customer tick does not know gets no ticket and no confirmation.
    stranger = new_phone()
    hist["entry"][0]["changes"][0]["value"]["history"][0]["threads"] = [{"id": stranger, "messages": [
        {"from": stranger, "id": "wamid.HS%d" % uniq(), "timestamp": "1717000000", "type": "text",
         "text": {"body": "hello from the past"}}]}]
    assert post_webhook(hist).status == 200
    assert one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % stranger) == "0"
    assert not sends_to(stranger)


def test_reaction_to_a_reply_on_a_form_ticket_lands():
    """A ticket made from the form has no WhatsApp contact when the agent
    first answers; the customer's reaction to that answer still lands."""
    phone = new_phone()
    tok = admin_token()
    r = api("POST", "/api/tickets", tok, {"name": "Form Person", "email": "f%d@example.com" % uniq(),
                                          "mobile": phone, "description": "from the form %d" % uniq(),
                                          "issue_type": "other", "issue_type_other": "x", "issue_title": "t",
                                          "whatsapp_enabled": True, "whatsapp_notifications": True})
    assert r.status == 201, r
    tid = r.json()["data"]["id"]
    # The customer writes first (the window opens), then the agent answers.
    assert post_webhook(text_message(phone, "about my form %d" % uniq())).status == 200
    r = reply(tid, "got it")
    assert r.status == 201, r
    out = r.json()["data"]["whatsapp"]["wamid"]
    send(phone, "reaction", {"message_id": out, "emoji": "\U0001F44C"})
    assert item_of(ticket(tid), out)["reactions"][0]["emoji"] == "\U0001F44C"
