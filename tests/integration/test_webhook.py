#!/usr/bin/env python3
"""The webhook, health and outbox over the real stack: nginx with TLS, the
responders, MariaDB, and the fake Graph API."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, HTTP_PORT, PNID, VAR, VERIFY, esc, graph, graph_mode,  # noqa: E402
                     graph_sent, new_phone, one, post_webhook, request, sql,
                     statuses_payload, text_message, tick, uniq)


def count(table, where="1"):
    return int(one("SELECT COUNT(*) FROM %s WHERE %s" % (table, where)))


def ticket_of(phone):
    rows = sql("SELECT id, reference, name, mobile, description, status, whatsapp_enabled, source "
               "FROM tickets WHERE mobile = '%s' ORDER BY id" % esc(phone))
    return rows


def confirmation(phone):
    rows = sql("SELECT id, status, wamid, error_code, next_attempt_at IS NOT NULL, attempts, body "
               "FROM whatsapp_messages WHERE direction = 'out' AND JSON_VALUE(payload, '$.to') = '%s' "
               "ORDER BY id" % esc(phone))
    return rows


# -- health and routing ------------------------------------------------------

def test_health_reports_database_and_whatsapp():
    r = request("GET", "/api/health")
    assert r.status == 200, r
    # Public: up or down only; details are at /api/whatsapp/status.
    assert r.json()["data"] == {"status": "up"}, r


def test_ping_and_security_headers():
    r = request("GET", "/api/ping")
    assert r.status == 200 and r.json()["success"] is True, r
    assert r.headers.get("strict-transport-security")
    assert r.headers.get("x-content-type-options") == "nosniff"
    assert r.headers.get("content-type") == "application/json"


def test_http_redirects_to_https():
    s = socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=5)
    s.sendall(b"GET /api/health HTTP/1.0\r\nHost: localhost\r\n\r\n")
    head = s.recv(4096).decode()
    s.close()
    assert head.startswith("HTTP/1.1 301"), head
    assert "https://localhost:%d/api/health" % int(os.environ["TICK_HTTPS_PORT"]) in head


def test_unknown_api_route_is_json_404():
    r = request("GET", "/api/nope")
    assert r.status == 404 and r.json()["error"]["code"] == "not_found", r


def test_wrong_method_is_405():
    r = request("PUT", "/api/whatsapp/webhook", b"{}")
    assert r.status == 405 and r.json()["error"]["code"] == "method_not_allowed", r


# -- verification handshake ---------------------------------------------------

def test_verify_handshake_echoes_challenge():
    for path in ("/api/whatsapp/webhook", "/webhook"):
        r = request("GET", path + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + VERIFY)
        assert r.status == 200, r
        assert r.body == b"1158201444"
        assert r.headers["content-type"].startswith("text/plain")


def test_verify_handshake_refuses_wrong_token_or_mode():
    for q in ("hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong",
              "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=" + VERIFY,
              "hub.challenge=1&hub.verify_token=" + VERIFY,
              "hub.mode=subscribe&hub.verify_token=" + VERIFY,
              "hub.mode=subscribe&hub.challenge=%0a1&hub.verify_token=" + VERIFY,
              ""):
        r = request("GET", "/api/whatsapp/webhook?" + q)
        assert r.status == 403, (q, r)
        assert r.json()["success"] is False


# -- the message path ----------------------------------------------------------

def test_signed_text_creates_ticket_and_confirmation():
    phone = new_phone()
    graph("POST", "/_fake/reset")
    r = post_webhook(text_message(phone, "Mi pedido no llega \u00f1 \U0001F600",
                                  name="Ana Mar\u00eda Ruiz de la Fuente Gonz\u00e1lez"))
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["tickets_created"] == 1 and d["messages"] == 1 and d["notices_sent"] == 1, d
    rows = ticket_of(phone)
    assert len(rows) == 1, rows
    tid, ref, name, mobile, desc, status, wa, source = rows[0]
    assert ref == "TKT-%06d" % int(tid), ref
    assert name == "Ana Mar\u00eda Ruiz de la Fuente Gonz\u00e1"[:30], name   # cut to VARCHAR(30)
    assert len(name) == 30
    assert desc == "Mi pedido no llega \u00f1 \U0001F600"
    assert (status, wa, source) == ("new", "1", "whatsapp")
    sent = graph_sent(phone)
    assert len(sent) == 1, sent
    b = sent[0]["body"]
    assert sent[0]["authorization"] == "Bearer " + os.environ["WHATSAPP_ACCESS_TOKEN"]
    # The version WHATSAPP_API_URL names (v25.0; TICK_GRAPH_VERSION=v26.0).
    version = os.environ.get("WHATSAPP_API_URL", "/v25.0").rstrip("/").rsplit("/", 1)[1]
    assert sent[0]["path"] == "/%s/%s/messages" % (version, PNID)
    assert b["type"] == "text" and ref in b["text"]["body"], b
    out = confirmation(phone)
    assert len(out) == 1 and out[0][1] == "accepted" and out[0][2] == sent[0]["wamid"], out
    assert count("whatsapp_messages", "direction='in' AND ticket_id=%s" % tid) == 1


def test_redelivery_changes_nothing():
    phone = new_phone()
    payload = text_message(phone, "hello once")
    r = post_webhook(payload)
    assert r.status == 200
    # The raw body is kept, in the message's own transaction, marked done.
    ev = r.json()["data"]["event_id"]
    assert sql("SELECT state, messages, body = '%s' FROM webhook_events WHERE id=%d"
               % (esc(json.dumps(payload)), ev)) == [["processed", "1", "1"]]
    before = (count("tickets"), count("replies"), count("whatsapp_messages"), len(graph_sent(phone)))
    events = count("webhook_events")
    for _ in range(3):
        r = post_webhook(payload)
        assert r.status == 200, r
        assert r.json()["data"]["duplicates"] == 1
    # Every delivery's raw body is kept, redeliveries too.
    assert count("webhook_events") == events + 3
    after = (count("tickets"), count("replies"), count("whatsapp_messages"), len(graph_sent(phone)))
    assert before == after, (before, after)
    assert len(ticket_of(phone)) == 1


def test_second_message_becomes_reply():
    phone = new_phone()
    assert post_webhook(text_message(phone, "first")).status == 200
    r = post_webhook(text_message(phone, "second, more detail"))
    assert r.status == 200 and r.json()["data"]["replies"] == 1, r
    rows = ticket_of(phone)
    assert len(rows) == 1
    tid = rows[0][0]
    assert sql("SELECT message, author FROM replies WHERE ticket_id = %s" % tid) == [["second, more detail", "customer"]]
    assert len(graph_sent(phone)) == 1   # one confirmation, for the new ticket only


def test_message_after_close_opens_new_ticket():
    phone = new_phone()
    assert post_webhook(text_message(phone, "first problem")).status == 200
    sql("UPDATE tickets SET status = 'closed', closed_at = NOW() WHERE mobile = '%s'" % phone)
    assert post_webhook(text_message(phone, "a new problem")).status == 200
    rows = ticket_of(phone)
    assert len(rows) == 2 and rows[1][4] == "a new problem" and rows[1][5] == "new", rows
    assert len(graph_sent(phone)) == 2


def test_batch_of_messages_from_several_customers():
    phones = [new_phone() for _ in range(3)]
    payload = text_message(phones[0], "one")
    value = payload["entry"][0]["changes"][0]["value"]
    for p in phones[1:]:
        value["contacts"].append({"profile": {"name": "X"}, "wa_id": p})
        value["messages"].append({"from": p, "id": "wamid.B%d" % uniq(), "timestamp": "1717000100",
                                  "type": "text", "text": {"body": "batch " + p}})
    r = post_webhook(payload)
    assert r.status == 200 and r.json()["data"]["tickets_created"] == 3, r
    for p in phones:
        assert len(ticket_of(p)) == 1


def test_concurrent_first_messages_make_one_ticket():
    phone = new_phone()
    results = []

    def send(i):
        results.append(post_webhook(text_message(phone, "parallel %d" % i)).status)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 6, results
    rows = ticket_of(phone)
    assert len(rows) == 1, rows
    assert count("replies", "ticket_id = %s" % rows[0][0]) == 5


def test_concurrent_new_customers_never_deadlock():
    # Consecutive numbers land next to each other in the mobile index, where
    # gap locks used to make two new tickets deadlock.
    base = 5215600000000 + uniq() * 100
    phones = [str(base + i) for i in range(24)]
    results = []

    def send(p):
        results.append(post_webhook(text_message(p, "at the same time")).status)
    threads = [threading.Thread(target=send, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * len(phones), results
    for p in phones:
        assert len(ticket_of(p)) == 1, p


def test_other_types_are_recorded_and_answered():
    phone = new_phone()
    p = text_message(phone, "x")
    m = p["entry"][0]["changes"][0]["value"]["messages"][0]
    del m["text"]
    m["type"], m["hologram"] = "hologram", {"id": "1"}
    r = post_webhook(p)
    assert r.status == 200, r
    assert count("whatsapp_messages", "wamid = '%s' AND type = 'hologram'" % m["id"]) == 1
    assert ticket_of(phone) == []   # nothing a customer said: no ticket
    # A location does open a ticket, as readable text with a map link.
    p = text_message(phone, "x")
    m = p["entry"][0]["changes"][0]["value"]["messages"][0]
    del m["text"]
    m["type"], m["location"] = "location", {"latitude": 19.4326, "longitude": -99.1332, "name": "Zocalo"}
    assert post_webhook(p).status == 200
    rows = ticket_of(phone)
    assert len(rows) == 1 and "maps.google.com/?q=19.432600,-99.133200" in rows[0][4], rows


def test_sender_without_phone_number():
    uid = "US.%d" % uniq()
    p = text_message("0", "no phone")
    v = p["entry"][0]["changes"][0]["value"]
    m = v["messages"][0]
    del m["from"]
    m["from_user_id"] = uid
    v["contacts"] = [{"profile": {"name": "Private"}, "user_id": uid}]
    r = post_webhook(p)
    assert r.status == 200 and r.json()["data"]["tickets_created"] == 1, r
    rows = sql("SELECT t.mobile IS NULL, t.name FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id "
               "WHERE c.user_id = '%s'" % uid)
    assert rows == [["1", "Private"]], rows


def test_other_phone_number_id_is_recorded_and_ignored():
    phone = new_phone()
    p = text_message(phone, "for another number", pnid="999999999")
    r = post_webhook(p)
    assert r.status == 200 and r.json()["data"]["ignored"] == 1, r
    wamid = p["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert sql("SELECT ignored FROM whatsapp_messages WHERE wamid = '%s'" % wamid) == [["other phone_number_id"]]
    assert ticket_of(phone) == [] and graph_sent(phone) == []


# -- refusals --------------------------------------------------------------------

def test_bad_or_missing_signature_is_401_and_stores_nothing():
    phone = new_phone()
    events = count("webhook_events")
    for kw in ({"signed": False}, {"secret": "wrong-secret"}):
        r = post_webhook(text_message(phone, "forged"), **kw)
        assert r.status == 401 and r.json()["error"]["code"] == "invalid_signature", r
    body = json.dumps(text_message(phone, "tampered")).encode()
    r = request("POST", "/api/whatsapp/webhook", body.replace(b"tampered", b"tampereD"),
                {"X-Hub-Signature-256": post_sig(body)})
    assert r.status == 401, r
    assert count("webhook_events") == events
    assert ticket_of(phone) == []


def post_sig(body):
    from harness import sign
    return sign(body)


def test_malformed_body_is_400_and_stores_nothing():
    events = count("webhook_events")
    # (A \u0000 escape is no longer malformed: it is stored as U+FFFD, see
    # test_hard_webhook's test_nul_and_lone_surrogate_escapes_are_replaced.)
    for body in (b"not json", b"{\"object\":", b"[]", b""):
        r = post_webhook(body)
        assert r.status == 400, (body, r)
        assert r.json()["error"]["code"] == "invalid_json"
    assert count("webhook_events") == events


def test_oversized_body_is_413_json():
    body = b"{\"x\":\"" + b"a" * (5 * 1024 * 1024) + b"\"}"
    r = post_webhook(body)
    assert r.status == 413, r
    assert r.json()["error"]["code"] == "payload_too_large"


def test_foreign_object_is_stored_and_ignored():
    r = post_webhook({"object": "page", "entry": []})
    assert r.status == 200 and "ignored" in r.json()["message"], r


# -- statuses ----------------------------------------------------------------------

def test_statuses_move_forward_only():
    phone = new_phone()
    assert post_webhook(text_message(phone, "status please")).status == 200
    wamid = graph_sent(phone)[0]["wamid"]
    ts = str(int(time.time()))
    st = lambda s: {"id": wamid, "status": s, "timestamp": ts, "recipient_id": phone}  # noqa: E731
    assert post_webhook(statuses_payload([st("sent")])).status == 200
    assert confirmation(phone)[0][1] == "sent"
    # read arrives before delivered (delivered can also be skipped)
    assert post_webhook(statuses_payload([st("read"), st("delivered")])).status == 200
    assert confirmation(phone)[0][1] == "read"
    r = post_webhook(statuses_payload([st("delivered"), st("read")]))
    assert r.status == 200 and r.json()["data"]["statuses"] == 0, r   # duplicates change nothing
    assert confirmation(phone)[0][1] == "read"
    assert count("whatsapp_statuses", "wamid = '%s'" % wamid) == 3


def test_failed_status_keeps_code_and_title():
    phone = new_phone()
    assert post_webhook(text_message(phone, "will fail later")).status == 200
    wamid = graph_sent(phone)[0]["wamid"]
    fail = {"id": wamid, "status": "failed", "timestamp": "1717000300", "recipient_id": phone,
            "errors": [{"code": 131026, "title": "Message undeliverable"}]}
    assert post_webhook(statuses_payload([fail])).status == 200
    rows = sql("SELECT status, error_code, error_title FROM whatsapp_messages WHERE wamid = '%s'" % wamid)
    assert rows == [["failed", "131026", "Message undeliverable"]], rows


# -- Graph failures and the outbox -------------------------------------------------

def test_graph_down_keeps_ticket_and_outbox_delivers_later():
    phone = new_phone()
    graph_mode("http500")
    try:
        r = post_webhook(text_message(phone, "graph is down"))
    finally:
        graph_mode("ok")
    assert r.status == 200 and r.json()["data"]["notices_failed"] == 1, r
    assert len(ticket_of(phone)) == 1
    out = confirmation(phone)
    assert out[0][1] == "failed" and out[0][3] == "1" and out[0][4] == "1", out
    # Not due yet: the outbox leaves it alone.
    before = len(graph_sent(phone))
    res = tick("outbox")
    assert res.returncode == 0, res.stderr
    assert len(graph_sent(phone)) == before
    # Time passes.
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) WHERE id = %s" % out[0][0])
    res = tick("outbox")
    assert res.returncode == 0 and "1 sent" in res.stdout, (res.stdout, res.stderr)
    out = confirmation(phone)
    assert out[0][1] == "accepted" and out[0][2].startswith("wamid.FAKE") and out[0][4] == "0", out
    assert out[0][5] == "2"
    # Running it again sends nothing twice.
    res = tick("outbox")
    assert len([s for s in graph_sent(phone) if s.get("answer") == 200]) == 1


def test_graph_timeout_still_answers_meta_in_time():
    phone = new_phone()
    graph_mode("timeout", 1)
    start = time.time()
    r = post_webhook(text_message(phone, "graph is slow"))
    took = time.time() - start
    assert r.status == 200 and r.json()["data"]["notices_failed"] == 1, r
    assert took < 5, took
    out = confirmation(phone)
    assert out[0][1] == "failed" and out[0][4] == "1", out
    assert "imeout" in one("SELECT error_title FROM whatsapp_messages WHERE id = %s" % out[0][0])


def test_permanent_error_is_never_retried():
    phone = new_phone()
    graph_mode("error:131047", 1)
    r = post_webhook(text_message(phone, "outside the window"))
    assert r.status == 200, r
    out = confirmation(phone)
    assert out[0][1] == "failed" and out[0][3] == "131047" and out[0][4] == "0", out
    sql("UPDATE whatsapp_messages SET next_attempt_at = NULL WHERE id = %s" % out[0][0])
    n = len(graph_sent(phone))
    tick("outbox")
    assert len(graph_sent(phone)) == n


def test_one_graph_failure_defers_the_rest_of_the_batch():
    phones = [new_phone() for _ in range(3)]
    payload = text_message(phones[0], "one")
    value = payload["entry"][0]["changes"][0]["value"]
    for p in phones[1:]:
        value["messages"].append({"from": p, "id": "wamid.D%d" % uniq(), "timestamp": "1717000100",
                                  "type": "text", "text": {"body": "deferred"}})
    graph_mode("timeout", 1)
    start = time.time()
    r = post_webhook(payload)
    assert r.status == 200 and time.time() - start < 5, r
    d = r.json()["data"]
    assert d["tickets_created"] == 3 and d["notices_failed"] == 3, d
    # The two deferred ones are due at once; the outbox sends them.
    res = tick("outbox")
    assert res.returncode == 0, res.stderr
    for p in phones[1:]:
        assert confirmation(p)[0][1] == "accepted", confirmation(p)


# -- other ways to run a responder ----------------------------------------------------

def test_plain_cgi():
    env = dict(os.environ, REQUEST_METHOD="GET", REQUEST_URI="/api/whatsapp/webhook?x=1",
               QUERY_STRING="hub.mode=subscribe&hub.challenge=42&hub.verify_token=" + VERIFY)
    env.pop("DOCUMENT_URI", None)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=env, input=b"",
                         capture_output=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(b"Status: 200 OK\r\n"), out.stdout
    assert out.stdout.endswith(b"\r\n\r\n42"), out.stdout
    body = json.dumps(text_message(new_phone(), "via cgi")).encode()
    env.update(REQUEST_METHOD="POST", QUERY_STRING="", CONTENT_LENGTH=str(len(body)),
               HTTP_X_HUB_SIGNATURE_256=post_sig(body))
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=env, input=body,
                         capture_output=True, timeout=30)
    assert out.stdout.startswith(b"Status: 200 OK"), out.stdout
    assert b'"tickets_created":1' in out.stdout


def test_plain_cgi_reads_a_refused_body():
    # Apache's mod_cgid writes the whole body before it reads the answer:
    # a body refused unread (413, 405) is read to its end after answering,
    # or Apache drops the answer. stdin is a file, so its offset says how
    # much the responder read.
    path = os.path.join(VAR, "cgi-body")
    for method, size, status in (("POST", 5 * 1024 * 1024, b"413"), ("PUT", 2, b"405")):
        with open(path, "wb") as f:
            f.write(b"x" * size)
        env = dict(os.environ, REQUEST_METHOD=method, REQUEST_URI="/api/whatsapp/webhook",
                   QUERY_STRING="", CONTENT_LENGTH=str(size))
        env.pop("DOCUMENT_URI", None)
        with open(path, "rb") as f:
            out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=env, stdin=f,
                                 capture_output=True, timeout=30)
            assert out.stdout.startswith(b"Status: " + status), out.stdout[:200]
            assert os.lseek(f.fileno(), 0, os.SEEK_CUR) == size, (method, size)
    os.unlink(path)


def test_fastcgi_under_a_process_manager():
    sock = os.path.join(VAR, "run", "pm.sock")
    pm = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "-M", "0666", "--",
                           os.path.join(BUILD, "cgi-bin", "health.fcgi")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        env = dict(os.environ, REQUEST_METHOD="GET", DOCUMENT_URI="/api/ping", QUERY_STRING="")
        out = subprocess.run(["cgi-fcgi", "-bind", "-connect", sock], env=env,
                             capture_output=True, timeout=30)
        assert out.stdout.startswith(b"Status: 200 OK"), out.stdout
        assert b'"message":"pong"' in out.stdout
    finally:
        pm.terminate()
        pm.wait(10)


def stack_pid(name):
    pid = None
    for line in open(os.path.join(VAR, "pids")):
        n, p = line.split()
        if n == name:
            pid = int(p)
    return pid


def children_of(pid):
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()


def test_standalone_respawns_a_dead_worker():
    master = stack_pid("webhook")
    children = children_of(master)
    assert len(children) >= 2, children
    os.kill(int(children[0]), 9)
    time.sleep(1.5)
    after = children_of(master)
    assert len(after) == len(children) and children[0] not in after, (children, after)
    assert request("GET", "/api/whatsapp/webhook?hub.mode=subscribe&hub.challenge=7&hub.verify_token=" + VERIFY).status == 200


def test_standalone_stops_cleanly_on_sigterm():
    sock = os.path.join(VAR, "run", "extra.sock")
    p = subprocess.Popen([os.path.join(BUILD, "cgi-bin", "health.fcgi"), "--listen", "unix:" + sock,
                          "--workers", "3"], stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    workers = children_of(p.pid)
    assert len(workers) == 3, workers
    p.terminate()
    assert p.wait(10) == 0
    assert not os.path.exists(sock)
    for w in workers:
        assert not os.path.exists("/proc/%s" % w) or open("/proc/%s/stat" % w).read().split()[2] == "Z", w


# -- the database going away -------------------------------------------------------------

def test_database_restart_is_survived():
    pid = int(open(os.path.join(VAR, "run", "mariadb.pid")).read())
    os.kill(pid, 15)
    for _ in range(100):
        try:
            os.kill(pid, 0)
            time.sleep(0.1)
        except ProcessLookupError:
            break
    r = request("GET", "/api/health")
    assert r.status == 503 and r.json()["error"]["details"] == {"status": "down"}, r
    r = post_webhook(text_message(new_phone(), "while the database is down"))
    assert r.status == 503, r     # Meta will deliver it again
    # Start it again the way the stack does.
    subprocess.run(["sh", "-c", ". \"$TICK_SRCDIR/scripts/lib/stack.sh\"; stack_mariadb"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = request("GET", "/api/health")
    assert r.status == 200, r
    phone = new_phone()
    r = post_webhook(text_message(phone, "after the restart"))
    assert r.status == 200 and r.json()["data"]["tickets_created"] == 1, r

