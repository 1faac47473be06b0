"""The OpenAPI document (issue 15) against what the desk really does: every
route of every responder's table is in nginx/openapi.json and every path in
the document is routed (both ways, with each route's responder and
permission), nginx serves the document, and a sample of real answers
validates against the schemas the document gives for their status."""
import glob
import json
import os
import re
import subprocess
import time

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, BUILD, SRC, admin_token, api, login, make_user, new_phone,
                     post_webhook, request, text_message)

DOC_FILE = os.environ.get("TICK_OPENAPI", os.path.join(SRC, "nginx", "openapi.json"))
METHODS = ("get", "put", "post", "delete", "patch")
URN = "urn:tick:openapi"


def doc():
    with open(DOC_FILE, encoding="utf-8") as f:
        return json.load(f)


def operations(d):
    """{(METHOD, /path/{x}): operation}"""
    return {(m.upper(), p): item[m] for p, item in d["paths"].items() for m in METHODS if m in item}


def route_tables():
    """{(METHOD, /path/{x}): (responder, permission)} from every responder
    the build made (cgi-bin/*.fcgi --routes), so a new responder is
    checked without naming it here."""
    bins = sorted(glob.glob(os.path.join(BUILD, "cgi-bin", "*.fcgi")))
    assert len(bins) >= 5, bins
    routes = {}
    for b in bins:
        out = subprocess.run([b, "--routes"], capture_output=True, text=True, timeout=30, check=True).stdout
        table = json.loads(out)
        assert table["routes"], b
        for r in table["routes"]:
            path = "/".join("{%s}" % s[1:] if s.startswith(":") else s for s in r["path"].split("/"))
            key = (r["method"], path)
            assert key not in routes, "%s %s in two tables" % key
            routes[key] = (table["responder"], r["permission"])
    return routes


def test_every_route_in_the_tables_is_in_the_document_and_the_other_way():
    ops = operations(doc())
    routes = route_tables()
    missing = sorted("%s %s" % k for k in routes if k not in ops)
    assert not missing, "routed, not in %s: %s" % (DOC_FILE, missing)
    unrouted = sorted("%s %s" % k for k, op in ops.items()
                      if k not in routes and op.get("x-tick-responder") != "nginx")
    assert not unrouted, "in the document, in no route table: %s" % unrouted
    wrong = sorted("%s %s: document says %s/%s, table %s/%s" % (k + (ops[k].get("x-tick-responder"),
                   ops[k].get("x-tick-permission")) + routes[k])
                   for k in routes if (ops[k].get("x-tick-responder"), ops[k].get("x-tick-permission")) != routes[k])
    assert not wrong, wrong


def test_every_error_code_the_code_answers_is_in_error_code():
    # The codes named where an answer fails (tick_http_fail's literal, the
    # table of codes by error) and nginx's own error pages.
    enum = set(doc()["components"]["schemas"]["ErrorCode"]["enum"])
    found = {}
    for f in glob.glob(os.path.join(SRC, "src", "**", "*.c"), recursive=True):
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        calls = [m.group(1) for m in re.finditer(r"tick_http_fail\s*\((.*?)\);", text, re.S)]
        calls += re.findall(r"\[TICK_E[A-Z]+\]\s*=\s*\{\s*\d+,\s*(\"[a-z_]+\")", text)
        for c in calls:
            code = re.search(r'"([a-z_]+)"', c)
            if code:
                found.setdefault(code.group(1), os.path.relpath(f, SRC))
    for f in glob.glob(os.path.join(SRC, "nginx", "errors", "*.json")):
        with open(f, encoding="utf-8") as fh:
            found.setdefault(json.load(fh)["error"]["code"], os.path.relpath(f, SRC))
    assert len(found) >= 20 and "validation_failed" in found, found
    missing = sorted("%s (%s)" % (c, where) for c, where in found.items() if c not in enum)
    assert not missing, "answered, not in ErrorCode: %s" % missing


def fill(path):
    return "/".join("1" if s.startswith("{") else s for s in path.split("/"))


def test_every_path_in_the_document_is_routed_by_nginx_to_a_responder_that_knows_it():
    # Without signing in: a route that reaches its own responder answers
    # 401 (or its public answer); nginx's catch-all, or a pool that does
    # not know the path, answers 404 or 405.
    d = doc()
    wrong = []
    for (method, path), op in operations(d).items():
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        body = b"{}" if method != "GET" else None
        if path.endswith("/webhook"):
            body, headers = b"{}", {"Content-Type": "application/json"}  # unsigned: 401, nothing stored
        r = request(method, fill(path), body if method != "GET" else None, headers)
        if op.get("x-tick-responder") == "nginx":
            ok = r.status == 200
        elif op.get("x-tick-permission") == "public":
            ok = r.status not in (404, 405) and str(r.status) in op["responses"]
        else:
            ok = r.status == 401 and r.json()["error"]["code"] == "authentication_required"
        if not ok:
            wrong.append("%s %s -> %d %s" % (method, path, r.status, r.body[:120]))
    assert not wrong, "\n".join(wrong)


def test_nginx_serves_the_document_as_json():
    r = request("GET", "/api/openapi.json")
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("application/json"), r.headers
    assert r.headers.get("cache-control") == "no-cache", r.headers
    assert r.json() == doc()
    assert r.json()["openapi"].startswith("3.1.")


class Checker:
    """Validates answers against the schema the document gives for their
    method, path and status (JSON Schema 2020-12, as OpenAPI 3.1 is)."""

    def __init__(self):
        self.doc = doc()
        self.ops = operations(self.doc)
        self.registry = Registry().with_resource(URN, Resource.from_contents(self.doc, default_specification=DRAFT202012))
        self.seen = []

    def check(self, method, path, r):
        op = self.ops.get((method, path))
        assert op is not None, "%s %s is not in the document" % (method, path)
        resp = op["responses"].get(str(r.status))
        assert resp is not None, "%s %s answered %d, which the document does not list: %r" % (method, path, r.status, r)
        if "$ref" in resp:
            resp = self.doc["components"]["responses"][resp["$ref"].split("/")[-1]]
        ctype = r.headers.get("content-type", "").split(";")[0]
        # A documented type may carry parameters (text/plain; version=0.0.4).
        content = {k.split(";")[0].strip(): v for k, v in (resp.get("content") or {}).items()}
        assert ctype in content, "%s %s %d: %s not among %s" % (method, path, r.status, ctype, list(content))
        if ctype == "application/json":
            pointer = "/paths/%s/%s/responses/%d" % (path.replace("~", "~0").replace("/", "~1"), method.lower(), r.status)
            if "$ref" in op["responses"][str(r.status)]:
                pointer = op["responses"][str(r.status)]["$ref"][1:]
            schema = {"$ref": "%s#%s/content/application~1json/schema" % (URN, pointer)}
            errors = sorted(Draft202012Validator(schema, registry=self.registry).iter_errors(r.json()), key=str)
            assert not errors, "%s %s %d does not match the document:\n%s\n%r" % (
                method, path, r.status, "\n".join("%s: %s" % (list(e.absolute_path), e.message) for e in errors[:10]), r)
            extra = []
            self.unnamed(content["application/json"]["schema"], r.json(), "", extra)
            assert not extra, "%s %s %d answers members the document does not name: %s" % (
                method, path, r.status, sorted(set(extra)))
        self.seen.append((method, path, r.status))
        return r

    # The schemas stay open (no additionalProperties: false), so a field
    # added to an answer would validate unseen: every member of an object
    # whose schema names members must be one of them.
    def resolve(self, s):
        for _ in range(32):
            if not isinstance(s, dict) or "$ref" not in s:
                return s if isinstance(s, dict) else {}
            node = self.doc
            for part in s["$ref"].lstrip("#/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            s = node
        return {}

    def named(self, s):
        """(members named, whether others are allowed) through allOf/anyOf/oneOf."""
        s = self.resolve(s)
        names, others = set(s.get("properties", {})), "additionalProperties" in s
        for k in ("allOf", "anyOf", "oneOf"):
            for x in s.get(k, []):
                n, o = self.named(x)
                names, others = names | n, others or o
        return names, others

    def member(self, s, key):
        """The schemas of member key (an int: of the items)."""
        s = self.resolve(s)
        found = [s["items"]] if isinstance(key, int) and "items" in s else []
        if not isinstance(key, int):
            if key in s.get("properties", {}):
                found.append(s["properties"][key])
            elif isinstance(s.get("additionalProperties"), dict):
                found.append(s["additionalProperties"])
        for k in ("allOf", "anyOf", "oneOf"):
            found += [x for x in (self.member(y, key) for y in s.get(k, [])) if x["allOf"]]
        return {"allOf": found}

    def unnamed(self, s, v, where, out):
        if isinstance(v, dict):
            names, others = self.named(s)
            out += ["%s.%s" % (where, k) for k in v if names and not others and k not in names]
            for k, x in v.items():
                self.unnamed(self.member(s, k), x, "%s.%s" % (where, k), out)
        elif isinstance(v, list):
            for x in v:
                self.unnamed(self.member(s, 0), x, where + "[]", out)


def test_a_sample_of_real_answers_validates_against_the_document():
    c = Checker()
    t = admin_token()
    ck = c.check
    ck("GET", "/api/health", request("GET", "/api/health"))
    ck("GET", "/api/ping", request("GET", "/api/ping"))
    ck("POST", "/api/auth/login", login(ADMIN_EMAIL, ADMIN_PASSWORD))
    ck("POST", "/api/auth/login", login(ADMIN_EMAIL, "not-the-password"))
    ck("GET", "/api/auth/me", api("GET", "/api/auth/me", t))
    ck("GET", "/api/auth/me", api("GET", "/api/auth/me"))
    ck("GET", "/api/auth/me", api("GET", "/api/auth/me", "tick_000000000000_" + "0" * 48))
    ck("GET", "/api/users", api("GET", "/api/users?limit=2", t))
    uid, email = make_user("agent")
    ck("GET", "/api/users/{id}", api("GET", "/api/users/%d" % uid, t))
    ck("GET", "/api/users/{id}", api("GET", "/api/users/999999999", t))
    ck("POST", "/api/users", api("POST", "/api/users", t, {"email": email, "name": "Twin", "role": "agent"}))
    ck("POST", "/api/users", api("POST", "/api/users", t, {"email": 5, "name": None, "role": "king"}))
    ck("GET", "/api/audit", api("GET", "/api/audit?limit=3", t))
    r = api("POST", "/api/auth/login", None, {"email": email, "password": "a-long-password-1"})
    agent = ck("POST", "/api/auth/login", r).json()["data"]["token"]
    ck("GET", "/api/users", api("GET", "/api/users", agent))

    phone = new_phone()
    ck("POST", "/api/whatsapp/webhook", post_webhook(text_message(phone, "the pump leaks")))
    ck("POST", "/api/whatsapp/webhook", post_webhook(text_message(phone, "unsigned"), signed=False))
    ck("GET", "/api/whatsapp/webhook", request("GET", "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1"))
    ck("GET", "/api/whatsapp/webhook", request(
        "GET", "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=7" % os.environ["WHATSAPP_VERIFY_TOKEN"]))
    items = ck("GET", "/api/tickets", api("GET", "/api/tickets?q=%s&limit=5" % phone, t)).json()["data"]["items"]
    tid = items[0]["id"]
    ck("GET", "/api/tickets", api("GET", "/api/tickets?limit=0", t))
    ck("GET", "/api/tickets/{id}", api("GET", "/api/tickets/%d" % tid, t))
    ck("GET", "/api/tickets/{id}", api("GET", "/api/tickets/%s" % items[0]["reference"], t))
    ck("GET", "/api/tickets/stats", api("GET", "/api/tickets/stats", t))
    ck("POST", "/api/tickets", api("POST", "/api/tickets", t, {
        "name": "Ana Ruiz", "email": "ana@example.com", "description": "a form ticket", "issue_type": "other",
        "issue_type_other": "a question", "whatsapp_enabled": False}))
    ck("POST", "/api/tickets", api("POST", "/api/tickets", t, {"name": 5}))
    ck("POST", "/api/tickets", api("POST", "/api/tickets", t, b"not json"))
    ck("POST", "/api/tickets/{id}/assign", api("POST", "/api/tickets/%d/assign" % tid, t, {}))
    ck("PUT", "/api/tickets/{id}/status", api("PUT", "/api/tickets/%d/status" % tid, t, {"status": "new"}))
    ck("POST", "/api/tickets/{id}/reply", api("POST", "/api/tickets/%d/reply" % tid, t, {"message": "we are on it"}))
    ck("POST", "/api/tickets/{id}/notes", api("POST", "/api/tickets/%d/notes" % tid, t, {"message": "call the plant"}))
    ck("GET", "/api/replies/{ticketId}", api("GET", "/api/replies/%d" % tid, t))
    a = ck("POST", "/api/tickets/{id}/actions", api("POST", "/api/tickets/%d/actions" % tid, t, {
        "description": "fix the seal", "owner_id": 1, "due_date": "2030-01-31"})).json()["data"]
    ck("GET", "/api/tickets/{id}/actions", api("GET", "/api/tickets/%d/actions" % tid, t))
    ck("GET", "/api/actions", api("GET", "/api/actions?owner=me", t))
    ck("POST", "/api/tickets/{id}/actions/{actionId}/close",
       api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), t, {"note": "sealed"}))
    ck("POST", "/api/tickets/{id}/actions/{actionId}/close",
       api("POST", "/api/tickets/%d/actions/%d/close" % (tid, a["id"]), t, {"note": "again"}))
    ck("POST", "/api/tickets/{id}/close", api("POST", "/api/tickets/%d/close" % tid, t, {"resolution": "fixed"}))
    ck("POST", "/api/tickets/{id}/reply", api("POST", "/api/tickets/%d/reply" % tid, t, {"message": "closed?"}))
    ck("GET", "/api/whatsapp/status", api("GET", "/api/whatsapp/status", t))
    ck("POST", "/api/whatsapp/send", api("POST", "/api/whatsapp/send", t, {"phone": phone, "message": "hello"}))

    code = "OA%d" % (time.time_ns() % 10000000)
    s = ck("POST", "/api/sites", api("POST", "/api/sites", t, {"code": code, "name": "Refinery"})).json()["data"]
    ck("POST", "/api/sites", api("POST", "/api/sites", t, {"code": code, "name": "Twin"}))
    ck("GET", "/api/sites", api("GET", "/api/sites?q=%s" % code, t))
    ck("GET", "/api/sites/{id}", api("GET", "/api/sites/%d" % s["id"], t))
    ck("POST", "/api/sites/{id}/subsites", api("POST", "/api/sites/%d/subsites" % s["id"], t, {"code": code + "B", "name": "Yard"}))
    ck("GET", "/api/sites/{id}/subsites", api("GET", "/api/sites/%d/subsites" % s["id"], t))
    ck("PUT", "/api/sites/{id}/managers", api("PUT", "/api/sites/%d/managers" % s["id"], t, {"user_ids": [uid]}))
    ck("GET", "/api/sites/{id}/qr", api("GET", "/api/sites/%d/qr?format=svg&size=256" % s["id"], t))
    ck("GET", "/api/whatsapp/qr", api("GET", "/api/whatsapp/qr", t))
    ck("DELETE", "/api/sites/{id}", api("DELETE", "/api/sites/%d" % s["id"], t))

    tok = ck("POST", "/api/tokens", api("POST", "/api/tokens", t, {"name": "CRM", "scopes": ["tickets.read"]})).json()["data"]
    ck("GET", "/api/tokens", api("GET", "/api/tokens", t))
    ck("GET", "/api/tickets", api("GET", "/api/tickets?limit=1", tok["token"]))
    ck("POST", "/api/tickets", api("POST", "/api/tickets", tok["token"], {}))
    ck("POST", "/api/auth/logout", api("POST", "/api/auth/logout", tok["token"], {}))
    ck("DELETE", "/api/tokens/{id}", api("DELETE", "/api/tokens/%d" % tok["id"], t))
    ck("GET", "/api/tickets", api("GET", "/api/tickets", tok["token"]))
    h = ck("POST", "/api/webhooks", api("POST", "/api/webhooks", t, {
        "url": "http://127.0.0.1:9/hook", "events": ["ticket.created"]})).json()["data"]
    ck("GET", "/api/webhooks", api("GET", "/api/webhooks", t))
    ck("PUT", "/api/webhooks/{id}", api("PUT", "/api/webhooks/%d" % h["id"], t, {"active": False}))
    ck("GET", "/api/webhooks/{id}/deliveries", api("GET", "/api/webhooks/%d/deliveries" % h["id"], t))
    ck("POST", "/api/webhooks/{id}/deliveries/{deliveryId}/resend",
       api("POST", "/api/webhooks/%d/deliveries/999999999/resend" % h["id"], t, {}))
    ck("DELETE", "/api/webhooks/{id}", api("DELETE", "/api/webhooks/%d" % h["id"], t))
    ck("GET", "/api/events", api("GET", "/api/events", agent[:-2] + "xx"))

    # Reports and exports: the figures, the report, its files, a transcript.
    ck("GET", "/api/stats/dashboard", api("GET", "/api/stats/dashboard?days=7", t))
    ck("GET", "/api/stats/dashboard", api("GET", "/api/stats/dashboard?days=0", t))
    ck("GET", "/api/stats/tickets", api("GET", "/api/stats/tickets?group=site&tz=UTC", t))
    ck("GET", "/api/stats/tickets", api("GET", "/api/stats/tickets?group=week&from=2026-01-01", t))
    ck("GET", "/api/stats/tickets", api("GET", "/api/stats/tickets?group=year", t))
    ck("GET", "/api/stats/tickets", api("GET", "/api/stats/tickets", agent))
    ck("GET", "/api/analytics/overview", api("GET", "/api/analytics/overview?days=30", t))
    ck("GET", "/api/analytics/overview", api("GET", "/api/analytics/overview?tz=Not/AZone", t))
    rows = ck("GET", "/api/reports/tickets", api("GET", "/api/reports/tickets?q=%s&limit=5" % phone, t)).json()["data"]
    assert rows["total"] >= 1 and rows["items"][0]["id"] == tid, rows
    ck("GET", "/api/reports/tickets", api("GET", "/api/reports/tickets?limit=500", t))
    ck("GET", "/api/reports/tickets", api("GET", "/api/reports/tickets?severity=huge", t))
    ck("GET", "/api/reports/export", api("GET", "/api/reports/export?format=csv&q=%s" % phone, t))
    ck("GET", "/api/reports/export", api("GET", "/api/reports/export?format=xlsx&q=%s" % phone, t))
    ck("GET", "/api/reports/export", api("GET", "/api/reports/export?format=doc", t))
    ck("GET", "/api/tickets/{id}/transcript.pdf", api("GET", "/api/tickets/%d/transcript.pdf?notes=1" % tid, t))
    ck("GET", "/api/tickets/{id}/transcript.pdf", api("GET", "/api/tickets/999999999/transcript.pdf", t))
    ck("GET", "/metrics", request("GET", "/metrics"))
    ck("GET", "/metrics", request("GET", "/metrics", source="127.0.0.2"))  # not loopback nor METRICS_ALLOW
    ck("POST", "/api/auth/logout", api("POST", "/api/auth/logout", agent, {}))
    statuses = {s for _, _, s in c.seen}
    assert len(c.seen) >= 60 and {200, 201, 400, 401, 403, 404, 409, 422} <= statuses, sorted(statuses)
