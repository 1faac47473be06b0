#!/usr/bin/env python3
"""HTTPS steps of tests/bench/run that come before the load, over one kept
connection to nginx on 127.0.0.1 (port TICK_HTTPS_PORT, certificate from
TICK_VAR_DIR/tls):

  prep.py post FILE              POST each "sha256=<hex>\\t<json>" line of FILE
                                 (gen.py's format) to the webhook; all must
                                 answer 200
  prep.py login TOKEN            sign in as DEFAULT_ADMIN_EMAIL with
                                 DEFAULT_ADMIN_PASSWORD; the bearer token
                                 goes to the file TOKEN (mode 600), nothing
                                 is printed
  prep.py assign TOKEN IDS       POST /api/tickets/ID/assign {} for each id
                                 in the file IDS (one a line); all must
                                 answer 200
  prep.py list TOKEN QUERY TOTAL PAGES
                                 GET /api/tickets?QUERY&page=P for the first
                                 and the last page: each must hold LIMIT items
                                 (from QUERY) and say total TOTAL

Exits 1 with a message on the first failure.
"""
import http.client
import json
import os
import ssl
import sys
import urllib.parse

PORT = int(os.environ["TICK_HTTPS_PORT"])
CTX = ssl.create_default_context(
    cafile=os.path.join(os.environ["TICK_VAR_DIR"], "tls", "cert.pem"))


class Client:
    def __init__(self):
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=CTX, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # nginx closed the kept connection: once more on a new one.
                self.conn.close()
                self.conn = None
                if attempt:
                    raise


def fail(msg):
    sys.exit("prep: " + msg)


def read_token(path):
    with open(path) as f:
        return f.read().strip()


def post(c, path):
    n = 0
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            if not line:
                continue
            sig, body = line.split(b"\t", 1)
            status, data = c.request("POST", "/api/whatsapp/webhook", body, {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sig.decode()})
            if status != 200:
                fail("the webhook answered %d to line %d of %s: %r" % (status, n + 1, path, data[:300]))
            n += 1
    print("prep: %d webhook bodies posted" % n)


def login(c, out):
    email = os.environ.get("DEFAULT_ADMIN_EMAIL", "admin@example.com")
    body = json.dumps({"email": email, "password": os.environ["DEFAULT_ADMIN_PASSWORD"]}).encode()
    status, data = c.request("POST", "/api/auth/login", body, {"Content-Type": "application/json"})
    if status != 200:
        fail("sign-in as %s answered %d" % (email, status))
    token = json.loads(data)["data"]["token"]
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token + "\n")
    print("prep: signed in as %s" % email)


def assign(c, token, ids_path):
    with open(ids_path) as f:
        ids = [line.strip() for line in f if line.strip()]
    for tid in ids:
        status, data = c.request("POST", "/api/tickets/%s/assign" % tid, b"{}", {
            "Content-Type": "application/json", "Authorization": "Bearer " + token})
        if status != 200:
            fail("taking ticket %s answered %d: %r" % (tid, status, data[:300]))
    print("prep: %d tickets taken" % len(ids))


def list_pages(c, token, query, total, pages):
    limit = int(urllib.parse.parse_qs(query).get("limit", ["20"])[0])
    for page in sorted({1, pages}):
        status, data = c.request("GET", "/api/tickets?%s&page=%d" % (query, page), None,
                                 {"Authorization": "Bearer " + token})
        if status != 200:
            fail("GET page %d answered %d: %r" % (page, status, data[:300]))
        d = json.loads(data)["data"]
        if len(d["items"]) != limit or d["total"] != total:
            fail("page %d: %d items, total %s; expected %d items, total %d"
                 % (page, len(d["items"]), d["total"], limit, total))
    print("prep: pages 1 and %d of ?%s hold %d items each, total %d"
          % (pages, query, limit, total))


def main():
    a = sys.argv[1:]
    c = Client()
    if a[:1] == ["post"] and len(a) == 2:
        post(c, a[1])
    elif a[:1] == ["login"] and len(a) == 2:
        login(c, a[1])
    elif a[:1] == ["assign"] and len(a) == 3:
        assign(c, read_token(a[1]), a[2])
    elif a[:1] == ["list"] and len(a) == 5:
        list_pages(c, read_token(a[1]), a[2], int(a[3]), int(a[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
