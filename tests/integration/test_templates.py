#!/usr/bin/env python3
"""Issue 16, templates: the library synced from Meta over several pages,
its list, creation and deletion through Meta's API, the template
webhooks, and a template sent from a ticket with header, body and button
parameters, checked before the outbox row is written; Meta's 132000 and
131049 in the outbox."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PNID, admin_token, api, graph, graph_mode, login, make_user,  # noqa: E402
                     new_phone, one, post_webhook, sql, text_message, tick, token_for, uniq)

WABA = os.environ.get("WHATSAPP_BUSINESS_ACCOUNT_ID", "102290129340398")


def full_template(name, status="APPROVED", body="Hi {{1}}, ticket {{2}} is {{3}}."):
    return {"name": name, "language": "en_US", "status": status, "category": "UTILITY",
            "id": str(700000000000000 + uniq()), "parameter_format": "POSITIONAL",
            "quality_score": {"score": "GREEN"},
            "components": [
                {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}},
                {"type": "BODY", "text": body, "example": {"body_text": [["Ana", "TKT-1", "ready"]]}},
                {"type": "FOOTER", "text": "The desk"},
                {"type": "BUTTONS", "buttons": [
                    {"type": "URL", "text": "Track", "url": "https://track.example/t/{{1}}"},
                    {"type": "QUICK_REPLY", "text": "Thanks"},
                    {"type": "COPY_CODE", "example": "SAVE10"}]}]}


def plain_template(name, status="APPROVED", category="MARKETING"):
    return {"name": name, "language": "en_US", "status": status, "category": category,
            "id": str(700000000000000 + uniq()),
            "components": [{"type": "BODY", "text": "We are still here for you."}]}


def seed(templates):
    graph("POST", "/_fake/templates", {"templates": templates})


def sync():
    r = api("POST", "/api/templates/sync", admin_token())
    assert r.status == 200, r
    return r.json()["data"]


def agent_with_ticket():
    """An agent holding a fresh WhatsApp ticket; (token, ticket id, phone)."""
    _, email = make_user("agent")
    tok = login(email, "a-long-password-1").json()["data"]["token"]
    phone = new_phone()
    assert post_webhook(text_message(phone, "help with my order %d" % uniq())).status == 200
    tid = int(one("SELECT id FROM tickets WHERE mobile = '%s'" % phone))
    assert api("POST", "/api/tickets/%d/assign" % tid, tok).status == 200
    return tok, tid, phone


def sent_templates(phone):
    return [r for r in graph("GET", "/_fake/requests")
            if (r.get("body") or {}).get("to") == phone and r["body"].get("type") == "template"]


GOOD = {"header": {"link": "https://img.example/receipt.png"},
        "body": ["Ana", "TKT-000042", "ready"],
        "buttons": ["abc123", "thanks", "SAVE10"]}


def test_sync_reads_every_page_and_prunes():
    base = "sync%d_" % uniq()
    lib = [plain_template("%s%03d" % (base, i)) for i in range(230)]
    lib.append(full_template(base + "full"))
    seed(lib)
    before = len(graph("GET", "/_fake/templates")["lists"])
    got = sync()
    assert got["stored"] == 231 and got["pages"] == 3 and got["skipped"] == 0, got
    lists = graph("GET", "/_fake/templates")["lists"][before:]
    assert len(lists) == 3, lists
    assert lists[0]["path"] == "/v25.0/%s/message_templates?limit=100" % WABA, lists
    assert "&after=" in lists[1]["path"] and "&after=" in lists[2]["path"], lists
    assert all(x["authorization"] == "Bearer test-access-token-0123456789" for x in lists)
    assert int(one("SELECT COUNT(*) FROM whatsapp_templates WHERE name LIKE '%s%%'" % base)) == 231
    row = sql("SELECT status, category, quality, parameter_format, meta_id FROM whatsapp_templates"
              " WHERE name = '%sfull'" % base)[0]
    assert row[:4] == ["APPROVED", "UTILITY", "GREEN", "POSITIONAL"] and row[4].isdigit(), row
    # What Meta no longer has goes; the CLI syncs the same way.
    seed(lib[200:])
    r = tick("templates", "sync")
    assert r.returncode == 0, r.stderr
    assert "31 stored" in r.stdout and "200 removed" in r.stdout, r.stdout
    assert int(one("SELECT COUNT(*) FROM whatsapp_templates WHERE name LIKE '%s%%'" % base)) == 31


def test_list_filters_and_roles():
    base = "list%d_" % uniq()
    seed([plain_template(base + "a"), plain_template(base + "b", status="PAUSED"),
          full_template(base + "c")])
    sync()
    tok = token_for("agent")
    r = api("GET", "/api/templates?q=%s" % base, tok)
    assert r.status == 200, r
    d = r.json()["data"]
    assert d["total"] == 3 and [t["name"] for t in d["items"]] == [base + "a", base + "b", base + "c"], d
    c = d["items"][2]
    assert c["language"] == "en_US" and c["components"][1]["type"] == "BODY" and c["quality"] == "GREEN", c
    r = api("GET", "/api/templates?q=%s&status=approved&category=MARKETING" % base, tok)
    assert [t["name"] for t in r.json()["data"]["items"]] == [base + "a"], r.json()
    assert api("GET", "/api/templates?status=no%20way", tok).status == 422
    # Agents read; only a super admin syncs, creates or deletes.
    assert api("POST", "/api/templates/sync", tok).status == 403
    assert api("POST", "/api/templates", tok, {"name": "x"}).status == 403
    assert api("DELETE", "/api/templates/%sa" % base, tok).status == 403


def test_create_checks_meta_rules_then_creates():
    adm = admin_token()
    name = "created_%d" % uniq()
    bad = [({"name": "Has Caps", "language": "en_US", "category": "UTILITY",
             "components": [{"type": "BODY", "text": "x"}]}, "name"),
           ({"name": name, "language": "en_US", "category": "UTILITY",
             "components": [{"type": "BODY", "text": "Hi {{1}} and {{3}}",
                             "example": {"body_text": [["a", "b"]]}}]}, "components[0].text"),
           ({"name": name, "language": "en_US", "category": "UTILITY",
             "components": [{"type": "BODY", "text": "Hi {{1}}"}]}, "components[0].example"),
           ({"name": name, "language": "en_US", "category": "UTILITY",
             "components": [{"type": "BODY", "text": "x"}, {"type": "BUTTONS", "buttons": [
                 {"type": "QUICK_REPLY", "text": "y" * 26}]}]}, "components[1].buttons[0].text"),
           ({"name": "a" * 513, "language": "en_US", "category": "UTILITY",
             "components": [{"type": "BODY", "text": "x"}]}, "name")]
    before = len(graph("GET", "/_fake/templates")["lists"])
    for body, field in bad:
        r = api("POST", "/api/templates", adm, body)
        assert r.status == 422, (body, r)
        err = r.json()["error"]
        assert err["code"] == "validation_failed" and field in err["details"], (field, err)
    # Nothing reached Meta.
    assert len(graph("GET", "/_fake/templates")["lists"]) == before
    good = {"name": name, "language": "es", "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Hola {{1}}", "example": {"body_text": [["Ana"]]}}]}
    r = api("POST", "/api/templates", adm, good)
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["status"] == "PENDING" and d["meta_id"] and d["name"] == name, d
    assert graph("GET", "/_fake/templates")["lists"][-1]["body"] == good
    assert one("SELECT status FROM whatsapp_templates WHERE name = '%s' AND language = 'es'" % name) == "PENDING"
    # Meta refuses a second one of the same name and language: 502 with its code.
    r = api("POST", "/api/templates", adm, good)
    assert r.status == 502 and r.json()["error"]["details"]["graph_code"] == 100, r
    # Deleted at Meta, then here; a second time Meta has none: 404.
    r = api("DELETE", "/api/templates/%s" % name, adm)
    assert r.status == 200 and r.json()["data"]["deleted"] == 1, r
    assert graph("GET", "/_fake/templates")["lists"][-1]["path"].endswith("message_templates?name=" + name)
    assert api("DELETE", "/api/templates/%s" % name, adm).status == 404
    assert api("DELETE", "/api/templates/Bad-Name", adm).status == 422


def test_webhooks_change_the_stored_template():
    name = "hooked_%d" % uniq()
    t = plain_template(name, status="PENDING", category="UTILITY")
    seed([t])
    sync()

    def hook(field, value):
        body = {"object": "whatsapp_business_account", "entry": [{"id": WABA, "time": int(time.time()),
                                                                   "changes": [{"field": field, "value": value}]}]}
        assert post_webhook(body).status == 200

    hook("message_template_status_update", {"event": "APPROVED", "message_template_id": int(t["id"]),
                                            "message_template_name": name,
                                            "message_template_language": "en_US", "reason": "NONE"})
    assert one("SELECT status FROM whatsapp_templates WHERE name = '%s'" % name) == "APPROVED"
    hook("template_category_update", {"message_template_id": int(t["id"]), "message_template_name": name,
                                      "message_template_language": "en_US", "previous_category": "UTILITY",
                                      "new_category": "MARKETING"})
    hook("message_template_quality_update", {"previous_quality_score": "GREEN", "new_quality_score": "YELLOW",
                                             "message_template_id": int(t["id"]),
                                             "message_template_name": name,
                                             "message_template_language": "en_US"})
    # By name and language when no id is given.
    hook("message_template_status_update", {"event": "PAUSED", "message_template_name": name,
                                            "message_template_language": "en_US",
                                            "reason": "Low quality: many customers blocked it"})
    row = sql("SELECT status, category, quality, reason FROM whatsapp_templates WHERE name = '%s'" % name)[0]
    assert row == ["PAUSED", "MARKETING", "YELLOW", "Low quality: many customers blocked it"], row


def test_template_send_reaches_meta_as_documented():
    name = "full_%d" % uniq()
    seed([full_template(name)])
    sync()
    tok, tid, phone = agent_with_ticket()
    r = api("POST", "/api/tickets/%d/template" % tid, tok,
            {"name": name, "language": "en_US", "parameters": GOOD})
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["whatsapp"]["status"] == "sent" and d["whatsapp"]["wamid"], d
    text = ("[image: https://img.example/receipt.png]\nHi Ana, ticket TKT-000042 is ready.\n"
            "The desk\n[Track]\n[Thanks]")
    assert d["reply"]["text"] == text, d["reply"]
    sent = sent_templates(phone)
    assert len(sent) == 1, sent
    body = sent[0]["body"]
    assert body["messaging_product"] == "whatsapp" and body["recipient_type"] == "individual"
    assert body["template"] == {"name": name, "language": {"code": "en_US"}, "components": [
        {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://img.example/receipt.png"}}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "TKT-000042"},
                                        {"type": "text", "text": "ready"}]},
        {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "abc123"}]},
        {"type": "button", "sub_type": "quick_reply", "index": "1",
         "parameters": [{"type": "payload", "payload": "thanks"}]},
        {"type": "button", "sub_type": "copy_code", "index": "2",
         "parameters": [{"type": "coupon_code", "coupon_code": "SAVE10"}]}]}, body["template"]
    # Stored on the ticket as the customer reads it.
    row = sql("SELECT type, status FROM whatsapp_messages WHERE ticket_id = %d AND type = 'template'" % tid)
    assert row == [["template", "accepted"]], row
    timeline = api("GET", "/api/tickets/%d" % tid, tok).json()["data"]["timeline"]
    assert any(e.get("text") == text for e in timeline), timeline


def test_missing_and_extra_parameters_are_422_before_the_outbox():
    name = "checked_%d" % uniq()
    seed([full_template(name), plain_template(name + "_paused", status="PAUSED")])
    sync()
    tok, tid, phone = agent_with_ticket()
    rows = one("SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'out'" % tid)
    cases = [(dict(GOOD, body=["Ana", "TKT-1"]), "parameters.body[2]"),
             (dict(GOOD, body=["Ana", "TKT-1", "ready", "extra"]), "parameters.body[3]"),
             ({"body": GOOD["body"], "buttons": GOOD["buttons"]}, "parameters.header"),
             (dict(GOOD, buttons=["abc123"]), "parameters.buttons[2]"),
             (dict(GOOD, buttons=GOOD["buttons"] + ["more"]), "parameters.buttons[3]"),
             (dict(GOOD, header="http://img.example/a.png"), "parameters.header"),
             (dict(GOOD, footer="x"), "parameters.footer")]
    for params, field in cases:
        r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": name, "parameters": params})
        assert r.status == 422, (field, r)
        err = r.json()["error"]
        assert err["code"] == "validation_failed" and field in err["details"], (field, err)
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": name + "_paused"})
    assert r.status == 422 and "name" in r.json()["error"]["details"], r
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": name, "language": "fr"})
    assert r.status == 422 and "name" in r.json()["error"]["details"], r
    # Nothing was stored, nothing was sent.
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'out'" % tid) == rows
    assert sent_templates(phone) == []


def test_meta_132000_is_permanent_with_advice():
    name = "drift_%d" % uniq()
    t = full_template(name)
    seed([t])
    sync()
    # Meta's copy gained a placeholder since the sync: 132000.
    seed([full_template(name, body="Hi {{1}}, ticket {{2}} is {{3}} since {{4}}.")])
    tok, tid, phone = agent_with_ticket()
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": name, "parameters": GOOD})
    assert r.status == 201, r
    wa = r.json()["data"]["whatsapp"]
    assert wa["status"] == "failed" and wa["error_code"] == 132000 and wa["retryable"] is False, wa
    assert "sync the templates" in wa["error_title"], wa
    row = sql("SELECT status, error_code, COALESCE(next_attempt_at, 'NULL'), error_title FROM whatsapp_messages"
              " WHERE ticket_id = %d AND type = 'template'" % tid)[0]
    assert row[:3] == ["failed", "132000", "NULL"] and "Meta:" in row[3], row
    # An agent cannot force it either.
    mid = wa["id"]
    assert api("POST", "/api/tickets/%d/messages/%d/retry" % (tid, mid), tok).status == 409


def test_meta_131049_waits_hours_and_grows():
    name = "promo_%d" % uniq()
    seed([plain_template(name)])
    sync()
    tok, tid, phone = agent_with_ticket()
    graph_mode("error:131049", 1)
    r = api("POST", "/api/tickets/%d/template" % tid, tok, {"name": name})
    assert r.status == 201, r
    wa = r.json()["data"]["whatsapp"]
    assert wa["status"] == "failed" and wa["error_code"] == 131049 and wa["retryable"] is True, wa
    assert "marketing" in wa["error_title"], wa
    wait = int(one("SELECT TIMESTAMPDIFF(SECOND, NOW(3), next_attempt_at) FROM whatsapp_messages"
                   " WHERE id = %d" % wa["id"]))
    assert 3500 <= wait <= 3600, wait
    # Due now, refused again: the next wait is twice as long.
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) - INTERVAL 1 SECOND WHERE id = %d" % wa["id"])
    graph_mode("error:131049", 1)
    r = tick("outbox")
    assert r.returncode == 0, r.stderr
    wait = int(one("SELECT TIMESTAMPDIFF(SECOND, NOW(3), next_attempt_at) FROM whatsapp_messages"
                   " WHERE id = %d" % wa["id"]))
    assert 7100 <= wait <= 7200, wait
    # Then Meta takes it.
    sql("UPDATE whatsapp_messages SET next_attempt_at = NOW(3) - INTERVAL 1 SECOND WHERE id = %d" % wa["id"])
    assert tick("outbox").returncode == 0
    assert one("SELECT status FROM whatsapp_messages WHERE id = %d" % wa["id"]) in ("accepted", "sent")


def test_hostile_template_bodies_are_4xx():
    tok, tid, _ = agent_with_ticket()
    for body in ({"name": 5}, {"name": "x" * 600}, {"name": "ok", "language": "e"},
                 {"name": "ok", "parameters": []}, {"name": "ok", "what": 1}):
        r = api("POST", "/api/tickets/%d/template" % tid, tok, body)
        assert r.status == 422, (body, r)
