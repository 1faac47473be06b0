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


def request(method, path, body=None, headers=None, timeout=30, source=None):
    """source: another loopback address to connect from (127.0.0.2, ...)."""
    conn = http.client.HTTPSConnection("127.0.0.1", PORT, context=_ctx, timeout=timeout,
                                       source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        headers = {}
        for k, v in r.getheaders():
            k = k.lower()
            headers[k] = headers[k] + "\n" + v if k in headers else v
        return Response(r.status, headers, r.read())
    finally:
        conn.close()


def sign(body, secret=None):
    key = (SECRET if secret is None else secret).encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def post_webhook(payload, signed=True, path="/api/whatsapp/webhook", secret=None, timeout=30):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = sign(body, secret)
    return request("POST", path, body, headers, timeout=timeout)


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


CLD = os.environ.get("TICK_CLD_URL", "")


def cld(method, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(CLD + path, data=data, method=method,
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


def login(email, password, source=None):
    return request("POST", "/api/auth/login", json.dumps({"email": email, "password": password}).encode(),
                   {"Content-Type": "application/json"}, source=source)


def api(method, path, token=None, body=None, headers=None):
    h = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return request(method, path, data, h)


ADMIN_EMAIL = os.environ.get("DEFAULT_ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = os.environ.get("DEFAULT_ADMIN_PASSWORD", "")
_tokens = {}


def admin_token():
    if "admin" not in _tokens:
        r = login(ADMIN_EMAIL, ADMIN_PASSWORD)
        assert r.status == 200, r
        _tokens["admin"] = r.json()["data"]["token"]
    return _tokens["admin"]


def make_user(role, password="a-long-password-1", email=None):
    email = email or "%s%d@example.com" % (role.replace("_", ""), uniq())
    r = api("POST", "/api/users", admin_token(), {"email": email, "name": role.title(), "role": role,
                                                  "password": password})
    assert r.status == 201, r
    return r.json()["data"]["id"], email


def token_for(role):
    _, email = make_user(role)
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return r.json()["data"]["token"]


def leave_no_active_sites(ns):
    """Wraps every test_ function of module namespace ns (its globals())
    so that the sites it made, however it made them, are inactive once it
    ends, whether it passed or not: an active site makes the guided intake
    ask questions, which would change what other modules see a new ticket
    send. Call it at the end of the module."""
    def wrap(fn):
        def run_one():
            before = int(one("SELECT COALESCE(MAX(id), 0) FROM sites"))
            try:
                fn()
            finally:
                sql("UPDATE sites SET active = 0 WHERE id > %d AND active = 1" % before)
        run_one.__name__ = fn.__name__
        run_one.__module__ = fn.__module__
        return run_one
    for name, fn in list(ns.items()):
        if name.startswith("test_") and callable(fn):
            ns[name] = wrap(fn)


def module_leaves_no_active_site(name):
    """Two steps around module name's tests: the first notes the newest
    site, the second fails when the module left a newer site active. So no
    module depends on running before or after another (see
    leave_no_active_sites). Quiet unless the check fails."""
    seen = {}

    def before():
        seen["max"] = int(one("SELECT COALESCE(MAX(id), 0) FROM sites"))

    def after():
        left = sql("SELECT code FROM sites WHERE id > %d AND active = 1" % seen.get("max", 0))
        assert not left, "%s left active sites behind: %s" % (name, [c[0] for c in left])
    before.__name__ = "%s: sites before" % name
    after.__name__ = "%s leaves no active site" % name
    before.quiet = after.quiet = True
    return before, after


def run(tests, skip=(), name="integration"):
    """skip: names of tests not to run (a runner whose server lacks what
    they test, with its reasons); name: the label of the closing line."""
    passed = failed = skipped = 0
    for t in tests:
        if t.__name__ in skip:
            skipped += 1
            print("skip %s" % t.__name__, flush=True)
            continue
        start = time.time()
        try:
            t()
            if getattr(t, "quiet", False):
                continue
            passed += 1
            print("ok   %-55s %.2fs" % (t.__name__, time.time() - start), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s" % t.__name__, flush=True)
            traceback.print_exc()
    if skipped:
        print("\n%d skipped" % skipped)
    print("\n%s: %d passed, %d failed" % (name, passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    import importlib
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    tests = []
    for name in sys.argv[1:]:
        mod = importlib.import_module(name)
        before, after = module_leaves_no_active_site(name)
        tests += [before] + [v for k, v in vars(mod).items() if k.startswith("test_") and callable(v)
                             and getattr(v, "__module__", None) == name] + [after]
    # TICK_IT_SKIP: test names to leave out (tests/apache/run gives those
    # that test nginx itself); TICK_IT_NAME: the closing line's label.
    run(tests, set(os.environ.get("TICK_IT_SKIP", "").replace(",", " ").split()),
        os.environ.get("TICK_IT_NAME", "integration"))
