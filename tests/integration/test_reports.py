"""Issue 12: reports and exports through nginx. Figures equal SQL recounts
after a randomized workload; a site manager's and an agent's figures cover
their own; the CSV parses back with Python's csv module and neutralises
formula cells; the XLSX is a zip whose sheet holds numbers and dates; the
PDF's text (pdftotext) holds the references and a non-ASCII name; time
zones bucket days across a daylight-saving change; bad filters are 422
naming the field; an export over EXPORT_MAX_ROWS is 413."""
import csv
import io
import json
import os
import random
import re
import subprocess
import time
import urllib.parse
import zipfile

from harness import (VAR, admin_token, api, graph_sent, leave_no_active_sites, login, make_user, new_phone, one,
                     post_webhook, sql, statuses_payload, text_message, uniq)

NAMES = ["Zoë Ñúñez", "Σοφία Παππά", "Дмитрий Орлов", "=2+3 Ana", "@SUM(A1)", "-10+20 Bo",
         "+cmd Li", "Ana, \"Quote\"", "Line Break"]
CATEGORIES = ["line_of_fire", "working_at_height", "confined_space", "other"]
SEVERITIES = ["low", "medium", "high", "critical"]

_state = {}


def q(params):
    return urllib.parse.urlencode(params)


def site(parent=None):
    code = "R%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name, parent_id) VALUES ('%s', 'Site %s', %s)"
        % (code, code, parent if parent else "NULL"))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code)), code


def user_token(role, site_ids=()):
    uid, email = make_user(role)
    for s in site_ids:
        sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (s, uid))
    r = login(email, "a-long-password-1")
    assert r.status == 200, r
    return uid, r.json()["data"]["token"]


def percentile(v, p):
    """The definition of base/figures: linear between closest ranks."""
    if not v:
        return 0
    v = sorted(v)
    rank = p * (len(v) - 1)
    lo = int(rank)
    if lo + 1 >= len(v):
        return float(v[-1])
    return v[lo] + (v[lo + 1] - v[lo]) * (rank - lo)


def near(a, b):
    return abs(a - b) < 0.011


def workload():
    """A fresh site with a random mix of tickets: categories, severities,
    holders, first responses and closes at random times."""
    if _state:
        return _state
    rnd = random.Random(uniq())
    s, code = site()
    agent, agent_tok = user_token("agent")
    tok = admin_token()
    tickets = []
    for i in range(24):
        name = NAMES[i % len(NAMES)]
        r = api("POST", "/api/tickets", tok, {
            "name": name, "mobile": "+" + new_phone(), "description": "report %d" % i,
            "issue_type": "safety"})
        assert r.status == 201, r
        tid = r.json()["data"]["id"]
        if name == "Line Break":
            # The form refuses control characters; a name may still hold
            # one (the tick system's rows), and the CSV quotes it.
            sql("UPDATE tickets SET name = 'Line\\nBreak' WHERE id = %d" % tid)
        cat, sev = rnd.choice(CATEGORIES), rnd.choice(SEVERITIES)
        r = api("PUT", "/api/tickets/%d" % tid, tok, {"site_id": s, "category": cat, "severity": sev})
        assert r.status == 200, r
        age = rnd.randint(3600, 20 * 86400)
        fr = rnd.choice([None, rnd.randint(30, 7200)])
        closed = rnd.choice([None, rnd.randint(7200, 86400 * 3)]) if fr else None
        held = rnd.random() < 0.5
        sql("UPDATE tickets SET created_at = UTC_TIMESTAMP(3) - INTERVAL %d SECOND,"
            " first_response_at = %s, closed_at = %s, status = '%s', assigned_to = %s,"
            " assigned_at = %s WHERE id = %d" % (
                age,
                "created_at + INTERVAL %d SECOND" % fr if fr else "NULL",
                "created_at + INTERVAL %d SECOND" % closed if closed else "NULL",
                "closed" if closed else ("in_progress" if fr else ("assigned" if held else "new")),
                agent if held else "NULL",
                "created_at + INTERVAL 10 SECOND" if held else "NULL", tid))
        tickets.append({"id": tid, "name": name, "category": cat, "severity": sev, "fr": fr,
                        "closed": closed, "held": held})
    _state.update(site=s, code=code, tickets=tickets, agent=agent, agent_tok=agent_tok)
    return _state


def ok(r):
    assert r.status == 200, r
    return r.json()["data"]


def test_series_by_category_equal_sql_recounts():
    w = workload()
    d = ok(api("GET", "/api/stats/tickets?" + q({"group": "category", "site": w["code"]}), admin_token()))
    assert d["group"] == "category" and d["tz"] == "UTC", d
    rows = sql("SELECT category, COUNT(*), SUM(status <> 'closed'), SUM(status = 'closed')"
               " FROM tickets WHERE site_id = %d AND deleted_at IS NULL GROUP BY category" % w["site"])
    want = {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}
    got = {i["key"]: (i["total"], i["open"], i["closed"]) for i in d["items"]}
    assert got == want, (got, want)
    # The same from what the workload made.
    mine = {}
    for t in w["tickets"]:
        mine[t["category"]] = mine.get(t["category"], 0) + 1
    assert {k: v[0] for k, v in got.items()} == mine
    # Times per category: median and 90th percentile of the SQL's own
    # durations, by the one definition.
    for item in d["items"]:
        secs = [int(r[0]) for r in sql(
            "SELECT TIMESTAMPDIFF(SECOND, created_at, first_response_at) FROM tickets"
            " WHERE site_id = %d AND category = '%s' AND deleted_at IS NULL"
            " AND first_response_at IS NOT NULL" % (w["site"], item["key"]))]
        fr = item["first_response"]
        assert fr["count"] == len(secs), (item, secs)
        assert near(fr["median"], percentile(secs, 0.5)), (fr, secs)
        assert near(fr["p90"], percentile(secs, 0.9)), (fr, secs)
        assert near(fr["average"], sum(secs) / len(secs) if secs else 0), (fr, secs)
    assert any(i["label"] != i["key"] for i in d["items"]), d   # titles from the IOGP table


def test_every_grouping_adds_up():
    w = workload()
    total = len(w["tickets"])
    for g in ("day", "week", "month", "site", "category", "agent", "severity"):
        d = ok(api("GET", "/api/stats/tickets?" + q({"group": g, "site": w["code"]}), admin_token()))
        assert sum(i["total"] for i in d["items"]) == total, (g, d)
    d = ok(api("GET", "/api/stats/tickets?" + q({"group": "agent", "site": w["code"]}), admin_token()))
    held = sum(1 for t in w["tickets"] if t["held"])
    agent = [i for i in d["items"] if i["key"] == str(w["agent"])]
    assert (agent[0]["total"] if agent else 0) == held, d
    days = ok(api("GET", "/api/stats/tickets?" + q({"group": "day", "site": w["code"]}), admin_token()))
    want = {r[0]: int(r[1]) for r in sql(
        "SELECT DATE_FORMAT(created_at, '%%Y-%%m-%%d'), COUNT(*) FROM tickets"
        " WHERE site_id = %d AND deleted_at IS NULL GROUP BY 1" % w["site"])}
    assert {i["key"]: i["total"] for i in days["items"]} == want


def test_dashboard_headline_equals_sql():
    w = workload()
    d = ok(api("GET", "/api/stats/dashboard?" + q({"site": w["code"]}), admin_token()))
    r = sql("SELECT COUNT(*), SUM(status <> 'closed'), SUM(status = 'closed'),"
            " SUM(status <> 'closed' AND assigned_to IS NULL),"
            " SUM(status <> 'closed' AND severity = 'critical')"
            " FROM tickets WHERE site_id = %d AND deleted_at IS NULL" % w["site"])[0]
    t = d["tickets"]
    assert [t["created"], t["open"], t["closed"], t["unassigned"], t["critical_open"]] == \
        [int(x) for x in r], (t, r)
    secs = [int(x[0]) for x in sql(
        "SELECT TIMESTAMPDIFF(SECOND, created_at, closed_at) FROM tickets WHERE site_id = %d"
        " AND closed_at IS NOT NULL AND deleted_at IS NULL" % w["site"])]
    res = d["times"]["resolution"]
    assert res["count"] == len(secs) and near(res["median"], percentile(secs, 0.5)) \
        and near(res["p90"], percentile(secs, 0.9)), (res, secs)
    for k in ("per_day", "by_site", "by_category", "by_severity", "by_agent", "whatsapp"):
        assert k in d, k
    assert sum(i["total"] for i in d["by_severity"]) == len(w["tickets"])


def wa_ticket(billable=True, fail=False):
    """A WhatsApp ticket whose confirmation got statuses with pricing."""
    phone = new_phone()
    assert post_webhook(text_message(phone, "a report by WhatsApp %d" % uniq())).status == 200
    sent = graph_sent(phone)
    assert sent, "no confirmation was sent"
    wamid = sent[0]["wamid"]
    ts = str(int(time.time()))
    pricing = {"billable": billable, "pricing_model": "PMP", "category": "service", "type": "regular"}
    items = [{"id": wamid, "status": "sent", "timestamp": ts, "recipient_id": phone, "pricing": pricing}]
    if fail:
        items.append({"id": wamid, "status": "failed", "timestamp": ts, "recipient_id": phone,
                      "errors": [{"code": 131026, "title": "Message undeliverable"}]})
    else:
        items.append({"id": wamid, "status": "delivered", "timestamp": ts, "recipient_id": phone,
                      "pricing": pricing})
    assert post_webhook(statuses_payload(items)).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    return tid, wamid


def window_start():
    return one("SELECT DATE_FORMAT(UTC_DATE() - INTERVAL 29 DAY, '%Y-%m-%d 00:00:00')")


def test_pricing_is_stored_and_counted():
    tid, wamid = wa_ticket()
    assert sql("SELECT pricing_category, pricing_model, pricing_type, billable FROM whatsapp_statuses"
               " WHERE wamid = '%s' AND status = 'sent'" % wamid) == [["service", "PMP", "regular", "1"]]
    assert sql("SELECT pricing_category, billable FROM whatsapp_messages WHERE wamid = '%s'"
               % wamid) == [["service", "1"]]
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    d = ok(api("GET", "/api/reports/tickets?" + q({"q": ref}), admin_token()))
    row = [i for i in d["items"] if i["reference"] == ref][0]
    assert row["billable_messages"] == 1 and row["messages_in"] >= 1 and row["messages_out"] >= 1, row
    assert row["source"] == "whatsapp"


def test_overview_equals_sql_recounts():
    wa_ticket()
    wa_ticket(fail=True)
    d = ok(api("GET", "/api/analytics/overview?days=30", admin_token()))
    since = window_start()
    base = ("FROM whatsapp_messages m LEFT JOIN tickets t ON t.id = m.ticket_id"
            " WHERE m.created_at >= '%s' AND (t.id IS NULL OR t.deleted_at IS NULL)"
            " AND m.type <> 'read'" % since)
    r = sql("SELECT COUNT(*), COUNT(DISTINCT m.ticket_id), SUM(m.direction = 'in'),"
            " SUM(m.direction = 'out' AND m.status = 'sent'),"
            " SUM(m.direction = 'out' AND m.status = 'delivered'),"
            " SUM(m.direction = 'out' AND m.status = 'read'),"
            " SUM(m.direction = 'out' AND m.status = 'played'),"
            " SUM(m.direction = 'out' AND m.status = 'failed'),"
            " SUM(m.direction = 'out' AND m.billable = 1) " + base)[0]
    total, convs, received, s, dl, rd, pl, fl, bill = [int(x or 0) for x in r]
    assert d["totalMessages"] == total and d["totalConversations"] == convs, (d, r)
    assert d["messagesByStatus"] == {"sent": s, "delivered": dl, "read": rd, "failed": fl}, d
    sent = s + dl + rd + pl + fl
    assert sent > 0 and near(d["deliveryRate"], round(100.0 * (dl + rd + pl) / sent, 2)), d
    assert d["billable"] == bill and d["billableByCategory"].get("service", 0) >= 2, d
    assert len(d["dailyActivity"]) == 30 and set(d["dailyActivity"][0]) == {"date", "sent", "received"}
    today = d["dailyActivity"][-1]
    assert today["date"] == one("SELECT DATE_FORMAT(UTC_DATE(), '%Y-%m-%d')")
    assert sum(x["received"] for x in d["dailyActivity"]) == received
    assert sum(x["sent"] for x in d["dailyActivity"]) == sent
    assert d["sentThisMonth"] >= d["sentToday"] >= 1 and d["sentThisWeek"] >= d["sentToday"], d
    assert any(f["code"] == 131026 for f in d["failures"]), d["failures"]


def test_a_site_manager_sees_their_sites_only():
    w = workload()
    other, other_code = site()
    tid, _ = wa_ticket()
    sql("UPDATE tickets SET site_id = %d WHERE id = %d" % (w["site"], tid))
    try:
        manager_sees(w, other_code)
    finally:
        # The workload's site holds the workload again.
        sql("UPDATE tickets SET site_id = NULL WHERE id = %d" % tid)


def manager_sees(w, other_code):
    theirs = int(one("SELECT COUNT(*) FROM tickets WHERE site_id = %d AND deleted_at IS NULL" % w["site"]))
    _, mtok = user_token("site_manager", [w["site"]])
    d = ok(api("GET", "/api/stats/tickets?group=category", mtok))
    assert sum(i["total"] for i in d["items"]) == theirs, d
    # Another site's filter selects nothing of theirs.
    d = ok(api("GET", "/api/stats/tickets?" + q({"group": "site", "site": other_code}), mtok))
    assert d["items"] == [], d
    d = ok(api("GET", "/api/reports/tickets?limit=100", mtok))
    assert d["total"] == theirs
    msgs = int(one("SELECT COUNT(*) FROM whatsapp_messages m JOIN tickets t ON t.id = m.ticket_id"
                   " WHERE t.site_id = %d AND t.deleted_at IS NULL AND m.created_at >= '%s'"
                   % (w["site"], window_start())))
    d = ok(api("GET", "/api/analytics/overview", mtok))
    assert d["totalMessages"] == msgs, (d, msgs)
    r = api("GET", "/api/reports/export?format=csv", mtok)
    assert r.status == 200, r
    rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
    assert len(rows) - 1 == theirs


def test_an_agent_sees_their_own_figures():
    w = workload()
    held = int(one("SELECT COUNT(*) FROM tickets WHERE assigned_to = %d AND deleted_at IS NULL" % w["agent"]))
    d = ok(api("GET", "/api/stats/dashboard", w["agent_tok"]))
    assert d["tickets"]["created"] == held, d["tickets"]
    # Asking for everyone's changes nothing.
    d = ok(api("GET", "/api/stats/tickets?group=agent&agent=1", w["agent_tok"]))
    assert sum(i["total"] for i in d["items"]) == held


def export(params, token=None):
    return api("GET", "/api/reports/export?" + q(params), token or admin_token())


def test_csv_parses_back_and_neutralises_formulas():
    w = workload()
    r = export({"format": "csv", "site": w["code"], "bom": "1"})
    assert r.status == 200, r
    assert r.headers["content-type"].startswith("text/csv"), r.headers
    assert r.headers["content-disposition"] == 'attachment; filename="tickets-start-now.csv"', r.headers
    assert r.body.startswith(b"\xef\xbb\xbf")
    text = r.body[3:].decode("utf-8")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head, body = rows[0], rows[1:]
    assert head[:3] == ["reference", "created", "site"] and "customer" in head, head
    assert len(body) == len(w["tickets"])
    col = {k: i for i, k in enumerate(head)}
    refs = {x[0] for x in sql("SELECT reference FROM tickets WHERE site_id = %d AND deleted_at IS NULL"
                              % w["site"])}
    assert {b[col["reference"]] for b in body} == refs
    customers = [b[col["customer"]] for b in body]
    # Every formula-looking cell starts with a quote; the rest are intact.
    for c in customers:
        assert not c or c[0] not in "=+-@\t\r", c
    assert "'=2+3 Ana" in customers and "'@SUM(A1)" in customers and "'-10+20 Bo" in customers
    assert "'+cmd Li" in customers and "Zoë Ñúñez" in customers and "Дмитрий Орлов" in customers
    assert 'Ana, "Quote"' in customers
    assert "Line\nBreak" in customers, customers
    for b in body:
        assert len(b) == len(head), b
        assert b[col["first_response_seconds"]] == "" or b[col["first_response_seconds"]].isdigit()
    # Dates filter, and the name follows them; no BOM by default.
    today = one("SELECT DATE_FORMAT(UTC_DATE(), '%Y-%m-%d')")
    r = export({"format": "csv", "site": w["code"], "from": today, "to": today})
    assert r.status == 200 and not r.body.startswith(b"\xef\xbb\xbf"), r
    assert 'filename="tickets-%s-%s.csv"' % (today, today) in r.headers["content-disposition"]
    n = int(one("SELECT COUNT(*) FROM tickets WHERE site_id = %d AND deleted_at IS NULL"
                " AND created_at >= UTC_DATE()" % w["site"]))
    assert len(list(csv.reader(io.StringIO(r.body.decode(), newline="")))) - 1 == n


def test_xlsx_is_a_zip_with_numbers_dates_and_filters():
    w = workload()
    r = export({"format": "xlsx", "site": w["code"]})
    assert r.status == 200, r
    assert "spreadsheetml" in r.headers["content-type"]
    assert r.headers["content-disposition"].endswith('.xlsx"')
    z = zipfile.ZipFile(io.BytesIO(r.body))
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<autoFilter" in sheet, sheet[:500]
    rows = re.findall(r"<row [^>]*>", sheet)
    assert len(rows) == len(w["tickets"]) + 1, len(rows)
    strings = sheet
    if "xl/sharedStrings.xml" in z.namelist():
        strings += z.read("xl/sharedStrings.xml").decode("utf-8")
    for t in w["tickets"]:
        ref = one("SELECT reference FROM tickets WHERE id = %d" % t["id"])
        assert ref in strings, ref
    assert "Σοφία Παππά" in strings
    # Numbers as numbers (no t="s"/"inlineStr" on a number cell) and
    # dates as styled serial numbers.
    assert re.search(r'<c r="N2"[^>]*><v>\d+</v></c>', sheet) or \
        re.search(r'<c r="P2"[^>]*><v>\d+</v></c>', sheet), sheet[:2000]
    assert re.search(r'<c r="B2" s="\d+"><v>\d+\.?\d*</v></c>', sheet), sheet[:2000]


def test_pdf_text_holds_references_and_names():
    w = workload()
    r = export({"format": "pdf", "site": w["code"], "tz": "Europe/Paris"})
    assert r.status == 200, r
    assert r.headers["content-type"] == "application/pdf" and r.body.startswith(b"%PDF-")
    p = subprocess.run(["pdftotext", "-layout", "-", "-"], input=r.body, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    text = p.stdout.decode("utf-8")
    for t in w["tickets"]:
        ref = one("SELECT reference FROM tickets WHERE id = %d" % t["id"])
        assert ref in text, ref
    for name in ("Zoë Ñúñez", "Σοφία Παππά", "Дмитрий Орлов"):
        assert name in text, name
    assert "Tickets report" in text and "Europe/Paris" in text and "By category" in text


def test_time_zones_bucket_days_across_daylight_saving():
    s, code = site()
    tok = admin_token()
    made = []
    # Europe/Paris moves to summer time at 01:00 UTC on 2026-03-29.
    for at in ("2026-03-28 22:30:00", "2026-03-28 23:30:00", "2026-03-29 00:30:00",
               "2026-03-29 21:59:00", "2026-03-29 22:00:00"):
        r = api("POST", "/api/tickets", tok, {"name": "Tz", "description": "tz %d" % uniq(),
                                               "issue_type": "safety"})
        assert r.status == 201, r
        tid = r.json()["data"]["id"]
        sql("UPDATE tickets SET site_id = %d, created_at = '%s' WHERE id = %d" % (s, at, tid))
        made.append(tid)

    def days(tz, **extra):
        p = {"group": "day", "site": code, "tz": tz}
        p.update(extra)
        return {i["key"]: i["total"] for i in ok(api("GET", "/api/stats/tickets?" + q(p), tok))["items"]}

    assert days("UTC") == {"2026-03-28": 2, "2026-03-29": 3}
    # 22:30 UTC is 23:30 in Paris (winter); 23:30 and 00:30 UTC are on the
    # 29th; 21:59 UTC is 23:59 (summer), 22:00 UTC is midnight of the 30th.
    assert days("Europe/Paris") == {"2026-03-28": 1, "2026-03-29": 3, "2026-03-30": 1}
    assert days("America/New_York") == {"2026-03-28": 3, "2026-03-29": 2}
    # from/to are in the zone too.
    assert days("Europe/Paris", **{"from": "2026-03-29", "to": "2026-03-29"}) == {"2026-03-29": 3}
    assert days("UTC", **{"from": "2026-03-29", "to": "2026-03-29"}) == {"2026-03-29": 3}
    w = ok(api("GET", "/api/stats/tickets?" + q({"group": "week", "site": code, "tz": "Europe/Paris"}), tok))
    assert {i["key"]: i["total"] for i in w["items"]} == {"2026-03-23": 4, "2026-03-30": 1}
    m = ok(api("GET", "/api/stats/tickets?" + q({"group": "month", "site": code, "tz": "Asia/Tokyo"}), tok))
    assert {i["key"]: i["total"] for i in m["items"]} == {"2026-03": 5}


def test_bad_filters_are_422_naming_the_field():
    tok = admin_token()
    cases = [
        ("/api/stats/tickets?tz=Mars%2FOlympus", "tz"),
        ("/api/stats/tickets?tz=%2B02%3A00", "tz"),
        ("/api/stats/tickets?tz=", "tz"),
        ("/api/stats/tickets?from=2026-02-30", "from"),
        ("/api/stats/tickets?to=2026-13-01", "to"),
        ("/api/stats/tickets?from=yesterday", "from"),
        ("/api/stats/tickets?group=year", "group"),
        ("/api/stats/tickets?site=no%20such", "site"),
        ("/api/stats/tickets?category=nope", "category"),
        ("/api/stats/tickets?severity=extreme", "severity"),
        ("/api/stats/tickets?agent=abc", "agent"),
        ("/api/stats/tickets?status=open", "status"),
        ("/api/analytics/overview?days=0", "days"),
        ("/api/analytics/overview?days=367", "days"),
        ("/api/analytics/overview?days=1e3", "days"),
        ("/api/stats/dashboard?days=-1", "days"),
        ("/api/reports/tickets?tz=Europe%2F..%2Fetc", "tz"),
        ("/api/reports/export?format=doc", "format"),
        ("/api/reports/export?format=csv&bom=2", "bom"),
    ]
    for path, field in cases:
        r = api("GET", path, tok)
        assert r.status == 422, (path, r)
        e = r.json()["error"]
        assert r.json()["success"] is False and field in (e.get("details") or {}), (path, e)
    # Without a session: 401, never figures.
    assert api("GET", "/api/stats/dashboard").status == 401


LIMIT = 100000   # EXPORT_MAX_ROWS in tests/integration/run


def workers(name):
    """The pids of a responder's workers (the children of its master)."""
    master = None
    with open(os.path.join(VAR, "pids")) as f:
        for line in f:
            k, v = line.split()
            if k == name:
                master = v
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[1] == master:
                        out.append(pid)
            except OSError:
                pass
    return out


def rss_kb(pid, key="VmRSS"):
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def test_an_export_over_the_limit_is_413_and_a_full_one_stays_flat():
    s, code = site()
    sql("INSERT INTO tickets (name, description, issue_type, status, site_id, category, reference)"
        " SELECT CONCAT('bulk ', seq), 'bulk', 'safety', 'new', %d, 'other',"
        " CONCAT('TKT-B%d-', seq) FROM seq_1_to_%d" % (s, s, LIMIT + 1))
    try:
        r = export({"format": "csv", "site": code})
        assert r.status == 413, r
        e = r.json()["error"]
        assert "EXPORT_MAX_ROWS" in e["message"] and e["details"] == {"rows": LIMIT + 1, "max": LIMIT}, e
        # The figures still count them all.
        d = ok(api("GET", "/api/stats/dashboard?" + q({"site": code}), admin_token()))
        assert d["tickets"]["created"] == LIMIT + 1
        # At the limit the export goes, streamed: a worker's memory stays
        # within a few MB of what a small export needs.
        sql("UPDATE tickets SET deleted_at = NOW(3) WHERE site_id = %d ORDER BY id DESC LIMIT 1" % s)
        pids = workers("reports")
        assert pids, "no reports workers"
        for _ in pids:
            assert export({"format": "csv", "site": code, "to": "2000-01-01"}).status == 200
        before = {p: rss_kb(p) for p in pids}
        r = export({"format": "csv", "site": code})
        assert r.status == 200, r
        after = {p: rss_kb(p, "VmHWM") for p in pids}
        grew = max(after[p] - before[p] for p in pids)
        assert grew < 16 * 1024, (before, after)
        assert r.body.count(b"\r\n") == LIMIT + 1
        rows = list(csv.reader(io.StringIO(r.body.decode("utf-8"), newline="")))
        assert len(rows) == LIMIT + 1 and rows[1][0].startswith("TKT-B") and rows[-1][0].startswith("TKT-B")
    finally:
        sql("UPDATE tickets SET deleted_at = NOW(3) WHERE site_id = %d" % s)
    r = export({"format": "csv", "site": code})
    assert r.status == 200 and r.body.count(b"\r\n") == 1, r


def test_report_rows_are_paged_like_the_inbox():
    w = workload()
    a = ok(api("GET", "/api/reports/tickets?" + q({"site": w["code"], "limit": 10, "page": 1}), admin_token()))
    b = ok(api("GET", "/api/reports/tickets?" + q({"site": w["code"], "limit": 10, "page": 3}), admin_token()))
    assert a["total"] == len(w["tickets"]) and len(a["items"]) == 10 and len(b["items"]) == 4, (a, b)
    row = a["items"][0]
    for k in ("reference", "created", "site", "category", "observation_type", "severity", "status",
              "holder", "customer", "first_response", "closed", "first_response_seconds",
              "resolution_seconds", "messages_in", "messages_out", "billable_messages", "last_message"):
        assert k in row, k
    assert api("GET", "/api/reports/tickets?limit=0", admin_token()).status == 400
    # An anonymous report's customer is masked.
    t = w["tickets"][0]
    sql("UPDATE tickets SET anonymous = 1 WHERE id = %d" % t["id"])
    ref = one("SELECT reference FROM tickets WHERE id = %d" % t["id"])
    d = ok(api("GET", "/api/reports/tickets?" + q({"site": w["code"], "limit": 100}), admin_token()))
    assert [i["customer"] for i in d["items"] if i["reference"] == ref] == ["Anonymous"]
    sql("UPDATE tickets SET anonymous = 0 WHERE id = %d" % t["id"])
    assert json.dumps(d)   # plain JSON throughout


def pdf_text(body):
    p = subprocess.run(["pdftotext", "-layout", "-", "-"], input=body, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode("utf-8")


def test_a_transcript_prints_the_conversation():
    tid, wamid = wa_ticket()
    tok = admin_token()
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    sql("UPDATE tickets SET name = 'Σοφία Ñúñez' WHERE id = %d" % tid)
    assert api("POST", "/api/tickets/%d/assign" % tid, tok, {}).status == 200
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "Gracias, vamos a revisar la bomba"})
    assert r.status in (200, 201), r
    r = api("POST", "/api/tickets/%d/notes" % tid, tok, {"message": "internal: call the site lead"})
    assert r.status in (200, 201), r
    r = api("GET", "/api/tickets/%s/transcript.pdf" % ref, tok)
    assert r.status == 200, r
    assert r.headers["content-type"] == "application/pdf" and r.body.startswith(b"%PDF-")
    text = pdf_text(r.body)
    assert "Transcript of " + ref in text and "Σοφία Ñúñez" in text, text[:500]
    assert "a report by WhatsApp" in text and "Gracias, vamos a revisar la bomba" in text, text
    assert "\u2713" in text, text          # the delivered confirmation's mark
    assert "call the site lead" not in text
    text = pdf_text(api("GET", "/api/tickets/%d/transcript.pdf?notes=1" % tid, tok).body)
    assert "call the site lead" in text and "internal note" in text
    # Outside a site manager's sites it does not exist; bad notes is 422.
    s, _ = site()
    _, mtok = user_token("site_manager", [s])
    assert api("GET", "/api/tickets/%d/transcript.pdf" % tid, mtok).status == 404
    r = api("GET", "/api/tickets/%d/transcript.pdf?notes=2" % tid, tok)
    assert r.status == 422 and "notes" in r.json()["error"]["details"], r
    assert api("GET", "/api/tickets/999999999/transcript.pdf", tok).status == 404


# Each test leaves no active site behind (see harness.leave_no_active_sites).
leave_no_active_sites(globals())
