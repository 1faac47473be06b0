"""tick on a three-node Galera cluster with two responder sets (started by
tests/cluster/run): the migration guard, reads from DB_READ_HOST,
certification conflicts retried, and the fault case under webhook load.
Requests go through nginx (both sets behind one upstream) or, where a test
needs one set, straight to that set's FastCGI port."""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ["TICK_SRCDIR"], "tests", "integration"))
sys.path.insert(0, os.path.join(os.environ["TICK_SRCDIR"], "tests", "lib"))
import harness as h  # noqa: E402
from meta import Meta, report_statuses, sends as graph_sends, tally  # noqa: E402

SRC = os.environ["TICK_SRCDIR"]
VAR = os.environ["TICK_VAR_DIR"]
NODES = int(os.environ["GALERA_NODES"])
CTL = os.path.join(SRC, "tests", "cluster", "ctl")
USER = os.environ["DB_USER"]


def node_sql(n, query, db="tick"):
    out = subprocess.run(
        ["mariadb", "--no-defaults", "--default-character-set=utf8mb4",
         "--socket", os.path.join(VAR, "db", "node%d.sock" % n), "-u", USER, "-N", "-B", db, "-e",
         # Reads wait until the node has applied what the cluster committed.
         "SET SESSION wsrep_sync_wait = 1; " + query],
        check=True, capture_output=True, text=True, timeout=30).stdout
    return [line.split("\t") for line in out.splitlines()]


def node_one(n, query):
    rows = node_sql(n, query)
    return rows[0][0] if rows else None


def status(n, name):
    return int(node_sql(n, "SHOW GLOBAL STATUS LIKE '%s'" % name)[0][1])


def conflict_counts():
    """Certification failures and brute-force aborts of each node: what
    clients see as deadlocks (1213) that come from the cluster."""
    return [status(n, "wsrep_local_cert_failures") + status(n, "wsrep_local_bf_aborts")
            for n in range(1, NODES + 1)]


def conflicts_since(before):
    # A node that restarted counts from 0 again.
    return sum(a - b if a >= b else a for a, b in zip(conflict_counts(), before))


def ctl(*args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([CTL] + [str(a) for a in args], capture_output=True, text=True, env=e, timeout=timeout)
    assert r.returncode == 0, "ctl %s: %s%s" % (" ".join(map(str, args)), r.stdout, r.stderr)
    return r


def set_port(s, responder):
    return int(os.environ["SET_%s_%s" % (s, responder)])


# --- FastCGI, to reach one set without nginx --------------------------------

def _fcgi_pairs(params):
    out = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for x in (k, v):
            out += struct.pack("!B", len(x)) if len(x) < 128 else struct.pack("!I", len(x) | 0x80000000)
        out += k + v
    return out


def _fcgi_record(kind, content):
    return struct.pack("!BBHHBx", 1, kind, 1, len(content), 0) + content


def fcgi(s, responder, method, path, body=b"", headers=None, timeout=30):
    """One request to set s's responder, as nginx would pass it: a
    harness.Response."""
    path, _, qs = path.partition("?")
    params = {"REQUEST_METHOD": method, "DOCUMENT_URI": path, "REQUEST_URI": path + ("?" + qs if qs else ""),
              "SCRIPT_NAME": path, "QUERY_STRING": qs, "CONTENT_LENGTH": str(len(body)),
              "CONTENT_TYPE": (headers or {}).get("Content-Type", ""), "REMOTE_ADDR": "127.0.0.1",
              "SERVER_PROTOCOL": "HTTP/1.1", "HTTPS": "on", "SERVER_NAME": "localhost"}
    for k, v in (headers or {}).items():
        if k.lower() != "content-type":
            params["HTTP_" + k.upper().replace("-", "_")] = v
    conn = socket.create_connection(("127.0.0.1", set_port(s, responder)), timeout)
    try:
        data = _fcgi_record(1, struct.pack("!HB5x", 1, 0))
        pairs = _fcgi_pairs(params)
        data += _fcgi_record(4, pairs) + _fcgi_record(4, b"")
        for i in range(0, len(body), 65535):
            data += _fcgi_record(5, body[i:i + 65535])
        data += _fcgi_record(5, b"")
        conn.sendall(data)
        buf = b""
        out = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
            done = False
            while len(buf) >= 8:
                _, kind, _, clen, pad = struct.unpack("!BBHHB", buf[:7])
                if len(buf) < 8 + clen + pad:
                    break
                content = buf[8:8 + clen]
                buf = buf[8 + clen + pad:]
                if kind == 6:
                    out += content
                elif kind == 3:
                    done = True
            if done:
                break
    finally:
        conn.close()
    head, _, payload = out.partition(b"\r\n\r\n")
    st = 200
    hdrs = {}
    for line in head.decode("latin-1").split("\r\n"):
        k, _, v = line.partition(":")
        if k.lower() == "status":
            st = int(v.strip().split()[0])
        elif k:
            hdrs[k.lower()] = v.strip()
    return h.Response(st, hdrs, payload)


def fcgi_webhook(s, payload):
    body = json.dumps(payload).encode()
    return fcgi(s, "webhook", "POST", "/api/whatsapp/webhook", body,
                {"Content-Type": "application/json", "X-Hub-Signature-256": h.sign(body)})


# --- the tests -------------------------------------------------------------

def test_every_node_is_synced_in_one_cluster():
    for n in range(1, NODES + 1):
        assert status(n, "wsrep_cluster_size") == NODES, n
        assert node_sql(n, "SHOW STATUS LIKE 'wsrep_local_state_comment'")[0][1] == "Synced", n
    # Galera's auto-increment control: each node hands out its own ids.
    incs = {node_one(n, "SELECT @@auto_increment_increment") for n in range(1, NODES + 1)}
    assert incs == {str(NODES)}, incs


def test_migrate_from_two_hosts_at_once_applies_each_migration_once():
    outs = {}
    for s in "AB":
        with open(os.path.join(VAR, "log", "migrate-%s.rc" % s)) as f:
            rc = int(f.read())
        with open(os.path.join(VAR, "log", "migrate-%s.out" % s)) as f:
            outs[s] = f.read()
        assert rc == 0, outs[s]
    applied = sorted(int(re.search(r"(\d+) applied", outs[s]).group(1)) for s in "AB")
    total = int(node_one(3, "SELECT COUNT(*) FROM schema_migrations"))
    # One host applied every migration, the other found them applied.
    assert applied == [0, total] and total > 10, (applied, total, outs)
    for n in range(1, NODES + 1):
        assert node_one(n, "SELECT COUNT(*) FROM schema_migrations") == str(total)
        assert node_one(n, "SELECT COUNT(*) FROM schema_migrations_guard") == "0"
    print("     migrate at once: %s applied by one host, %s by the other" % (applied[1], applied[0]))


def test_migrate_waits_for_the_guard_taken_on_another_node():
    node_sql(3, "INSERT INTO schema_migrations_guard (id, holder) VALUES (1, 'elsewhere:1')")
    p = subprocess.Popen([CTL, "migrate", "B"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(2)
        # GET_LOCK on node 2 is free: only the guard row from node 3 holds it.
        assert p.poll() is None, p.communicate()
    finally:
        node_sql(3, "DELETE FROM schema_migrations_guard WHERE holder = 'elsewhere:1'")
    out, _ = p.communicate(timeout=30)
    assert p.returncode == 0 and "0 applied" in out, out
    # And twice more at once, idempotent.
    ps = [subprocess.Popen([CTL, "migrate", s], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
          for s in "AB"]
    for q in ps:
        try:
            out, _ = q.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            q.kill()
            out, _ = q.communicate()
            raise AssertionError("migrate did not end: " + out)
        assert q.returncode == 0 and "0 applied" in out, out


def test_reports_read_from_the_read_host():
    token = h.admin_token()
    auth = {"Authorization": "Bearer " + token}
    before = status(3, "Com_stmt_execute")
    for _ in range(5):
        r = fcgi("A", "reports", "GET", "/api/stats/dashboard", headers=auth)
        assert r.status == 200, r
    r = fcgi("A", "reports", "GET", "/api/reports/export?format=csv", headers=auth)
    assert r.status == 200, r
    on_read = status(3, "Com_stmt_execute") - before
    # Set A's reports read from node 3 (DB_READ_HOST); nothing else uses it.
    assert on_read >= 5 * 3, on_read
    before = status(3, "Com_stmt_execute")
    for _ in range(3):
        r = fcgi("B", "reports", "GET", "/api/stats/dashboard", headers=auth)
        assert r.status == 200, r
    assert status(3, "Com_stmt_execute") - before == 0
    # What a set writes on its node, the read host answers at once.
    phone = h.new_phone()
    r = fcgi_webhook("B", h.text_message(phone, "Counted on the read host"))
    assert r.status == 200, r
    total = node_one(3, "SELECT COUNT(*) FROM tickets")
    r = fcgi("A", "reports", "GET", "/api/stats/dashboard", headers=auth)
    assert r.status == 200 and total is not None, r
    print("     node 3 ran %d statements for set A's reports, none for set B's" % on_read)


def test_two_nodes_writing_one_customer_at_once_are_retried():
    """Two messages from one customer at the same moment, one through set A
    (node 1) and one through set B (node 2): both write the contact and the
    ticket, Galera certifies one and aborts the other at COMMIT (a deadlock,
    1213, to the client), and the webhook's deadlock retry stores it."""
    before = conflict_counts()
    phones = [h.new_phone() for _ in range(6)]
    sent = []
    answers = []
    bodies = {}
    lock = threading.Lock()

    def post(s, phone, i):
        wamid = "wamid.CL%d" % h.uniq()
        r = fcgi_webhook(s, h.text_message(phone, "at once %d" % i, wamid=wamid))
        with lock:
            sent.append(wamid)
            answers.append(r.status)
            bodies[wamid] = (s, r.body[:300])

    for i in range(8):
        ts = []
        for phone in phones:
            for s in "AB":
                ts.append(threading.Thread(target=post, args=(s, phone, i)))
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    assert answers.count(200) == len(answers), answers
    n_conflicts = conflicts_since(before)
    ids = "','".join(sent)
    stored = {r[0] for r in node_sql(2, "SELECT wamid FROM whatsapp_messages WHERE wamid IN ('%s')" % ids)}
    missing = [w for w in sent if w not in stored]
    assert not missing, (len(missing), [(w, bodies[w]) for w in missing[:3]])
    split = node_sql(1, "SELECT contact_id FROM whatsapp_messages WHERE wamid IN ('%s')"
                        " GROUP BY contact_id HAVING COUNT(DISTINCT ticket_id) > 1" % ids)
    assert split == [], split
    print("     %d messages, %d certification conflicts, all stored once, no ticket split"
          % (len(sent), n_conflicts))
    # Without conflicts this test proved nothing.
    assert n_conflicts > 0


def test_two_nodes_updating_one_ticket_at_once():
    """Agents on set A and set B change the same ticket at the same moment:
    every answer is a success or a clean conflict, never a lost update."""
    token = h.admin_token()
    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    phone = h.new_phone()
    r = fcgi_webhook("A", h.text_message(phone, "One ticket, two agents"))
    assert r.status == 200, r
    tid = int(node_one(1, "SELECT ticket_id FROM whatsapp_messages m JOIN whatsapp_contacts c"
                          " ON c.id = m.contact_id WHERE c.wa_id = '%s' LIMIT 1" % phone))
    before = conflict_counts()
    answers = []
    lock = threading.Lock()

    def put(s, i):
        body = json.dumps({"issue_title": "edited by %s %d" % (s, i)}).encode()
        r = fcgi(s, "tickets", "PUT", "/api/tickets/%d" % tid, body, auth)
        with lock:
            answers.append((s, i, r.status, r.body[:200]))

    for i in range(10):
        ts = [threading.Thread(target=put, args=(s, i)) for s in "AB"]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    bad = [a for a in answers if a[2] != 200]
    title = node_one(2, "SELECT issue_title FROM tickets WHERE id = %d" % tid)
    assert title == node_one(1, "SELECT issue_title FROM tickets WHERE id = %d" % tid)
    print("     %d updates, %d certification conflicts, answers not 200: %s"
          % (len(answers), conflicts_since(before), bad[:3]))
    assert bad == [], bad


def fcgi_events(s, token, last_id, want, seconds=20):
    """GET /api/events from set s's events responder, read as it streams:
    the event ids in the order they came, until want (a list holding one
    set, filled in while the stream runs) is there and every id of it
    arrived, or seconds passed; then the connection is dropped, as a
    browser closing its tab does."""
    params = {"REQUEST_METHOD": "GET", "DOCUMENT_URI": "/api/events",
              "REQUEST_URI": "/api/events?last_event_id=%d" % last_id, "SCRIPT_NAME": "/api/events",
              "QUERY_STRING": "last_event_id=%d" % last_id, "CONTENT_LENGTH": "0", "CONTENT_TYPE": "",
              "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "HTTPS": "on",
              "SERVER_NAME": "localhost", "HTTP_AUTHORIZATION": "Bearer " + token}
    conn = socket.create_connection(("127.0.0.1", set_port(s, "events")), 5)
    conn.settimeout(0.5)
    ids = []
    try:
        conn.sendall(_fcgi_record(1, struct.pack("!HB5x", 1, 0)) + _fcgi_record(4, _fcgi_pairs(params)) +
                     _fcgi_record(4, b"") + _fcgi_record(5, b""))
        buf = b""
        text = ""
        deadline = time.time() + seconds
        while time.time() < deadline and not (want and want[0] <= set(ids)):
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8:
                _, kind, _, clen, pad = struct.unpack("!BBHHB", buf[:7])
                if len(buf) < 8 + clen + pad:
                    break
                if kind == 6:
                    text += buf[8:8 + clen].decode("utf-8", "replace")
                buf = buf[8 + clen + pad:]
            while "\n\n" in text:
                block, _, text = text.partition("\n\n")
                for line in block.split("\n"):
                    if line.startswith("id: "):
                        ids.append(int(line[4:]))
    finally:
        conn.close()
    return ids


def test_events_written_on_two_nodes_stream_once_and_in_order_from_either():
    """Events written on node 1 and node 2 at once (their ids interleave by
    Galera's auto-increment steps), some by a transaction that holds its
    event 0.3 s before it commits: a stream on set A (node 1) and one on
    set B (node 2), both from the same id, each hand out every event once,
    in the order they were written (created_at, then id), none skipped. A
    node may take a lower id after another took a higher one, so a stream
    in id order skipped events here; the 700 ms age rule keeps an event
    written early and committed late from being passed over."""
    token = h.admin_token()
    start = int(node_one(1, "SELECT COALESCE(MAX(id), 0) FROM events"))
    per_node = 40
    # Each node holds one of its transactions while the other writes on.
    script = {1: [], 2: []}
    for n in (1, 2):
        for i in range(per_node):
            if i % 8 == (3 if n == 1 else 7):
                script[n].append("BEGIN; INSERT INTO events (type) VALUES ('ticket.updated'); DO SLEEP(0.3);"
                                 " COMMIT;")
            else:
                script[n].append("INSERT INTO events (type) VALUES ('ticket.updated'); DO SLEEP(0.02);")
    got = {}
    expect = []

    def read(s):
        got[s] = fcgi_events(s, token, start, expect, seconds=40)

    # The streams run while both nodes write.
    readers = [threading.Thread(target=read, args=(s,)) for s in "AB"]
    for t in readers:
        t.start()
    time.sleep(0.5)
    writers = [subprocess.Popen(
        ["mariadb", "--no-defaults", "--socket", os.path.join(VAR, "db", "node%d.sock" % n), "-u", USER, "tick",
         "-e", " ".join(script[n])], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for n in (1, 2)]
    for w in writers:
        out, _ = w.communicate(timeout=60)
        assert w.returncode == 0, out
    # In the order they happened: created_at, then id.
    written = [int(r[0]) for r in node_sql(3, "SELECT id FROM events WHERE id > %d ORDER BY created_at, id"
                                              % start)]
    expect.append(set(written))
    for t in readers:
        t.join(timeout=60)
    # Other tests write no events meanwhile: these are the writers'.
    assert len(written) >= 2 * per_node, (len(written), written[:10])
    # Both nodes took ids: they interleave, and not in time order.
    assert len({i % NODES for i in written}) >= 2, written[:10]
    late = sum(1 for a, b in zip(written, written[1:]) if b < a)
    for s in "AB":
        ids = got.get(s) or []
        mine = [i for i in ids if i > start]
        assert len(mine) == len(set(mine)), (s, "an event twice")
        # In the order they were written, which is not id order across
        # nodes (each node counts ids by its own steps).
        assert mine == [i for i in written if i in set(mine)], (s, "out of order")
        missing = sorted(set(written) - set(mine))
        if missing:
            rows = node_sql(3, "SELECT id, DATE_FORMAT(created_at, '%%H:%%i:%%s.%%f'), @@auto_increment_offset"
                               " FROM events WHERE id > %d ORDER BY id" % start)
            print("     stream %s: %s\n     written: %s" % (s, mine, rows))
        assert not missing, (s, "skipped", missing[:10])
    print("     %d events written on nodes 1 and 2 (%d of them with a lower id than the one before),"
          " each streamed once and in order by set A and set B" % (len(written), late))


# --- the fault case under load ---------------------------------------------

def test_node_and_host_killed_under_load_lose_nothing_and_send_nothing_twice():
    meta = Meta()
    recovery = {}
    before = conflict_counts()
    try:
        meta.phase = "steady"
        meta.producing.set()
        time.sleep(6)
        meta.phase = "fault"
        t0 = time.time()
        ctl("kill-node", 2)
        ctl("kill-set", "B")
        # Nothing of set B answers any more: no worker outlived its master.
        for r in ("webhook", "tickets", "auth"):
            try:
                socket.create_connection(("127.0.0.1", set_port("B", r)), 1).close()
                raise AssertionError("set B's %s still answers" % r)
            except ConnectionRefusedError:
                pass
        recovery["killed"] = time.time() - t0
        time.sleep(6)
        meta.phase = "recovery"
        t0 = time.time()
        ctl("start-node", 2, timeout=150)
        ctl("start-set", "B")
        recovery["back"] = time.time() - t0
        meta.phase = "after"
        time.sleep(5)
        meta.producing.clear()
        meta.phase = "drain"
        deadline = time.time() + 60
        while meta.pending() and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(1)  # the last duplicates
    finally:
        meta.stop.set()
        for w in meta.workers:
            w.join(timeout=40)
    assert meta.pending() == 0, "%d messages never got a 200" % meta.pending()
    # Node 2 came back by IST (the gcache held what it missed), not SST.
    with open(os.path.join(VAR, "log", "node2.log")) as f:
        log = f.read()
    restart = log[log.rfind("Starting MariaDB"):] if "Starting MariaDB" in log else log
    assert "IST received" in restart or "Receiving IST" in restart, restart[-3000:]
    for n in range(1, NODES + 1):
        assert status(n, "wsrep_cluster_size") == NODES

    # What Meta does after the sends: a status webhook for each message the
    # Graph API took (the answer to a send may have been lost with set B).
    report_statuses()
    # The sends a dead host had leased: the clock moves past the lease,
    # then both hosts' `tick outbox` run at once.
    node_sql(1, "UPDATE whatsapp_messages SET next_attempt_at = NOW(3) - INTERVAL 1 SECOND"
                " WHERE direction = 'out' AND next_attempt_at > NOW(3)")
    ps = [subprocess.Popen([CTL, "outbox", s], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=dict(os.environ, OUTBOX_SEND_GRACE_S="0")) for s in "AB"]
    for p in ps:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0, out
    time.sleep(1.5)  # the cron loops' last runs

    wamids = list(meta.first)
    lost, dup = tally(lambda q: node_sql(3, q), wamids)
    split = node_sql(2, "SELECT c.wa_id FROM whatsapp_messages m JOIN whatsapp_contacts c ON c.id = m.contact_id"
                        " WHERE m.direction = 'in' AND c.wa_id IN ('%s') GROUP BY c.wa_id"
                        " HAVING COUNT(DISTINCT m.ticket_id) > 1" % "','".join(meta.phones))

    # Every outbound row of these customers reached the Graph API exactly
    # once, and nothing else did.
    outs = node_sql(1, "SELECT m.id, m.status FROM whatsapp_messages m JOIN whatsapp_contacts c"
                       " ON c.id = m.contact_id WHERE m.direction = 'out' AND c.wa_id IN ('%s')"
                       % "','".join(meta.phones))
    sends = graph_sends(meta.phones)
    out_ids = {i for i, _ in outs}
    unsent = sorted(i for i in out_ids if sends.get(i, 0) == 0)
    twice = sorted(k for k, c in sends.items() if c > 1)
    stray = sorted(k for k in sends if k not in out_ids)

    print("\n     %-9s %8s  %-34s %5s %5s %9s" % ("phase", "requests", "answers by status", "lost", "dup",
                                                  "recovery"))
    for ph in ("steady", "fault", "recovery", "after", "drain"):
        s = meta.stats.get(ph, {"requests": 0, "status": {}})
        mine = [w for w in wamids if meta.first[w] == ph]
        rec = {"fault": "%.1f s" % recovery.get("killed", 0),
               "recovery": "%.1f s" % recovery.get("back", 0)}.get(ph, "")
        print("     %-9s %8d  %-34s %5d %5d %9s" % (
            ph, s["requests"], " ".join("%s:%d" % (k or "none", v) for k, v in sorted(s["status"].items())),
            len([w for w in mine if w in lost]), len([w for w in mine if w in dup]), rec))
    print("     %d messages from %d customers, %d outbound sends, %d certification conflicts"
          % (len(wamids), len(meta.phones), len(out_ids), conflicts_since(before)))
    assert not lost, sorted(lost)[:5]
    assert not dup, sorted(dup)[:5]
    assert split == [], split
    assert outs and not unsent, ("unsent", unsent[:5], [o for o in outs if o[0] in unsent][:5])
    assert not twice, ("sent twice", twice[:5])
    assert not stray, ("sends of no row", stray[:5])


if __name__ == "__main__":
    only = os.environ.get("CLUSTER_TESTS", "").split()
    h.run([t for t in [test_every_node_is_synced_in_one_cluster,
           test_migrate_from_two_hosts_at_once_applies_each_migration_once,
           test_migrate_waits_for_the_guard_taken_on_another_node,
           test_reports_read_from_the_read_host,
           test_two_nodes_writing_one_customer_at_once_are_retried,
           test_two_nodes_updating_one_ticket_at_once,
           test_events_written_on_two_nodes_stream_once_and_in_order_from_either,
           test_node_and_host_killed_under_load_lose_nothing_and_send_nothing_twice]
           if not only or t.__name__ in only or t.__name__ == "test_every_node_is_synced_in_one_cluster"],
          name="cluster")
