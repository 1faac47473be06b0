"""Sites, their managers and QR codes (issue 11) over the real stack: nginx,
the auth responder, MariaDB, the fake Graph API. Configurations the stack
does not run with (Meta's QR code API on, a configured display number, no
WhatsApp at all) run the auth responder as plain CGI with that
configuration, against the same database and fake."""
import json
import os
import re
import subprocess
import tempfile

from harness import (BUILD, admin_token, api, graph, leave_no_active_sites, login, make_user, new_phone, one,  # noqa: F401
                     post_webhook, request, sql, text_message, token_for, uniq)

SITE_KEYS = {"id", "code", "name", "address", "latitude", "longitude", "active", "parent_id", "parent",
             "subsites_count", "managers", "qr", "created_at", "updated_at", "open_actions", "overdue_actions"}
# The fake Graph API's number, as its display_phone_number says it.
FAKE_NUMBER = "15550001111"


def new_code(prefix="S"):
    return "%s%07d" % (prefix, uniq() % 10000000)


def create(body, token=None):
    r = api("POST", "/api/sites", token or admin_token(), body)
    assert r.status == 201, r
    return r.json()["data"]


def site(code=None, **kw):
    body = {"code": code or new_code(), "name": "Site " + (code or "x")}
    body.update(kw)
    return create(body)


def user_token(role):
    uid, email = make_user(role)
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def set_managers(site_id, ids):
    r = api("PUT", "/api/sites/%d/managers" % site_id, admin_token(), {"user_ids": ids})
    assert r.status == 200, r
    return r.json()["data"]


def audit_actions(site_id):
    return [row[0] for row in sql("SELECT action FROM audit_log WHERE entity='site' AND entity_id='%d' "
                                  "ORDER BY id" % site_id)]


def fake_qr():
    return graph("GET", "/_fake/qrdls")


def zbar(data):
    """What a real decoder reads in an image."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode().strip()


def cgi(method, path, token, body=None, query="", headers=None, **env):
    """The auth responder as plain CGI, with extra configuration."""
    data = json.dumps(body).encode() if body is not None else b""
    e = dict(os.environ, REQUEST_METHOD=method, DOCUMENT_URI=path, REQUEST_URI=path, QUERY_STRING=query,
             CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(data)), REMOTE_ADDR="127.0.0.1",
             HTTP_AUTHORIZATION="Bearer " + token)
    for k, v in (headers or {}).items():
        e["HTTP_" + k.upper().replace("-", "_")] = v
    for k, v in env.items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "auth.fcgi")], input=data, env=e,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    head, _, payload = out.stdout.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0].startswith("Status: "), out.stdout[:300]
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(": ")
        hdrs[k.lower()] = v
    return int(lines[0][8:11]), hdrs, payload


def test_create_get_update_and_the_json_shape():
    token = admin_token()
    code = new_code()
    s = create({"code": code.lower(), "name": "North Refinery Terminal", "address": "Av. Siempre Viva 742",
                "latitude": 19.432608, "longitude": -99.133209})
    assert set(s) == SITE_KEYS, set(s) ^ SITE_KEYS
    assert s["code"] == code and s["name"] == "North Refinery Terminal"
    assert s["latitude"] == 19.432608 and s["longitude"] == -99.133209, s
    assert s["active"] is True and s["parent_id"] is None and s["parent"] is None
    assert s["subsites_count"] == 0 and s["managers"] == [] and s["qr"] is None
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", s["created_at"]), s
    assert one("SELECT code FROM sites WHERE id=%d" % s["id"]) == code
    r = api("GET", "/api/sites/%d" % s["id"], token)
    assert r.status == 200 and r.json()["data"] == s, r
    # Partial update: the name changes, the address and the position clear.
    r = api("PUT", "/api/sites/%d" % s["id"], token, {"name": "Renamed", "address": None,
                                                      "latitude": None, "longitude": None})
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["name"] == "Renamed" and d["address"] is None and d["latitude"] is None and d["longitude"] is None
    assert d["code"] == code
    # A 100-character name of two-byte characters fits (characters, not bytes).
    r = api("PUT", "/api/sites/%d" % s["id"], token, {"name": "é" * 100, "latitude": -90, "longitude": 180})
    assert r.status == 200 and r.json()["data"]["name"] == "é" * 100, r
    assert r.json()["data"]["latitude"] == -90 and r.json()["data"]["longitude"] == 180
    assert audit_actions(s["id"]) == ["site.create", "site.update", "site.update"]
    details = json.loads(one("SELECT details FROM audit_log WHERE entity='site' AND entity_id='%d' "
                             "AND action='site.create'" % s["id"]))
    assert details["code"] == code and details["name"] == "North Refinery Terminal", details
    assert api("GET", "/api/sites/999999999", token).status == 404
    assert api("GET", "/api/sites/abc", token).status == 404
    assert api("PUT", "/api/sites/999999999", token, {"name": "x"}).status == 404


def test_list_filters_and_pages():
    token = admin_token()
    tag = "Lst%d" % uniq()
    a = site(name=tag + " alpha")
    b = site(name=tag + " beta")
    sub = create({"code": new_code("U"), "name": tag + " alpha gate", "parent_id": a["id"]})
    api("DELETE", "/api/sites/%d" % b["id"], token)
    r = api("GET", "/api/sites?q=" + tag, token)
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["total"] == 3 and {x["id"] for x in d["items"]} == {a["id"], b["id"], sub["id"]}, d
    assert set(d) >= {"items", "total", "page", "limit"}
    # A sub-site comes right after its site.
    ids = [x["id"] for x in d["items"]]
    assert ids.index(sub["id"]) == ids.index(a["id"]) + 1, ids
    r = api("GET", "/api/sites?active=1&q=" + tag, token).json()["data"]
    assert {x["id"] for x in r["items"]} == {a["id"], sub["id"]} and r["total"] == 2
    r = api("GET", "/api/sites?active=0&q=" + tag, token).json()["data"]
    assert [x["id"] for x in r["items"]] == [b["id"]] and r["total"] == 1
    r = api("GET", "/api/sites?q=%s&limit=1&page=2" % tag, token).json()["data"]
    assert len(r["items"]) == 1 and r["total"] == 3 and r["page"] == 2
    # By code too, and LIKE's wildcards are only characters.
    r = api("GET", "/api/sites?q=" + a["code"], token).json()["data"]
    assert [x["id"] for x in r["items"]] == [a["id"]], r
    assert api("GET", "/api/sites?q=%25%25" + tag, token).json()["data"]["total"] == 0
    assert api("GET", "/api/sites?q=_" + tag[1:], token).json()["data"]["total"] == 0
    r = api("GET", "/api/sites?q=%C3%B1o", token)
    assert r.status == 200, r
    for q in ("active=2", "active=", "active=yes", "q=" + "x" * 101, "q=%FF"):
        r = api("GET", "/api/sites?" + q, token)
        assert r.status == 422, (q, r)
        assert set(r.json()["error"]["details"]) == {q.split("=")[0]}, (q, r)
    assert api("GET", "/api/sites?limit=500", token).status == 400


def test_duplicate_code_is_409():
    code = new_code()
    site(code)
    for again in (code, code.lower()):
        r = api("POST", "/api/sites", admin_token(), {"code": again, "name": "Again"})
        assert r.status == 409, r
        e = r.json()["error"]
        assert e["code"] == "duplicate" and "code" in e["details"], e
    other = site()
    r = api("PUT", "/api/sites/%d" % other["id"], admin_token(), {"code": code})
    assert r.status == 409 and r.json()["error"]["code"] == "duplicate", r
    assert int(one("SELECT COUNT(*) FROM sites WHERE code='%s'" % code)) == 1


def test_bad_fields_are_422_naming_each_field():
    token = admin_token()
    cases = [
        ({"name": "x"}, {"code"}),
        ({"code": "AB", "name": "x"}, {"code"}),
        ({"code": "ABCDEFGHIJK", "name": "x"}, {"code"}),
        ({"code": "NRT-01", "name": "x"}, {"code"}),
        ({"code": "ÑRT01", "name": "x"}, {"code"}),
        ({"code": 12345, "name": "x"}, {"code"}),
        ({"code": ["ABC"], "name": "x"}, {"code"}),
        ({"code": new_code()}, {"name"}),
        ({"code": new_code(), "name": "   "}, {"name"}),
        ({"code": new_code(), "name": "x" * 101}, {"name"}),
        ({"code": new_code(), "name": "a\u0007b"}, {"name"}),
        ({"code": new_code(), "name": "x", "address": "y" * 256}, {"address"}),
        ({"code": new_code(), "name": "x", "address": 7}, {"address"}),
        ({"code": new_code(), "name": "x", "latitude": 91, "longitude": 0}, {"latitude"}),
        ({"code": new_code(), "name": "x", "latitude": 0, "longitude": -180.5}, {"longitude"}),
        ({"code": new_code(), "name": "x", "latitude": "19.4", "longitude": 0}, {"latitude"}),
        ({"code": new_code(), "name": "x", "latitude": 19.4}, {"longitude"}),
        ({"code": new_code(), "name": "x", "longitude": 19.4, "latitude": None}, {"latitude"}),
        ({"code": new_code(), "name": "x", "latitude": True, "longitude": 1}, {"latitude"}),
        ({"code": new_code(), "name": "x", "active": "yes"}, {"active"}),
        ({"code": new_code(), "name": "x", "parent_id": 0}, {"parent_id"}),
        ({"code": new_code(), "name": "x", "parent_id": "abc"}, {"parent_id"}),
        ({"code": new_code(), "name": "x", "parent_id": 1.5}, {"parent_id"}),
        ({"code": new_code(), "name": "x", "parent_id": None}, {"parent_id"}),
        ({"code": new_code(), "name": "x", "parent_id": 99999999999}, {"parent_id"}),
        ({"code": "a", "name": "", "latitude": 500, "longitude": 0, "active": 1},
         {"code", "name", "latitude", "active"}),
    ]
    before = int(one("SELECT COUNT(*) FROM sites"))
    for body, fields in cases:
        r = api("POST", "/api/sites", token, body)
        assert r.status == 422, (body, r)
        e = r.json()["error"]
        assert e["code"] == "validation_failed" and set(e["details"]) == fields, (body, e)
    assert int(one("SELECT COUNT(*) FROM sites")) == before
    # A huge number is named too, never a crash.
    r = api("POST", "/api/sites", token, b'{"code":"HUGE1","name":"x","latitude":1e999,"longitude":0}')
    assert r.status in (400, 422), r
    r = api("POST", "/api/sites", token, b'{"code":"HUGE2","name":"x","latitude":123456789012345678901234567890,'
                                         b'"longitude":0}')
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"latitude"}, r
    for body in (b"not json", b"[]", b'{"code":"A\\u0000BC","name":"x"}'):
        r = api("POST", "/api/sites", token, body)
        assert 400 <= r.status < 500, (body, r)
    s = site()
    r = api("PUT", "/api/sites/%d" % s["id"], token, {"code": "x", "latitude": 1, "parent_id": "me"})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"code", "longitude", "parent_id"}, r


def test_subsites_are_one_level_deep():
    token = admin_token()
    top = site()
    r = api("POST", "/api/sites/%d/subsites" % top["id"], token, {"code": new_code("U"), "name": "Gate 1"})
    assert r.status == 201, r
    sub = r.json()["data"]
    assert sub["parent_id"] == top["id"], sub
    assert sub["parent"] == {"id": top["id"], "code": top["code"], "name": top["name"]}, sub
    assert api("GET", "/api/sites/%d" % top["id"], token).json()["data"]["subsites_count"] == 1
    # A sub-site takes no sub-site, by either route.
    r = api("POST", "/api/sites/%d/subsites" % sub["id"], token, {"code": new_code("U"), "name": "Too deep"})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r
    r = api("POST", "/api/sites", token, {"code": new_code("U"), "name": "Too deep", "parent_id": sub["id"]})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r
    # A site with sub-sites cannot become one; a site is not its own.
    other = site()
    r = api("PUT", "/api/sites/%d" % top["id"], token, {"parent_id": other["id"]})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r
    r = api("PUT", "/api/sites/%d" % other["id"], token, {"parent_id": other["id"]})
    assert r.status == 422, r
    r = api("PUT", "/api/sites/%d" % other["id"], token, {"parent_id": sub["id"]})
    assert r.status == 422, r
    # Unknown: 404 on the route, 422 in a body; the route's id wins.
    assert api("POST", "/api/sites/999999999/subsites", token, {"code": new_code("U"), "name": "x"}).status == 404
    r = api("POST", "/api/sites", token, {"code": new_code("U"), "name": "x", "parent_id": 999999999})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r
    r = api("POST", "/api/sites/%d/subsites" % top["id"], token,
            {"code": new_code("U"), "name": "x", "parent_id": other["id"]})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r
    # The list of sub-sites, and a move to the top level.
    r = api("GET", "/api/sites/%d/subsites" % top["id"], token).json()["data"]
    assert [x["id"] for x in r["items"]] == [sub["id"]] and r["total"] == 1, r
    assert api("GET", "/api/sites/999999999/subsites", token).status == 404
    r = api("PUT", "/api/sites/%d" % sub["id"], token, {"parent_id": None})
    assert r.status == 200 and r.json()["data"]["parent"] is None, r
    r = api("PUT", "/api/sites/%d" % sub["id"], token, {"parent_id": other["id"]})
    assert r.status == 200 and r.json()["data"]["parent_id"] == other["id"], r
    # An inactive site takes no new sub-site.
    api("DELETE", "/api/sites/%d" % top["id"], token)
    r = api("POST", "/api/sites/%d/subsites" % top["id"], token, {"code": new_code("U"), "name": "x"})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"parent_id"}, r


def test_delete_deactivates_and_keeps_the_rows():
    token = admin_token()
    top = site()
    sub = create({"code": new_code("U"), "name": "Gate", "parent_id": top["id"]})
    r = api("DELETE", "/api/sites/%d" % top["id"], token)
    assert r.status == 200, r
    assert r.json()["data"] == {"id": top["id"], "active": False, "subsites_deactivated": 1}, r
    assert one("SELECT active FROM sites WHERE id=%d" % top["id"]) == "0"
    assert one("SELECT active FROM sites WHERE id=%d" % sub["id"]) == "0"
    d = api("GET", "/api/sites/%d" % top["id"], token).json()["data"]
    assert d["active"] is False and d["code"] == top["code"], d
    assert audit_actions(top["id"])[-1] == "site.deactivate"
    # Again: nothing more to do, still 200.
    r = api("DELETE", "/api/sites/%d" % top["id"], token)
    assert r.status == 200 and r.json()["data"]["subsites_deactivated"] == 0, r
    assert api("DELETE", "/api/sites/999999999", token).status == 404
    # Back: the site, then its sub-site (only under an active site).
    r = api("PUT", "/api/sites/%d" % sub["id"], token, {"active": True})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"active"}, r
    assert api("PUT", "/api/sites/%d" % top["id"], token, {"active": True}).json()["data"]["active"] is True
    assert api("PUT", "/api/sites/%d" % sub["id"], token, {"active": True}).json()["data"]["active"] is True
    # active false through PUT closes the sub-sites too.
    r = api("PUT", "/api/sites/%d" % top["id"], token, {"active": False})
    assert r.status == 200 and one("SELECT active FROM sites WHERE id=%d" % sub["id"]) == "0", r


def test_open_and_overdue_actions_count_the_site_and_its_subsites():
    token = admin_token()
    top = site()
    sub = create({"code": new_code("U"), "name": "Gate", "parent_id": top["id"]})
    other = site()
    assert (top["open_actions"], top["overdue_actions"]) == (0, 0), top
    owner, _ = make_user("agent")

    def ticket(**where):
        phone = new_phone()
        assert post_webhook(text_message(phone, "a loose guard rail")).status == 200
        tid = int(one("SELECT id FROM tickets WHERE mobile='%s'" % phone))
        r = api("PUT", "/api/tickets/%d" % tid, token, where)
        assert r.status == 200, r
        return tid

    def action(tid, due):
        r = api("POST", "/api/tickets/%d/actions" % tid, token,
                {"description": "Fix it", "owner_id": owner, "due_date": due})
        assert r.status == 201, r
        return r.json()["data"]["id"]

    def counts(s):
        d = api("GET", "/api/sites/%d" % s["id"], token).json()["data"]
        listed = api("GET", "/api/sites?q=%s" % s["code"], token).json()["data"]["items"]
        assert [(x["open_actions"], x["overdue_actions"]) for x in listed if x["id"] == s["id"]] == \
            [(d["open_actions"], d["overdue_actions"])], listed
        return d["open_actions"], d["overdue_actions"]

    on_top = ticket(site_id=top["id"])
    on_sub = ticket(subsite_id=sub["id"])
    elsewhere = ticket(site_id=other["id"])
    late = action(on_top, "2001-01-01")
    action(on_top, "2150-06-30")
    action(on_sub, "2001-01-01")
    action(elsewhere, "2001-01-01")
    # The site counts its sub-site's tickets; the sub-site only its own.
    assert counts(top) == (3, 2)
    assert counts(sub) == (1, 1)
    assert counts(other) == (1, 1)
    # A closed action counts no more, nor do a deleted ticket's.
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (on_top, late), token, {"note": "fixed"})
    assert r.status == 200, r
    assert counts(top) == (2, 1)
    assert api("DELETE", "/api/tickets/%d" % on_sub, token).status == 200
    assert counts(top) == (1, 0) and counts(sub) == (0, 0)


def test_managers_set_replaces_the_set():
    token = admin_token()
    s = site()
    u1, _ = make_user("site_manager")
    u2, _ = make_user("reporter")
    d = set_managers(s["id"], [u1, u2, u1, str(u2)])
    assert [m["id"] for m in d["managers"]] and {m["id"] for m in d["managers"]} == {u1, u2}, d
    assert set(d["managers"][0]) == {"id", "name", "email"}
    assert int(one("SELECT COUNT(*) FROM site_users WHERE site_id=%d" % s["id"])) == 2
    d = set_managers(s["id"], [u2])
    assert [m["id"] for m in d["managers"]] == [u2]
    audit = json.loads(one("SELECT details FROM audit_log WHERE entity='site' AND entity_id='%d' "
                           "AND action='site.managers' ORDER BY id DESC LIMIT 1" % s["id"]))
    assert sorted(audit["before"]) == sorted([u1, u2]) and audit["after"] == [u2], audit
    # Unknown or inactive users, or anything but ids: 422 naming user_ids, nothing changed.
    gone, _ = make_user("agent")
    api("DELETE", "/api/users/%d" % gone, token)
    for body in ({"user_ids": [u1, 999999999]}, {"user_ids": [gone]}, {"user_ids": "1,2"}, {},
                 {"user_ids": [1.5]}, {"user_ids": [None]}, {"user_ids": [0]}, {"user_ids": [True]},
                 {"user_ids": [u1] * 0 + list(range(1, 52))}):
        r = api("PUT", "/api/sites/%d/managers" % s["id"], token, body)
        assert r.status == 422, (body, r)
        assert set(r.json()["error"]["details"]) == {"user_ids"}, (body, r)
    r = api("PUT", "/api/sites/%d/managers" % s["id"], token, {"user_ids": [u1, 999999999]})
    assert "999999999" in r.json()["error"]["details"]["user_ids"], r
    assert [m["id"] for m in api("GET", "/api/sites/%d" % s["id"], token).json()["data"]["managers"]] == [u2]
    assert set_managers(s["id"], [])["managers"] == []
    assert api("PUT", "/api/sites/999999999/managers", token, {"user_ids": []}).status == 404


def test_roles_on_every_route():
    """super_admin writes; a site_manager reads its sites (and their
    sub-sites) and nothing else (404), writes nothing (403); agents read
    all; a reporter reads all, or only its sites when linked to some."""
    admin = admin_token()
    mine = site()
    mine_sub = create({"code": new_code("U"), "name": "Mine gate", "parent_id": mine["id"]})
    theirs = site()
    mgr_id, mgr = user_token("site_manager")
    rep_id, rep = user_token("reporter")
    _, free_rep = user_token("reporter")
    _, lonely_mgr = user_token("site_manager")
    _, agent = user_token("agent")
    set_managers(mine["id"], [mgr_id, rep_id])

    def ids(token):
        got = set()
        page = 1
        while True:
            r = api("GET", "/api/sites?limit=100&page=%d" % page, token)
            assert r.status == 200, r
            d = r.json()["data"]
            got |= {x["id"] for x in d["items"]}
            if page * 100 >= d["total"]:
                return got, d["total"]
            page += 1

    for token in (mgr, rep):
        got, total = ids(token)
        assert got == {mine["id"], mine_sub["id"]} and total == 2, got
        for s in (mine, mine_sub):
            assert api("GET", "/api/sites/%d" % s["id"], token).status == 200
            assert api("GET", "/api/sites/%d/qr?format=svg" % s["id"], token).status == 200
        assert api("GET", "/api/sites/%d/subsites" % mine["id"], token).json()["data"]["total"] == 1
        for path in ("/api/sites/%d", "/api/sites/%d/subsites", "/api/sites/%d/qr"):
            r = api("GET", path % theirs["id"], token)
            assert r.status == 404 and r.json()["error"]["code"] == "not_found", (path, r)
    assert ids(lonely_mgr) == (set(), 0)
    for token in (agent, free_rep, admin):
        got, _ = ids(token)
        assert {mine["id"], mine_sub["id"], theirs["id"]} <= got
        assert api("GET", "/api/sites/%d" % theirs["id"], token).status == 200
        assert api("GET", "/api/sites/%d/qr" % theirs["id"], token).status == 200
    writes = [("POST", "/api/sites", {"code": new_code(), "name": "x"}),
              ("PUT", "/api/sites/%d" % mine["id"], {"name": "mine now"}),
              ("DELETE", "/api/sites/%d" % mine["id"], None),
              ("POST", "/api/sites/%d/subsites" % mine["id"], {"code": new_code(), "name": "x"}),
              ("PUT", "/api/sites/%d/managers" % mine["id"], {"user_ids": [mgr_id]}),
              ("POST", "/api/sites/%d/qr/refresh" % mine["id"], {})]
    for token in (mgr, rep, free_rep, agent):
        for method, path, body in writes:
            r = api(method, path, token, body)
            assert r.status == 403 and r.json()["error"]["code"] == "forbidden", (method, path, r)
    assert api("GET", "/api/sites/%d" % mine["id"], admin).json()["data"]["name"] == mine["name"]
    for method, path, body in writes + [("GET", "/api/sites", None), ("GET", "/api/whatsapp/qr", None)]:
        r = api(method, path, None, body)
        assert r.status == 401, (method, path, r)


def test_qr_png_decodes_to_the_exact_wa_me_link():
    token = admin_token()
    s = site()
    want = "https://wa.me/%s?text=Site%%20%s%%3A%%20" % (FAKE_NUMBER, s["code"])
    for size in ("", "&size=128", "&size=333", "&size=2048"):
        r = api("GET", "/api/sites/%d/qr?format=png%s" % (s["id"], size), token)
        assert r.status == 200, r
        assert r.headers["content-type"] == "image/png" and r.body[:8] == b"\x89PNG\r\n\x1a\n", r.headers
        w = int.from_bytes(r.body[16:20], "big")
        assert w == int(size[6:] or 512), (size, w)
        assert zbar(r.body) == want
    # The default format is PNG.
    r = api("GET", "/api/sites/%d/qr" % s["id"], token)
    assert r.status == 200 and r.headers["content-type"] == "image/png" and zbar(r.body) == want
    # The desk's own number, no text.
    r = api("GET", "/api/whatsapp/qr?format=png&size=256", token)
    assert r.status == 200, r
    assert zbar(r.body) == "https://wa.me/" + FAKE_NUMBER
    # The code is the site's current one.
    code = new_code()
    api("PUT", "/api/sites/%d" % s["id"], token, {"code": code})
    r = api("GET", "/api/sites/%d/qr" % s["id"], token)
    assert zbar(r.body) == "https://wa.me/%s?text=Site%%20%s%%3A%%20" % (FAKE_NUMBER, code)


def test_qr_svg_caching_and_bad_arguments():
    token = admin_token()
    s = site()
    r = api("GET", "/api/sites/%d/qr?format=svg&size=300" % s["id"], token)
    assert r.status == 200 and r.headers["content-type"] == "image/svg+xml", r
    svg = r.body.decode()
    assert svg.startswith("<svg ") and svg.count("<path") == 1 and 'width="300"' in svg, svg[:200]
    assert "<script" not in svg
    cc = r.headers["cache-control"]
    assert "private" in cc and "max-age=" in cc and "no-store" not in cc, r.headers
    etag = r.headers["etag"]
    assert re.match(r'^"[0-9a-f]{32}"$', etag), etag
    assert "default-src 'none'" in r.headers["content-security-policy"]
    for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
        r2 = api("GET", "/api/sites/%d/qr?format=svg&size=300" % s["id"], token, headers={"If-None-Match": inm})
        assert r2.status == 304 and r2.body == b"" and r2.headers["etag"] == etag, (inm, r2)
    r2 = api("GET", "/api/sites/%d/qr?format=svg&size=300" % s["id"], token, headers={"If-None-Match": '"nope"'})
    assert r2.status == 200 and r2.body == r.body
    # Another size or format, another tag; the same request, the same tag.
    assert api("GET", "/api/sites/%d/qr?format=svg&size=301" % s["id"], token).headers["etag"] != etag
    assert api("GET", "/api/sites/%d/qr?format=png&size=300" % s["id"], token).headers["etag"] != etag
    assert api("GET", "/api/sites/%d/qr?format=svg&size=300" % s["id"], token).headers["etag"] == etag
    # Other answers are not cached.
    assert api("GET", "/api/sites/%d" % s["id"], token).headers["cache-control"] == "no-store"
    for q, field in (("size=127", "size"), ("size=2049", "size"), ("size=abc", "size"), ("size=-5", "size"),
                     ("size=", "size"), ("size=512.0", "size"), ("size=99999999999999999999", "size"),
                     ("format=gif", "format"), ("format=PNG", "format"), ("format=", "format")):
        r = api("GET", "/api/sites/%d/qr?%s" % (s["id"], q), token)
        assert r.status == 422, (q, r)
        assert set(r.json()["error"]["details"]) == {field}, (q, r)
        r = api("GET", "/api/whatsapp/qr?%s" % q, token)
        assert r.status == 422, (q, r)
    assert api("GET", "/api/sites/999999999/qr", token).status == 404


def test_display_number_is_asked_once_per_worker():
    token = admin_token()
    s = site()
    graph("POST", "/_fake/reset")
    for _ in range(12):
        assert api("GET", "/api/sites/%d/qr?format=svg" % s["id"], token).status == 200
    lookups = fake_qr()["lookups"]
    # The auth responder runs TICK_WORKERS (2) workers: at most one each.
    assert len(lookups) <= int(os.environ.get("TICK_WORKERS", "2")), lookups
    for lk in lookups:
        assert lk["path"].endswith("?fields=display_phone_number"), lk
        assert lk["authorization"] == "Bearer " + os.environ["WHATSAPP_ACCESS_TOKEN"]
    # A fresh process asks, with the token, for that field alone.
    graph("POST", "/_fake/reset")
    status, _, body = cgi("GET", "/api/whatsapp/qr", token)
    assert status == 200, body
    lookups = fake_qr()["lookups"]
    assert [lk["path"] for lk in lookups] == ["/v25.0/%s?fields=display_phone_number"
                                              % os.environ["WHATSAPP_PHONE_NUMBER_ID"]], lookups
    assert zbar(body) == "https://wa.me/" + FAKE_NUMBER


def test_configured_display_number_wins_and_no_lookup_is_made():
    token = admin_token()
    s = site()
    graph("POST", "/_fake/reset")
    status, hdrs, body = cgi("GET", "/api/sites/%d/qr" % s["id"], token, query="format=png&size=256",
                             WHATSAPP_DISPLAY_PHONE_NUMBER="+44 20 7946 0958")
    assert status == 200 and hdrs["content-type"] == "image/png", (status, body[:200])
    assert zbar(body) == "https://wa.me/442079460958?text=Site%%20%s%%3A%%20" % s["code"]
    assert fake_qr()["lookups"] == []
    # Another prefilled text, any characters: percent-encoded UTF-8.
    status, _, body = cgi("GET", "/api/sites/%d/qr" % s["id"], token, query="format=png",
                          WHATSAPP_DISPLAY_PHONE_NUMBER="442079460958",
                          TEXT_SITE_QR_PREFILL="Sitio {code} — ¿qué pasó?\n")
    assert status == 200
    assert zbar(body) == ("https://wa.me/442079460958?text=Sitio%%20%s%%20%%E2%%80%%94%%20%%C2%%BFqu%%C3%%A9"
                          "%%20pas%%C3%%B3%%3F%%0A" % s["code"])


def test_unknown_business_number_is_503():
    token = admin_token()
    s = site()
    # No number configured and no WhatsApp to ask.
    status, _, body = cgi("GET", "/api/sites/%d/qr" % s["id"], token, WHATSAPP_PHONE_NUMBER_ID=None)
    doc = json.loads(body)
    assert status == 503 and doc["error"]["code"] == "business_number_unknown", doc
    assert "WHATSAPP_DISPLAY_PHONE_NUMBER" in doc["error"]["message"], doc
    # The Graph API fails, or answers without the number.
    for mode in ("http500", "no_number"):
        graph("POST", "/_fake/reset")
        graph("POST", "/_fake/lookup_mode", {"mode": mode, "times": 1})
        status, _, body = cgi("GET", "/api/whatsapp/qr", token)
        doc = json.loads(body)
        assert status == 503 and doc["error"]["code"] == "business_number_unknown", (mode, doc)
        assert doc["error"]["details"]["reason"], doc
    graph("POST", "/_fake/reset")


def test_qr_api_registers_each_new_site_with_meta():
    token = admin_token()
    graph("POST", "/_fake/reset")
    code = new_code()
    status, _, body = cgi("POST", "/api/sites", token, {"code": code, "name": "With Meta"}, WHATSAPP_QR_API="1")
    doc = json.loads(body)
    assert status == 201, doc
    qr = doc["data"]["qr"]
    assert set(qr) == {"code", "deep_link"} and re.match(r"^FAKEQR\d{8}$", qr["code"]), qr
    assert qr["deep_link"] == "https://wa.me/message/" + qr["code"], qr
    assert "qr_error" not in doc["data"]
    sid = doc["data"]["id"]
    assert sql("SELECT qr_code, qr_deep_link, qr_prefill FROM sites WHERE id=%d" % sid) == \
        [[qr["code"], qr["deep_link"], "Site %s: " % code]]
    reqs = fake_qr()["requests"]
    assert len(reqs) == 1, reqs
    assert reqs[0]["body"] == {"prefilled_message": "Site %s: " % code, "generate_qr_image": "SVG"}, reqs
    assert reqs[0]["authorization"] == "Bearer " + os.environ["WHATSAPP_ACCESS_TOKEN"]
    assert reqs[0]["path"] == "/v25.0/%s/message_qrdls" % os.environ["WHATSAPP_PHONE_NUMBER_ID"]
    assert "site.qr" in audit_actions(sid)
    # The site's JSON says it to every reader from then on.
    assert api("GET", "/api/sites/%d" % sid, token).json()["data"]["qr"] == qr
    # A new code changes the message of the same Meta code.
    code2 = new_code()
    status, _, body = cgi("PUT", "/api/sites/%d" % sid, token, {"code": code2}, WHATSAPP_QR_API="1")
    assert status == 200 and json.loads(body)["data"]["qr"] == qr, body
    reqs = fake_qr()["requests"]
    assert reqs[-1]["body"] == {"prefilled_message": "Site %s: " % code2, "generate_qr_image": "SVG",
                                "code": qr["code"]}, reqs
    assert fake_qr()["codes"][qr["code"]] == "Site %s: " % code2
    assert one("SELECT qr_prefill FROM sites WHERE id=%d" % sid) == "Site %s: " % code2
    # Without the QR API nothing is sent.
    n = len(fake_qr()["requests"])
    site()
    assert len(fake_qr()["requests"]) == n


def test_a_failing_qr_api_never_fails_the_site():
    token = admin_token()
    graph("POST", "/_fake/reset")
    graph("POST", "/_fake/qr_mode", {"mode": "error:100", "times": 1})
    code = new_code()
    status, _, body = cgi("POST", "/api/sites", token, {"code": code, "name": "Meta says no"}, WHATSAPP_QR_API="1")
    doc = json.loads(body)
    assert status == 201 and doc["data"]["qr"] is None and doc["data"]["qr_error"], doc
    sid = doc["data"]["id"]
    assert sql("SELECT active, qr_code FROM sites WHERE id=%d" % sid) == [["1", "NULL"]]
    # Refresh registers it now; without the QR API it is refused.
    status, _, body = cgi("POST", "/api/sites/%d/qr/refresh" % sid, token, {}, WHATSAPP_QR_API="1")
    doc = json.loads(body)
    assert status == 200 and doc["data"]["qr"]["code"].startswith("FAKEQR"), doc
    r = api("POST", "/api/sites/%d/qr/refresh" % sid, token, {})
    assert r.status == 503 and r.json()["error"]["code"] == "qr_api_off", r
    assert cgi("POST", "/api/sites/999999999/qr/refresh", token, {}, WHATSAPP_QR_API="1")[0] == 404
    # Meta down: the refresh says so (502); the stored code stays.
    graph("POST", "/_fake/qr_mode", {"mode": "http500", "times": 1})
    status, _, body = cgi("POST", "/api/sites/%d/qr/refresh" % sid, token, {}, WHATSAPP_QR_API="1")
    assert status == 502, body
    assert one("SELECT qr_code FROM sites WHERE id=%d" % sid) == doc["data"]["qr"]["code"]
    # A text over Meta's 140 characters is never sent.
    graph("POST", "/_fake/reset")
    status, _, body = cgi("POST", "/api/sites", token, {"code": new_code(), "name": "Long text"},
                          WHATSAPP_QR_API="1", TEXT_SITE_QR_PREFILL="{code} " + "x" * 140)
    doc = json.loads(body)
    assert status == 201 and doc["data"]["qr"] is None and "140" in doc["data"]["qr_error"], doc
    assert fake_qr()["requests"] == []
    # 140 characters exactly (two bytes each) go.
    status, _, body = cgi("POST", "/api/sites", token, {"code": "ABC%05d" % (uniq() % 100000), "name": "Edge"},
                          WHATSAPP_QR_API="1", TEXT_SITE_QR_PREFILL="{code}" + "é" * 132)
    doc = json.loads(body)
    assert status == 201 and doc["data"]["qr"] is not None, doc
    # Meta's 2,000 codes a number: the fake's limit, lowered.
    graph("POST", "/_fake/qr_limit", {"limit": len(fake_qr()["codes"])})
    status, _, body = cgi("POST", "/api/sites", token, {"code": new_code(), "name": "Over the limit"},
                          WHATSAPP_QR_API="1")
    doc = json.loads(body)
    assert status == 201 and doc["data"]["qr"] is None and "at most" in doc["data"]["qr_error"], doc
    graph("POST", "/_fake/reset")


def test_poster_is_a_csp_clean_panel_page():
    token = admin_token()
    s = site()
    r = request("GET", "/api/sites/%d/poster" % s["id"])
    assert r.status == 200 and r.headers["content-type"].startswith("text/html"), r
    html = r.body.decode()
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    # No inline script or style, no other origin.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), html
    assert "style=" not in html and "<style" not in html and "http://" not in html and "https://" not in html
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html)
    assert scripts and styles, html
    for path in scripts + styles:
        assert path.startswith("/"), path
        r2 = request("GET", path)
        assert r2.status == 200 and len(r2.body) > 100, (path, r2)
    js = request("GET", scripts[0]).body.decode()
    assert "/api/sites/" in js and "format=svg" in js, js[:300]
    assert "@page" in request("GET", styles[-1]).body.decode()
    assert request("GET", "/api/sites/abc/poster").status == 404
    # Its data: the site and the SVG, with the panel's cookie.
    r = login(os.environ.get("DEFAULT_ADMIN_EMAIL", "admin@example.com"),
              os.environ.get("DEFAULT_ADMIN_PASSWORD", ""))
    cookies = "; ".join(c.split(";")[0] for c in r.headers["set-cookie"].split("\n"))
    assert request("GET", "/api/sites/%d" % s["id"], headers={"Cookie": cookies}).status == 200
    r = request("GET", "/api/sites/%d/qr?format=svg&size=600" % s["id"], headers={"Cookie": cookies})
    assert r.status == 200 and r.headers["content-type"] == "image/svg+xml"
    assert token


def test_widest_values_read_back_whole():
    """Every text a site's answer carries, filled to its column with
    4-byte characters, comes back whole from every route that reads it."""
    token = admin_token()
    emoji = "\U0001F600"
    top = create({"code": new_code(), "name": emoji * 100, "address": emoji * 255,
                  "latitude": -89.999999, "longitude": 179.999999})
    sub = create({"code": new_code("U"), "name": emoji * 100, "address": emoji * 255, "parent_id": top["id"]})
    uid, _ = make_user("site_manager")
    sql("UPDATE users SET name='%s' WHERE id=%d" % (emoji * 100, uid))
    set_managers(sub["id"], [uid])
    sql("UPDATE sites SET qr_code='%s', qr_deep_link='%s' WHERE id=%d" % ("Q" * 64, "https://" + "w" * 247,
                                                                          sub["id"]))
    reads = [api("GET", "/api/sites/%d" % sub["id"], token).json()["data"],
             [x for x in api("GET", "/api/sites/%d/subsites" % top["id"], token).json()["data"]["items"]][0],
             [x for x in api("GET", "/api/sites?q=" + sub["code"], token).json()["data"]["items"]][0]]
    for d in reads:
        assert d["name"] == emoji * 100 and d["address"] == emoji * 255, d["name"][:10]
        assert d["parent"]["name"] == emoji * 100
        assert d["managers"] == [{"id": uid, "name": emoji * 100, "email": d["managers"][0]["email"]}]
        assert d["qr"] == {"code": "Q" * 64, "deep_link": "https://" + "w" * 247}
    d = api("GET", "/api/sites/%d" % top["id"], token).json()["data"]
    assert d["latitude"] == -89.999999 and d["longitude"] == 179.999999, d
    # One character more is refused by name, never cut.
    r = api("POST", "/api/sites", token, {"code": new_code(), "name": emoji * 101, "address": emoji * 256})
    assert r.status == 422 and set(r.json()["error"]["details"]) == {"name", "address"}, r


def test_writes_survive_every_failed_statement():
    """The Nth SQL statement fails (TICK_FAULT_STMT), for every N: a clean
    JSON answer, no transaction left open, and either the whole change with
    its audit row or nothing; the clean retry then ends as if nothing had
    failed."""
    token = admin_token()
    u1, _ = make_user("site_manager")
    u2, _ = make_user("reporter")
    top = site()
    set_managers(top["id"], [u1])

    def run(method, path, body, n):
        data = json.dumps(body).encode()
        e = dict(os.environ, REQUEST_METHOD=method, DOCUMENT_URI=path, REQUEST_URI=path, QUERY_STRING="",
                 CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(data)), REMOTE_ADDR="127.0.0.1",
                 HTTP_AUTHORIZATION="Bearer " + token, TICK_FAULT_STMT=str(n))
        out = subprocess.run([os.path.join(BUILD, "cgi-bin", "auth.fcgi")], input=data, env=e,
                             capture_output=True, timeout=60)
        err = out.stderr.decode("utf-8", "replace")
        assert out.returncode == 0 and "left a transaction open" not in err, (n, err[-2000:])
        head, _, payload = out.stdout.partition(b"\r\n\r\n")
        status = int(head[8:11])
        doc = json.loads(payload)
        assert doc["success"] is (status < 400), (n, status, doc)
        what = [line for line in err.splitlines() if "on purpose" in line]
        return status, doc, what[0].split("on purpose: ", 1)[1] if what else ""

    injected = 0
    for n in range(1, 60):
        code = new_code("F")
        status, doc, hit = run("POST", "/api/sites/%d/subsites" % top["id"], {"code": code, "name": "Fault"}, n)
        rows = int(one("SELECT COUNT(*) FROM sites WHERE code='%s'" % code))
        audits = int(one("SELECT COUNT(*) FROM audit_log a JOIN sites s ON a.entity='site' "
                         "AND a.entity_id=s.id WHERE s.code='%s' AND a.action='site.create'" % code))
        # Whole or nothing; done but unanswered only when the read of the
        # answer, after the commit, is what failed.
        assert rows == audits, (n, status, doc, rows, audits)
        assert (status == 201) == (rows == 1) or (rows == 1 and hit.startswith("SELECT")), (n, hit, status, rows)
        injected += bool(hit)
        if not hit:
            break
        status, doc, hit = run("PUT", "/api/sites/%d/managers" % top["id"], {"user_ids": [u2]}, n)
        managers = [int(r[0]) for r in sql("SELECT user_id FROM site_users WHERE site_id=%d ORDER BY user_id"
                                           % top["id"])]
        assert managers == ([u2] if status == 200 else [u1]), (n, status, doc, managers)
        if status == 200:
            set_managers(top["id"], [u1])
    assert injected >= 5, injected
    # A clean run after all that.
    assert run("POST", "/api/sites", {"code": new_code("F"), "name": "Clean"}, 0)[0] == 201


# Each test leaves no active site behind (see harness.leave_no_active_sites).
leave_no_active_sites(globals())
