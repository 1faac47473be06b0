"""Sign-in, sessions, roles, users and the audit log over the real stack."""
import json
import os
import subprocess
import time

from harness import (ADMIN_EMAIL, ADMIN_PASSWORD, BUILD, admin_token, api, login, make_user,  # noqa: F401
                     one, request, sql, tick, token_for, uniq)

ROLES = ["super_admin", "site_manager", "agent", "reporter"]

# Which roles hold each permission (written out apart from src/roles.c).
PERMS = {
    "signed_in": set(ROLES),
    "users": {"super_admin"},
    "audit": {"super_admin"},
    "tickets.read": set(ROLES),
    "tickets.work": {"super_admin", "site_manager", "agent"},
    "tickets.admin": {"super_admin"},
    "whatsapp.send": {"super_admin", "site_manager"},
    "whatsapp.status": {"super_admin", "site_manager"},
    "whatsapp.simulate": {"super_admin"},
    "stats": set(ROLES),
    "integrations": {"super_admin"},
    "sites.read": set(ROLES),
    "sites.admin": {"super_admin"},
    "teams.admin": {"super_admin"},
    "contacts.admin": {"super_admin", "site_manager"},
    "contacts.erase": {"super_admin"},
    "templates.admin": {"super_admin"},
    "canned.admin": {"super_admin", "site_manager"},
}

# Every signed-in route, with a request that reaches the handler without
# changing anything that matters (unknown ids, invalid bodies).
ROUTES = [
    ("GET", "/api/auth/me", None, "signed_in"),
    ("GET", "/api/auth/profile", None, "signed_in"),
    ("POST", "/api/auth/password", {}, "signed_in"),
    ("POST", "/api/auth/register", {}, "users"),
    ("GET", "/api/users", None, "users"),
    ("POST", "/api/users", {}, "users"),
    ("GET", "/api/users/999999", None, "users"),
    ("PUT", "/api/users/999999", {}, "users"),
    ("DELETE", "/api/users/999999", None, "users"),
    ("GET", "/api/audit", None, "audit"),
    ("GET", "/api/tokens", None, "signed_in"),
    ("POST", "/api/tokens", {}, "signed_in"),
    ("DELETE", "/api/tokens/999999", None, "signed_in"),
    ("GET", "/api/webhooks", None, "integrations"),
    ("POST", "/api/webhooks", {}, "integrations"),
    ("GET", "/api/webhooks/999999", None, "integrations"),
    ("PUT", "/api/webhooks/999999", {}, "integrations"),
    ("DELETE", "/api/webhooks/999999", None, "integrations"),
    ("GET", "/api/webhooks/999999/deliveries", None, "integrations"),
    ("POST", "/api/webhooks/999999/deliveries/1/resend", None, "integrations"),
    ("GET", "/api/tickets", None, "tickets.read"),
    ("POST", "/api/tickets", {}, "tickets.work"),
    ("GET", "/api/tickets/stats", None, "stats"),
    ("GET", "/api/tickets/999999", None, "tickets.read"),
    ("PUT", "/api/tickets/999999", {}, "tickets.work"),
    ("DELETE", "/api/tickets/999999", None, "tickets.admin"),
    ("POST", "/api/tickets/999999/reveal", None, "tickets.admin"),
    ("PUT", "/api/tickets/999999/status", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/assign", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/release", None, "tickets.work"),
    ("POST", "/api/tickets/999999/reply", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/close", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/notes", {}, "tickets.work"),
    ("GET", "/api/replies/999999", None, "tickets.read"),
    ("POST", "/api/replies", {}, "tickets.work"),
    ("POST", "/api/whatsapp/send", {}, "whatsapp.send"),
    ("GET", "/api/whatsapp/status", None, "whatsapp.status"),
    ("POST", "/api/whatsapp/simulate-message", {}, "whatsapp.simulate"),
    ("GET", "/api/sites", None, "sites.read"),
    ("POST", "/api/sites", {}, "sites.admin"),
    ("GET", "/api/sites/999999", None, "sites.read"),
    ("PUT", "/api/sites/999999", {}, "sites.admin"),
    ("DELETE", "/api/sites/999999", None, "sites.admin"),
    ("GET", "/api/sites/999999/subsites", None, "sites.read"),
    ("POST", "/api/sites/999999/subsites", {}, "sites.admin"),
    ("PUT", "/api/sites/999999/managers", {}, "sites.admin"),
    ("GET", "/api/sites/999999/qr", None, "sites.read"),
    ("POST", "/api/sites/999999/qr/refresh", {}, "sites.admin"),
    ("GET", "/api/whatsapp/qr?format=bad", None, "sites.read"),
    ("GET", "/api/teams", None, "tickets.read"),
    ("POST", "/api/teams", {}, "teams.admin"),
    ("GET", "/api/teams/999999", None, "tickets.read"),
    ("PUT", "/api/teams/999999", {}, "teams.admin"),
    ("DELETE", "/api/teams/999999", None, "teams.admin"),
    ("PUT", "/api/teams/999999/members", {}, "teams.admin"),
    ("GET", "/api/me/availability", None, "tickets.work"),
    ("PUT", "/api/me/availability", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/transfer", {}, "tickets.work"),
    ("PUT", "/api/tickets/999999/tags", {}, "tickets.work"),
    ("GET", "/api/contacts", None, "tickets.read"),
    ("POST", "/api/contacts", {}, "contacts.admin"),
    ("GET", "/api/contacts/999999", None, "tickets.read"),
    ("PUT", "/api/contacts/999999", {}, "contacts.admin"),
    ("DELETE", "/api/contacts/999999", None, "contacts.erase"),
    ("POST", "/api/contacts/999999/merge", {}, "contacts.admin"),
    ("POST", "/api/contacts/999999/erase", None, "contacts.erase"),
    ("GET", "/api/contacts/999999/export", None, "contacts.erase"),
    ("GET", "/api/templates", None, "tickets.read"),
    ("POST", "/api/templates", {}, "templates.admin"),
    ("DELETE", "/api/templates/Bad-Name", None, "templates.admin"),
    ("POST", "/api/tickets/999999/template", {}, "tickets.work"),
    ("POST", "/api/tickets/999999/typing", None, "tickets.work"),
    ("GET", "/api/canned-replies", None, "tickets.read"),
    ("POST", "/api/canned-replies", {}, "canned.admin"),
    ("GET", "/api/canned-replies/999999", None, "tickets.read"),
    ("PUT", "/api/canned-replies/999999", {}, "canned.admin"),
    ("DELETE", "/api/canned-replies/999999", None, "canned.admin"),
]


def test_last_super_admin_is_protected():
    token = admin_token()
    me = api("GET", "/api/auth/me", token).json()["data"]
    assert int(one("SELECT COUNT(*) FROM users WHERE role='super_admin' AND active=1")) == 1
    r = api("PUT", "/api/users/%d" % me["id"], token, {"role": "agent"})
    assert r.status == 409 and r.json()["error"]["code"] == "last_super_admin", r
    r = api("PUT", "/api/users/%d" % me["id"], token, {"active": False})
    assert r.status == 409, r
    r = api("DELETE", "/api/users/%d" % me["id"], token)
    assert r.status == 409 and r.json()["error"]["code"] == "cannot_delete_self", r
    # With a second super_admin the first may be demoted, then the second is the last.
    other_id, other_email = make_user("super_admin")
    other = login(other_email, "a-long-password-1").json()["data"]["token"]
    r = api("DELETE", "/api/users/%d" % other_id, token)
    assert r.status == 200, r
    assert api("GET", "/api/auth/me", other).status == 401   # deactivated: its token stops at once
    assert one("SELECT active FROM users WHERE id=%d" % other_id) == "0"


def test_login_answers_user_token_and_cookies():
    r = login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["user"]["email"] == ADMIN_EMAIL and d["user"]["role"] == "super_admin"
    assert d["token"].count(".") == 2 and len(d["csrf_token"]) == 64
    cookies = r.headers["set-cookie"]
    assert "tick_session=" + d["token"] in cookies
    assert "HttpOnly" in cookies and "Secure" in cookies and "SameSite=Strict" in cookies
    me = api("GET", "/api/auth/me", d["token"])
    assert me.status == 200 and me.json()["data"]["email"] == ADMIN_EMAIL, me
    assert "users" in me.json()["data"]["permissions"]
    assert me.json()["data"]["limits"] == {"max_file_size": 1048576}   # MAX_FILE_SIZE of the test stack


def test_wrong_email_and_wrong_password_look_the_same():
    _, email = make_user("agent")
    a = login(email, "not-the-password")
    b = login("nobody%d@example.com" % uniq(), "not-the-password")
    assert a.status == b.status == 401, (a, b)
    assert a.body == b.body, (a.body, b.body)
    assert a.json()["error"]["code"] == "invalid_credentials"
    # Bad input is a 422 naming the fields, not a hint about accounts.
    r = login("not-an-email", "")
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"email", "password"}, r
    r = request("POST", "/api/auth/login", b"email=a", {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 415, r
    r = request("POST", "/api/auth/login", b"{", {"Content-Type": "application/json"})
    assert r.status == 400, r


def test_lockout_and_unlock():
    uid, email = make_user("agent")
    for i in range(5):
        assert login(email, "wrong-password-%d" % i).status == 401
    # Locked now: even the right password is refused, with the same answer.
    r = login(email, "a-long-password-1")
    assert r.status == 401 and r.json()["error"]["code"] == "invalid_credentials", r
    assert one("SELECT locked_until > NOW(3) FROM users WHERE id=%d" % uid) == "1"
    assert int(one("SELECT COUNT(*) FROM audit_log WHERE action='auth.lockout' AND actor_id=%d" % uid)) == 1
    # The lock runs its course (it is the address's: see test_hard_auth).
    sql("UPDATE users SET locked_until = NOW(3) - INTERVAL 1 SECOND WHERE id=%d" % uid)
    sql("UPDATE login_throttle SET locked_until = NOW(3) - INTERVAL 1 SECOND WHERE email='%s'" % email)
    assert login(email, "a-long-password-1").status == 200
    assert one("SELECT failed_logins FROM users WHERE id=%d" % uid) == "0"


def test_logout_ends_the_token():
    _, email = make_user("agent")
    t1 = login(email, "a-long-password-1").json()["data"]["token"]
    t2 = login(email, "a-long-password-1").json()["data"]["token"]
    r = api("POST", "/api/auth/logout", t1)
    assert r.status == 200 and "Max-Age=0" in r.headers["set-cookie"], r
    r = api("GET", "/api/auth/me", t1)
    assert r.status == 401 and r.json()["error"]["code"] == "session_ended", r
    assert api("GET", "/api/auth/me", t2).status == 200   # other sessions go on


def test_password_change_ends_other_sessions():
    _, email = make_user("agent")
    old = login(email, "a-long-password-1").json()["data"]["token"]
    cur = login(email, "a-long-password-1").json()["data"]["token"]
    r = api("POST", "/api/auth/password", cur, {"current_password": "wrong-one-here", "new_password": "another-password-2"})
    assert r.status == 403, r
    r = api("POST", "/api/auth/password", cur, {"current_password": "a-long-password-1", "new_password": "short"})
    assert r.status == 422, r
    r = api("POST", "/api/auth/password", cur, {"current_password": "a-long-password-1", "new_password": "another-password-2"})
    assert r.status == 200, r
    fresh = r.json()["data"]["token"]
    assert api("GET", "/api/auth/me", old).status == 401
    assert api("GET", "/api/auth/me", cur).status == 401
    assert api("GET", "/api/auth/me", fresh).status == 200
    assert login(email, "a-long-password-1").status == 401
    assert login(email, "another-password-2").status == 200


def test_cookie_requests_need_the_csrf_token():
    _, email = make_user("agent")
    d = login(email, "a-long-password-1").json()["data"]
    cookie = "tick_session=%s; tick_csrf=%s" % (d["token"], d["csrf_token"])
    # Reading by cookie needs no CSRF token.
    assert request("GET", "/api/auth/me", headers={"Cookie": cookie}).status == 200
    body = json.dumps({"current_password": "x", "new_password": "y"}).encode()
    h = {"Cookie": cookie, "Content-Type": "application/json"}
    r = request("POST", "/api/auth/password", body, h)
    assert r.status == 403 and r.json()["error"]["code"] == "csrf_failed", r
    r = request("POST", "/api/auth/password", body, dict(h, **{"X-CSRF-Token": "0" * 64}))
    assert r.status == 403, r
    # A CSRF token of another session does not do either.
    other = login(email, "a-long-password-1").json()["data"]
    r = request("POST", "/api/auth/password", body, dict(h, **{"X-CSRF-Token": other["csrf_token"]}))
    assert r.status == 403, r
    r = request("POST", "/api/auth/password", body, dict(h, **{"X-CSRF-Token": d["csrf_token"]}))
    assert r.status == 422, r   # past the CSRF check, into the handler
    # Sign-out by cookie with the token.
    r = request("POST", "/api/auth/logout", b"", {"Cookie": cookie, "X-CSRF-Token": d["csrf_token"]})
    assert r.status == 200, r
    assert request("GET", "/api/auth/me", headers={"Cookie": cookie}).status == 401


def test_bad_tokens_are_401():
    good = admin_token()
    head, payload, sig = good.split(".")
    for t in ("", "abc", good + "x", head + "." + payload + ".", "eyJhbGciOiJub25lIn0." + payload + ".",
              head + "." + payload + "." + sig[::-1]):
        r = api("GET", "/api/auth/me", t)
        assert r.status == 401, (t, r)


def test_every_signed_in_route_needs_a_token():
    for method, path, body, _ in ROUTES:
        r = api(method, path, None, body)
        assert r.status == 401 and r.json()["error"]["code"] == "authentication_required", (method, path, r)


def test_route_by_role_table():
    tokens = {role: token_for(role) for role in ROLES}
    for method, path, body, perm in ROUTES:
        for role in ROLES:
            r = api(method, path, tokens[role], body)
            if role in PERMS[perm]:
                assert r.status not in (401, 403), (role, method, path, r)
            else:
                assert r.status == 403 and r.json()["error"]["code"] == "forbidden", (role, method, path, r)


def test_users_api():
    token = admin_token()
    email = "Case%d@Example.com" % uniq()
    r = api("POST", "/api/users", token, {"email": email, "name": "Case", "role": "agent"})
    assert r.status == 201, r
    user = r.json()["data"]
    assert user["email"] == email.lower() and len(user["generated_password"]) == 20
    assert login(email.upper(), user["generated_password"]).status == 200   # case-insensitive
    r = api("POST", "/api/users", token, {"email": email.lower(), "name": "Dup", "role": "agent",
                                          "password": "a-long-password-1"})
    assert r.status == 409 and r.json()["error"]["code"] == "email_taken", r
    r = api("POST", "/api/auth/register", token, {"email": "x@y", "name": "", "role": "boss", "password": "short"})
    assert r.status == 422, r
    assert set(r.json()["error"]["details"]) == {"email", "name", "role", "password"}, r
    r = api("PUT", "/api/users/%d" % user["id"], token, {"name": "Renamed", "role": "reporter"})
    assert r.status == 200 and r.json()["data"]["name"] == "Renamed" and r.json()["data"]["role"] == "reporter", r
    r = api("GET", "/api/users?limit=2&page=1", token)
    assert r.status == 200 and len(r.json()["data"]["items"]) == 2 and r.json()["data"]["total"] >= 3, r
    assert api("GET", "/api/users?limit=500", token).status == 400
    assert api("GET", "/api/users/abc", token).status == 404
    # A demotion takes effect on the next request, not at the next sign-in.
    t = login(email, user["generated_password"]).json()["data"]["token"]
    assert api("GET", "/api/auth/me", t).json()["data"]["role"] == "reporter"


def test_password_hash_is_upgraded_at_sign_in():
    import crypt
    email = "php%d@example.com" % uniq()
    old = crypt.crypt("imported-password", "$2y$04$abcdefghijklmnopqrstuu")
    sql("INSERT INTO users (email, name, password_hash, role) VALUES ('%s', 'PHP', '%s', 'agent')" % (email, old))
    assert login(email, "imported-password").status == 200
    new = one("SELECT password_hash FROM users WHERE email='%s'" % email)
    assert new.startswith("$2b$08$"), new
    assert login(email, "imported-password").status == 200


def test_audit_log():
    token = admin_token()
    r = api("GET", "/api/audit?limit=100", token)
    assert r.status == 200, r
    items = r.json()["data"]["items"]
    ids = [i["id"] for i in items]
    assert ids == sorted(ids, reverse=True)
    actions = {i["action"] for i in items}
    assert {"auth.login", "auth.login_failed", "auth.lockout", "user.create", "user.update",
            "user.deactivate", "auth.logout"} <= actions, actions
    failed = [i for i in items if i["action"] == "auth.login_failed"][0]
    assert failed["remote_addr"] == "127.0.0.1" and "reason" in failed["details"]
    r = api("GET", "/api/audit?action=user.create&limit=5", token)
    assert all(i["action"] == "user.create" for i in r.json()["data"]["items"])
    assert r.json()["data"]["total"] >= 3


def test_cli_user_add_and_passwd():
    email = "cli%d@example.com" % uniq()
    env = dict(os.environ)
    r = subprocess.run([os.path.join(BUILD, "cli", "tick"), "user", "add", "--email", email, "--name", "Cli",
                        "--role", "reporter"], input="from-stdin-password\n", capture_output=True, text=True,
                       env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "password:" not in r.stdout   # given, so never printed
    assert login(email, "from-stdin-password").status == 200
    r = subprocess.run([os.path.join(BUILD, "cli", "tick"), "user", "passwd", "--email", email],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    generated = r.stdout.split("password:")[1].strip()
    assert len(generated) == 20 and login(email, generated).status == 200
    r = subprocess.run([os.path.join(BUILD, "cli", "tick"), "user", "add", "--email", email, "--name", "x",
                        "--role", "agent"], input="from-stdin-password\n", capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "already exists" in r.stderr
    r = tick("user", "add", "--email", "bad", "--name", "x", "--role", "agent")
    assert r.returncode == 2


def test_responder_refuses_to_start_without_jwt_secret():
    env = dict(os.environ)
    env.pop("JWT_SECRET", None)
    r = subprocess.run([os.path.join(BUILD, "cgi-bin", "auth.fcgi")], env=env, capture_output=True, text=True,
                       input="", timeout=30)
    assert r.returncode != 0 and "JWT_SECRET" in r.stderr, (r.returncode, r.stderr)
    env["JWT_SECRET"] = "short"
    r = subprocess.run([os.path.join(BUILD, "cgi-bin", "auth.fcgi")], env=env, capture_output=True, text=True,
                       input="", timeout=30)
    assert r.returncode != 0 and "JWT_SECRET" in r.stderr, r.stderr


def test_login_rate_limit_is_nginx_s():
    # The integration stack allows 6000/min; the production default is 30/min.
    conf = open(os.path.join(os.environ["TICK_VAR_DIR"], "nginx", "tick.conf")).read()
    assert "zone=tick_login" in conf and "location = /api/auth/login" in conf
    _ = time
