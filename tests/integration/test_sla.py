"""Issue 13, second part: calendars, the out-of-hours text once per ticket
per local day, SLA policies in matching order, due times paused while
pending, and the warning and breach `tick outbox` sends, under the test
clock (TICK_NOW=@file, which the harness sets)."""
import json
import os
import subprocess
import time

from harness import (BUILD, PNID, VAR, admin_token, api, new_phone, one, post_webhook, sign, sql, text_message,
                     tick, graph_sent)

NOW = os.path.join(VAR, "now")


def clock(at):
    with open(NOW, "w") as f:
        f.write(at + "\n")


def real_clock():
    if os.path.exists(NOW):
        os.remove(NOW)


def clean(fn):
    def run():
        try:
            fn()
        finally:
            real_clock()
            sql("DELETE FROM sla_policies")
            sql("DELETE FROM calendar_hours")
            sql("DELETE FROM calendar_holidays")
            sql("UPDATE teams SET calendar_id = NULL")
            sql("DELETE FROM calendars")
    run.__name__ = fn.__name__
    return run


def ticket_of(phone):
    return int(one("SELECT id FROM tickets WHERE mobile = '%s' ORDER BY id DESC LIMIT 1" % phone))


def get(tid):
    r = api("GET", "/api/tickets/%d" % tid, admin_token())
    assert r.status == 200, r
    return r.json()["data"]


def policy(**kw):
    r = api("POST", "/api/sla-policies", admin_token(), kw)
    assert r.status == 201, r
    return r.json()["data"]["id"]


@clean
def test_calendar_validation():
    t = admin_token()
    r = api("POST", "/api/calendars", t, {"name": "Bad", "timezone": "Mars/Base"})
    assert r.status == 422 and "timezone" in r.json()["error"]["details"], r
    r = api("POST", "/api/calendars", t, {"name": "Bad", "hours": [{"weekday": 1, "start": "10:00",
                                                                     "end": "09:00"}]})
    assert r.status == 422 and "hours" in r.json()["error"]["details"], r
    r = api("POST", "/api/calendars", t, {"name": "Desk", "timezone": "America/New_York",
                                          "is_default": True,
                                          "hours": [{"weekday": 1, "start": "09:00", "end": "17:00"}],
                                          "holidays": [{"date": "2026-07-03", "name": "Fourth"}]})
    assert r.status == 201, r
    c = r.json()["data"]
    assert c["hours"] == [{"weekday": 1, "start": "09:00", "end": "17:00"}], c
    assert c["holidays"] == [{"date": "2026-07-03", "name": "Fourth"}], c
    r = api("DELETE", "/api/calendars/%d" % c["id"], t)
    assert r.status == 200, r


def ooh_count(phone):
    return len([x for x in graph_sent(phone)
                if "closed now" in ((x.get("body") or {}).get("text") or {}).get("body", "")])


@clean
def test_out_of_hours_once_a_day():
    r = api("POST", "/api/calendars", admin_token(), {
        "name": "Desk", "timezone": "America/New_York", "is_default": True,
        "hours": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(1, 6)]})
    assert r.status == 201, r
    phone = new_phone()
    clock("2026-03-10 03:00:00")  # Monday 23:00 in New York: closed
    assert post_webhook(text_message(phone, "hello at night")).status == 200
    assert post_webhook(text_message(phone, "anyone?")).status == 200
    time.sleep(0.5)
    assert ooh_count(phone) == 1
    clock("2026-03-11 03:00:00")  # the next local night
    assert post_webhook(text_message(phone, "again")).status == 200
    time.sleep(0.5)
    assert ooh_count(phone) == 2
    clock("2026-03-11 15:00:00")  # Wednesday 11:00: open
    assert post_webhook(text_message(phone, "morning")).status == 200
    time.sleep(0.5)
    assert ooh_count(phone) == 2


@clean
def test_policy_order():
    policy(name="Catch-all", position=20, first_response_minutes=60)
    # A policy's tag follows a ticket's tag rules: "VIP " is the tag "vip".
    vip = policy(name="VIP", position=10, tag="VIP ", first_response_minutes=15)
    r = api("GET", "/api/sla-policies/%d" % vip, admin_token())
    assert r.status == 200 and r.json()["data"]["tag"] == "vip", r
    r = api("POST", "/api/sla-policies", admin_token(), {"name": "Bad", "position": 5, "tag": "a,b"})
    assert r.status == 422 and "tag" in r.json()["error"]["details"], r
    clock("2026-03-10 12:00:00")
    phone = new_phone()
    assert post_webhook(text_message(phone, "order")).status == 200
    tid = ticket_of(phone)
    s = get(tid)["sla"]
    assert s["policy"]["name"] == "Catch-all", s
    assert s["first_response_due_at"].startswith("2026-03-10T13:00:00"), s
    assert s["state"] == "ok" and s["seconds_left"] == 3600, s
    r = api("PUT", "/api/tickets/%d/tags" % tid, admin_token(), {"tags": ["vip"]})
    assert r.status == 200, r
    s = get(tid)["sla"]
    assert s["policy"]["id"] == vip, s
    r = api("GET", "/api/tickets?sort=sla", admin_token())
    assert r.status == 200, r
    # Every status at once, pending among them (the panel's search asks so).
    r = api("GET", "/api/tickets?status=new,assigned,in_progress,pending,closed&sort=sla", admin_token())
    assert r.status == 200 and any(x["id"] == tid for x in r.json()["data"]["items"]), r


@clean
def test_warning_and_breach_escalate_once():
    policy(name="Fast", position=1, first_response_minutes=60)
    uid = int(one("SELECT id FROM users WHERE role = 'super_admin' ORDER BY id LIMIT 1"))
    clock("2026-03-10 12:00:00")
    phone = new_phone()
    assert post_webhook(text_message(phone, "urgent")).status == 200
    tid = ticket_of(phone)
    sql("UPDATE tickets SET assigned_to = %d WHERE id = %d" % (uid, tid))
    clock("2026-03-10 12:40:00")
    for _ in range(2):
        r = tick("outbox")
        assert r.returncode == 0, r.stderr
    assert get(tid)["sla"]["state"] == "warning"
    assert one("SELECT COUNT(*) FROM sla_alerts WHERE ticket_id = %d AND level = 'warning'" % tid) == "1"
    assert int(one("SELECT COUNT(*) FROM events WHERE ticket_id = %d AND type = 'sla.warning'" % tid)) >= 1
    clock("2026-03-10 13:05:00")
    for _ in range(2):
        assert tick("outbox").returncode == 0
    assert get(tid)["sla"]["state"] == "breached"
    assert one("SELECT COUNT(*) FROM sla_alerts WHERE ticket_id = %d AND level = 'breach'" % tid) == "1"
    assert one("SELECT sla_breached FROM tickets WHERE id = %d" % tid) == "1"


@clean
def test_pending_pauses():
    policy(name="Resolve", position=1, resolution_minutes=120)
    clock("2026-03-10 12:00:00")
    phone = new_phone()
    assert post_webhook(text_message(phone, "slow one")).status == 200
    tid = ticket_of(phone)
    clock("2026-03-10 12:30:00")
    r = api("PUT", "/api/tickets/%d/status" % tid, admin_token(), {"status": "pending"})
    assert r.status == 200, r
    s = get(tid)["sla"]
    assert s["state"] == "paused" and s["resolution_due_at"] is None, s
    clock("2026-03-10 17:00:00")
    assert post_webhook(text_message(phone, "here is the answer")).status == 200
    t = get(tid)
    assert t["status"] == "in_progress", t["status"]
    # 90 minutes were left when it paused.
    assert t["sla"]["resolution_due_at"].startswith("2026-03-10T18:30:00"), t["sla"]


WELCOME = {"TEXT_WELCOME": "Welcome to the desk! Your ticket is {ref}."}


def webhook_cgi(payload, env):
    """The webhook run once as plain CGI with env on top (so the rest of
    the suite keeps TEXT_WELCOME empty, off)."""
    data = json.dumps(payload).encode()
    e = dict(os.environ, REQUEST_METHOD="POST", DOCUMENT_URI="/api/whatsapp/webhook",
             REQUEST_URI="/api/whatsapp/webhook", QUERY_STRING="", CONTENT_LENGTH=str(len(data)),
             CONTENT_TYPE="application/json", REMOTE_ADDR="127.0.0.1",
             HTTP_X_HUB_SIGNATURE_256=sign(data))
    e.update(env)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=e, input=data,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert b"Status: 200" in out.stdout or b"Status:" not in out.stdout, out.stdout[:300]


def texts_to(phone):
    return [((x.get("body") or {}).get("text") or {}).get("body", "") for x in graph_sent(phone)]


def test_welcome_on_first_message_ever():
    phone = new_phone()
    webhook_cgi(text_message(phone, "first words"), WELCOME)
    tid = ticket_of(phone)
    ref = get(tid)["reference"]
    time.sleep(0.3)
    sent = texts_to(phone)
    welcome = "Welcome to the desk! Your ticket is %s." % ref
    assert sent.count(welcome) == 1, sent
    # Before the ticket's confirmation, through the outbox like any notice.
    assert sent.index(welcome) == 0 and len(sent) >= 2, sent
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'out' AND ticket_id = %d"
               " AND body LIKE '%%Welcome to the desk%%'"
               % tid) == "1"
    # Never again for the same customer, even on a new ticket.
    webhook_cgi(text_message(phone, "second words"), WELCOME)
    sql("UPDATE tickets SET status = 'closed', closed_at = NOW(3) WHERE id = %d" % tid)
    webhook_cgi(text_message(phone, "a new problem"), WELCOME)
    time.sleep(0.3)
    assert len([x for x in texts_to(phone) if x.startswith("Welcome")]) == 1
    # Off (empty, the default): nothing, and turning it on later does not
    # welcome a customer who already wrote.
    other = new_phone()
    assert post_webhook(text_message(other, "hello")).status == 200
    webhook_cgi(text_message(other, "hello again"), WELCOME)
    time.sleep(0.3)
    assert not [x for x in texts_to(other) if x.startswith("Welcome")], texts_to(other)



def test_no_welcome_for_a_customer_whose_past_messages_were_imported():
    """A contact the desk knows (made by hand) whose earlier messages come
    in through the history import wrote before: no welcome later."""
    phone = new_phone()
    r = api("POST", "/api/contacts", admin_token(), {"name": "Old Friend", "phone": "+" + phone})
    assert r.status == 201, r
    hist = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "history", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID},
            "history": [{"metadata": {"phase": 0, "chunk_order": 1, "progress": 100},
                         "threads": [{"id": phone, "messages": [
                             {"from": phone, "id": "wamid.SLAH%d" % int(time.time() * 1000), "timestamp": "1717000000",
                              "type": "text", "text": {"body": "an old question"}}]}]}]}}]}]}
    assert post_webhook(hist).status == 200
    assert one("SELECT first_inbound_at IS NOT NULL FROM whatsapp_contacts WHERE wa_id = '%s'" % phone) == "1"
    webhook_cgi(text_message(phone, "hello again, now"), WELCOME)
    time.sleep(0.3)
    assert not [x for x in texts_to(phone) if x.startswith("Welcome")], texts_to(phone)


@clean
def test_dashboard_counts_sla_met_and_breached():
    tag = "slarep%d" % int(time.time() * 1000 % 100000000)
    policy(name="Report", position=1, tag=tag, first_response_minutes=60)
    t = admin_token()
    made = []
    for k in range(5):
        phone = new_phone()
        assert post_webhook(text_message(phone, "report %d" % k)).status == 200
        tid = ticket_of(phone)
        r = api("PUT", "/api/tickets/%d/tags" % tid, t, {"tags": [tag]})
        assert r.status == 200 and r.json()["data"]["sla"]["state"] == "ok", r
        made.append(tid)
    met, late, running, marked, answered_late = made
    # Met: answered and closed within its hour.
    assert api("POST", "/api/tickets/%d/assign" % met, t).status == 200
    assert api("POST", "/api/tickets/%d/reply" % met, t, {"message": "on it"}).status == 201
    assert api("POST", "/api/tickets/%d/close" % met, t, {"resolution": "done"}).status == 200
    # Breached: nobody answered before the due time (no sweep ran yet).
    sql("UPDATE tickets SET first_response_due_at = UTC_TIMESTAMP() - INTERVAL 5 MINUTE WHERE id = %d" % late)
    # Breached as the sweep recorded it, then answered and closed.
    sql("UPDATE tickets SET sla_breached = 1 WHERE id = %d" % marked)
    assert api("POST", "/api/tickets/%d/assign" % marked, t).status == 200
    assert api("POST", "/api/tickets/%d/close" % marked, t, {"resolution": "late"}).status == 200
    # Answered after its due time, then closed: the reply records the miss.
    sql("UPDATE tickets SET first_response_due_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = %d"
        % answered_late)
    assert api("POST", "/api/tickets/%d/assign" % answered_late, t).status == 200
    assert api("POST", "/api/tickets/%d/reply" % answered_late, t, {"message": "sorry"}).status == 201
    assert one("SELECT sla_breached FROM tickets WHERE id = %d" % answered_late) == "1"
    assert api("POST", "/api/tickets/%d/close" % answered_late, t, {"resolution": "late"}).status == 200
    assert one("SELECT sla_breached FROM tickets WHERE id = %d" % met) == "0"
    r = api("GET", "/api/stats/dashboard?tag=" + tag, t)
    assert r.status == 200, r
    assert r.json()["data"]["sla"] == {"met": 1, "breached": 3, "running": 1, "met_rate": 25.0}, r.json()["data"]["sla"]
    # No ticket with a policy: nothing decided.
    r = api("GET", "/api/stats/dashboard?tag=nosuchtag" + tag, t)
    assert r.json()["data"]["sla"] == {"met": 0, "breached": 0, "running": 0, "met_rate": 0}, r
