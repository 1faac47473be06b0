"""Issue 13, contacts and retention: CRUD and search, the CSV import and
export (hostile cells, a malformed file answered by line, dry_run), merge,
a person's erasure with their files destroyed on the (fake) Cloudinary,
their data as JSON, and retention run by `tick outbox`."""
import base64
import csv
import io
import json
import os

from harness import (admin_token, api, cld, graph, new_phone, one, post_webhook, request, sql,
                     text_message, tick, token_for, uniq)

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(2000) + b"\xff\xd9"


def create(**kw):
    body = {"phone": "+" + new_phone(), "name": "Ana %d" % uniq()}
    body.update(kw)
    r = api("POST", "/api/contacts", admin_token(), body)
    assert r.status == 201, r
    return r.json()["data"]


def contact_of(phone):
    return int(one("SELECT id FROM whatsapp_contacts WHERE wa_id = '%s'" % phone))


def import_csv(text, dry_run=False, token=None):
    return api("POST", "/api/contacts/import/csv" + ("?dry_run=1" if dry_run else ""),
               token or admin_token(), text.encode(), {"Content-Type": "text/csv"})


def export_rows():
    r = api("GET", "/api/contacts/export", admin_token())
    assert r.status == 200 and r.headers["content-type"].startswith("text/csv"), r
    assert "contacts.csv" in r.headers.get("content-disposition", ""), r.headers
    return list(csv.DictReader(io.StringIO(r.body.decode("utf-8"), newline="")))


def image_ticket(phone):
    """A customer's photo through the webhook, kept on the fake Cloudinary;
    the ticket's id and the file's public id."""
    mid = str(900000000 + uniq())
    graph("POST", "/_fake/media", {"id": mid, "content_b64": base64.b64encode(JPEG).decode(),
                                   "mime_type": "image/jpeg"})
    p = text_message(phone, "x")
    m = p["entry"][0]["changes"][0]["value"]["messages"][0]
    del m["text"]
    m["type"], m["image"] = "image", {"id": mid, "mime_type": "image/jpeg", "caption": "the leak"}
    r = post_webhook(p)
    assert r.status == 200 and r.json()["data"]["media_stored"] == 1, r
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    pid = one("SELECT public_id FROM attachments WHERE ticket_id = %d" % tid)
    return tid, pid


def destroyed():
    return [d["public_id"] for d in cld("GET", "/_fake/destroys")]


def test_crud_and_search():
    token = admin_token()
    tag = "vip%d" % (uniq() % 10**6)
    c = create(email="ana@example.com", tags=[tag, "Zona Norte"], notes="calls after 5",
               custom_fields={"plan": "gold", "seats": 3})
    assert c["tags"] == sorted([tag, "zona norte"]) and c["custom_fields"] == {"plan": "gold", "seats": 3}, c
    assert c["opted_out"] is False and c["tickets"] == [] and c["phone"].isdigit(), c
    r = api("GET", "/api/contacts?q=%s" % c["name"].split()[1], token)
    assert r.status == 200 and [x["id"] for x in r.json()["data"]["items"]] == [c["id"]], r
    r = api("GET", "/api/contacts?q=%%2B%s" % c["phone"][:9], token)
    assert c["id"] in [x["id"] for x in r.json()["data"]["items"]], r
    r = api("GET", "/api/contacts?tag=%s" % tag.upper(), token)
    assert [x["id"] for x in r.json()["data"]["items"]] == [c["id"]] and r.json()["data"]["total"] == 1, r
    r = api("PUT", "/api/contacts/%d" % c["id"], token, {"name": "Ana María", "opted_out": True, "email": None})
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["name"] == "Ana María" and d["opted_out"] and d["opted_out_at"] and d["email"] is None, d
    assert d["notes"] == "calls after 5" and d["custom_fields"]["plan"] == "gold", d
    # A taken phone, bad fields, a missing contact.
    r = api("POST", "/api/contacts", token, {"phone": "+" + c["phone"]})
    assert r.status == 409 and r.json()["error"]["code"] == "duplicate", r
    r = api("POST", "/api/contacts", token, {"phone": "12", "custom_fields": {"x": [1]}, "tags": ["a,b"],
                                            "email": "nope"})
    assert r.status == 422, r
    assert set(r.json()["error"]["details"]) == {"phone", "custom_fields", "tags", "email"}, r
    r = api("POST", "/api/contacts", token, {"phone": "+" + new_phone(),
                                            "custom_fields": {"k%d" % i: i for i in range(51)}})
    assert r.status == 422 and "custom_fields" in r.json()["error"]["details"], r
    assert api("GET", "/api/contacts/999999999", token).status == 404
    # An agent reads but does not write.
    agent = token_for("agent")
    assert api("GET", "/api/contacts/%d" % c["id"], agent).status == 200
    assert api("PUT", "/api/contacts/%d" % c["id"], agent, {"name": "x"}).status == 403
    # Delete: a contact no ticket names goes; one with a ticket does not.
    r = api("DELETE", "/api/contacts/%d" % c["id"], token)
    assert r.status == 200 and api("GET", "/api/contacts/%d" % c["id"], token).status == 404, r
    phone = new_phone()
    assert post_webhook(text_message(phone, "hola %d" % uniq())).status == 200
    cid = contact_of(phone)
    r = api("DELETE", "/api/contacts/%d" % cid, token)
    assert r.status == 409 and r.json()["error"]["code"] == "contact_in_use", r
    r = api("GET", "/api/contacts/%d" % cid, token)
    assert r.status == 200 and len(r.json()["data"]["tickets"]) == 1 and r.json()["data"]["open_tickets"] == 1, r


def test_csv_round_trip_with_hostile_cells():
    p1, p2, p3 = new_phone(), new_phone(), new_phone()
    tag = "csv%d" % (uniq() % 10**6)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["name", "phone", "email", "tags", "Company", "notes"])
    w.writerow(['=cmd|" /C calc"!A0', "+" + p1, "a@example.com", tag + ", b", "Acme, Inc.", 'say "hi"\nline two'])
    w.writerow(["Zoë 日本語 🚀", "00" + p2, "", tag, "@SUM(1)", ""])
    w.writerow(["-2+3", p3, "", "", "", "+cmd"])
    r = import_csv(out.getvalue())
    assert r.status == 200, r
    d = r.json()["data"]
    assert (d["rows"], d["created"], d["failed"], d["errors"]) == (3, 3, 0, []), d
    rows = {x["phone"]: x for x in export_rows()}
    a, b, c = rows[p1], rows[p2], rows[p3]
    # Formula cells are neutralised on the way out, quotes and line breaks kept.
    assert a["name"] == "'=cmd|\" /C calc\"!A0" and a["notes"] == 'say "hi"\nline two', a
    assert json.loads(a["custom_fields"]) == {"Company": "Acme, Inc."} and a["tags"] == "b,%s" % tag, a
    assert b["name"] == "Zoë 日本語 🚀" and json.loads(b["custom_fields"]) == {"Company": "@SUM(1)"}, b
    assert c["name"] == "'-2+3" and c["notes"] == "'+cmd", c
    # The API gives the values as they were written.
    r = api("GET", "/api/contacts?q=%s" % p1, admin_token())
    assert r.json()["data"]["items"][0]["name"] == '=cmd|" /C calc"!A0', r
    # The exported file imports again as it is: nothing changes.
    again = io.StringIO()
    w = csv.DictWriter(again, fieldnames=list(a.keys()), lineterminator="\r\n")
    w.writeheader()
    for x in (a, b, c):
        w.writerow(x)
    r = import_csv(again.getvalue())
    d = r.json()["data"]
    assert r.status == 200 and (d["updated"], d["created"], d["failed"]) == (3, 0, 0), r
    r = api("GET", "/api/contacts?q=%s" % p1, admin_token())
    item = r.json()["data"]["items"][0]
    assert item["name"] == '=cmd|" /C calc"!A0' and item["notes"] == 'say "hi"\nline two', item
    assert item["custom_fields"] == {"Company": "Acme, Inc."}, item


def test_malformed_file_is_answered_by_line_and_good_rows_kept():
    good1, good2, good3 = new_phone(), new_phone(), new_phone()
    text = ("name,phone,email,notes\r\n"                  # line 1
            "Good One,%s,,\r\n"                           # line 2
            "Bad Phone,12ab,,\r\n"                        # line 3
            'Good Two,%s,x@example.com,"Two\r\nLines"\r\n'  # lines 4-5
            'Broken "quote,%s,,\r\n'                      # line 6
            "No Phone,,,\r\n"                             # line 7
            "Bad Mail,%s,not-an-email,\r\n"               # line 8
            "Good Three,%s,c@example.com,") % (good1, good2, new_phone(), new_phone(), good3)  # line 9
    r = import_csv(text)
    assert r.status == 200, r
    d = r.json()["data"]
    errs = {e["line"]: e for e in d["errors"]}
    assert sorted(errs) == [3, 6, 7, 8], d
    assert errs[3]["field"] == "phone" and errs[7]["field"] == "phone" and errs[8]["field"] == "email", errs
    assert "quot" in errs[6]["error"], errs
    assert (d["rows"], d["valid"], d["created"], d["failed"]) == (7, 3, 3, 4), d
    for p in (good1, good2, good3):
        assert one("SELECT COUNT(*) FROM whatsapp_contacts WHERE wa_id = '%s'" % p) == "1", p
    r = api("GET", "/api/contacts?q=%s" % good2, admin_token())
    assert r.json()["data"]["items"][0]["notes"] == "Two\r\nLines", r
    # An unclosed quote at the end, a file with no phone column, the wrong type.
    r = import_csv('name,phone\r\nA,%s\r\n"open,%s\r\n' % (new_phone(), new_phone()))
    d = r.json()["data"]
    assert r.status == 200 and d["created"] == 1 and d["errors"][0]["line"] == 3, d
    r = import_csv("name,email\r\nA,a@example.com\r\n")
    assert r.status == 422 and r.json()["error"]["code"] == "invalid_csv", r
    assert r.json()["error"]["details"]["errors"][0]["line"] == 1, r
    r = api("POST", "/api/contacts/import/csv", admin_token(), b"name,phone\r\n", {"Content-Type": "application/json"})
    assert r.status == 415, r


def test_dry_run_writes_nothing():
    p = new_phone()
    r = import_csv("phone,name\r\n%s,Dry\r\nbad,Wet\r\n" % p, dry_run=True)
    d = r.json()["data"]
    assert r.status == 200 and d["dry_run"] and (d["valid"], d["failed"], d["created"]) == (1, 1, 0), d
    assert one("SELECT COUNT(*) FROM whatsapp_contacts WHERE wa_id = '%s'" % p) == "0"


def test_merge_moves_tickets_and_is_audited():
    token = admin_token()
    phone = new_phone()
    assert post_webhook(text_message(phone, "hola %d" % uniq())).status == 200
    gone = contact_of(phone)
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    sql("UPDATE whatsapp_contacts SET email = 'old@example.com' WHERE id = %d" % gone)
    keep = create(tags=["merged"], custom_fields={"a": "keep"})
    r = api("POST", "/api/contacts/%d/merge" % keep["id"], token, {"contact_id": gone})
    assert r.status == 200, r
    d = r.json()["data"]
    assert [t["id"] for t in d["tickets"]] == [tid] and d["email"] == "old@example.com", d
    assert one("SELECT contact_id FROM tickets WHERE id = %d" % tid) == str(keep["id"])
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE contact_id = %d" % gone) == "0"
    assert api("GET", "/api/contacts/%d" % gone, token).status == 404
    audit = one("SELECT details FROM audit_log WHERE action = 'contact.merge' AND entity_id = '%d'" % keep["id"])
    assert json.loads(audit)["merged_contact_id"] == gone, audit
    r = api("POST", "/api/contacts/%d/merge" % keep["id"], token, {"contact_id": keep["id"]})
    assert r.status == 422, r
    r = api("POST", "/api/contacts/%d/merge" % keep["id"], token, {"contact_id": 999999999})
    assert r.status == 404, r


def test_erase_removes_the_person_and_their_files():
    token = admin_token()
    phone = new_phone()
    tid, pid = image_ticket(phone)
    assert post_webhook(text_message(phone, "another %d" % uniq())).status == 200
    cid = contact_of(phone)
    r = api("GET", "/api/contacts/%d/export" % cid, token)
    assert r.status == 200, r
    data = r.json()["data"]
    assert data["contact"]["phone"] == phone and [t["id"] for t in data["tickets"]] == [tid], data
    assert api("POST", "/api/contacts/%d/erase" % cid, token_for("site_manager")).status == 403
    r = api("POST", "/api/contacts/%d/erase" % cid, token)
    assert r.status == 200, r
    counts = r.json()["data"]["counts"]
    assert counts["tickets"] == 1 and counts["files"] == 1 and counts["files_destroyed"] == 1, counts
    assert pid in destroyed()
    for q in ("SELECT COUNT(*) FROM tickets WHERE id = %d" % tid,
              "SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d OR contact_id = %d" % (tid, cid),
              "SELECT COUNT(*) FROM attachments WHERE ticket_id = %d" % tid,
              "SELECT COUNT(*) FROM events WHERE ticket_id = %d" % tid,
              "SELECT COUNT(*) FROM whatsapp_contacts WHERE id = %d" % cid,
              "SELECT COUNT(*) FROM cloudinary_destroys WHERE public_id = '%s'" % pid):
        assert one(q) == "0", q
    audit = json.loads(one("SELECT details FROM audit_log WHERE action = 'contact.erase' AND entity_id = '%d'" % cid))
    assert audit["tickets"] == 1 and phone not in json.dumps(audit), audit


def test_retention_erases_old_closed_tickets_through_tick_outbox():
    old, fresh = new_phone(), new_phone()
    tid, pid = image_ticket(old)
    assert post_webhook(text_message(fresh, "still here %d" % uniq())).status == 200
    keep = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % fresh))
    sql("UPDATE tickets SET status = 'closed', closed_at = NOW(3) - INTERVAL 40 DAY WHERE id = %d" % tid)
    sql("UPDATE tickets SET status = 'closed', closed_at = NOW(3) - INTERVAL 5 DAY WHERE id = %d" % keep)
    # RETENTION_DAYS=0 keeps everything.
    assert tick("outbox", env={"RETENTION_DAYS": "0"}).returncode == 0
    assert one("SELECT COUNT(*) FROM tickets WHERE id = %d" % tid) == "1"
    # A failed destroy is recorded and tried again; the rows go at once.
    cld("POST", "/_fake/mode", {"mode": "http500", "times": 1})
    res = tick("outbox", env={"RETENTION_DAYS": "30"})
    assert res.returncode == 0, res.stderr
    cld("POST", "/_fake/mode", {"mode": "ok"})
    assert one("SELECT COUNT(*) FROM tickets WHERE id = %d" % tid) == "0"
    assert one("SELECT COUNT(*) FROM attachments WHERE ticket_id = %d" % tid) == "0"
    assert one("SELECT COUNT(*) FROM tickets WHERE id = %d" % keep) == "1"
    assert one("SELECT attempts FROM cloudinary_destroys WHERE public_id = '%s'" % pid) == "1"
    sql("UPDATE cloudinary_destroys SET next_attempt_at = NOW(3) WHERE public_id = '%s'" % pid)
    res = tick("outbox", env={"RETENTION_DAYS": "30"})
    assert res.returncode == 0 and "destroyed" in res.stdout, res.stdout
    assert pid in destroyed()
    assert one("SELECT COUNT(*) FROM cloudinary_destroys WHERE public_id = '%s'" % pid) == "0"
    audit = json.loads(one("SELECT details FROM audit_log WHERE action = 'ticket.retention_erase'"
                           " AND entity_id = '%d'" % tid))
    assert audit["files"] == 1 and audit["retention_days"] == 30, audit
