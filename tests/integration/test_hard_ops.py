#!/usr/bin/env python3
"""Hardening: nginx, sockets, logs and the scripts (issue 10)."""
import base64
import errno
import grp
import http.client
import json
import os
import signal
import socket
import ssl
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HTTP_PORT, PORT, SRC, VAR, VERIFY, admin_token, api, make_user, login,  # noqa: E402,F401
                     new_phone, one, post_webhook, request, sql, text_message, uniq)

# A local account outside the desk's groups, as an attacker on the host.
OUTSIDER = "daemon"


def outsider_connect(path):
    """Connects to unix socket path as OUTSIDER; the errno (0 on success)."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_UNIX)\n"
            "try:\n s.connect(sys.argv[1]); print(0)\n"
            "except OSError as e: print(e.errno)\n")
    out = subprocess.run(["setpriv", "--reuid=" + OUTSIDER, "--regid=" + OUTSIDER, "--clear-groups",
                          sys.executable, "-c", code, path], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out
    return int(out.stdout.strip())


def raw(port, data, tls=False, timeout=10):
    """Sends bytes as they are; the answer as (status, headers, body)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    try:
        s.sendall(data)
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


def assert_json_error(status, headers, body, want_status):
    assert status == want_status, (status, body[:300])
    assert headers.get("content-type", "").startswith("application/json"), (status, headers, body[:300])
    doc = json.loads(body)
    assert doc["success"] is False and doc["error"]["code"] and doc["error"]["message"], doc


def socket_group():
    name = os.environ.get("TICK_SOCKET_GROUP")
    assert name, "the stack exports TICK_SOCKET_GROUP"
    return grp.getgrnam(name).gr_gid


def nginx_worker_groups():
    """The groups of every nginx worker of this stack (children of its master)."""
    master = int(open(os.path.join(VAR, "run", "nginx.pid")).read())
    groups = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = open("/proc/%s/status" % pid).read()
        except OSError:
            continue
        f = dict(line.split(":\t", 1) for line in st.splitlines() if ":\t" in line)
        if int(f.get("PPid", "0")) == master:
            gids = {int(f["Gid"].split()[0])} | {int(g) for g in f.get("Groups", "").split()}
            groups.append(gids)
    return groups


def test_fastcgi_sockets_are_0660_with_nginx_group_and_refuse_outsiders():
    gid = socket_group()
    run = os.path.join(VAR, "run")
    socks = [os.path.join(run, f) for f in os.listdir(run) if f.endswith(".sock")]
    assert len(socks) >= 5, socks
    for path in socks:
        st = os.stat(path)
        assert stat.S_ISSOCK(st.st_mode), path
        assert stat.S_IMODE(st.st_mode) == 0o660, (path, oct(st.st_mode))
        assert st.st_gid == gid, (path, st.st_gid, gid)
        assert st.st_uid == os.getuid(), path
        assert outsider_connect(path) == errno.EACCES, path
    # The directory is no way in for others either.
    assert stat.S_IMODE(os.stat(run).st_mode) & 0o007 == 0, oct(os.stat(run).st_mode)
    assert stat.S_IMODE(os.stat(VAR).st_mode) & 0o007 == 0, oct(os.stat(VAR).st_mode)
    # ...while nginx's workers hold the group (the stack answers through them).
    workers = nginx_worker_groups()
    assert workers and all(gid in g for g in workers), (workers, gid)
    assert request("GET", "/api/ping").status == 200


def test_private_mariadb_has_no_anonymous_account_and_no_outside_way_in():
    assert one("SELECT COUNT(*) FROM mysql.global_priv WHERE User=''") == "0"
    assert one("SELECT COUNT(*) FROM mysql.user WHERE User=''") == "0"
    assert one("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='test'") == "0"
    assert one("SELECT COUNT(*) FROM mysql.db WHERE Db LIKE 'test%'") == "0"
    sock = os.environ["DB_SOCKET"]
    assert outsider_connect(sock) == errno.EACCES, sock


def wait_in_log(path, marker, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        if marker in text:
            return text
        time.sleep(0.2)
    raise AssertionError("%s never appeared in %s" % (marker, path))


def test_access_log_masks_secrets_and_search_terms_and_is_private():
    n = uniq()
    challenge = "chal%dxyz" % n
    term = "Zebulon%d" % n
    phone = new_phone()
    email = "hidden%d@example.com" % n
    r = request("GET", "/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=%s"
                % (VERIFY, challenge))
    assert r.status == 200 and r.body.decode() == challenge, r
    wrong = "wrongtoken%d" % n
    assert request("GET", "/webhook?hub.mode=subscribe&hub.verify_token=%s&hub.challenge=1" % wrong).status == 403
    tok = admin_token()
    assert api("GET", "/api/tickets?q=%s&limit=5" % term, tok).status == 200
    assert api("GET", "/api/tickets?q=%s" % phone, tok).status == 200
    api("GET", "/api/tickets?phone=%s&email=%s&mobile=%s" % (phone, email, phone), tok)
    # A percent-encoded key is masked as well.
    api("GET", "/api/tickets?%%71=%s" % (term + "enc"), tok)
    marker = "/api/ops-log-marker-%d" % n
    assert request("GET", marker).status == 404
    log = os.path.join(VAR, "log", "nginx-access.log")
    text = wait_in_log(log, marker)
    assert "/api/whatsapp/webhook" in text and "/api/tickets" in text
    for secret in (VERIFY, challenge, wrong, term, phone, email, term + "enc"):
        assert secret not in text, secret
    # Logs and their directory are the desk's alone.
    logdir = os.path.join(VAR, "log")
    assert stat.S_IMODE(os.stat(logdir).st_mode) & 0o007 == 0, oct(os.stat(logdir).st_mode)
    for f in ("nginx-access.log", "nginx-error.log", "webhook.log", "tickets.log", "mariadb.log"):
        mode = stat.S_IMODE(os.stat(os.path.join(logdir, f)).st_mode)
        assert mode & 0o137 == 0, (f, oct(mode))


def test_nginx_own_errors_are_json_on_both_servers():
    # 400 from the plain-http server: a request line nginx cannot parse.
    assert_json_error(*raw(HTTP_PORT, b"BAD LINE\r\n\r\n"), 400)
    # 413 on the plain-http server.
    assert_json_error(*raw(HTTP_PORT, b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 9999999\r\n"
                           b"Connection: close\r\n\r\n"), 413)
    # 414 on both.
    for port, tls in ((HTTP_PORT, False), (PORT, True)):
        assert_json_error(*raw(port, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", tls), 414)
    # Headers too large (nginx's 494): a JSON 431.
    big = b"GET /api/ping HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 20000 + b"\r\n\r\n"
    assert_json_error(*raw(PORT, big, True), 431)
    # Plain http sent to the https port (nginx's 497): a JSON 400.
    assert_json_error(*raw(PORT, b"GET /api/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400)
    # A malformed request on the https server.
    assert_json_error(*raw(PORT, b"GET /api/ping HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
                           True), 400)
    # 405 on a static file, 403 on a directory without an index.
    r = request("POST", "/index.html", b"x", {"Content-Type": "text/plain"})
    assert_json_error(r.status, r.headers, r.body, 405)
    r = request("GET", "/css/")
    assert_json_error(r.status, r.headers, r.body, 403)
    # 411: a body whose length is not given, under HTTP/1.0.
    assert_json_error(*raw(PORT, b"POST /api/ping HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", True), 400)


def test_redirect_target_is_the_configured_name_not_the_host_header():
    name = os.environ.get("TICK_SERVER_NAME", "localhost")
    for host in ("evil.example", "evil.example:%d" % PORT, "localhost.evil.example"):
        conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
        conn.request("GET", "/api/health?x=1", headers={"Host": host})
        r = conn.getresponse()
        loc = r.getheader("Location")
        body = r.read()
        conn.close()
        assert r.status == 301, (r.status, body)
        assert loc == "https://%s:%d/api/health?x=1" % (name, PORT), loc
        assert "evil" not in loc


def wa_ticket_held():
    """A ticket from a customer's message, taken by a new agent: (id, token)."""
    phone = new_phone()
    assert post_webhook(text_message(phone, "a file please")).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s' ORDER BY id DESC LIMIT 1" % phone))
    _, email = make_user("agent")
    tok = login(email, "a-long-password-1").json()["data"]["token"]
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    return tid, tok


def test_reply_with_a_16_mib_file_reaches_the_file_limit_not_a_length_error():
    tid, tok = wa_ticket_held()
    content = base64.b64encode(b"\0" * (16 * 1024 * 1024)).decode()
    body = json.dumps({"message": "the file", "file": {"name": "big.pdf", "type": "application/pdf",
                                                        "content": content}}).encode()
    assert len(body) > 22 * 1000 * 1000
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, body, {"Content-Type": "application/json"})
    assert r.status == 413, r
    msg = r.json()["error"]["message"]
    assert "Content-Length" not in msg and "larger than" in msg and "limit" in msg, msg
    assert str(int(os.environ.get("MAX_FILE_SIZE", "1048576"))) in msg, msg
    # Nothing was sent or stored for it.
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d" % tid) == "0"


def test_body_over_the_route_limit_is_a_json_413():
    tid, tok = wa_ticket_held()
    for path, length in (("/api/tickets/%d/reply" % tid, 30 * 1000 * 1000), ("/api/tickets/%d/notes" % tid,
                                                                              2 * 1000 * 1000)):
        req = ("POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
               % (path, tok, length)).encode()
        assert_json_error(*raw(PORT, req, True), 413)


# scripts/run: a desk of its own, on free ports, with the build at hand.

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def health(port, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
    try:
        conn.request("GET", "/api/health")
        r = conn.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    except OSError:
        return None, None, b""
    finally:
        conn.close()


def pids_of(var):
    out = {}
    with open(os.path.join(var, "pids")) as f:
        for line in f:
            name, pid = line.split()
            out[name] = int(pid)
    return out


def session_members(sid, var):
    """Processes in session sid, or whose command line names var."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat_ = open("/proc/%s/stat" % pid).read()
            cmd = open("/proc/%s/cmdline" % pid, "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat_[stat_.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        if int(fields[3]) == sid or var in cmd:
            found.append((int(pid), cmd))
    return found


def test_scripts_run_restarts_mariadb_and_leaves_nothing_behind():
    var = tempfile.mkdtemp(prefix="tick-run.")
    https, plain = free_port(), free_port()
    env = dict(os.environ)
    env.update({"TICK_VAR_DIR": var, "TICK_HTTPS_PORT": str(https), "TICK_HTTP_PORT": str(plain),
                "TICK_WORKERS": "1", "TICK_EVENTS_WORKERS": "1"})
    for k in ("DB_SOCKET", "TICK_ADMIN_NOTE"):
        env.pop(k, None)
    out = open(os.path.join(var, "run.out"), "w+")
    p = subprocess.Popen(["sh", os.path.join(SRC, "scripts", "run")], env=env, stdout=out,
                         stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 180
        while "tick is running" not in open(out.name).read():
            assert p.poll() is None and time.time() < deadline, open(out.name).read()[-3000:]
            time.sleep(0.2)
        cafile = os.path.join(var, "tls", "cert.pem")
        assert health(https, cafile)[0] == 200
        pids = pids_of(var)
        nginx = pids["nginx"]
        os.kill(pids["mariadb"], signal.SIGKILL)
        seen = []
        deadline = time.time() + 90
        while time.time() < deadline:
            st, ctype, body = health(https, cafile)
            if not seen or seen[-1] != st:
                seen.append(st)
                if st == 503:
                    assert ctype.startswith("application/json") and not json.loads(body)["success"], body
            if st == 200 and 503 in seen:
                break
            assert p.poll() is None, open(out.name).read()[-3000:]
            time.sleep(0.05)
        assert 503 in seen and seen[-1] == 200, (seen, open(out.name).read()[-3000:])
        os.kill(nginx, 0)                                       # the same nginx throughout
        assert pids_of(var)["nginx"] == nginx
        assert pids_of(var)["mariadb"] != pids["mariadb"]
        # A responder gone: nginx's 502 is JSON too.
        os.kill(pids_of(var)["events"], signal.SIGTERM)
        deadline = time.time() + 15
        while os.path.exists(os.path.join(var, "run", "events.sock")) and time.time() < deadline:
            time.sleep(0.1)
        ctx = ssl.create_default_context(cafile=cafile)
        conn = http.client.HTTPSConnection("127.0.0.1", https, context=ctx, timeout=10)
        conn.request("GET", "/api/events")
        r = conn.getresponse()
        assert_json_error(r.status, {"content-type": r.getheader("Content-Type")}, r.read(), 502)
        conn.close()
        # SIGTERM: everything it started goes with it.
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
        deadline = time.time() + 5
        while session_members(p.pid, var) and time.time() < deadline:
            time.sleep(0.2)
        assert session_members(p.pid, var) == [], session_members(p.pid, var)
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        for pid, _ in session_members(p.pid, var):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        out.close()
        subprocess.run(["rm", "-rf", var])
