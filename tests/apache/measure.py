#!/usr/bin/env python3
"""Which process served each request, and what a request costs, through the
Apache of tests/apache/run. Usage: measure.py PASS ERROR_LOG N, PASS cgi or
fcgid.

Each responder logs one debug line a request, 'tick[PID] debug: NAME:
METHOD PATH STATUS' (TICK_LOG_LEVEL=debug in the run's tick.env), which
Apache writes to its error log. Under plain CGI, N requests must come from
N processes; under fcgid, from the few FastCGI children it keeps.

Times N sequential requests over one kept-alive TLS connection (so TLS
handshakes are not counted): GET /api/ping (exec, configuration, answer; no
database), GET /api/health (adds connecting to MariaDB, preparing and
running a statement), and a signed webhook post (a text appended to an
open ticket). Prints the median and the mean in ms."""
import http.client
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import PORT, _ctx, new_phone, sign, text_message, uniq  # noqa: E402

PASS, LOG, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
ACCESS = LOG.replace("-error.log", "-access.log")   # tests/apache/run's names
FCGID_MAX = 8   # FcgidMaxProcessesPerClass in tests/apache/run


class Client:
    def __init__(self):
        self.conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=_ctx, timeout=30)

    def go(self, method, path, body=None, headers=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        r = self.conn.getresponse()
        data = r.read()
        if r.getheader("connection", "").lower() == "close":
            self.conn.close()
        return r.status, data


def log_size():
    return os.path.getsize(LOG)


def pids_since(offset, name, method, path):
    # Apache may still be copying a CGI's standard error into its log.
    time.sleep(0.5)
    with open(LOG, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    pat = re.compile(r"tick\[(\d+)\] debug: %s: %s %s (\d+)" % (re.escape(name), re.escape(method), re.escape(path)))
    return [m.group(1) for m in pat.finditer(text)]


def served_ms(request_line):
    """Apache's own times (%D, microseconds, last field of the access log)
    of the last N requests with that request line: without the client."""
    time.sleep(0.2)
    us = []
    with open(ACCESS) as f:
        for line in f:
            if '"%s HTTP/1.1"' % request_line in line:
                us.append(int(line.split()[-1]))
    us = sorted(us[-N:])
    return us[len(us) // 2] / 1000 if us else float("nan")


def timed(label, request_line, fn):
    took = []
    for i in range(N):
        start = time.monotonic()
        fn(i)
        took.append((time.monotonic() - start) * 1000)
    took.sort()
    # Medians: what a request costs, less the moments other work on the
    # machine took the CPU; Apache's own time leaves the client out.
    print("apache: %s: %-44s median %6.2f ms (in Apache %6.2f ms), mean %6.2f ms, %d in a row"
          % (PASS, label, took[len(took) // 2], served_ms(request_line), sum(took) / N, N), flush=True)


def main():
    c = Client()
    problems = []

    def ping(_):
        st, body = c.go("GET", "/api/ping")
        assert st == 200 and b'"pong"' in body, (st, body)

    def health(_):
        st, body = c.go("GET", "/api/health")
        assert st == 200, (st, body)

    phone = new_phone()
    first = json.dumps(text_message(phone, "opens the ticket")).encode()
    st, body = c.go("POST", "/api/whatsapp/webhook", first,
                    {"Content-Type": "application/json", "X-Hub-Signature-256": sign(first)})
    assert st == 200 and json.loads(body)["data"]["tickets_created"] == 1, (st, body)

    def webhook(i):
        b = json.dumps(text_message(phone, "append %d" % i, wamid="wamid.AP%d" % uniq())).encode()
        st, body = c.go("POST", "/api/whatsapp/webhook", b,
                        {"Content-Type": "application/json", "X-Hub-Signature-256": sign(b)})
        assert st == 200 and json.loads(body)["data"]["replies"] == 1, (st, body)

    timed("GET /api/ping (no database)", "GET /api/ping", ping)
    at = log_size()
    timed("GET /api/health (connect, prepare, run)", "GET /api/health", health)
    pids = pids_since(at, "health", "GET", "/api/health")
    at = log_size()
    timed("POST /api/whatsapp/webhook (signed, appended)", "POST /api/whatsapp/webhook", webhook)
    wpids = pids_since(at, "webhook", "POST", "/api/whatsapp/webhook")

    for what, got in (("health", pids), ("webhook", wpids)):
        distinct = len(set(got))
        print("apache: %s: %d %s requests logged by %d processes" % (PASS, len(got), what, distinct))
        if len(got) != N:
            problems.append("%s: %d of %d requests logged" % (what, len(got), N))
        elif PASS == "cgi" and distinct != N:
            problems.append("%s: plain CGI served %d requests with %d processes" % (what, N, distinct))
        elif PASS == "fcgid" and distinct > FCGID_MAX:
            problems.append("%s: fcgid started %d processes for %d requests" % (what, distinct, N))
    for p in problems:
        print("FAIL %s" % p)
    if not problems:
        print("ok   %s: each request its own process" % PASS if PASS == "cgi" else
              "ok   %s: FastCGI children kept across requests" % PASS)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
