"""API tokens (issue 15): made from a session, shown once, stored as a hash,
scoped within the owner's role, usable on every API route without CSRF,
rate-limited, expiring and revocable, every change audited."""
import hashlib
import re

from harness import admin_token, api, login, make_user, one, request, sql

TOKEN = re.compile(r"^tick_[0-9a-f]{12}_[0-9a-f]{48}$")


def session(role):
    uid, email = make_user(role)
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def bearer(method, path, token, body=None):
    return api(method, path, token, body)


def make(tok, **body):
    body.setdefault("name", "CRM sync")
    body.setdefault("scopes", ["tickets.read"])
    return api("POST", "/api/tokens", tok, body)


def test_a_token_is_shown_once_and_stored_as_its_hash():
    uid, tok = session("agent")
    r = make(tok, scopes=["tickets.read", "tickets.work", "tickets.read"], expires_in_days=30)
    assert r.status == 201, r
    d = r.json()["data"]
    assert TOKEN.match(d["token"]), d["token"]
    assert d["scopes"] == ["tickets.read", "tickets.work"] and d["user"]["id"] == uid
    assert d["prefix"] == d["token"][:17] and d["active"] is True and d["last_used_at"] is None
    row = sql("SELECT selector, token_hash FROM api_tokens WHERE id = %d" % d["id"])[0]
    assert row[1] == hashlib.sha256(d["token"].encode()).hexdigest()
    assert d["token"] not in str(sql("SELECT * FROM api_tokens WHERE id = %d" % d["id"]))
    # Never shown again.
    listed = api("GET", "/api/tokens", tok).json()["data"]["items"]
    assert [x["id"] for x in listed] == [d["id"]] and "token" not in listed[0]
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'token.create' AND entity_id = '%d'"
               % d["id"]) == "1"


def test_a_token_works_like_a_session_within_its_scopes():
    uid, tok = session("agent")
    t = make(tok, scopes=["tickets.read"]).json()["data"]["token"]
    r = bearer("GET", "/api/tickets?limit=1", t)
    assert r.status == 200, r
    assert bearer("GET", "/api/auth/me", t).json()["data"]["id"] == uid
    # /me shows what the token may do, not the whole role.
    perms = bearer("GET", "/api/auth/me", t).json()["data"]["permissions"]
    assert "tickets.read" in perms and "tickets.work" not in perms, perms
    # Outside its scopes, though the role would allow it: 403 insufficient_scope.
    r = bearer("POST", "/api/tickets", t, {})
    assert r.status == 403 and r.json()["error"]["code"] == "insufficient_scope", r
    # Beyond the role: forbidden, whatever the scopes say.
    r = bearer("GET", "/api/users", t)
    assert r.status == 403 and r.json()["error"]["code"] == "forbidden", r
    assert one("SELECT last_used_at IS NOT NULL FROM api_tokens WHERE user_id = %d" % uid) == "1"


def test_no_csrf_needed_and_no_cookie_involved():
    _, tok = session("agent")
    t = make(tok, scopes=["tickets.read", "tickets.work"]).json()["data"]["token"]
    r = request("POST", "/api/tickets", b'{"name":"A","description":"d","issue_type":"x"}',
                {"Content-Type": "application/json", "Authorization": "Bearer " + t})
    assert r.status == 201, r
    assert r.headers.get("set-cookie") is None


def test_scopes_never_beyond_the_owners_role_and_names_are_checked():
    _, tok = session("reporter")
    for scopes, why in ((["tickets.work"], "does not have"), (["users"], "does not have"),
                        (["tickets.everything"], "not a permission"), ([], "list"),
                        ("tickets.read", "list"), ([1], "not a permission"),
                        (["signed_in"], "not a permission")):
        r = make(tok, scopes=scopes)
        assert r.status == 422 and why in r.json()["error"]["details"]["scopes"], (scopes, r)
    for body, field in (({"name": ""}, "name"), ({"name": "x" * 101}, "name"),
                        ({"expires_in_days": 0}, "expires_in_days"),
                        ({"expires_in_days": 366}, "expires_in_days"),
                        ({"expires_in_days": "9"}, "expires_in_days"),
                        ({"expires_in_days": 1.5}, "expires_in_days"),
                        ({"user_id": "me"}, "user_id")):
        r = make(tok, **body)
        assert r.status == 422 and field in r.json()["error"]["details"], (body, r)
    assert one("SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id"
               " WHERE u.role = 'reporter' AND t.name = 'CRM sync'") == "0"


def test_a_demoted_owner_takes_the_tokens_scopes_down_with_it():
    uid, tok = session("super_admin")
    t = make(tok, scopes=["users"]).json()["data"]["token"]
    assert bearer("GET", "/api/users", t).status == 200
    assert api("PUT", "/api/users/%d" % uid, admin_token(), {"role": "agent"}).status == 200
    assert bearer("GET", "/api/users", t).status == 403


def test_only_a_super_admin_makes_tokens_for_others_and_sees_all():
    a_id, a = session("agent")
    b_id, b = session("agent")
    r = make(a, user_id=b_id)
    assert r.status == 403, r
    r = make(admin_token(), user_id=b_id, scopes=["tickets.read", "stats"])
    assert r.status == 201 and r.json()["data"]["user"]["id"] == b_id, r
    tid = r.json()["data"]["id"]
    # The owner's role bounds the scopes a super admin gives.
    r = make(admin_token(), user_id=b_id, scopes=["users"])
    assert r.status == 422 and "agent" in r.json()["error"]["details"]["scopes"], r
    assert make(admin_token(), user_id=999999).status == 422
    assert tid in [x["id"] for x in api("GET", "/api/tokens", b).json()["data"]["items"]]
    assert tid not in [x["id"] for x in api("GET", "/api/tokens", a).json()["data"]["items"]]
    mine = api("GET", "/api/tokens?user_id=%d" % b_id, admin_token()).json()["data"]["items"]
    assert tid in [x["id"] for x in mine]
    # Another user's token does not exist for an agent.
    r = api("DELETE", "/api/tokens/%d" % tid, a)
    assert r.status == 404, r
    assert one("SELECT revoked_at IS NULL FROM api_tokens WHERE id = %d" % tid) == "1"


def test_a_token_makes_no_tokens_and_does_not_sign_out():
    _, tok = session("agent")
    t = make(tok).json()["data"]["token"]
    r = bearer("POST", "/api/tokens", t, {"name": "x", "scopes": ["tickets.read"]})
    assert r.status == 403 and r.json()["error"]["code"] == "session_required", r
    r = bearer("POST", "/api/auth/logout", t)
    assert r.status == 409 and r.json()["error"]["code"] == "api_token", r


def test_revoked_expired_wrong_and_inactive_tokens_are_refused():
    uid, tok = session("agent")
    d = make(tok).json()["data"]
    t = d["token"]
    assert bearer("GET", "/api/tickets?limit=1", t).status == 200
    # One character off, same selector: the hash comparison refuses it.
    off = t[:-1] + ("0" if t[-1] != "0" else "1")
    r = bearer("GET", "/api/tickets?limit=1", off)
    assert r.status == 401 and r.json()["error"]["code"] == "invalid_token", r
    for bad in ("tick_", "tick_" + "0" * 61, t.upper(), t + "0"):
        r = bearer("GET", "/api/tickets?limit=1", bad)
        assert r.status == 401 and r.json()["error"]["code"] == "invalid_token", (bad, r)
    r = api("DELETE", "/api/tokens/%d" % d["id"], tok)
    assert r.status == 200 and r.json()["data"]["revoked_at"] is not None, r
    assert api("DELETE", "/api/tokens/%d" % d["id"], tok).status == 200   # idempotent
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoke' AND entity_id = '%d'"
               % d["id"]) == "1"
    r = bearer("GET", "/api/tickets?limit=1", t)
    assert r.status == 401 and r.json()["error"]["code"] == "token_revoked", r
    d2 = make(tok).json()["data"]
    sql("UPDATE api_tokens SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = %d" % d2["id"])
    r = bearer("GET", "/api/tickets?limit=1", d2["token"])
    assert r.status == 401 and r.json()["error"]["code"] == "token_expired", r
    d3 = make(tok).json()["data"]
    assert api("DELETE", "/api/users/%d" % uid, admin_token()).status == 200
    r = bearer("GET", "/api/tickets?limit=1", d3["token"])
    assert r.status == 401, r


def test_each_token_is_rate_limited_per_minute():
    _, tok = session("agent")
    t = make(tok).json()["data"]
    other = make(tok).json()["data"]["token"]
    # The window is the current minute: start it full, as if 600 calls were made.
    sql("UPDATE api_tokens SET rate_window = DATE_FORMAT(NOW(), '%%Y-%%m-%%d %%H:%%i:00'),"
        " rate_count = 600 WHERE id = %d" % t["id"])
    r = bearer("GET", "/api/tickets?limit=1", t["token"])
    if r.status == 200:   # the minute turned between the two statements
        sql("UPDATE api_tokens SET rate_count = 600 WHERE id = %d" % t["id"])
        r = bearer("GET", "/api/tickets?limit=1", t["token"])
    assert r.status == 429 and r.json()["error"]["code"] == "rate_limited", r
    assert 1 <= int(r.headers["retry-after"]) <= 60
    # Another token of the same user is not slowed.
    assert bearer("GET", "/api/tickets?limit=1", other).status == 200
