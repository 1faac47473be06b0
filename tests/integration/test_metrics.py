"""Metrics (issue 15): GET /metrics in Prometheus' text format, behind
nginx's allow list; counters that add up over every worker of every pool
and move by exactly the requests and webhook messages sent; gauges read
from the database at scrape time; checked with Debian's promtool."""
import os
import re
import signal
import subprocess
import time

from harness import VAR, admin_token, api, new_phone, post_webhook, request, sql, text_message

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def unescape(v):
    return re.sub(r'\\(.)', lambda m: "\n" if m.group(1) == "n" else m.group(1), v)


def parse(text):
    """{(name, frozenset of (label, value))): value} of every sample."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = frozenset((k, unescape(v)) for k, v in LABEL.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def scrape(source=None):
    r = request("GET", "/metrics", source=source)
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4"), r.headers
    return r.body.decode(), parse(r.body.decode())


def val(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples, name, **labels):
    """The sum over every sample of name whose labels include these."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= ls)


def req(s, pool, method, route, code):
    return val(s, "tick_http_requests_total", pool=pool, method=method, route=route, code=str(code))


def hist_count(s, pool, method, route):
    return val(s, "tick_http_request_duration_seconds_count", pool=pool, method=method, route=route)


def test_a_real_scrape_passes_promtool():
    # Something in every family first: a request, a webhook message.
    assert request("GET", "/api/ping").status == 200
    assert post_webhook(text_message(new_phone(), "metrics, promtool")).status == 200
    text, s = scrape()
    for family, kind in (("tick_http_requests_total", "counter"),
                         ("tick_http_request_duration_seconds", "histogram"),
                         ("tick_webhook_messages_total", "counter"),
                         ("tick_webhook_statuses_total", "counter"),
                         ("tick_db_reconnects_total", "counter"),
                         ("tick_workers_alive", "gauge"),
                         ("tick_database_up", "gauge"),
                         ("tick_outbox_depth", "gauge"),
                         ("tick_outbox_oldest_due_age_seconds", "gauge"),
                         ("tick_media_pending", "gauge"),
                         ("tick_webhook_deliveries_pending", "gauge")):
        assert "\n# HELP %s " % family in "\n" + text, family
        assert "\n# TYPE %s %s\n" % (family, kind) in "\n" + text, family
    p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.strip() == "" and p.stderr.strip() == "", (p.stdout, p.stderr)
    # promtool can fail: the same text with a broken line does.
    p = subprocess.run(["promtool", "check", "metrics"], input=text + "tick_broken{ 1\n",
                       capture_output=True, text=True)
    assert p.returncode != 0
    # Histograms are cumulative and end with +Inf equal to _count.
    for (name, labels), v in s.items():
        if name != "tick_http_request_duration_seconds_count":
            continue
        base = dict(labels)
        buckets = sorted(((float(dict(ls)["le"]), bv) for (n, ls), bv in s.items()
                          if n == "tick_http_request_duration_seconds_bucket"
                          and {k: x for k, x in ls if k != "le"} == base))
        counts = [c for _, c in buckets]
        assert counts == sorted(counts) and buckets[-1][0] == float("inf") and counts[-1] == v, base


def test_counters_move_by_exactly_the_workload():
    tok = admin_token()
    _, before = scrape()
    # N webhook messages, one delivered again, one for another number.
    n = 5
    msgs = [text_message(new_phone(), "metrics workload %d" % i) for i in range(n)]
    for m in msgs:
        assert post_webhook(m).status == 200
    assert post_webhook(msgs[0]).status == 200
    assert post_webhook(text_message(new_phone(), "not ours", pnid="999000111")).status == 200
    # M API requests of known routes and statuses.
    for _ in range(3):
        assert api("GET", "/api/tickets?limit=1", tok).status == 200
    for _ in range(2):
        assert api("GET", "/api/tickets").status == 401
    for _ in range(4):
        assert api("GET", "/api/tickets/999999999", tok).status == 404
    assert api("GET", "/api/tickets/1/no-such-thing", tok).status == 404
    assert api("POST", "/api/tickets", tok, {"name": 7}).status == 422
    _, after = scrape()

    def d(f, *a):
        return f(after, *a) - f(before, *a)

    assert d(val, "tick_webhook_messages_total") == 0  # only with its outcome label
    for outcome, want in (("stored", n), ("duplicate", 1), ("ignored", 1), ("failed", 0), ("deferred", 0)):
        got = val(after, "tick_webhook_messages_total", outcome=outcome) - \
            val(before, "tick_webhook_messages_total", outcome=outcome)
        assert got == want, (outcome, got, want)
    assert d(req, "webhook", "POST", "/api/whatsapp/webhook", 200) == n + 2
    assert d(hist_count, "webhook", "POST", "/api/whatsapp/webhook") == n + 2
    assert d(req, "tickets", "GET", "/api/tickets", 200) == 3
    assert d(req, "tickets", "GET", "/api/tickets", 401) == 2
    assert d(hist_count, "tickets", "GET", "/api/tickets") == 5
    assert d(req, "tickets", "GET", "/api/tickets/:id", 404) == 4
    assert d(req, "tickets", "any", "unmatched", 404) == 1
    assert d(req, "tickets", "POST", "/api/tickets", 422) == 1
    # The first scrape itself, counted before its answer ended.
    assert d(req, "health", "GET", "/metrics", 200) == 1
    # Nothing else moved in the tickets pool; no raw path is a label.
    assert total(after, "tick_http_requests_total", pool="tickets") - \
        total(before, "tick_http_requests_total", pool="tickets") == 11
    assert not any("999999999" in v or "no-such-thing" in v
                   for (_, ls) in after for _, v in ls)
    # Latency sums grow with the requests.
    s = "tick_http_request_duration_seconds_sum"
    assert val(after, s, pool="tickets", method="GET", route="/api/tickets") > \
        val(before, s, pool="tickets", method="GET", route="/api/tickets")


def test_workers_alive_per_pool_and_counters_survive_a_dead_worker():
    _, s = scrape()
    workers = int(os.environ.get("TICK_WORKERS", "2"))
    for pool in ("webhook", "health", "auth", "tickets"):
        assert val(s, "tick_workers_alive", pool=pool) == workers, (pool, s)
    assert val(s, "tick_workers_alive", pool="events") == int(os.environ.get("TICK_EVENTS_WORKERS", "16"))
    before = total(s, "tick_http_requests_total", pool="webhook")
    assert before > 0
    # Kill one webhook worker: its counts stay, the pool re-spawns it.
    master = [line.split()[1] for line in open(os.path.join(VAR, "pids")) if line.split()[0] == "webhook"][0]
    kids = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    assert len(kids) == workers, kids
    os.kill(int(kids[0]), signal.SIGKILL)
    deadline = time.time() + 30
    while True:
        _, s = scrape()
        assert total(s, "tick_http_requests_total", pool="webhook") >= before
        now = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
        if kids[0] not in now and len(now) == workers and val(s, "tick_workers_alive", pool="webhook") == workers:
            break
        assert time.time() < deadline, (now, val(s, "tick_workers_alive", pool="webhook"))
        time.sleep(0.2)
    assert post_webhook(text_message(new_phone(), "after a worker died")).status == 200
    _, s = scrape()
    assert total(s, "tick_http_requests_total", pool="webhook") == before + 1


def test_only_loopback_and_the_allow_list_may_scrape():
    # 127.0.0.2 is not loopback's 127.0.0.1 nor in METRICS_ALLOW.
    r = request("GET", "/metrics", source="127.0.0.2")
    assert r.status == 403, r
    assert r.json()["success"] is False and b"tick_" not in r.body
    # 127.0.0.3 is in METRICS_ALLOW (tests/integration/run).
    assert "127.0.0.3" in os.environ.get("METRICS_ALLOW", "")
    scrape(source="127.0.0.3")
    # The other API routes stay open to everyone.
    assert request("GET", "/api/ping", source="127.0.0.2").status == 200
    # Plain http only redirects, never answers the metrics.
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", int(os.environ["TICK_HTTP_PORT"]), timeout=10,
                                   source_address=("127.0.0.2", 0))
    c.request("GET", "/metrics")
    r = c.getresponse()
    assert r.status == 301 and b"tick_" not in r.read()
    c.close()


def test_gauges_follow_the_database():
    # A due outbound row 100 seconds old, and a pending file.
    sql("INSERT INTO whatsapp_messages (direction, type, body, status, next_attempt_at)"
        " VALUES ('out', 'text', 'metrics gauge', 'pending', NOW(3) - INTERVAL 100 SECOND)")
    sql("INSERT INTO attachments (direction, state, file_name, next_attempt_at)"
        " VALUES ('in', 'pending', 'metrics-gauge.txt', NOW(3) + INTERVAL 1 DAY)")
    try:
        _, s = scrape()
        depth = int(sql("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'out'"
                        " AND next_attempt_at IS NOT NULL")[0][0])
        media = int(sql("SELECT COUNT(*) FROM attachments WHERE state = 'pending'")[0][0])
        assert val(s, "tick_database_up") == 1
        assert depth >= 1 and val(s, "tick_outbox_depth") == depth
        assert val(s, "tick_media_pending") == media and media >= 1
        assert 100 <= val(s, "tick_outbox_oldest_due_age_seconds") < 3600
        hooks = int(sql("SELECT COUNT(*) FROM webhook_deliveries WHERE state IN ('pending', 'failed')")[0][0])
        assert val(s, "tick_webhook_deliveries_pending") == hooks
    finally:
        sql("DELETE FROM whatsapp_messages WHERE body = 'metrics gauge' AND direction = 'out'")
        sql("DELETE FROM attachments WHERE file_name = 'metrics-gauge.txt'")
    _, s = scrape()
    assert val(s, "tick_outbox_depth") == depth - 1 and val(s, "tick_media_pending") == media - 1


def test_database_reconnects_are_counted():
    _, before = scrape()
    # End every connection of the desk: each worker reconnects on its
    # next statement.
    ids = [r[0] for r in sql("SELECT ID FROM information_schema.PROCESSLIST"
                             " WHERE ID <> CONNECTION_ID() AND DB = 'tick' AND COMMAND <> 'Daemon'")]
    for i in ids:
        try:
            sql("KILL CONNECTION %s" % i)
        except subprocess.CalledProcessError:
            pass  # gone already
    assert request("GET", "/api/health").status == 200
    _, after = scrape()
    grew = total(after, "tick_db_reconnects_total") - total(before, "tick_db_reconnects_total")
    assert 1 <= grew <= len(ids), (grew, ids)
    assert val(after, "tick_database_up") == 1
