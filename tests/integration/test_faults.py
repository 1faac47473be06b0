#!/usr/bin/env python3
"""Fault injection in the style of SQLite's I/O-error suites and jansson's
chaos test (issues 9 and 10): the responder runs as plain CGI, one process a
request, with TICK_FAULT_STMT=N (the Nth SQL statement fails as a server
error would) or TICK_FAULT_ALLOC=N (the Nth JSON allocation fails), for every
N until the request runs out of statements. After each run: the answer is a
clean JSON body with a status, no transaction was left open, no row is
half-written, and a clean retry (Meta's redelivery, the agent's second click)
ends in exactly the state of a run that never failed, with nothing sent
twice."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, api, graph_sent, login, make_user, new_phone, one, post_webhook,  # noqa: E402
                     sign, text_message, tick)

MAX_N = 300


def cgi(responder, method, path, body=b"", headers=None, fault=None):
    env = dict(os.environ, REQUEST_METHOD=method, DOCUMENT_URI=path, REQUEST_URI=path, QUERY_STRING="",
               CONTENT_LENGTH=str(len(body)), CONTENT_TYPE="application/json", REMOTE_ADDR="127.0.0.1")
    env.pop("TICK_FAULT_STMT", None)
    env.pop("TICK_FAULT_ALLOC", None)
    for k, v in (headers or {}).items():
        env["HTTP_" + k.upper().replace("-", "_")] = v
    env.update(fault or {})
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", responder + ".fcgi")], env=env, input=body,
                         capture_output=True, timeout=60)
    err = out.stderr.decode("utf-8", "replace")
    assert out.returncode == 0, (fault, err[-2000:])
    assert "left a transaction open" not in err, (fault, err[-2000:])
    head, _, payload = out.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"Status: "), (fault, out.stdout[:300])
    status = int(head[8:11])
    assert b"Content-Type: application/json" in head, (fault, head)
    doc = json.loads(payload)
    assert doc.get("success") is (status < 400), (fault, status, doc)
    if status >= 400:
        assert doc["error"]["code"] and doc["error"]["message"], doc
    what = [line for line in err.splitlines() if "on purpose" in line]
    return status, doc, what[0][-90:] if what else ""


def counts(phone, wamid):
    return (int(one("SELECT COUNT(*) FROM tickets WHERE mobile='%s'" % phone)),
            int(one("SELECT COUNT(*) FROM whatsapp_messages WHERE wamid='%s'" % wamid)),
            int(one("SELECT COUNT(*) FROM whatsapp_messages m JOIN tickets t ON t.id = m.ticket_id "
                    "WHERE t.mobile='%s' AND m.direction='out'" % phone)))


def webhook_under(fault_key):
    injected_any = False
    for n in range(1, MAX_N):
        phone = new_phone()
        wamid = "wamid.FAULT%s" % phone
        body = json.dumps(text_message(phone, "fault %d" % n, wamid=wamid)).encode()
        headers = {"X-Hub-Signature-256": sign(body)}
        status, doc, injected = cgi("webhook", "POST", "/api/whatsapp/webhook", body, headers,
                                    {fault_key: str(n)})
        tickets, messages, outs = counts(phone, wamid)
        # Whole or nothing: a message is never kept without its ticket and
        # its confirmation, nor a ticket without the message that opened it.
        assert (tickets, messages, outs) in ((0, 0, 0), (1, 1, 1)), (fault_key, n, status, tickets, messages, outs)
        if status == 200:
            assert (tickets, messages, outs) == (1, 1, 1), (fault_key, n, doc, injected)
        # Meta delivers again: the same state as one clean delivery.
        status, doc, _ = cgi("webhook", "POST", "/api/whatsapp/webhook", body, headers)
        assert status == 200, (fault_key, n, doc)
        assert counts(phone, wamid) == (1, 1, 1), (fault_key, n, counts(phone, wamid))
        assert len([s for s in graph_sent(phone) if s.get("answer") == 200]) <= 1, (fault_key, n)
        if not injected:
            break
        injected_any = True
    assert injected_any and n > 3, n
    return n


def test_webhook_survives_every_failed_statement():
    webhook_under("TICK_FAULT_STMT")


def test_webhook_survives_every_failed_allocation():
    webhook_under("TICK_FAULT_ALLOC")


def agent_with_ticket():
    uid, email = make_user("agent")
    token = login(email, "a-long-password-1").json()["data"]["token"]
    phone = new_phone()
    assert post_webhook(text_message(phone, "needs an agent")).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s'" % phone))
    return uid, token, tid, phone


def replies_of(tid):
    return (int(one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d AND COALESCE(internal, 0) = 0" % tid)),
            int(one("SELECT COUNT(*) FROM whatsapp_messages m JOIN replies r ON r.id = m.reply_id "
                    "WHERE r.ticket_id=%d" % tid)))


def test_reply_survives_every_failed_statement_and_allocation():
    uid, token, tid, phone = agent_with_ticket()
    assert api("POST", "/api/tickets/%d/assign" % tid, token, {}).status == 200
    auth = {"Authorization": "Bearer " + token}
    for key in ("TICK_FAULT_STMT", "TICK_FAULT_ALLOC"):
        for n in range(1, MAX_N):
            body = json.dumps({"message": "reply %s %d" % (key, n)}).encode()
            before = replies_of(tid)
            status, doc, injected = cgi("tickets", "POST", "/api/tickets/%d/reply" % tid, body, auth, {key: str(n)})
            replies, outs = (a - b for a, b in zip(replies_of(tid), before))
            # A stored reply always has its message to send: never a reply
            # that silently never reaches the customer. (The text is not
            # compared: jansson's lexer drops a byte when an allocation
            # fails inside a string, and says nothing.)
            assert (replies, outs) in ((0, 0), (1, 1)), (key, n, status, replies, outs, doc, injected)
            if status < 400:
                assert replies == 1, (key, n, doc, injected)
            if not injected:
                break
        assert n > 3, (key, n)
    # What failed before its send was recorded is sent by the outbox, once.
    assert tick("outbox").returncode == 0
    sent = [s["body"]["text"]["body"] for s in graph_sent(phone)
            if s.get("answer") == 200 and s["body"].get("type") == "text"]
    assert len(sent) == len(set(sent)), "a reply was sent twice"


def test_assign_survives_every_failed_statement():
    for n in range(1, MAX_N):
        uid, token, tid, _ = agent_with_ticket()
        auth = {"Authorization": "Bearer " + token}
        status, doc, injected = cgi("tickets", "POST", "/api/tickets/%d/assign" % tid, b"{}", auth,
                                    {"TICK_FAULT_STMT": str(n)})
        row = one("SELECT CONCAT(COALESCE(assigned_to, 0), ' ', status) FROM tickets WHERE id=%d" % tid)
        assert row in ("0 new", "%d assigned" % uid), (n, status, row)
        assert (status == 200) == (row != "0 new"), (n, status, row, doc, injected)
        if status != 200:
            status, doc, _ = cgi("tickets", "POST", "/api/tickets/%d/assign" % tid, b"{}", auth)
            assert status == 200, (n, doc)
        if not injected:
            break
    assert n > 3, n
