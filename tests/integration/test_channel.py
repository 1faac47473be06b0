#!/usr/bin/env python3
"""Issue 16, channel health: a token failure (190) from the outbox shows in
GET /api/whatsapp/status (and /api/whatsapp/health, for every signed-in
user), is announced once (an event on the live stream and an audit row)
however often it repeats, and clears after a good send; a lock (131031)
likewise; phone_number_quality_update and account_update are stored with
the time they were seen; a redelivery changes nothing."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PNID, admin_token, api, graph_mode, login, make_user,  # noqa: E402
                     new_phone, one, post_webhook, sql, text_message, token_for, uniq)


def announced():
    return (int(one("SELECT COUNT(*) FROM events WHERE type = 'channel.changed'")),
            int(one("SELECT COUNT(*) FROM audit_log WHERE action = 'whatsapp.channel_changed'")))


def health(token=None):
    r = api("GET", "/api/whatsapp/status", token or admin_token())
    assert r.status == 200, r
    return r.json()["data"]["health"]


def fresh():
    sql("DELETE FROM whatsapp_channel_health")


def agent_with_ticket():
    _, email = make_user("agent")
    tok = login(email, "a-long-password-1").json()["data"]["token"]
    phone = new_phone()
    assert post_webhook(text_message(phone, "help %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    return tok, tid


def change(field, value):
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": field, "value": value}]}]}


def test_token_failure_shows_is_told_once_and_clears():
    fresh()
    h = health()
    assert h == {"state": "ok", "token": None, "account": None, "quality": None, "problems": []}, h
    tok, tid = agent_with_ticket()
    before = announced()
    graph_mode("error:190", 2)
    try:
        for text in ("first try", "second try"):
            r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": text})
            assert r.status == 201 and r.json()["data"]["whatsapp"]["error_code"] == 190, r
    finally:
        graph_mode("ok")
    h = health()
    assert h["state"] == "error" and h["token"]["code"] == 190, h
    assert h["token"]["title"].startswith("WhatsApp token rejected (190)"), h
    assert h["token"]["since"] and h["token"]["at"], h
    assert [p["kind"] for p in h["problems"]] == ["token"] and h["problems"][0]["code"] == 190, h
    # Told once, though it failed twice.
    assert announced() == (before[0] + 1, before[1] + 1), (before, announced())
    # Every signed-in user may read it (the panel's banner).
    r = api("GET", "/api/whatsapp/health", token_for("agent"))
    assert r.status == 200 and r.json()["data"]["state"] == "error", r
    assert api("GET", "/api/whatsapp/status", token_for("agent")).status == 403
    assert api("GET", "/api/whatsapp/health").status == 401
    # A good send clears it, told once more.
    r = api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "third try"})
    assert r.status == 201 and r.json()["data"]["whatsapp"]["status"] == "sent", r
    h = health()
    assert h["state"] == "ok" and h["token"] is None and h["problems"] == [], h
    assert announced() == (before[0] + 2, before[1] + 2)
    # More good sends change nothing.
    assert api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "fourth"}).status == 201
    assert announced() == (before[0] + 2, before[1] + 2)
    row = sql("SELECT details FROM audit_log WHERE action = 'whatsapp.channel_changed' ORDER BY id DESC LIMIT 2")
    assert '"to": "ok"' in row[0][0] or '"to":"ok"' in row[0][0], row
    assert '"to": "error"' in row[1][0] or '"to":"error"' in row[1][0], row


def test_account_lock_is_an_error_until_a_send_goes():
    fresh()
    tok, tid = agent_with_ticket()
    graph_mode("error:131031", 1)
    try:
        assert api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "locked?"}).status == 201
    finally:
        graph_mode("ok")
    h = health()
    assert h["state"] == "error" and h["account"]["code"] == 131031 and h["token"] is None, h
    assert api("POST", "/api/tickets/%d/reply" % tid, tok, {"message": "unlocked"}).status == 201
    h = health()
    assert h["state"] == "ok" and h["account"] is None, h


def test_quality_and_account_updates_are_stored():
    fresh()
    before = announced()
    flagged = change("phone_number_quality_update", {
        "display_phone_number": "15550001111", "event": "FLAGGED", "current_limit": "TIER_10K"})
    assert post_webhook(flagged).status == 200
    h = health()
    assert h["state"] == "warning", h
    assert h["quality"]["rating"] == "RED" and h["quality"]["event"] == "FLAGGED", h
    assert h["quality"]["messaging_limit"] == "TIER_10K" and h["quality"]["at"], h
    assert h["problems"][0]["kind"] == "quality" and h["problems"][0]["severity"] == "warning", h
    assert announced() == (before[0] + 1, before[1] + 1)
    # Redelivered: nothing more told.
    assert post_webhook(flagged).status == 200
    assert announced() == (before[0] + 1, before[1] + 1)
    # The limit lowered: another warning, told.
    assert post_webhook(change("phone_number_quality_update", {
        "display_phone_number": "15550001111", "event": "DOWNGRADE", "current_limit": "TIER_1K"})).status == 200
    h = health()
    assert h["quality"] == dict(h["quality"], rating="RED", event="DOWNGRADE", messaging_limit="TIER_1K"), h
    assert announced() == (before[0] + 2, before[1] + 2)
    assert post_webhook(change("phone_number_quality_update", {
        "display_phone_number": "15550001111", "event": "UNFLAGGED", "current_limit": "TIER_1K"})).status == 200
    h = health()
    assert h["state"] == "ok" and h["quality"]["rating"] == "GREEN", h
    # An account disabled by Meta: an error, with Meta's words kept.
    banned = change("account_update", {
        "phone_number": "15550001111", "event": "DISABLED_UPDATE",
        "ban_info": {"waba_ban_state": "DISABLE", "waba_ban_date": "2026-12-01"}})
    assert post_webhook(banned).status == 200
    h = health()
    assert h["state"] == "error" and h["account"]["event"] == "DISABLED_UPDATE", h
    assert h["account"]["detail"] == {"ban_info": {"waba_ban_state": "DISABLE", "waba_ban_date": "2026-12-01"}}, h
    assert h["account"]["state"] == "error" and h["account"]["since"], h
    n = announced()
    assert post_webhook(banned).status == 200
    assert announced() == n
    assert post_webhook(change("account_update", {
        "event": "ACCOUNT_VIOLATION", "violation_info": {"violation_type": "SCAM"}})).status == 200
    h = health()
    assert h["state"] == "warning" and h["account"]["detail"]["violation_info"]["violation_type"] == "SCAM", h
    # Odd shapes are stored raw and answered 200.
    for bad in ({"event": 5}, {"current_limit": "TIER_1K"}, {"event": "x y"}):
        assert post_webhook(change("phone_number_quality_update", bad)).status == 200
        assert post_webhook(change("account_update", bad)).status == 200
    assert health()["account"]["event"] == "ACCOUNT_VIOLATION"
    fresh()
