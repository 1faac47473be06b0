"""The panel's live stream: GET /api/events over nginx (unbuffered)."""
import http.client
import json
import os
import ssl
import time

from harness import PORT, VAR, admin_token, api, new_phone, one, post_webhook, sql, text_message

_ctx = ssl.create_default_context(cafile=os.path.join(VAR, "tls", "cert.pem"))


def stream(token, last_id=None, seconds=6):
    """Reads the stream for a while; returns (events, raw text)."""
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=_ctx, timeout=seconds)
    headers = {"Authorization": "Bearer " + token, "Accept": "text/event-stream"}
    if last_id is not None:
        headers["Last-Event-ID"] = str(last_id)
    conn.request("GET", "/api/events", headers=headers)
    r = conn.getresponse()
    assert r.status == 200 and r.getheader("Content-Type") == "text/event-stream", r.status
    return conn, r


def read_events(r, until, seconds=6):
    events, buf, end = [], b"", time.time() + seconds
    while time.time() < end:
        try:
            chunk = r.read1(4096)
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        buf += chunk
        while b"\n\n" in buf:
            block, buf = buf.split(b"\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.decode().split("\n")
                          if ": " in line and not line.startswith(":"))
            if "data" in fields:
                events.append((int(fields["id"]), fields["event"], json.loads(fields["data"])))
        if until(events):
            break
    return events


def test_events_need_a_session():
    r = api("GET", "/api/events")
    assert r.status == 401, r


def test_a_new_ticket_arrives_live_and_resumes_after_last_event_id():
    token = admin_token()
    conn, r = stream(token)
    phone = new_phone()
    t0 = time.time()
    assert post_webhook(text_message(phone, "live!")).status == 200
    ref = one("SELECT reference FROM tickets WHERE mobile='%s'" % phone)
    # A new stream may also carry what happened just before it opened.
    mine = lambda e: [x for x in e if x[1] == "ticket.created" and x[2]["reference"] == ref]  # noqa: E731
    evs = read_events(r, lambda e: bool(mine(e)))
    conn.close()
    created = mine(evs)
    assert created, evs
    took = time.time() - t0
    assert took < 2.5, took          # within two seconds, give or take the test itself
    first_id, _, data = created[0]
    assert ref.startswith("TKT-") and data["status"] == "new" and data["ticket_id"] > 0, data
    # A reconnecting browser gets what it missed, and nothing twice.
    api("POST", "/api/tickets/%d/notes" % data["ticket_id"], token, {"message": "while away"})
    conn, r = stream(token, last_id=first_id)
    evs = read_events(r, lambda e: any(x[1] == "note.created" for x in e))
    conn.close()
    ids = [e[0] for e in evs]
    assert first_id not in ids and ids == sorted(ids), ids
    assert any(e[1] == "note.created" and e[2]["ticket_id"] == data["ticket_id"] for e in evs), evs


def test_delivery_marks_arrive_live():
    token = admin_token()
    phone = new_phone()
    post_webhook(text_message(phone, "first"))
    from harness import graph_sent, statuses_payload
    wamid = graph_sent(phone)[0]["wamid"]
    conn, r = stream(token)
    post_webhook(statuses_payload([{"id": wamid, "status": "delivered", "timestamp": "1717000200",
                                    "recipient_id": phone}]))
    evs = read_events(r, lambda e: any(x[1] == "message.status" for x in e))
    conn.close()
    assert any(e[1] == "message.status" for e in evs), evs


def test_the_outbox_prunes_week_old_events():
    from harness import sql, tick
    sql("INSERT INTO events (type, created_at) VALUES ('ticket.updated', NOW() - INTERVAL 8 DAY)")
    old = int(one("SELECT COUNT(*) FROM events WHERE created_at < NOW() - INTERVAL 7 DAY"))
    assert old >= 1
    res = tick("outbox")
    assert res.returncode == 0 and "%d old events pruned" % old in res.stdout, res.stdout
    assert one("SELECT COUNT(*) FROM events WHERE created_at < NOW() - INTERVAL 7 DAY") == "0"
    assert int(one("SELECT COUNT(*) FROM events")) > 0   # recent ones stay


def test_a_lower_id_written_later_still_comes_after_last_event_id():
    """On Galera a node may take a lower id after another node took a
    higher one: the stream goes by the time an event was written, then its
    id, so resuming after the higher one still hands out the lower one."""
    token = admin_token()
    top = int(one("SELECT COALESCE(MAX(id), 0) FROM events"))
    high, low = top + 1000, top + 500
    # Both after the newest event so far, the lower id 0.1 s later.
    time.sleep(0.05)
    sql("INSERT INTO events (id, type, created_at) VALUES (%d, 'ticket.updated', NOW(3)),"
        " (%d, 'ticket.updated', NOW(3) + INTERVAL 100000 MICROSECOND)" % (high, low))
    conn, r = stream(token, last_id=high)
    try:
        events = read_events(r, lambda ev: any(e[0] == low for e in ev), seconds=4)
    finally:
        conn.close()
    ids = [e[0] for e in events]
    assert low in ids and high not in ids, ids
    # From before both: in the order they were written.
    conn, r = stream(token, last_id=top)
    try:
        events = read_events(r, lambda ev: any(e[0] == low for e in ev), seconds=4)
    finally:
        conn.close()
    ids = [e[0] for e in events if e[0] in (high, low)]
    assert ids == [high, low], ids
