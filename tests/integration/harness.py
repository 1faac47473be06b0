"""Helpers for the integration tests: HTTPS to nginx, SQL through the
mariadb client, the fake Graph API's control routes, and a tiny runner that
prints 'N passed, N failed'."""
import hashlib
import hmac
import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import traceback
import urllib.request

VAR = os.environ["TICK_VAR_DIR"]
PORT = int(os.environ["TICK_HTTPS_PORT"])
HTTP_PORT = int(os.environ["TICK_HTTP_PORT"])
SECRET = os.environ.get("WHATSAPP_APP_SECRET", "")
VERIFY = os.environ.get("WHATSAPP_VERIFY_TOKEN", "")
PNID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID", "")
GRAPH = os.environ.get("TICK_GRAPH_URL", "")
BUILD = os.environ["TICK_BUILDDIR"]
SRC = os.environ["TICK_SRCDIR"]

_ctx = ssl.create_default_context(cafile=os.path.join(VAR, "tls", "cert.pem"))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


def request(method, path, body=None, headers=None, timeout=30):
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=_ctx, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()


def sign(body, secret=None):
    key = (SECRET if secret is None else secret).encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def post_webhook(payload, signed=True, path="/api/whatsapp/webhook", secret=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = sign(body, secret)
    return request("POST", path, body, headers)


_seq = [int(time.time() * 1000) % 1000000]


def uniq():
    _seq[0] += 1
    return _seq[0]


def text_message(phone, text, name="Ana Ruiz", wamid=None, pnid=None):
    wamid = wamid or "wamid.IT%d" % uniq()
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": pnid or PNID},
            "contacts": [{"profile": {"name": name}, "wa_id": phone}],
            "messages": [{"from": phone, "id": wamid, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}]}}]}]}


def statuses_payload(items):
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
                                       "metadata": {"phone_number_id": PNID},
                                       "statuses": items}}]}]}


def new_phone():
    return "52155%08d" % uniq()


def sql(query):
    out = subprocess.run(
        ["mariadb", "--no-defaults", "--default-character-set=utf8mb4", "--socket", os.environ["DB_SOCKET"], "-u", os.environ["DB_USER"],
         "-N", "-B", os.environ.get("DB_NAME", "tick"), "-e", query],
        check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def one(query):
    rows = sql(query)
    return rows[0][0] if rows else None


def esc(s):
    return s.replace("\\", "\\\\").replace("'", "\\'")


def graph(method, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(GRAPH + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def graph_mode(mode, times=None):
    graph("POST", "/_fake/mode", {"mode": mode, "times": times})


def graph_sent(to=None):
    reqs = graph("GET", "/_fake/requests")
    return [r for r in reqs if to is None or (r.get("body") or {}).get("to") == to]


def tick(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([os.path.join(BUILD, "cli", "tick")] + list(args),
                          capture_output=True, text=True, env=e, timeout=120)


def run(tests):
    passed = failed = 0
    for t in tests:
        start = time.time()
        try:
            t()
            passed += 1
            print("ok   %-55s %.2fs" % (t.__name__, time.time() - start), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % t.__name__, flush=True)
            traceback.print_exc()
    print("\nintegration: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
