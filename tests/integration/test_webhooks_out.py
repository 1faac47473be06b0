"""Outbound webhooks (issue 15): subscriptions, signed deliveries made by
`tick outbox` from the events every change writes, the same event id on
every retry, backoff, dead letters, a disabled subscription, resend."""
import hashlib
import hmac
import http.server
import json
import subprocess
import threading
import time

from harness import BUILD, admin_token, api, new_phone, one, post_webhook, sql, text_message, tick
import os


class Receiver:
    """A receiver on loopback: records each POST, answers from a script
    of statuses (then 200)."""

    def __init__(self):
        self.got, self.script, self.lock = [], [], threading.Lock()
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with rec.lock:
                    rec.got.append((dict((k.lower(), v) for k, v in self.headers.items()), body))
                    status = rec.script.pop(0) if rec.script else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"try later")

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/hook" % self.srv.server_address[1]

    def bodies(self, type_=None):
        return [json.loads(b) for _, b in self.got if type_ is None or json.loads(b)["type"] == type_]


def subscribe(rcv, events=("ticket.created",), **kw):
    body = {"url": rcv.url, "events": list(events)}
    body.update(kw)
    r = api("POST", "/api/webhooks", admin_token(), body)
    assert r.status == 201, r
    return r.json()["data"]


def outbox(env=None):
    time.sleep(0.8)   # events settle before they are read
    r = tick("outbox", env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout


def new_ticket():
    phone = new_phone()
    assert post_webhook(text_message(phone, "help with the pump")).status == 200
    return int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))


def test_a_delivery_is_signed_and_carries_the_ticket():
    rcv = Receiver()
    sub = subscribe(rcv, description="CRM")
    assert sub["secret"].startswith("whsec_") and len(sub["secret"]) == 54
    got = api("GET", "/api/webhooks/%d" % sub["id"], admin_token()).json()["data"]
    assert "secret" not in got and got["events"] == ["ticket.created"] and got["active"] is True
    tid = new_ticket()
    out = outbox()
    mine = [(h, b) for h, b in rcv.got if json.loads(b)["data"]["ticket"]["id"] == tid]
    assert len(mine) == 1, (out, rcv.got)
    h, raw = mine[0]
    want = hmac.new(sub["secret"].encode(), raw, hashlib.sha256).hexdigest()
    assert h["x-tick-signature-256"] == "sha256=" + want
    b = json.loads(raw)
    assert b["type"] == "ticket.created" and b["id"] == h["x-tick-delivery"]
    assert b["id"] == "evt_%s" % one("SELECT id FROM events WHERE type = 'ticket.created'"
                                      " AND ticket_id = %d" % tid)
    # The timestamp is inside what is signed: a replay cannot move it.
    assert time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(h["x-tick-timestamp"]))) == b["sent_at"]
    assert b["attempt"] == 1 and h["x-tick-event"] == "ticket.created"
    assert b["data"]["ticket"]["reference"].startswith("TKT-")
    d = api("GET", "/api/webhooks/%d/deliveries" % sub["id"], admin_token()).json()["data"]["items"]
    assert d[0]["state"] == "delivered" and d[0]["attempts"] == 1 and d[0]["last_status"] == 200
    # Nothing is sent twice.
    outbox()
    assert len([1 for _, b in rcv.got if json.loads(b)["data"]["ticket"]["id"] == tid]) == 1


def test_only_the_events_asked_for_and_only_from_now_on():
    old = new_ticket()
    rcv = Receiver()
    subscribe(rcv, events=["note.created"])
    tid = new_ticket()
    assert api("POST", "/api/tickets/%d/notes" % tid, admin_token(), {"message": "n"}).status == 201
    outbox()
    types = [b["type"] for b in rcv.bodies()]
    assert types == ["note.created"], types
    assert all(b["data"]["ticket"]["id"] != old for b in rcv.bodies())


def test_a_retry_keeps_the_event_id_and_its_data_then_dead_letters_and_disables():
    rcv = Receiver()
    sub = subscribe(rcv)
    env = {"WEBHOOKS_MAX_ATTEMPTS": "3", "WEBHOOKS_DISABLE_FAILURES": "3"}
    rcv.script = [500, 503]
    tid = new_ticket()
    outbox(env)
    sql("UPDATE tickets SET name = 'Renamed' WHERE id = %d" % tid)
    for _ in range(2):
        sql("UPDATE webhook_deliveries SET next_attempt_at = NOW(3) WHERE subscription_id = %d" % sub["id"])
        outbox(env)
    bodies = rcv.bodies()
    assert [b["attempt"] for b in bodies] == [1, 2, 3], bodies
    assert len({b["id"] for b in bodies}) == 1
    # The ticket's fields are those of the first attempt, every time.
    assert len({json.dumps(b["data"], sort_keys=True) for b in bodies}) == 1
    assert bodies[0]["data"]["ticket"]["name"] != "Renamed"
    d = api("GET", "/api/webhooks/%d/deliveries" % sub["id"], admin_token()).json()["data"]["items"][0]
    assert d["state"] == "delivered" and d["attempts"] == 3, d
    # Now a receiver that keeps failing: dead after the attempts, and the
    # subscription disabled after failures in a row; a super admin is told.
    rcv.script = [500] * 10
    tid2 = new_ticket()
    outbox(env)
    for _ in range(3):
        sql("UPDATE webhook_deliveries SET next_attempt_at = NOW(3) WHERE subscription_id = %d" % sub["id"])
        outbox(env)
    dl = api("GET", "/api/webhooks/%d/deliveries?state=dead" % sub["id"], admin_token()).json()["data"]
    assert dl["total"] == 1 and dl["items"][0]["last_status"] == 500, dl
    h = api("GET", "/api/webhooks/%d" % sub["id"], admin_token()).json()["data"]
    assert h["active"] is False and h["disabled_reason"] and h["disabled_at"], h
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.disabled' AND entity_id = '%d'"
               % sub["id"]) == "1"
    assert int(one("SELECT COUNT(*) FROM events WHERE type = 'webhook.disabled'")) >= 1
    assert len([b for b in rcv.bodies() if b["data"]["ticket"]["id"] == tid2]) == 3
    # Resend, once the subscription is on again: delivered, same id.
    rcv.script = []
    r = api("POST", "/api/webhooks/%d/deliveries/%d/resend" % (sub["id"], dl["items"][0]["id"]), admin_token())
    assert r.status == 200, r
    assert api("PUT", "/api/webhooks/%d" % sub["id"], admin_token(), {"active": True}).status == 200
    outbox(env)
    last = rcv.bodies()[-1]
    assert last["data"]["ticket"]["id"] == tid2 and last["id"] == dl["items"][0]["event_id"]
    assert api("GET", "/api/webhooks/%d" % sub["id"], admin_token()).json()["data"]["failures"] == 0
    assert api("POST", "/api/webhooks/%d/deliveries/999999/resend" % sub["id"], admin_token()).status == 404


def test_two_outboxes_never_send_one_attempt_twice():
    rcv = Receiver()
    sub = subscribe(rcv)
    tids = [new_ticket() for _ in range(12)]
    time.sleep(0.8)
    env = dict(os.environ)
    procs = [subprocess.Popen([os.path.join(BUILD, "cli", "tick"), "outbox"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    for p in procs:
        p.wait(timeout=60)
        assert p.returncode == 0, p.stderr.read()
    ids = [b["data"]["ticket"]["id"] for b in rcv.bodies()]
    assert sorted(ids) == sorted(tids), ids
    assert one("SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = %d" % sub["id"]) == "12"


def test_subscriptions_are_checked_and_audited():
    tok = admin_token()
    rcv = Receiver()
    for body, field in (({"url": "ftp://127.0.0.1/x", "events": ["ticket.created"]}, "url"),
                        ({"url": "http://example.com/x", "events": ["ticket.created"]}, "url"),
                        ({"url": rcv.url, "events": []}, "events"),
                        ({"url": rcv.url, "events": ["ticket.deleted"]}, "events"),
                        ({"url": rcv.url, "events": "ticket.created"}, "events"),
                        ({"url": rcv.url, "events": ["ticket.created"], "secret": "short"}, "secret"),
                        ({"url": rcv.url, "events": ["ticket.created"], "secret": "x" * 129}, "secret"),
                        ({"url": rcv.url, "events": ["ticket.created"], "active": "yes"}, "active"),
                        ({"url": rcv.url, "events": ["ticket.created"], "description": 5}, "description")):
        r = api("POST", "/api/webhooks", tok, body)
        assert r.status == 422 and field in r.json()["error"]["details"], (body, r)
    sub = subscribe(rcv, secret="a-secret-of-my-own-123")
    assert sub["secret"] == "a-secret-of-my-own-123"
    r = api("PUT", "/api/webhooks/%d" % sub["id"], tok, {"events": ["reply.created", "ticket.closed"]})
    assert r.status == 200 and r.json()["data"]["events"] == ["reply.created", "ticket.closed"], r
    assert api("PUT", "/api/webhooks/%d" % sub["id"], tok, {"url": "nope"}).status == 422
    assert api("DELETE", "/api/webhooks/%d" % sub["id"], tok).status == 200
    assert api("GET", "/api/webhooks/%d" % sub["id"], tok).status == 404
    assert api("DELETE", "/api/webhooks/%d" % sub["id"], tok).status == 404
    for action in ("webhook.create", "webhook.update", "webhook.delete"):
        assert one("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND entity_id = '%d'"
                   % (action, sub["id"])) == "1", action
    listed = api("GET", "/api/webhooks", tok).json()["data"]
    assert sub["id"] not in [x["id"] for x in listed["items"]]
    # The list names the event types a form may offer, exactly those POST takes.
    assert listed["event_types"] == ["ticket.created", "ticket.updated", "ticket.assigned", "ticket.status",
                                     "ticket.closed", "message.received", "message.status", "reply.created",
                                     "note.created", "ticket.csat", "ticket.csat_low"], listed["event_types"]


def test_a_lower_id_written_after_a_higher_one_is_still_delivered():
    """On Galera a node may take a lower id after another node took a
    higher one: deliveries follow the time an event was written, then its
    id, so the subscription's cursor past the higher one still finds the
    lower one."""
    rcv = Receiver()
    sub = subscribe(rcv, events=["ticket.updated"])
    tid = new_ticket()
    top = int(one("SELECT COALESCE(MAX(id), 0) FROM events"))
    high, low = top + 1000, top + 500
    sql("INSERT INTO events (id, type, ticket_id, created_at) VALUES (%d, 'ticket.updated', %d, NOW(3))"
        % (high, tid))
    outbox()
    assert one("SELECT last_event_id FROM webhook_subscriptions WHERE id = %d" % sub["id"]) == str(high)
    sql("INSERT INTO events (id, type, ticket_id, created_at) VALUES (%d, 'ticket.updated', %d, NOW(3))"
        % (low, tid))
    outbox()
    got = sorted(int(r[0]) for r in sql("SELECT event_id FROM webhook_deliveries WHERE subscription_id = %d"
                                        % sub["id"]))
    assert got == [low, high], got
    assert sorted(b["id"] for b in rcv.bodies("ticket.updated")) == sorted(["evt_%d" % high, "evt_%d" % low])
