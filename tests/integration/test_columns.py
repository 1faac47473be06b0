#!/usr/bin/env python3
"""Hardening (issue 10): every text column of a ticket's rows filled to its
limit with 4-byte characters (utf8mb4's widest), then read back through every
route that reads it. A fetch buffer sized in characters instead of bytes made
such a value fail the whole query: one customer's 256 emoji took the inbox
down for everyone. Every answer must be 200, valid JSON, and carry the values
intact (or, at worst, cut on a character boundary)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (api, login, make_user, new_phone, one, post_webhook, sql,  # noqa: E402
                     statuses_payload, text_message, token_for)

EMOJI = "\U0001F600"  # 4 bytes in UTF-8

# Columns whose value is a key or a machine word the desk matches on (never
# free text): filling them would change which rows the routes find, not how
# they read them. Each is still read by the routes below with its own value.
KEYS = {
    "tickets": {"reference", "mobile", "email", "status", "issue_type", "category", "observation_type"},
    "replies": {"source", "replied_by_type"},
    "whatsapp_contacts": {"contact_key", "wa_id", "user_id"},
    "whatsapp_messages": {"wamid", "phone_number_id", "type", "direction", "status", "payload"},
    "whatsapp_statuses": {"wamid", "status", "recipient_id"},
    "users": {"email", "password_hash", "role"},
    "attachments": {"direction", "provider", "state", "media_id", "sha256"},
}


def columns(table):
    """(name, characters) of the table's text columns, widest content in chars."""
    rows = sql("SELECT column_name, data_type, character_maximum_length, character_octet_length, "
               "character_set_name "
               "FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '%s' "
               "AND data_type IN ('char','varchar','tinytext','text','mediumtext','longtext') "
               "ORDER BY ordinal_position" % table)
    out = []
    for name, _type, chars, octets, charset in rows:
        # ASCII columns hold machine words (Meta's pricing keys and the
        # like), never what a person typed.
        if name in KEYS.get(table, ()) or charset == "ascii":
            continue
        # TEXT limits bytes, VARCHAR characters: the widest value fits both.
        out.append((name, min(int(chars), int(octets) // 4, 16383)))
    return out


def fill(table, where):
    cols = columns(table)
    assert cols, table
    sets = ", ".join("`%s` = REPEAT(_utf8mb4 X'F09F9880', %d)" % (c, n) for c, n in cols)
    sql("UPDATE `%s` SET %s WHERE %s" % (table, sets, where))
    return dict(cols)


def walk_strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from walk_strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk_strings(x)


def get_ok(path, token):
    r = api("GET", path, token)
    assert r.status == 200, (path, r)
    d = json.loads(r.body.decode("utf-8"))  # strict: valid UTF-8 and JSON
    for s in walk_strings(d):
        assert "\ufffd" not in s, (path, s[:80])  # never a character cut in half
    return d["data"]


def test_every_text_column_at_its_limit_reads_back_through_every_route():
    phone = new_phone()
    wamid = "wamid.COLS%s" % phone
    assert post_webhook(text_message(phone, "first words", wamid=wamid)).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s'" % phone))
    uid, email = make_user("agent")
    token = login(email, "a-long-password-1").json()["data"]["token"]
    assert api("POST", "/api/tickets/%d/assign" % tid, token, {}).status == 200
    assert api("POST", "/api/tickets/%d/reply" % tid, token, {"message": "an answer"}).status in (200, 201)
    assert api("POST", "/api/tickets/%d/notes" % tid, token, {"message": "a note"}).status in (200, 201)
    out_wamid = one("SELECT wamid FROM whatsapp_messages WHERE ticket_id=%d AND direction='out' "
                    "AND wamid IS NOT NULL ORDER BY id DESC LIMIT 1" % tid)
    assert out_wamid, "the reply was sent"
    assert post_webhook(statuses_payload([{"id": out_wamid, "status": "failed", "recipient_id": phone,
                                           "errors": [{"code": 131026, "title": "x"}]}])).status == 200
    sql("INSERT INTO attachments (ticket_id, message_id, direction, state, file_name, mime_type) "
        "SELECT %d, id, 'in', 'failed', 'f', 'application/pdf' FROM whatsapp_messages "
        "WHERE wamid='%s'" % (tid, wamid))
    contact = int(one("SELECT contact_id FROM tickets WHERE id=%d" % tid))

    filled = {}
    filled["tickets"] = fill("tickets", "id = %d" % tid)
    filled["replies"] = fill("replies", "ticket_id = %d" % tid)
    filled["whatsapp_contacts"] = fill("whatsapp_contacts", "id = %d" % contact)
    filled["whatsapp_messages"] = fill("whatsapp_messages", "ticket_id = %d" % tid)
    filled["whatsapp_statuses"] = fill("whatsapp_statuses", "wamid = '%s'" % out_wamid)
    filled["attachments"] = fill("attachments", "ticket_id = %d" % tid)
    filled["users"] = fill("users", "id = %d" % uid)
    filled["audit_log"] = fill("audit_log", "actor_id = %d" % uid)
    assert int(one("SELECT CHAR_LENGTH(name) FROM users WHERE id=%d" % uid)) == 100

    admin = token_for("super_admin")
    reporter = token_for("reporter")
    for t in (admin, reporter, token):
        for path in ("/api/tickets", "/api/tickets?sort=activity", "/api/tickets?status=assigned,in_progress",
                     "/api/tickets?assigned_to=%d" % uid, "/api/tickets?q=%s" % phone,
                     "/api/tickets/%d" % tid, "/api/replies/%d" % tid, "/api/tickets/stats"):
            get_ok(path, t)
    get_ok("/api/tickets?mine=1", token)
    me = get_ok("/api/auth/me", token)  # the user whose name is 100 emoji
    assert EMOJI * 100 in json.dumps(me, ensure_ascii=False), me
    for path in ("/api/users", "/api/users/%d" % uid, "/api/audit", "/api/audit?actor_id=%d" % uid,
                 "/api/whatsapp/status"):
        get_ok(path, admin)

    # The values come back whole where the routes show them.
    t = get_ok("/api/tickets/%d" % tid, admin)
    blob = json.dumps(t, ensure_ascii=False)
    for col in ("description", "issue_title", "issue_type_other", "resolution"):
        if col in filled["tickets"] and col in t:
            assert t[col] == EMOJI * filled["tickets"][col], col
    assert EMOJI * 100 in blob  # the holder's name
    assert EMOJI * 255 in blob  # the failed status's title
    items = get_ok("/api/tickets?q=%s" % phone, admin)["items"]
    assert items and items[0]["id"] == tid
    assert get_ok("/api/users/%d" % uid, admin)["name"] == EMOJI * 100
