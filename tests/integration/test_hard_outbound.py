#!/usr/bin/env python3
"""Hardening: a slow or refusing Graph API: budget, breaker, no double sends (issue 10).

The stack runs with WHATSAPP_TIMEOUT_MS=1500, MEDIA_TIMEOUT_MS=1500 and the
defaults WEBHOOK_OUTBOUND_BUDGET_MS=2000, BREAKER_FAILURES=3,
BREAKER_COOLDOWN_S=30, OUTBOX_SEND_GRACE_S=60. Every test leaves the
breakers closed and the fake Graph API healthy for the modules after it."""
import base64
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (api, graph, graph_mode, graph_sent, new_phone, one, post_webhook,  # noqa: E402,F401
                     request, sql, text_message, tick, uniq)

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(2000) + b"\xff\xd9"


def healthy():
    graph_mode("ok")
    graph("POST", "/_fake/media_mode", {"mode": "ok"})
    sql("DELETE FROM outbound_breakers")


def confirmation(phone):
    """id, status, wamid, attempts, next_attempt_at IS NOT NULL, send_started_at IS NOT NULL."""
    return sql("SELECT id, status, COALESCE(wamid, ''), attempts, next_attempt_at IS NOT NULL,"
               " send_started_at IS NOT NULL FROM whatsapp_messages WHERE direction = 'out'"
               " AND JSON_VALUE(payload, '$.to') = '%s' ORDER BY id" % phone)


def taken(phone):
    """The sends the fake Graph API took (as Meta would: delivered to the customer)."""
    return [r for r in graph_sent(phone) if r.get("accepted")]


def wait_taken(phone, n, limit=12):
    end = time.time() + limit
    while time.time() < end:
        got = taken(phone)
        if len(got) >= n:
            return got
        time.sleep(0.2)
    return taken(phone)


def post_status_of(wamid, status="sent"):
    """Posts the status webhook Meta would send for the message taken as wamid."""
    payload = graph("GET", "/_fake/status?wamid=%s&status=%s" % (wamid, status))
    r = post_webhook(payload)
    assert r.status == 200, r
    return payload


def make_due(row_id):
    """Time passes: a row still scheduled is due now (a row with nothing left
    to try stays so)."""
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) WHERE id = %s"
        " AND next_attempt_at IS NOT NULL" % row_id)


def burst(phones, threads=8):
    """Posts one new customer's message per phone from `threads` threads;
    returns [(phone, status, started, took)] and the wall time."""
    out, lock, todo = [], threading.Lock(), list(phones)

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                p = todo.pop(0)
            t0 = time.time()
            try:
                st = post_webhook(text_message(p, "hello from a burst")).status
            except Exception as e:  # noqa: BLE001
                st = repr(e)
            with lock:
                out.append((p, st, t0, time.time() - t0))

    start = time.time()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out, time.time() - start


# -- 1. budget and breaker ----------------------------------------------------------

def test_a_slow_graph_opens_the_breaker_and_webhooks_stay_fast():
    healthy()
    try:
        ok_phones = [new_phone() for _ in range(40)]
        ok, ok_wall = burst(ok_phones)
        assert all(s == 200 for _, s, _, _ in ok), ok

        graph_mode("timeout")   # answers after 8 s; tick gives up at 1.5 s
        phones = [new_phone() for _ in range(40)]
        res, wall = burst(phones)
        print("    healthy Graph: %.1f messages/s; Graph answering after 8 s: %.1f messages/s"
              % (40 / ok_wall, 40 / wall))
        assert all(s == 200 for _, s, _, _ in res), [r for r in res if r[1] != 200]
        # Before: 40 x 1.5 s over two workers, 30 s. Now only the first few
        # calls wait, then the breaker sends the rest straight to the outbox.
        assert wall < 12, wall
        # Once three calls had failed the breaker was open: from then on no
        # request waits for the Graph API (a wait is WHATSAPP_TIMEOUT_MS,
        # 1.5 s, or more; the rest of a request is far less, even on a
        # loaded machine).
        slow_ends = sorted(t0 + took for _, _, t0, took in res if took > 1.0)
        assert len(slow_ends) >= 3, res
        late = [took for _, _, t0, took in res if t0 > slow_ends[2]]
        assert len(late) >= 20 and max(late) < 1.4, (late, res)
        assert one("SELECT failures >= 3 AND open_until > NOW(3) FROM outbound_breakers"
                   " WHERE name = 'graph'") == "1"
        # Every confirmation is in the outbox, none sent.
        for p in phones:
            rows = confirmation(p)
            assert len(rows) == 1 and rows[0][1] in ("pending", "failed") and rows[0][2] == "" \
                and rows[0][4] == "1", (p, rows)

        # The few calls that timed out were taken late by Meta (the fake
        # answers, and takes them, at 8 s); their status webhooks come.
        graph_mode("ok")
        tried = [p for p in phones if graph_sent(p)]
        assert 1 <= len(tried) <= 12, len(tried)
        for p in tried:
            got = wait_taken(p, 1)
            assert len(got) == 1, (p, graph_sent(p))
            post_status_of(got[0]["wamid"])
        # The cooldown has passed: the outbox tries once, the Graph answers,
        # the breaker closes and everything else goes, each exactly once.
        sql("UPDATE outbound_breakers SET open_until = NOW(3) - INTERVAL 1 SECOND WHERE name = 'graph'")
        r = tick("outbox")
        assert r.returncode == 0, r.stderr
        assert one("SELECT failures FROM outbound_breakers WHERE name = 'graph'") == "0"
        for p in phones:
            got = taken(p)
            assert len(got) == 1, (p, graph_sent(p))
            rows = confirmation(p)
            assert rows[0][1] in ("accepted", "sent") and rows[0][2] == got[0]["wamid"], (p, rows)
        # Nothing left to send twice.
        tick("outbox", env={"OUTBOX_SEND_GRACE_S": "0"})
        for p in phones:
            assert len(taken(p)) == 1, (p, graph_sent(p))
    finally:
        healthy()


def test_slow_media_downloads_open_their_breaker():
    healthy()
    try:
        graph("POST", "/_fake/media_mode", {"mode": "timeout"})
        took = []
        phones = [new_phone() for _ in range(6)]
        for p in phones:
            mid = str(900000000 + uniq())
            graph("POST", "/_fake/media", {"id": mid, "content_b64": base64.b64encode(JPEG).decode(),
                                           "mime_type": "image/jpeg"})
            payload = text_message(p, "x")
            m = payload["entry"][0]["changes"][0]["value"]["messages"][0]
            del m["text"]
            m.update(type="image", image={"id": mid, "mime_type": "image/jpeg"})
            t0 = time.time()
            r = post_webhook(payload)
            took.append(time.time() - t0)
            assert r.status == 200 and r.json()["data"]["media_pending"] == 1, r
        # Three downloads time out (MEDIA_TIMEOUT_MS, 1.5 s each); then the
        # others are left to the outbox at once, without a wait.
        assert max(took[3:]) < 1.4, took
        for p in phones[3:]:
            err = one("SELECT a.error FROM attachments a JOIN tickets t ON t.id = a.ticket_id"
                      " WHERE t.mobile = '%s'" % p)
            assert "breaker" in err, err
        # The confirmations went all the same: another host's breaker.
        assert all(len(taken(p)) == 1 for p in phones)
    finally:
        healthy()


def test_the_budget_caps_every_call_of_a_request():
    healthy()
    try:
        p = new_phone()
        mid = str(900000000 + uniq())
        graph("POST", "/_fake/media", {"id": mid, "content_b64": base64.b64encode(JPEG).decode(),
                                       "mime_type": "image/jpeg"})
        payload = text_message(p, "x")
        m = payload["entry"][0]["changes"][0]["value"]["messages"][0]
        del m["text"]
        m.update(type="image", image={"id": mid, "mime_type": "image/jpeg"})
        graph_mode("slow:1300", 1)   # within the 1.5 s timeout: sent
        graph("POST", "/_fake/media_mode", {"mode": "timeout", "times": 1})
        t0 = time.time()
        r = post_webhook(payload)
        took = time.time() - t0
        assert r.status == 200, r
        d = r.json()["data"]
        assert d["notices_sent"] == 1 and d["media_pending"] == 1, d
        # 1.3 s for the confirmation leaves 0.7 s of the 2 s budget for the
        # media: not the 1.5 s of its own timeout.
        assert took < 2.4, took
    finally:
        healthy()


# -- 2. accepted after tick's timeout ---------------------------------------------

def test_a_send_taken_after_the_timeout_is_adopted_by_its_status():
    healthy()
    try:
        p = new_phone()
        graph_mode("late", 1)   # Meta takes it, answers after tick gave up
        r = post_webhook(text_message(p, "taken late"))
        assert r.status == 200 and r.json()["data"]["notices_failed"] == 1, r
        row = confirmation(p)[0]
        assert row[1] == "failed" and row[2] == "" and row[5] == "1", row
        sends = taken(p)
        assert len(sends) == 1 and sends[0]["body"]["biz_opaque_callback_data"] == row[0], sends
        payload = post_status_of(sends[0]["wamid"])
        assert payload["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] == row[0]
        row = confirmation(p)[0]
        assert row[1] == "sent" and row[2] == sends[0]["wamid"] and row[4] == "0", row
        # Later (past the backoff and the grace): nothing is sent again.
        make_due(row[0])
        res = tick("outbox", env={"OUTBOX_SEND_GRACE_S": "0"})
        assert res.returncode == 0, res.stderr
        assert len(taken(p)) == 1, graph_sent(p)
        # Later statuses still move it on.
        post_status_of(sends[0]["wamid"], "delivered")
        assert confirmation(p)[0][1] == "delivered"
    finally:
        healthy()


def test_without_a_status_the_send_goes_again_after_the_grace():
    healthy()
    try:
        p = new_phone()
        graph_mode("late", 1)
        assert post_webhook(text_message(p, "no status ever")).status == 200
        row = confirmation(p)[0]
        assert row[1] == "failed" and row[5] == "1", row
        # The backoff has passed, not the grace: it waits for a status.
        make_due(row[0])
        assert tick("outbox").returncode == 0
        assert len(graph_sent(p)) == 1, graph_sent(p)
        # The grace has passed too: sent again.
        res = tick("outbox", env={"OUTBOX_SEND_GRACE_S": "0"})
        assert res.returncode == 0 and "1 sent" in res.stdout, (res.stdout, res.stderr)
        sends = taken(p)
        assert len(sends) == 2, graph_sent(p)
        row = confirmation(p)[0]
        assert row[1] == "accepted" and row[2] == sends[1]["wamid"] and row[3] == "2" and row[5] == "0", row
    finally:
        healthy()


def test_a_status_without_tick_opaque_data_adopts_nothing():
    healthy()
    try:
        p = new_phone()
        graph_mode("late", 1)
        assert post_webhook(text_message(p, "foreign opaque")).status == 200
        row = confirmation(p)[0]
        item = {"id": "wamid.FOREIGN%d" % uniq(), "status": "sent", "timestamp": str(int(time.time())),
                "recipient_id": p, "biz_opaque_callback_data": "campaign-%s" % row[0]}
        from harness import statuses_payload
        assert post_webhook(statuses_payload([item])).status == 200
        assert confirmation(p)[0][2] == ""
    finally:
        healthy()


# -- 3. a send that could not be recorded ------------------------------------------

def test_a_send_whose_outcome_could_not_be_written_is_not_sent_again():
    healthy()
    try:
        found = None
        for n in range(1, 40):
            tick("outbox")   # only this row is due in the faulted run
            p = new_phone()
            # A first, definite failure, retried later; the Graph API
            # answered, so its breaker stays closed.
            graph_mode("error:130429", 1)
            assert post_webhook(text_message(p, "record me")).status == 200
            row = confirmation(p)[0]
            assert row[1] == "failed" and row[5] == "0", row
            make_due(row[0])
            before = len(taken(p))
            tick("outbox", env={"TICK_FAULT_STMT": str(n)})
            if len(taken(p)) > before and confirmation(p)[0][2] == "":
                found = p
                break
        assert found, "no statement after the send could be failed"
        p = found
        row = confirmation(p)[0]
        # The attempt was counted before the call; the row waits.
        assert row[3] == "2" and row[5] == "1", row
        sends = taken(p)
        post_status_of(sends[-1]["wamid"])
        row = confirmation(p)[0]
        assert row[1] == "sent" and row[2] == sends[-1]["wamid"], row
        make_due(row[0])
        assert tick("outbox", env={"OUTBOX_SEND_GRACE_S": "0"}).returncode == 0
        assert len(taken(p)) == 1, graph_sent(p)
    finally:
        healthy()
