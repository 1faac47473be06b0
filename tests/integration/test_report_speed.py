"""Issue 12 (Scale, speed): what the reports keep as the tickets change
(sql/031_report_speed.sql). The duration histograms beside the rollup equal
a recount of the tickets key by key after changes of every kind; the
database's bucket function is base/figures' rule; over more than 10,000
durations the dashboard and the series answer medians and 90th percentiles
from the histograms within 3.125% of the exact ones (and say so), with the
counts and averages exact; the messages in and out and the billable ones
kept on each ticket equal a recount after a sequence of messages, replies,
statuses with pricing, a message moved and one deleted, and the report's
rows show them."""
import random
import time
import urllib.parse

from harness import (admin_token, api, graph_sent, leave_no_active_sites, new_phone, one, post_webhook,
                     sql, statuses_payload, text_message, uniq)

KEY = ("UNIX_TIMESTAMP(created_at) DIV 900 * 900, status, source, site_id, subsite_id, team_id,"
       " assigned_to, category, severity, observation_type")
MEASURES = ((0, "first_response_at"), (1, "closed_at"), (2, "assigned_at"))
BOUND = 1.0 / 32
MANY = 12000   # past TICK_MAX_EXACT_DURATIONS (10,000)
HIST = "histogram, within 3.125%"


def ok(r):
    assert r.status == 200, r
    return r.json()["data"]


def bucket(v):
    """base/figures' tick_figures_bucket, in Python."""
    v = max(0, min(v, 2**31 - 1))
    if v < 32:
        return v
    s = v.bit_length() - 5
    return 16 * s + (v >> s)


def percentile(v, p):
    v = sorted(v)
    if not v:
        return 0
    rank = p * (len(v) - 1)
    lo = int(rank)
    if lo + 1 >= len(v):
        return float(v[-1])
    return v[lo] + (v[lo + 1] - v[lo]) * (rank - lo)


def within(est, exact):
    return abs(est - exact) <= exact * BOUND + 0.01


def site():
    code = "H%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name, active) VALUES ('%s', 'Site %s', 0)" % (code, code))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code)), code


def rows(query):
    return sorted(tuple("" if v is None else str(v) for v in r) for r in sql(query))


def recount_durations(where="1"):
    out = []
    for m, col in MEASURES:
        v = "GREATEST(TIMESTAMPDIFF(SECOND, created_at, %s), 0)" % col
        out += rows("SELECT %s, %d, tick_duration_bucket(%s), COUNT(*), SUM(%s) FROM tickets"
                    " WHERE deleted_at IS NULL AND %s IS NOT NULL AND %s GROUP BY %s, tick_duration_bucket(%s)"
                    % (KEY, m, v, v, col, where, KEY, v))
    return sorted(out)


def stored_durations(where="1"):
    return rows("SELECT %s, measure, bucket, SUM(n), SUM(secs) FROM ticket_durations WHERE %s"
                " GROUP BY %s, measure, bucket HAVING SUM(n) <> 0 OR SUM(secs) <> 0" % (KEY, where, KEY))


def many(sid, n=MANY):
    """n tickets on site sid with first responses, closes and takes of
    spread durations (seconds to weeks), straight into the database."""
    sql("INSERT INTO tickets (name, description, status, source, site_id, category, created_at,"
        " last_activity_at, assigned_at, first_response_at, closed_at)"
        " SELECT 'Speed', 'speed', IF(seq %% 3 = 0, 'closed', 'in_progress'), 'form', %d,"
        " ELT(1 + seq %% 3, 'line_of_fire', 'working_at_height', 'other'), c, c,"
        " c + INTERVAL (seq * 37 %% 600) SECOND, c + INTERVAL (seq * 7919 %% 172800) SECOND,"
        " IF(seq %% 3 = 0, c + INTERVAL (seq * 104729 %% 1209600) SECOND, NULL)"
        " FROM (SELECT seq, UTC_TIMESTAMP() - INTERVAL (seq * 613 %% 2592000) SECOND AS c"
        " FROM seq_1_to_%d) s" % (sid, n))


def drop(sid):
    sql("DELETE FROM tickets WHERE site_id = %d" % sid)


def test_the_bucket_function_is_the_c_rule():
    values = [-7, 0, 1, 31, 32, 33, 34, 63, 64, 65, 100, 1000, 3599, 3600, 7200, 86399, 86400,
              10**6, 2**31 - 1, 2**31, 2**40]
    rnd = random.Random(12)
    values += [rnd.randint(0, 3 * 10**7) for _ in range(200)]
    got = sql("SELECT %s" % ", ".join("tick_duration_bucket(%d)" % v for v in values))[0]
    assert [int(x) for x in got] == [bucket(v) for v in values]


def test_the_histograms_equal_a_recount_after_changes():
    sid, _ = site()
    other, _ = site()
    try:
        many(sid, 600)
        ids = [int(r[0]) for r in sql("SELECT id FROM tickets WHERE site_id = %d ORDER BY id" % sid)]
        where = "site_id IN (%d, %d)" % (sid, other)
        assert stored_durations(where) == recount_durations(where)
        rnd = random.Random(uniq())
        for tid in rnd.sample(ids, 40):
            sql("UPDATE tickets SET first_response_at = created_at + INTERVAL %d SECOND WHERE id = %d"
                % (rnd.randint(0, 90000), tid))
        for tid in rnd.sample(ids, 40):
            sql("UPDATE tickets SET status = 'closed', closed_at = UTC_TIMESTAMP(3) WHERE id = %d" % tid)
        for tid in rnd.sample(ids, 40):
            sql("UPDATE tickets SET status = 'in_progress', closed_at = NULL WHERE id = %d" % tid)
        for tid in rnd.sample(ids, 30):
            sql("UPDATE tickets SET site_id = %d, category = 'other' WHERE id = %d" % (other, tid))
        for tid in rnd.sample(ids, 30):
            sql("UPDATE tickets SET created_at = created_at - INTERVAL 1 DAY WHERE id = %d" % tid)
        for tid in rnd.sample(ids, 30):
            sql("UPDATE tickets SET assigned_at = NULL, assigned_to = NULL WHERE id = %d" % tid)
        gone = rnd.sample(ids, 30)
        for tid in gone:
            sql("UPDATE tickets SET deleted_at = UTC_TIMESTAMP(3) WHERE id = %d" % tid)
        for tid in gone[:10]:
            sql("UPDATE tickets SET deleted_at = NULL WHERE id = %d" % tid)
        # A durations before creation count as zero seconds.
        sql("UPDATE tickets SET first_response_at = created_at - INTERVAL 5 SECOND WHERE id = %d" % ids[0])
        sql("DELETE FROM tickets WHERE id IN (%s)" % ",".join(map(str, rnd.sample(ids, 20))))
        assert stored_durations(where) == recount_durations(where)
        # Through the API too: a take, a close.
        tok = admin_token()
        r = api("POST", "/api/tickets", tok, {"name": "Speed API", "mobile": "+" + new_phone(),
                                               "description": "speed", "issue_type": "safety"})
        assert r.status == 201, r
        tid = r.json()["data"]["id"]
        # (An inactive site takes no new reports through the API.)
        sql("UPDATE tickets SET site_id = %d WHERE id = %d" % (sid, tid))
        assert api("POST", "/api/tickets/%d/assign" % tid, tok, {}).status == 200
        assert api("POST", "/api/tickets/%d/close" % tid, tok, {"resolution": "done", "force": True}).status == 200
        assert one("SELECT closed_at IS NOT NULL AND assigned_at IS NOT NULL FROM tickets WHERE id = %d"
                   % tid) in (1, "1")
        assert stored_durations(where) == recount_durations(where)
        assert one("SELECT COUNT(*) FROM ticket_durations WHERE n < 0") in (0, "0")
    finally:
        drop(sid)
        drop(other)
    assert stored_durations("site_id IN (%d, %d)" % (sid, other)) == []


def test_percentiles_over_many_durations_come_from_the_histograms_within_the_bound():
    sid, code = site()
    tok = admin_token()
    try:
        many(sid)
        d = ok(api("GET", "/api/stats/dashboard?" + urllib.parse.urlencode({"site": code}), tok))
        assert d["percentiles"] == HIST, d["percentiles"]
        for name, col in (("first_response", "first_response_at"), ("resolution", "closed_at"),
                          ("take", "assigned_at")):
            secs = [int(r[0]) for r in sql(
                "SELECT TIMESTAMPDIFF(SECOND, created_at, %s) FROM tickets WHERE site_id = %d"
                " AND deleted_at IS NULL AND %s IS NOT NULL" % (col, sid, col))]
            t = d["times"][name]
            assert t["count"] == len(secs), (name, t, len(secs))
            assert abs(t["average"] - sum(secs) / len(secs)) < 0.006, (name, t)
            assert within(t["median"], percentile(secs, 0.5)), (name, t, percentile(secs, 0.5))
            assert within(t["p90"], percentile(secs, 0.9)), (name, t, percentile(secs, 0.9))
        # A series: per category, each within the bound of its own exact
        # figures.
        s = ok(api("GET", "/api/stats/tickets?" + urllib.parse.urlencode(
            {"site": code, "group": "category"}), tok))
        assert s["percentiles"] == HIST
        assert len(s["items"]) == 3
        for item in s["items"]:
            for name, col in (("first_response", "first_response_at"), ("resolution", "closed_at")):
                secs = [int(r[0]) for r in sql(
                    "SELECT TIMESTAMPDIFF(SECOND, created_at, %s) FROM tickets WHERE site_id = %d"
                    " AND category = '%s' AND deleted_at IS NULL AND %s IS NOT NULL"
                    % (col, sid, item["key"], col))]
                t = item[name]
                assert t["count"] == len(secs), (item["key"], name, t)
                assert within(t["median"], percentile(secs, 0.5)), (item["key"], name, t)
                assert within(t["p90"], percentile(secs, 0.9)), (item["key"], name, t)
        # A search needs the tickets themselves: exact.
        d = ok(api("GET", "/api/stats/tickets?" + urllib.parse.urlencode(
            {"site": code, "group": "category", "q": "speed"}), tok))
        assert d["percentiles"] == "exact"
    finally:
        drop(sid)
    # Few durations: exact again.
    sid, code = site()
    try:
        many(sid, 50)
        d = ok(api("GET", "/api/stats/dashboard?" + urllib.parse.urlencode({"site": code}), tok))
        assert d["percentiles"] == "exact"
        secs = [int(r[0]) for r in sql(
            "SELECT TIMESTAMPDIFF(SECOND, created_at, first_response_at) FROM tickets"
            " WHERE site_id = %d" % sid)]
        assert abs(d["times"]["first_response"]["median"] - percentile(secs, 0.5)) < 0.006
    finally:
        drop(sid)


def counts_recount():
    return rows("SELECT t.id, COALESCE(SUM(m.direction = 'in'), 0), COALESCE(SUM(m.direction = 'out'), 0),"
                " COALESCE(SUM(m.direction = 'out' AND m.billable <=> 1), 0) FROM tickets t"
                " LEFT JOIN whatsapp_messages m ON m.ticket_id = t.id GROUP BY t.id")


def counts_stored():
    return rows("SELECT id, messages_in, messages_out, billable_messages FROM tickets")


def statuses(wamid, phone, status, billable=None):
    item = {"id": wamid, "status": status, "timestamp": str(int(time.time())), "recipient_id": phone}
    if billable is not None:
        item["pricing"] = {"billable": billable, "pricing_model": "PMP", "category": "service",
                           "type": "regular"}
    assert post_webhook(statuses_payload([item])).status == 200


def test_message_counts_kept_on_the_ticket_equal_a_recount():
    tok = admin_token()
    phone = new_phone()
    assert post_webhook(text_message(phone, "my first report %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    for i in range(3):
        assert post_webhook(text_message(phone, "more news %d" % i)).status == 200
    # A redelivered message counts once.
    wamid = "wamid.SPEED%d" % uniq()
    assert post_webhook(text_message(phone, "twice", wamid=wamid)).status == 200
    assert post_webhook(text_message(phone, "twice", wamid=wamid)).status == 200
    for i in range(3):
        r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "answer %d" % i})
        assert r.status in (200, 201), r
    sent = [m["wamid"] for m in graph_sent(phone)]
    assert len(sent) >= 3, sent
    # Pricing: billable on sent, a late delivered without it, one not
    # billable, one billable only on its read.
    statuses(sent[0], phone, "sent", True)
    statuses(sent[0], phone, "delivered")
    statuses(sent[0], phone, "sent", True)
    statuses(sent[1], phone, "sent", False)
    statuses(sent[2], phone, "delivered", False)
    statuses(sent[2], phone, "read", True)
    assert counts_stored() == counts_recount()
    row = one("SELECT CONCAT_WS(',', messages_in, messages_out, billable_messages) FROM tickets WHERE id = %d"
              % tid)
    inn, out, bill = [int(x) for x in row.split(",")]
    assert inn == 5 and out >= 4 and bill == 2, row
    # A message moved to another ticket, and one deleted.
    phone2 = new_phone()
    assert post_webhook(text_message(phone2, "another report %d" % uniq())).status == 200
    tid2 = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone2))
    sql("UPDATE whatsapp_messages SET ticket_id = %d WHERE wamid = '%s'" % (tid2, sent[2]))
    sql("DELETE FROM whatsapp_messages WHERE wamid = '%s'" % wamid)
    sql("UPDATE whatsapp_messages SET ticket_id = NULL WHERE wamid = '%s'" % sent[1])
    assert counts_stored() == counts_recount()
    # The report's rows show them.
    ref = one("SELECT reference FROM tickets WHERE id = %d" % tid)
    d = ok(api("GET", "/api/reports/tickets?" + urllib.parse.urlencode({"q": ref}), tok))
    got = [i for i in d["items"] if i["reference"] == ref][0]
    want = sql("SELECT SUM(direction = 'in'), SUM(direction = 'out'), SUM(direction = 'out' AND billable <=> 1)"
               " FROM whatsapp_messages WHERE ticket_id = %d" % tid)[0]
    assert [got["messages_in"], got["messages_out"], got["billable_messages"]] == [int(x) for x in want]
    assert got["billable_messages"] == 1, got
    last = one("SELECT LEFT(message, 100) FROM replies WHERE ticket_id = %d AND internal = 0"
               " ORDER BY id DESC LIMIT 1" % tid)
    assert got["last_message"] == last, (got, last)


leave_no_active_sites(globals())
