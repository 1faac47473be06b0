"""Issue 18 (Speed): the inbox pages by cursor (next_cursor, ?cursor=), its
total is exact up to 10,000 and says total_estimate beyond, and each row's
last-message snippet is the one stored on the ticket, kept current by every
message and reply in the transaction that adds it."""
import json
import urllib.parse

from harness import admin_token, api, new_phone, one, post_webhook, sql, text_message, uniq

EMOJI = "\U0001F600"  # 4 bytes in UTF-8


def site():
    """A site of its own (inactive, so no intake asks), to list only the
    tickets a test puts there."""
    code = "C%d" % (uniq() % 10**8)
    sql("INSERT INTO sites (code, name, active) VALUES ('%s', 'Cursor %s', 0)" % (code, code))
    return int(one("SELECT id FROM sites WHERE code = '%s'" % code))


def form_ticket(tok, sid, text="cursor"):
    r = api("POST", "/api/tickets", tok, {"name": "Cursor test", "description": text, "issue_type": "other_issue"})
    assert r.status == 201, r
    tid = r.json()["data"]["id"]
    sql("UPDATE tickets SET site_id = %d WHERE id = %d" % (sid, tid))
    return tid


def page(tok, **params):
    r = api("GET", "/api/tickets?" + urllib.parse.urlencode(params), tok)
    assert r.status == 200, r
    return r.json()["data"]


def walk(tok, sid, sort, limit, during=None):
    """Every page by cursor: the ids in the order shown, and the pages."""
    seen, pages, cursor = [], 0, None
    while True:
        params = {"site": sid, "sort": sort, "limit": limit, "status": "new,assigned,in_progress,closed"}
        if cursor:
            params["cursor"] = cursor
        d = page(tok, **params)
        assert len(d["items"]) <= limit and "total" in d and d["total_estimate"] is False, d
        seen += [t["id"] for t in d["items"]]
        pages += 1
        assert pages < 50, "the cursor loops"
        cursor = d["next_cursor"]
        if not cursor:
            return seen, pages
        if during:
            during()


def expected(sid, order):
    return [int(r[0]) for r in sql("SELECT id FROM tickets WHERE site_id = %d AND deleted_at IS NULL"
                                   " ORDER BY %s" % (sid, order))]


def test_pages_cover_every_row_once_in_order_while_rows_are_added():
    tok = admin_token()
    sid = site()
    for i in range(13):
        form_ticket(tok, sid, "row %d" % i)
    # Same-second ties are most of these rows: the id breaks them.
    before_newest = expected(sid, "created_at DESC, id DESC")
    added = []
    seen, pages = walk(tok, sid, "newest", 4, lambda: added.append(form_ticket(tok, sid, "added")))
    # Newer rows land before the first page: the walk shows each row that
    # was there once, in order, none twice.
    assert seen == before_newest and pages == 4, (seen, before_newest)
    before_activity = expected(sid, "last_activity_at DESC, id DESC")
    seen, _ = walk(tok, sid, "activity", 5, lambda: added.append(form_ticket(tok, sid, "added")))
    assert seen == before_activity, (seen, before_activity)
    # Oldest first: what is added while paging comes at the end, once.
    n_before = len(expected(sid, "id"))
    seen, _ = walk(tok, sid, "oldest", 3, lambda: added.append(form_ticket(tok, sid, "added")))
    want = expected(sid, "created_at, id")
    assert seen == want and len(seen) > n_before and len(set(seen)) == len(seen), (seen, want)


def test_page_numbers_still_work_and_agree_with_the_cursor():
    tok = admin_token()
    sid = site()
    for i in range(7):
        form_ticket(tok, sid, "row %d" % i)
    first = page(tok, site=sid, limit=3)
    assert first["page"] == 1 and first["total"] == 7 and first["total_estimate"] is False
    by_cursor = page(tok, site=sid, limit=3, cursor=first["next_cursor"])
    by_number = page(tok, site=sid, limit=3, page=2)
    assert [t["id"] for t in by_cursor["items"]] == [t["id"] for t in by_number["items"]]
    assert by_cursor["next_cursor"] == by_number["next_cursor"] and by_number["next_cursor"]
    last = page(tok, site=sid, limit=3, page=3)
    assert len(last["items"]) == 1 and last["next_cursor"] is None
    # An empty cursor is no cursor: the first page.
    assert [t["id"] for t in page(tok, site=sid, limit=3, cursor="")["items"]] == \
        [t["id"] for t in first["items"]]


def test_a_bad_cursor_is_422_naming_cursor():
    tok = admin_token()
    sid = site()
    for i in range(3):
        form_ticket(tok, sid)
    good = page(tok, site=sid, limit=1)["next_cursor"]
    forged = [
        "garbage!", "x" * 200, "bm90IGEgY3Vyc29y",  # "not a cursor"
        "MXwwfDIwMjYtMTItMDUgMDA6MDA6MDAnIE9SIDE9MXwx",  # 1|0|...' OR 1=1|1
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        good + "%00",
    ]
    for c in forged:
        r = api("GET", "/api/tickets?site=%d&cursor=%s" % (sid, urllib.parse.quote(c, safe="%")), tok)
        assert r.status == 422, (c, r)
        e = r.json()["error"]
        assert e["code"] == "validation_failed" and "cursor" in e["details"], e
    # A cursor is good for the order that made it only.
    r = api("GET", "/api/tickets?site=%d&sort=activity&cursor=%s" % (sid, good), tok)
    assert r.status == 422 and "cursor" in r.json()["error"]["details"], r


def test_the_total_is_exact_up_to_ten_thousand_then_estimated():
    """A filter the counters keep (a site alone, sql/029) is exact at any
    size; any other (here the site and a date) is counted up to 10,000."""
    tok = admin_token()
    sid = site()
    tag = "EST%d" % (uniq() % 10**6)
    sql("INSERT INTO tickets (name, description, status, source, site_id, created_at, last_activity_at, reference)"
        " SELECT 'Estimate', 'estimate', 'new', 'form', %d, NOW() - INTERVAL seq SECOND,"
        " NOW() - INTERVAL seq SECOND, CONCAT('%s-', seq) FROM seq_1_to_10001" % (sid, tag))
    try:
        d = page(tok, site=sid, limit=100)
        assert d["total"] == 10001 and d["total_estimate"] is False and len(d["items"]) == 100, \
            {k: v for k, v in d.items() if k != "items"}
        d = page(tok, site=sid, limit=100, **{"from": "2000-01-01"})
        assert d["total"] == 10000 and d["total_estimate"] is True and len(d["items"]) == 100, \
            {k: v for k, v in d.items() if k != "items"}
        assert d["next_cursor"]
        sql("DELETE FROM tickets WHERE reference = '%s-1'" % tag)
        d = page(tok, site=sid, limit=1, **{"from": "2000-01-01"})
        assert d["total"] == 10000 and d["total_estimate"] is False, d["total"]
        d = page(tok, site=sid, limit=1, status="new")
        assert d["total"] == 10000 and d["total_estimate"] is False, d["total"]
    finally:
        sql("DELETE FROM tickets WHERE reference LIKE '%s-%%'" % tag)


def row_of(tok, sid, tid):
    items = [t for t in page(tok, site=sid, status="new,assigned,in_progress,closed")["items"] if t["id"] == tid]
    assert len(items) == 1, items
    return items[0]


def test_the_snippet_follows_messages_and_replies_not_notes():
    tok = admin_token()
    sid = site()
    phone = new_phone()
    assert post_webhook(text_message(phone, "first words")).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s' ORDER BY id DESC LIMIT 1" % phone))
    sql("UPDATE tickets SET site_id = %d WHERE id = %d" % (sid, tid))
    # No reply yet: the description.
    assert row_of(tok, sid, tid)["last_message"] == "first words"
    assert post_webhook(text_message(phone, "second words")).status == 200
    assert row_of(tok, sid, tid)["last_message"] == "second words"
    assert one("SELECT last_message FROM tickets WHERE id = %d" % tid) == "second words"
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "an agent answers"})
    assert r.status in (200, 201), r
    assert row_of(tok, sid, tid)["last_message"] == "an agent answers"
    # An internal note stays inside.
    r = api("POST", "/api/tickets/%d/notes" % tid, tok, {"message": "a note"})
    assert r.status in (200, 201), r
    assert row_of(tok, sid, tid)["last_message"] == "an agent answers"
    # Cut at 300 characters, never inside one (4-byte characters).
    long = EMOJI * 299 + "ab" + EMOJI * 50
    assert post_webhook(text_message(phone, long)).status == 200
    got = row_of(tok, sid, tid)["last_message"]
    assert got == long[:300] and len(got) == 300, len(got)
    # The column equals the newest reply that is not a note, as the
    # migration's backfill computes it.
    want = one("SELECT LEFT(message, 300) FROM replies WHERE ticket_id = %d AND internal = 0"
               " ORDER BY id DESC LIMIT 1" % tid)
    assert one("SELECT last_message FROM tickets WHERE id = %d" % tid) == want
    assert json.dumps(got)
