"""Working tickets over the real stack: the form, the inbox, taking, replying
over WhatsApp (the fake Graph API), status moves, closing, notes, failures
and the outbox, the 24-hour window, simulate-message and status queries."""
import json
import os
import subprocess
import threading
import urllib.parse

from harness import (BUILD, admin_token, api, graph, graph_mode, graph_sent, login, make_user,  # noqa: F401
                     new_phone, one, post_webhook, sql, text_message, tick, token_for, uniq)


def agent():
    uid, email = make_user("agent")
    return uid, login(email, "a-long-password-1").json()["data"]["token"]


def wa_ticket(text="help please", name="Ana Ruiz"):
    """A ticket opened by a customer's WhatsApp message: (id, phone)."""
    phone = new_phone()
    r = post_webhook(text_message(phone, text, name=name))
    assert r.status == 200, r
    return int(one("SELECT id FROM tickets WHERE mobile='%s' ORDER BY id DESC LIMIT 1" % phone)), phone


def texts_to(phone):
    return [r["body"]["text"]["body"] for r in graph_sent(phone)
            if r.get("body", {}).get("type") == "text" and r.get("answer") == 200]


def test_create_from_the_form():
    token = admin_token()
    phone = new_phone()
    r = api("POST", "/api/tickets", token, {
        "name": "Luis P\u00e9rez", "email": "luis@example.com", "mobile": "+%s %s" % (phone[:2], phone[2:]),
        "description": "The printer\nis on fire", "issue_type": "hardware", "issue_title": "Printer",
        "whatsapp_enabled": True, "whatsapp_notifications": True})
    assert r.status == 201, r
    t = r.json()["data"]
    assert t["reference"] == "TKT-%06d" % t["id"] and t["status"] == "new" and t["source"] == "form"
    assert t["mobile"] == phone, t["mobile"]          # normalised to digits
    assert t["description"] == "The printer\nis on fire"
    assert t["whatsapp_notice"]["status"] == "sent", t["whatsapp_notice"]
    assert any(t["reference"] in x for x in texts_to(phone))


def test_form_errors_name_each_field():
    token = admin_token()
    r = api("POST", "/api/tickets", token, {
        "name": "x" * 31, "email": "not-an-email", "mobile": "12ab", "issue_type": "other",
        "whatsapp_enabled": True})
    assert r.status == 422, r
    d = r.json()["error"]["details"]
    assert set(d) == {"name", "email", "mobile", "description", "issue_type_other"}, d
    r = api("POST", "/api/tickets", token, {"name": "A", "description": "d", "issue_type": "x",
                                            "whatsapp_enabled": True})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"mobile"}, r
    r = api("POST", "/api/tickets", token, b"[]")
    assert r.status == 400, r
    before = int(one("SELECT COUNT(*) FROM tickets"))
    api("POST", "/api/tickets", token, {"name": "", "description": ""})
    assert int(one("SELECT COUNT(*) FROM tickets")) == before   # nothing half-written


def test_inbox_filters_and_total():
    token = admin_token()
    uid, mine = agent()
    word = "zebra%d" % uniq()
    ids = [wa_ticket("%s number %d" % (word, i))[0] for i in range(5)]
    # one taken by the agent, one in progress, one closed
    assert api("POST", "/api/tickets/%d/assign" % ids[0], mine).status == 200
    assert api("POST", "/api/tickets/%d/assign" % ids[1], mine).status == 200
    assert api("PUT", "/api/tickets/%d/status" % ids[1], mine, {"status": "in_progress"}).status == 200
    assert api("POST", "/api/tickets/%d/assign" % ids[2], mine).status == 200
    assert api("POST", "/api/tickets/%d/close" % ids[2], mine, {"resolution": "done"}).status == 200

    def listed(query, tok=token):
        r = api("GET", "/api/tickets?limit=100&q=%s&%s" % (word, query), tok)
        assert r.status == 200, (query, r)
        d = r.json()["data"]
        assert d["total"] == len(d["items"]), d
        return {i["id"] for i in d["items"]}
    assert listed("") == set(ids)
    assert listed("status=new") == {ids[3], ids[4]}
    assert listed("status=assigned,in_progress") == {ids[0], ids[1]}
    assert listed("status=closed") == {ids[2]}
    assert listed("unassigned=1") == {ids[3], ids[4]}
    assert listed("mine=1", mine) == {ids[0], ids[1], ids[2]}
    assert listed("assigned_to=%d" % uid) == {ids[0], ids[1], ids[2]}
    # search by reference, by mobile, by a word only in a reply
    ref = one("SELECT reference FROM tickets WHERE id=%d" % ids[4])
    r = api("GET", "/api/tickets?q=%s" % ref, token).json()["data"]
    assert [i["id"] for i in r["items"]] == [ids[4]]
    phone = one("SELECT mobile FROM tickets WHERE id=%d" % ids[3])
    assert [i["id"] for i in api("GET", "/api/tickets?q=%s" % phone, token).json()["data"]["items"]] == [ids[3]]
    other = "quokka%d" % uniq()
    post_webhook(text_message(phone, "and also %s" % other))
    assert [i["id"] for i in api("GET", "/api/tickets?q=%s" % other, token).json()["data"]["items"]] == [ids[3]]
    # sorting and paging
    newest = [i["id"] for i in api("GET", "/api/tickets?q=%s&limit=2" % word, token).json()["data"]["items"]]
    assert newest == [ids[4], ids[3]], newest
    oldest = [i["id"] for i in api("GET", "/api/tickets?q=%s&limit=2&sort=oldest" % word, token).json()["data"]["items"]]
    assert oldest == [ids[0], ids[1]], oldest
    active = [i["id"] for i in api("GET", "/api/tickets?q=%s&limit=1&sort=activity" % word, token).json()["data"]["items"]]
    assert active == [ids[3]], active
    page2 = api("GET", "/api/tickets?q=%s&limit=2&page=2" % word, token).json()["data"]
    assert page2["total"] == 5 and [i["id"] for i in page2["items"]] == [ids[2], ids[1]]
    assert listed("from=2000-01-01&to=2999-12-31") == set(ids)
    assert listed("to=2000-01-01") == set()
    item = api("GET", "/api/tickets?q=%s&limit=1" % word, token).json()["data"]["items"][0]
    assert "last_message" in item and "description" not in item
    for bad in ("limit=101", "page=0", "status=open", "from=yesterday", "sort=random", "mine=1&unassigned=1"):
        r = api("GET", "/api/tickets?" + bad, token)
        assert r.status == 400, (bad, r)


def test_search_finds_references_and_mobiles_as_people_type_them():
    """A reference without its prefix or zeros, a mobile with +, spaces, 00,
    as a national number or by its last digits (issue 19)."""
    token = admin_token()
    phone = "3461%07d" % (uniq() % 10000000)
    tid = None
    r = post_webhook(text_message(phone, "search me %d" % uniq()))
    assert r.status == 200, r
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s' ORDER BY id DESC LIMIT 1" % phone))
    ref = one("SELECT reference FROM tickets WHERE id=%d" % tid)

    def found(q):
        r = api("GET", "/api/tickets?limit=100&q=" + urllib.parse.quote(q), token)
        assert r.status == 200, (q, r)
        return {i["id"] for i in r.json()["data"]["items"]}
    digits = ref.split("-")[1]
    for q in (ref, ref.lower(), digits, str(int(digits)), "TKT-%d" % tid):
        assert tid in found(q), q
    spaced = "+%s %s %s %s" % (phone[:2], phone[2:5], phone[5:8], phone[8:])
    for q in ("+" + phone, spaced, "00" + phone, phone[2:], phone[-6:], "(%s) %s-%s" % (phone[2:5], phone[5:8], phone[8:])):
        assert tid in found(q), q
    # Another mobile's digits find nothing of this one; a closed ticket is
    # found too when no status is asked for.
    assert tid not in found("+" + phone[:-1] + str((int(phone[-1]) + 1) % 10))
    uid, mine = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, mine).status == 200
    assert api("POST", "/api/tickets/%d/close" % tid, mine, {"resolution": "done"}).status == 200
    assert tid in found("+" + phone)
    assert tid not in found("+" + phone + "&status=new")


def test_ticket_by_id_or_reference_with_timeline():
    token = admin_token()
    tid, phone = wa_ticket("first words")
    uid, mine = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, mine).status == 200
    assert api("POST", "/api/tickets/%d/reply" % tid, mine, {"message": "we are on it"}).status == 201
    assert api("POST", "/api/tickets/%d/notes" % tid, mine, {"message": "internal only"}).status == 201
    ref = one("SELECT reference FROM tickets WHERE id=%d" % tid)
    a = api("GET", "/api/tickets/%d" % tid, token)
    b = api("GET", "/api/tickets/%s" % ref, token)
    assert a.status == b.status == 200 and a.json()["data"]["id"] == b.json()["data"]["id"] == tid
    tl = a.json()["data"]["timeline"]
    kinds = [(e["kind"], e["author"]) for e in tl]
    # message, confirmation, "assigned" notice, the reply, the note
    assert kinds == [("whatsapp", "customer"), ("whatsapp", "system"), ("whatsapp", "system"),
                     ("reply", "agent"), ("note", "agent")], kinds
    assert tl[0]["text"] == "first words"
    assert tl[1]["whatsapp"]["status"] == "accepted" and ref in tl[1]["text"]
    assert "assigned to an agent" in tl[2]["text"]
    assert tl[3]["whatsapp"]["status"] == "accepted" and tl[3]["whatsapp"]["wamid"].startswith("wamid.FAKE")
    assert tl[4]["internal"] is True and tl[4]["whatsapp"] is None
    times = [e["created_at"] for e in tl]
    assert times == sorted(times)
    assert api("GET", "/api/tickets/TKT-999999", token).status == 404
    assert api("GET", "/api/tickets/0", token).status == 404


def test_take_race_exactly_one_wins():
    tid, _ = wa_ticket()
    tokens = [agent()[1] for _ in range(4)]
    results = []

    def take(t):
        results.append(api("POST", "/api/tickets/%d/assign" % tid, t).status)
    threads = [threading.Thread(target=take, args=(t,)) for t in tokens]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == [200, 409, 409, 409], results
    assert one("SELECT status FROM tickets WHERE id=%d" % tid) == "assigned"


def test_only_the_holder_replies_and_super_admin_reassigns():
    tid, phone = wa_ticket()
    a_id, a = agent()
    b_id, b = agent()
    assert api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "x"}).json()["error"]["code"] == "not_holder"
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status == 200
    r = api("POST", "/api/tickets/%d/assign" % tid, b)
    assert r.status == 409 and r.json()["error"]["details"]["assigned_to"] == a_id, r
    assert api("POST", "/api/tickets/%d/reply" % tid, b, {"message": "x"}).status == 403
    assert api("POST", "/api/tickets/%d/close" % tid, b, {"resolution": "x"}).status == 403
    # Only the holder passes it on: b, who does not hold it, cannot.
    assert api("POST", "/api/tickets/%d/assign" % tid, b, {"user_id": b_id}).status == 409
    c_id, c = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, b, {"user_id": c_id}).status == 403
    r = api("POST", "/api/tickets/%d/assign" % tid, admin_token(), {"user_id": b_id})
    assert r.status == 200 and r.json()["data"]["assigned_to"]["id"] == b_id, r
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action='ticket.reassign' AND entity_id='%d'" % tid)) == 1
    # The holder (now b) passes it to a colleague, audited the same way.
    r = api("POST", "/api/tickets/%d/assign" % tid, b, {"user_id": a_id})
    assert r.status == 200 and r.json()["data"]["assigned_to"]["id"] == a_id, r
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action='ticket.reassign' AND entity_id='%d'" % tid)) == 2
    assert api("POST", "/api/tickets/%d/assign" % tid, b, {"user_id": c_id}).status == 403
    reporter = token_for("reporter")
    r = api("POST", "/api/tickets/%d/assign" % tid, admin_token(), {"user_id": int(one(
        "SELECT id FROM users WHERE role='reporter' ORDER BY id DESC LIMIT 1"))})
    assert r.status == 422, r
    assert api("POST", "/api/tickets/%d/reply" % tid, reporter, {"message": "x"}).status == 403


def test_the_holder_releases_a_ticket_back_to_nobody():
    tid, phone = wa_ticket()
    a_id, a = agent()
    b_id, b = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status == 200
    sent = len(graph_sent(phone))
    r = api("POST", "/api/tickets/%d/release" % tid, b)
    assert r.status == 403 and r.json()["error"]["code"] == "not_holder", r
    r = api("POST", "/api/tickets/%d/release" % tid, a)
    d = r.json()["data"]
    assert r.status == 200 and d["assigned_to"] is None and d["status"] == "new", r
    assert one("SELECT assigned_to FROM tickets WHERE id=%d" % tid) in (None, "NULL"), "nobody holds it"
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action='ticket.release' AND entity_id='%d'" % tid)) == 1
    assert len(graph_sent(phone)) == sent, "the customer is not told"
    # Again: nothing changes; anyone may then take it.
    assert api("POST", "/api/tickets/%d/release" % tid, a).status == 200
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action='ticket.release' AND entity_id='%d'" % tid)) == 1
    assert api("POST", "/api/tickets/%d/assign" % tid, b).status == 200
    # Work started stays started; a closed ticket is not released.
    assert api("POST", "/api/tickets/%d/reply" % tid, b, {"message": "on it"}).status == 201
    r = api("POST", "/api/tickets/%d/release" % tid, admin_token())
    assert r.status == 200 and r.json()["data"]["status"] == "in_progress", r
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status == 200
    assert api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "done"}).status == 200
    assert api("POST", "/api/tickets/%d/release" % tid, a).json()["error"]["code"] == "ticket_closed"


def test_reply_reaches_the_customer_and_starts_the_work():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "Hola Ana \u2014 on it \U0001F44D"})
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["whatsapp"]["status"] == "sent" and d["whatsapp"]["wamid"].startswith("wamid.FAKE"), d
    assert d["ticket"]["status"] == "in_progress" and d["ticket"]["first_response_at"], d["ticket"]
    sent = [x for x in graph_sent(phone) if x["body"]["text"]["body"].startswith("Hola Ana")]
    assert len(sent) == 1 and sent[0]["body"]["text"]["body"] == "Hola Ana \u2014 on it \U0001F44D"
    first = one("SELECT first_response_at FROM tickets WHERE id=%d" % tid)
    api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "second"})
    assert one("SELECT first_response_at FROM tickets WHERE id=%d" % tid) == first
    assert api("POST", "/api/tickets/%d/reply" % tid, a, {"message": ""}).status == 422
    assert api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "x" * 4097}).status == 422


def test_notes_never_reach_the_customer():
    tid, phone = wa_ticket()
    _, a = agent()
    before = len(graph_sent(phone))
    r = api("POST", "/api/tickets/%d/notes" % tid, a, {"message": "customer sounds upset"})
    assert r.status == 201 and r.json()["data"]["internal"] is True, r
    assert len(graph_sent(phone)) == before
    assert one("SELECT internal FROM replies WHERE ticket_id=%d" % tid) == "1"


def test_status_moves_allowed_and_refused():
    tid, phone = wa_ticket()
    _, a = agent()
    r = api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "assigned"})   # takes it
    assert r.status == 200 and r.json()["data"]["status"] == "assigned", r
    assert any("assigned to an agent" in x for x in texts_to(phone))           # the customer is told
    r = api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "new"})
    assert r.status == 409 and r.json()["error"]["code"] == "invalid_transition", r
    r = api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "closed"})
    assert r.status == 422 and r.json()["error"]["code"] == "use_close", r
    r = api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "in_progress", "expected_status": "new"})
    assert r.status == 409 and r.json()["error"]["code"] == "stale_status", r
    r = api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "in_progress", "expected_status": "assigned"})
    assert r.status == 200 and r.json()["data"]["status"] == "in_progress", r
    assert api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "bogus"}).status == 422
    assert api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "fixed it"}).status == 200
    assert api("PUT", "/api/tickets/%d/status" % tid, a, {"status": "in_progress"}).status == 409
    r = api("PUT", "/api/tickets/%d/status" % tid, admin_token(), {"status": "in_progress"})   # reopen
    assert r.status == 200 and r.json()["data"]["closed_at"] is None, r


def test_close_with_resolution():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    r = api("POST", "/api/tickets/%d/close" % tid, a, {})
    assert r.status == 422 and "resolution" in r.json()["error"]["details"], r
    r = api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "Replaced the router."})
    assert r.status == 200, r
    t = r.json()["data"]
    assert t["status"] == "closed" and t["closed_at"] and t["resolution"] == "Replaced the router.", t
    assert any("Replaced the router." in x for x in texts_to(phone))
    assert api("POST", "/api/tickets/%d/close" % tid, a, {"resolution": "again"}).status == 409
    assert api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "hi"}).status == 409


def test_graph_failure_keeps_the_reply_and_the_outbox_delivers_it():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    graph_mode("http500", 1)
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "this one fails first"})
    assert r.status == 201, r
    w = r.json()["data"]["whatsapp"]
    assert w["status"] == "failed" and w["error_title"], w
    assert one("SELECT message FROM replies WHERE ticket_id=%d AND author='agent'" % tid) == "this one fails first"
    tl = api("GET", "/api/tickets/%d" % tid, a).json()["data"]["timeline"]
    assert tl[-1]["whatsapp"]["status"] == "failed"
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) WHERE id=%d" % w["id"])
    res = tick("outbox")
    assert res.returncode == 0, res.stderr
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "accepted"
    assert "this one fails first" in texts_to(phone)


def cgi(path, token, body, **env):
    """The tickets responder run as plain CGI with extra configuration."""
    data = json.dumps(body).encode()
    e = dict(os.environ, REQUEST_METHOD="POST", DOCUMENT_URI=path, QUERY_STRING="",
             CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(data)), REMOTE_ADDR="127.0.0.1",
             HTTP_AUTHORIZATION="Bearer " + token, **env)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "tickets.fcgi")], input=data, env=e,
                         capture_output=True, timeout=60)
    head, _, payload = out.stdout.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(payload)


def test_outside_the_window_without_a_template_is_422():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    sql("UPDATE tickets SET last_customer_message_at = NOW() - INTERVAL 25 HOUR WHERE id=%d" % tid)
    before = int(one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d" % tid))
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "too late"})
    assert r.status == 422 and r.json()["error"]["code"] == "outside_window", r
    assert int(one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d" % tid)) == before


def test_outside_the_window_with_a_template_holds_the_text():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    sql("UPDATE tickets SET last_customer_message_at = NOW() - INTERVAL 25 HOUR WHERE id=%d" % tid)
    status, r = cgi("/api/tickets/%d/reply" % tid, a, {"message": "the held answer"},
                    WHATSAPP_TEMPLATE_NAME="reopen_conversation", WHATSAPP_TEMPLATE_LANG="es_MX")
    assert status == 201, r
    w = r["data"]["whatsapp"]
    assert w["status"] == "held" and w["template"]["status"] == "sent", w
    tpl = [x for x in graph_sent(phone) if x["body"]["type"] == "template"]
    assert len(tpl) == 1 and tpl[0]["body"]["template"] == {"name": "reopen_conversation",
                                                            "language": {"code": "es_MX"}}, tpl
    assert "the held answer" not in texts_to(phone)
    # The customer answers the template: the held text goes out.
    assert post_webhook(text_message(phone, "yes, I am here")).status == 200
    assert "the held answer" in texts_to(phone)
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "accepted"


def test_131047_inside_the_window_is_handled_the_same_way():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    graph_mode("error:131047", 1)
    status, r = cgi("/api/tickets/%d/reply" % tid, a, {"message": "meta says no"},
                    WHATSAPP_TEMPLATE_NAME="reopen_conversation")
    assert status == 201, r
    assert r["data"]["whatsapp"]["status"] == "held" and r["data"]["whatsapp"]["error_code"] == 131047, r
    assert any(x["body"]["type"] == "template" for x in graph_sent(phone))
    # Without a template it is a failed send with Meta's code, never retried.
    graph_mode("error:131047", 1)
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "no template here"})
    w = r.json()["data"]["whatsapp"]
    assert w["status"] == "failed" and w["error_code"] == 131047, w
    assert one("SELECT next_attempt_at IS NULL FROM whatsapp_messages WHERE id=%d" % w["id"]) == "1"


def test_simulate_message_is_the_webhook_path():
    token = admin_token()
    phone = new_phone()
    r = api("POST", "/api/whatsapp/simulate-message", token, {"phone": "+" + phone, "name": "Sim Ulated",
                                                              "text": "simulated problem"})
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["tickets_created"] == 1 and d["reference"].startswith("TKT-"), d
    row = sql("SELECT name, mobile, description, source, status FROM tickets WHERE id=%d" % d["ticket_id"])
    assert row == [["Sim Ulated", phone, "simulated problem", "whatsapp", "new"]], row
    assert any(d["reference"] in x for x in texts_to(phone))
    assert one("SELECT COUNT(*) FROM webhook_events WHERE id=%d" % d["event_id"]) == "1"
    r = api("POST", "/api/whatsapp/simulate-message", token, {"phone": phone, "text": "more"})
    assert r.json()["data"]["replies"] == 1
    assert api("POST", "/api/whatsapp/simulate-message", token, {"phone": "x"}).status == 422


def test_customer_asks_for_status_by_reference():
    tid, phone = wa_ticket()
    ref = one("SELECT reference FROM tickets WHERE id=%d" % tid)
    replies = int(one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d" % tid))
    r = post_webhook(text_message(phone, "status %s" % ref.lower()))
    assert r.status == 200 and r.json()["data"]["status_queries"] == 1, r
    assert "Ticket %s is received." % ref in texts_to(phone)
    assert post_webhook(text_message(phone, ref)).json()["data"]["status_queries"] == 1
    assert int(one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d" % tid)) == replies
    # Someone else's reference tells nothing about it.
    other_tid, other = wa_ticket()
    post_webhook(text_message(other, "status %s" % ref))
    assert "We found no ticket %s for this number." % ref in texts_to(other)


def test_whatsapp_send_to_any_number():
    token = admin_token()
    phone = new_phone()
    r = api("POST", "/api/whatsapp/send", token, {"phone": "+" + phone, "message": "a message from the desk"})
    assert r.status == 201 and r.json()["data"]["whatsapp"]["status"] == "sent", r
    assert "a message from the desk" in texts_to(phone)
    assert one("SELECT ticket_id IS NULL FROM whatsapp_messages WHERE JSON_VALUE(payload, '$.to')='%s'" % phone) == "1"
    tid, tphone = wa_ticket()
    r = api("POST", "/api/whatsapp/send", token, {"ticket_id": tid, "message": "on the ticket"})
    assert r.status == 201, r
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d AND message='on the ticket'" % tid) == "1"
    assert api("POST", "/api/whatsapp/send", token, {"message": "to whom?"}).status == 422
    assert api("POST", "/api/whatsapp/send", token_for("agent"), {"phone": phone, "message": "x"}).status == 403


def test_whatsapp_status():
    token = admin_token()
    r = api("GET", "/api/whatsapp/status", token)
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["configured"] is True and d["signature_check"] is True and d["last_success_at"], d
    assert d["last_error"] and d["last_error"]["title"], d
    # Issue 19: when the newest webhook arrived (the setup checklist's).
    wa_ticket()
    d = api("GET", "/api/whatsapp/status", token).json()["data"]
    newest = one("SELECT DATE_FORMAT(MAX(received_at), '%Y-%m-%dT%H:%i:%s.%fZ') FROM webhook_events")
    assert d["last_webhook_at"] == newest, (d["last_webhook_at"], newest)
    r = api("GET", "/api/whatsapp/status?live=1", token)
    assert r.json()["data"]["live"]["ok"] is True, r
    assert r.json()["data"]["live"]["phone"]["verified_name"] == "Fake Desk"


def test_ticket_says_what_take_and_close_tell_the_customer():
    # Issue 19: the panel shows these before Take and Close.
    token = admin_token()
    tid, phone = wa_ticket("where is my parcel?")
    t = api("GET", "/api/tickets/%d" % tid, token).json()["data"]
    ref = t["reference"]
    assert ref in t["notices"]["take"], t["notices"]
    assert ref in t["notices"]["close"] and "{resolution}" in t["notices"]["close"], t["notices"]
    assert api("POST", "/api/tickets/%d/assign" % tid, token, {}).status == 200
    assert t["notices"]["take"] in texts_to(phone), texts_to(phone)
    r = api("POST", "/api/tickets/%d/close" % tid, token, {"resolution": "Sent again"})
    assert r.status == 200, r
    assert t["notices"]["close"].replace("{resolution}", "Sent again") in texts_to(phone), texts_to(phone)
    # No WhatsApp notices on the ticket: the customer is told nothing.
    r = api("POST", "/api/tickets", token, {
        "name": "Quiet", "description": "no notices", "issue_type": "hardware",
        "whatsapp_enabled": False, "whatsapp_notifications": False})
    assert r.status == 201, r
    t = api("GET", "/api/tickets/%d" % r.json()["data"]["id"], token).json()["data"]
    assert t["notices"] == {"take": None, "close": None}, t["notices"]


def test_edit_and_delete():
    token = admin_token()
    tid, phone = wa_ticket()
    _, a = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status == 200   # only the holder edits
    r = api("PUT", "/api/tickets/%d" % tid, a, {"issue_type": "other", "issue_type_other": "Billing",
                                                "email": "ana@example.com"})
    assert r.status == 200 and r.json()["data"]["issue_type_other"] == "Billing", r
    r = api("PUT", "/api/tickets/%d" % tid, a, {"issue_type_other": ""})
    assert r.status == 422 and "issue_type_other" in r.json()["error"]["details"], r
    assert api("DELETE", "/api/tickets/%d" % tid, a).status == 403
    assert api("DELETE", "/api/tickets/%d" % tid, token).status == 200
    assert api("GET", "/api/tickets/%d" % tid, token).status == 404
    assert one("SELECT deleted_at IS NOT NULL FROM tickets WHERE id=%d" % tid) == "1"
    # A deleted ticket is no customer's open ticket any more.
    post_webhook(text_message(phone, "new problem"))
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile='%s'" % phone)) == 2


def test_replies_routes_of_the_tick_system():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    r = api("POST", "/api/replies", a, {"ticket_id": tid, "message": "via replies"})
    assert r.status == 201 and r.json()["data"]["whatsapp"]["status"] == "sent", r
    r = api("GET", "/api/replies/%d" % tid, a)
    assert r.status == 200 and r.json()["data"]["replies"][-1]["text"] == "via replies", r
    assert api("POST", "/api/replies", a, {"ticket_id": 99999999, "message": "x"}).status == 404


def test_stats():
    r = api("GET", "/api/tickets/stats", token_for("reporter"))
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["total"] == sum(d["by_status"].values()) and d["total"] > 0, d


def test_retry_a_failed_message_now():
    tid, phone = wa_ticket()
    _, a = agent()
    api("POST", "/api/tickets/%d/assign" % tid, a)
    graph_mode("http500", 1)   # a permanent refusal is not retried (test_hard_tickets)
    w = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "retry me"}).json()["data"]["whatsapp"]
    assert w["status"] == "failed", w
    r = api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), a)
    assert r.status == 200 and r.json()["message"] == "sent", r
    assert one("SELECT status FROM whatsapp_messages WHERE id=%d" % w["id"]) == "accepted"
    # Only a failed message of this ticket.
    assert api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), a).status == 409
    other, _ = wa_ticket()
    api("POST", "/api/tickets/%d/assign" % other, a)   # the holder rule comes first
    assert api("POST", "/api/tickets/%d/messages/%d/retry" % (other, w["id"]), a).status == 409
    assert api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, w["id"]), token_for("reporter")).status == 403
