#!/usr/bin/env python3
"""Issue 16, consent and the window: Meta's user_preferences webhook and the
opt-out keywords mark a contact (shown by the contacts API and on the
ticket, audited once per change, unchanged by a redelivery); a MARKETING
template to an opted-out contact is 422 opted_out before any outbox row,
while UTILITY templates and service replies still go; a reply outside the
window re-opens with the template it names; the window reminder goes once,
23 hours after the customer's last message, under the test clock."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PNID, VAR, admin_token, api, graph, login, make_user,  # noqa: E402
                     new_phone, one, post_webhook, sql, text_message, tick, uniq)

NOW = os.path.join(VAR, "now")


def template(name, category, body="We are still here for you."):
    return {"name": name, "language": "en_US", "status": "APPROVED", "category": category,
            "id": str(710000000000000 + uniq()), "parameter_format": "POSITIONAL",
            "components": [{"type": "BODY", "text": body}]}


def seed_and_sync(templates):
    graph("POST", "/_fake/templates", {"templates": templates})
    r = api("POST", "/api/templates/sync", admin_token())
    assert r.status == 200, r


def preferences(phone, value, ts, detail="User requested to stop marketing messages"):
    """The user_preferences webhook as Meta documents it (Graph v25)."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "user_preferences", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID},
            "contacts": [{"profile": {"name": "Ana Ruiz"}, "wa_id": phone}],
            "user_preferences": [{"wa_id": phone, "detail": detail, "category": "marketing_messages",
                                  "value": value, "timestamp": ts}]}}]}]}


def agent_with_ticket(text=None):
    _, email = make_user("agent")
    tok = login(email, "a-long-password-1").json()["data"]["token"]
    phone = new_phone()
    assert post_webhook(text_message(phone, text or "help with my order %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    return tok, tid, phone


def contact_of(tid):
    cid = int(one("SELECT contact_id FROM tickets WHERE id = %d" % tid))
    r = api("GET", "/api/contacts/%d" % cid, admin_token())
    assert r.status == 200, r
    return cid, r.json()["data"]


def audits(cid):
    return int(one("SELECT COUNT(*) FROM audit_log WHERE entity = 'contact' AND entity_id = '%d'"
                   " AND action LIKE 'contact.marketing_%%'" % cid))


def outs(tid):
    return int(one("SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'out'" % tid))


def test_user_preferences_stop_and_resume():
    tok, tid, phone = agent_with_ticket()
    cid, c = contact_of(tid)
    assert c["marketing_opt_out"] is False and c["marketing_opt_out_at"] is None, c
    ts = int(time.time()) - 60
    stop = preferences(phone, "stop", str(ts))
    assert post_webhook(stop).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is True and c["marketing_opt_out_source"] == "user_preferences", c
    assert c["marketing_opt_out_at"].startswith(time.strftime("%Y-%m-%dT%H:%M", time.gmtime(ts))), c
    t = api("GET", "/api/tickets/%d" % tid, tok).json()["data"]
    assert t["marketing_opt_out"] is True, t
    assert audits(cid) == 1
    # Meta delivers it again: nothing changes, nothing more is audited.
    assert post_webhook(stop).status == 200
    assert audits(cid) == 1
    # An older resume arriving late changes nothing either.
    assert post_webhook(preferences(phone, "resume", str(ts - 30))).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is True and audits(cid) == 1, c
    # A newer resume clears it.
    assert post_webhook(preferences(phone, "resume", str(ts + 30))).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is False and c["marketing_opt_out_at"] is None, c
    assert audits(cid) == 2
    # The list shows the flag too.
    r = api("GET", "/api/contacts?q=%s" % phone, admin_token())
    assert r.status == 200 and r.json()["data"]["items"][0]["marketing_opt_out"] is False, r


def test_preference_of_someone_unknown_is_kept():
    phone = new_phone()
    assert post_webhook(preferences(phone, "stop", str(int(time.time())))).status == 200
    row = sql("SELECT marketing_opt_out, marketing_opt_out_source FROM whatsapp_contacts WHERE wa_id = '%s'" % phone)
    assert row == [["1", "user_preferences"]], row


def test_odd_preferences_are_stored_and_skipped():
    phone = new_phone()
    for item in ({"wa_id": phone, "category": "marketing_messages", "value": "maybe"},
                 {"wa_id": phone, "category": "other", "value": "stop"},
                 {"category": "marketing_messages", "value": "stop"},
                 {"wa_id": "not digits", "category": "marketing_messages", "value": "stop"}):
        body = preferences(phone, "stop", "1")
        body["entry"][0]["changes"][0]["value"]["user_preferences"] = [item]
        assert post_webhook(body).status == 200
    assert one("SELECT COUNT(*) FROM whatsapp_contacts WHERE wa_id = '%s'" % phone) == "0"


def test_marketing_template_refused_utility_and_replies_go():
    base = "consent_%d" % uniq()
    seed_and_sync([template(base + "_promo", "MARKETING"), template(base + "_info", "UTILITY")])
    tok, tid, phone = agent_with_ticket()
    assert post_webhook(preferences(phone, "stop", str(int(time.time())))).status == 200
    before = outs(tid)
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": base + "_promo"})
    assert r.status == 422, r
    err = r.json()["error"]
    assert err["code"] == "opted_out" and "name" in err["details"], err
    assert outs(tid) == before
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": base + "_info"})
    assert r.status == 201, r
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "a service reply"})
    assert r.status == 201 and r.json()["data"]["whatsapp"]["status"] == "sent", r
    assert outs(tid) == before + 2
    # A form ticket for the same number: its contact decides too.
    r = api("POST", "/api/tickets", admin_token(), {
        "name": "Ana Ruiz", "mobile": phone, "description": "by the form", "issue_type": "hardware",
        "whatsapp_enabled": True, "whatsapp_notifications": False})
    assert r.status == 201, r
    fid = r.json()["data"]["id"]
    assert api("POST", "/api/tickets/%d/assign" % fid, admin_token()).status == 200
    r = api("POST", "/api/tickets/%d/template" % fid, admin_token(), {"name": base + "_promo"})
    assert r.status == 422 and r.json()["error"]["code"] == "opted_out", r


def test_keywords_mark_and_clear_and_the_message_stays():
    tok, tid, phone = agent_with_ticket()
    cid, _ = contact_of(tid)
    assert post_webhook(text_message(phone, "  Stop ")).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is True and c["marketing_opt_out_source"] == "keyword", c
    # Stored on the ticket as usual.
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id = %d AND message = '  Stop '" % tid) == "1"
    # Not the whole text: nothing.
    assert post_webhook(text_message(phone, "start the engine please")).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is True and audits(cid) == 1, c
    assert post_webhook(text_message(phone, "START")).status == 200
    _, c = contact_of(tid)
    assert c["marketing_opt_out"] is False and audits(cid) == 2, c


def closed_window(tid):
    sql("UPDATE tickets SET last_customer_message_at = NOW(3) - INTERVAL 2 DAY WHERE id = %d" % tid)


def test_reply_reopens_with_the_template_it_names():
    base = "reopen_%d" % uniq()
    seed_and_sync([template(base + "_hi", "UTILITY", body="Hello {{1}}, we have news."),
                   template(base + "_promo", "MARKETING")])
    tok, tid, phone = agent_with_ticket()
    closed_window(tid)
    # Neither a template nor WHATSAPP_TEMPLATE_NAME: refused as before.
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "held text"})
    assert r.status == 422 and r.json()["error"]["code"] == "outside_window", r
    # A bad template: 422 naming its field, nothing stored.
    before = outs(tid)
    for tpl, field in (({"name": base + "_hi"}, "template.parameters.body[0]"),
                       ({"name": base + "_none"}, "template.name"),
                       ({"name": base + "_hi", "parameters": {"body": ["Ana"]}, "x": 1}, "template.x")):
        r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "held text", "template": tpl})
        assert r.status == 422 and field in r.json()["error"]["details"], (field, r)
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "held text", "template": "hi"})
    assert r.status == 422 and "template" in r.json()["error"]["details"], r
    assert outs(tid) == before
    r = api("POST", "/api/tickets/%d/reply" % tid, tok,
            {"message": "held text", "template": {"name": base + "_hi", "language": "en_US",
                                                  "parameters": {"body": ["Ana"]}}})
    assert r.status == 201, r
    wa = r.json()["data"]["whatsapp"]
    assert wa["status"] == "held" and wa["template"]["name"] == base + "_hi", wa
    sent = [x["body"] for x in graph("GET", "/_fake/requests") if (x.get("body") or {}).get("to") == phone]
    assert sent[-1]["type"] == "template" and sent[-1]["template"]["name"] == base + "_hi", sent[-1]
    assert sent[-1]["template"]["components"] == [
        {"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}], sent[-1]
    assert not any((x.get("text") or {}).get("body") == "held text" for x in sent)
    # The customer answers: the held text goes.
    assert post_webhook(text_message(phone, "yes?")).status == 200
    sent = [x["body"] for x in graph("GET", "/_fake/requests") if (x.get("body") or {}).get("to") == phone]
    assert any((x.get("text") or {}).get("body") == "held text" for x in sent)
    # A marketing one to a customer who stopped marketing: opted_out.
    closed_window(tid)
    assert post_webhook(preferences(phone, "stop", str(int(time.time())))).status == 200
    closed_window(tid)
    r = api("POST", "/api/tickets/%d/reply" % tid, tok,
            {"message": "more", "template": {"name": base + "_promo"}})
    assert r.status == 422 and r.json()["error"]["code"] == "opted_out", r


REMIND = {"WINDOW_REMINDER_TEXT": "We are still on it: answer here within the hour to keep the chat open."}


def reminders(phone):
    return [x for x in graph("GET", "/_fake/requests")
            if (x.get("body") or {}).get("to") == phone
            and ((x["body"].get("text") or {}).get("body") or "").startswith("We are still on it")]


def clock(at):
    with open(NOW, "w") as f:
        f.write(at + "\n")


def test_window_reminder_once_per_message():
    tok, tid, phone = agent_with_ticket()
    _, tid2, phone2 = agent_with_ticket()
    _, tid3, phone3 = agent_with_ticket()
    # tid2's agent answered after the customer; tid3's window closed.
    assert api("POST", "/api/tickets/%d/reply" % tid2, admin_token(), {"message": "on it"}).status == 201
    for t in (tid, tid2):
        sql("UPDATE tickets SET last_customer_message_at = '2026-01-10 10:00:00' WHERE id = %d" % t)
    sql("UPDATE replies SET created_at = '2026-01-10 11:00:00' WHERE ticket_id = %d AND author = 'agent'" % tid2)
    sql("UPDATE tickets SET last_customer_message_at = '2026-01-10 07:00:00' WHERE id = %d" % tid3)
    try:
        # Off by default: nothing.
        clock("2026-01-11 09:30:00")
        assert tick("outbox").returncode == 0
        assert reminders(phone) == []
        # 22 hours: too early.
        clock("2026-01-11 08:00:00")
        assert tick("outbox", env=REMIND).returncode == 0
        assert reminders(phone) == []
        clock("2026-01-11 09:30:00")
        r = tick("outbox", env=REMIND)
        assert r.returncode == 0, r.stderr
        assert len(reminders(phone)) == 1, graph("GET", "/_fake/requests")[-3:]
        assert reminders(phone2) == [] and reminders(phone3) == []
        # Never twice for the same message.
        assert tick("outbox", env=REMIND).returncode == 0
        assert len(reminders(phone)) == 1
        # A new customer message: one more, 23 hours after it.
        sql("UPDATE tickets SET last_customer_message_at = '2026-01-11 10:00:00' WHERE id = %d" % tid)
        clock("2026-01-12 09:10:00")
        assert tick("outbox", env=REMIND).returncode == 0
        assert len(reminders(phone)) == 2
        assert sql("SELECT window_reminder_for FROM tickets WHERE id = %d" % tid) == [["2026-01-11 10:00:00.000"]]
    finally:
        if os.path.exists(NOW):
            os.remove(NOW)
