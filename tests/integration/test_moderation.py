"""Issue 17: AI safety checks of customers' texts and photos. A text is
recorded for a check in the webhook's transaction (the webhook never waits
for a provider) and `tick outbox` asks the fake Gemini or OpenRouter: clean
and flagged texts, a safety block, the provider down then recovered, a 429
with Retry-After, malformed JSON from the model recorded as failed, nothing
of the customer's identity sent, an agent's review (clear, confirm,
audited), the inbox's flagged filter, and with MODERATION_PROVIDER none
nothing changes."""
import base64
import json
import os
import subprocess
import urllib.request

from harness import (BUILD, admin_token, api, graph, graph_sent, login, make_user, new_phone, one, post_webhook, sign, sql,
                     text_message, tick, uniq)

GEMINI = os.environ.get("TICK_GEMINI_URL", "")
OPENROUTER = os.environ.get("TICK_OPENROUTER_URL", "")


def fake(base, method, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def webhook_with(provider, payload, env=None):
    """The real webhook responder run as CGI with MODERATION_PROVIDER set
    (the stack's own runs with none)."""
    body = json.dumps(payload).encode()
    path = "/api/whatsapp/webhook"
    env = dict(os.environ, REQUEST_METHOD="POST", DOCUMENT_URI=path, REQUEST_URI=path, QUERY_STRING="",
               CONTENT_LENGTH=str(len(body)), CONTENT_TYPE="application/json", REMOTE_ADDR="127.0.0.1",
               HTTP_X_HUB_SIGNATURE_256=sign(body), MODERATION_PROVIDER=provider, **(env or {}))
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=env, input=body,
                         capture_output=True, timeout=60)
    assert out.stdout.startswith(b"Status: 200"), out.stdout[:300] + out.stderr[-2000:]


def outbox(provider, env=None):
    r = tick("outbox", env=dict({"MODERATION_PROVIDER": provider}, **(env or {})))
    assert r.returncode == 0, r.stderr
    return r.stdout


def ticket_of(phone):
    return int(one("SELECT id FROM tickets WHERE mobile='%s'" % phone))


def message_id(wamid):
    return int(one("SELECT id FROM whatsapp_messages WHERE wamid='%s'" % wamid))


def detail(tid):
    r = api("GET", "/api/tickets/%d" % tid, admin_token())
    assert r.status == 200, r
    return r.json()["data"]


def item_of(t, mid):
    for it in t["timeline"]:
        if (it.get("whatsapp") or {}).get("id") == mid:
            return it
    raise AssertionError("message %d not in the timeline: %r" % (mid, t["timeline"]))


def arrive(provider, phone, text, name="Ana Ruiz"):
    msg = text_message(phone, text, name=name)
    webhook_with(provider, msg)
    return message_id(msg["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


def due_now(mid):
    sql("UPDATE message_moderation SET next_attempt_at = NOW(3) WHERE message_id = %d" % mid)


def test_clean_then_flagged_text_with_gemini():
    fake(GEMINI, "POST", "/_fake/reset")
    phone = new_phone()
    mid = arrive("gemini", phone, "Hello, the printer on floor 2 is broken")
    tid = ticket_of(phone)
    # Recorded with the message, checked later: the ticket is there at once.
    t = detail(tid)
    m = item_of(t, mid)["moderation"]
    assert m["state"] == "pending" and m["flagged"] is False, m
    assert t["flagged"] is False
    out = outbox("gemini")
    assert "moderation:" in out, out
    t = detail(tid)
    m = item_of(t, mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is False, m
    assert set(m["categories"]) == {"harassment", "hate", "sexual", "violence", "self_harm", "dangerous",
                                    "personal_data"}, m
    assert m["suggestion"] is None
    assert t["flagged"] is False
    row = one("SELECT CONCAT(provider, ' ', model, ' ', latency_ms IS NOT NULL, ' ', attempts) "
              "FROM message_moderation WHERE message_id = %d" % mid)
    assert row.startswith("gemini gemini-") and row.endswith(" 1 1"), row
    # A second, abusive text on the same ticket flags it.
    mid2 = arrive("gemini", phone, "FLAGME you are all useless idiots")
    outbox("gemini")
    t = detail(tid)
    m2 = item_of(t, mid2)["moderation"]
    assert m2["state"] == "done" and m2["flagged"] is True, m2
    assert m2["categories"]["harassment"] > 0.5
    assert t["flagged"] is True
    r = api("GET", "/api/tickets?flagged=1&limit=100", admin_token())
    assert r.status == 200, r
    items = r.json()["data"]["items"]
    assert tid in [x["id"] for x in items] and all(x["flagged"] for x in items), items
    # What the fake received: the key in its header, the schema asked for,
    # and never the customer's number or name.
    reqs = fake(GEMINI, "GET", "/_fake/requests")
    assert len(reqs) >= 2
    for q in reqs:
        blob = json.dumps(q)
        assert phone not in blob and "Ana Ruiz" not in blob, blob
        assert q["body"]["generationConfig"]["responseMimeType"] == "application/json"


def test_openrouter_verdict_and_suggestion():
    fake(OPENROUTER, "POST", "/_fake/reset")
    phone = new_phone()
    mid = arrive("openrouter", phone, "Near miss: a load swung over the walkway. FLAGME", name="Zed Secret")
    outbox("openrouter")
    m = item_of(detail(ticket_of(phone)), mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is True, m
    assert m["suggestion"] == {"life_saving_rule": "line_of_fire", "observation_type": "near_miss",
                               "severity": "high", "confidence": 0.82}, m
    reqs = fake(OPENROUTER, "GET", "/_fake/requests")
    assert reqs and reqs[-1]["body"]["response_format"]["type"] == "json_schema"
    for q in reqs:
        blob = json.dumps(q)
        assert phone not in blob and "Zed Secret" not in blob


def test_safety_block_counts_as_flagged():
    phone = new_phone()
    mid = arrive("gemini", phone, "BLOCKME something the provider refuses")
    mid2 = arrive("gemini", phone, "SAFETYSTOP another one")
    outbox("gemini")
    t = detail(ticket_of(phone))
    for x in (mid, mid2):
        m = item_of(t, x)["moderation"]
        assert m["state"] == "done" and m["flagged"] is True and m["categories"] == {}, m
        assert "SAFETY" in m["error"], m
    assert t["flagged"] is True


def test_provider_down_then_recovered_through_outbox():
    phone = new_phone()
    mid = arrive("gemini", phone, "Is anyone there?")
    fake(GEMINI, "POST", "/_fake/mode", {"mode": "http500", "times": 1})
    outbox("gemini")
    row = one("SELECT CONCAT(state, '|', attempts, '|', error, '|', next_attempt_at > NOW(3)) "
              "FROM message_moderation WHERE message_id = %d" % mid)
    assert row == "pending|1|HTTP 500|1", row
    assert item_of(detail(ticket_of(phone)), mid)["moderation"]["state"] == "pending"
    # Rate-limited: the wait is what Retry-After says (the fake says 7 s).
    due_now(mid)
    fake(GEMINI, "POST", "/_fake/mode", {"mode": "http429", "times": 1})
    outbox("gemini")
    wait = int(one("SELECT TIMESTAMPDIFF(SECOND, NOW(3), next_attempt_at) FROM message_moderation "
                   "WHERE message_id = %d" % mid))
    assert 4 <= wait <= 7, wait
    assert "429" in one("SELECT error FROM message_moderation WHERE message_id = %d" % mid)
    # No credits: later again.
    due_now(mid)
    fake(GEMINI, "POST", "/_fake/mode", {"mode": "http402", "times": 1})
    outbox("gemini")
    assert "402" in one("SELECT error FROM message_moderation WHERE message_id = %d" % mid)
    # Back: done on the next run that finds it due.
    due_now(mid)
    outbox("gemini")
    m = item_of(detail(ticket_of(phone)), mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is False, m
    assert one("SELECT attempts FROM message_moderation WHERE message_id = %d" % mid) == "4"


def test_slow_provider_is_cut_at_the_timeout():
    phone = new_phone()
    mid = arrive("gemini", phone, "A slow answer, please")
    fake(GEMINI, "POST", "/_fake/mode", {"mode": "slow", "times": 1})
    outbox("gemini")
    row = one("SELECT CONCAT(state, '|', latency_ms < 4000) FROM message_moderation WHERE message_id = %d" % mid)
    assert row == "pending|1", row


def test_malformed_answer_is_recorded_as_failed():
    phone = new_phone()
    mid = arrive("gemini", phone, "MALFORMED please")
    outbox("gemini")
    m = item_of(detail(ticket_of(phone)), mid)["moderation"]
    assert m["state"] == "failed" and m["flagged"] is False, m
    assert "JSON" in m["error"], m
    # Never tried again.
    outbox("gemini")
    assert one("SELECT attempts FROM message_moderation WHERE message_id = %d" % mid) == "1"


def test_review_clear_and_confirm():
    phone = new_phone()
    mid = arrive("gemini", phone, "FLAGME review me")
    outbox("gemini")
    tid = ticket_of(phone)
    path = "/api/tickets/%d/messages/%d/moderation" % (tid, mid)
    _uid, email = make_user("agent")
    tok = login(email, "a-long-password-1").json()["data"]["token"]
    r = api("POST", path, tok, {"action": "clear"})
    assert r.status == 403, r
    r = api("POST", path, admin_token(), {"action": "hide"})
    assert r.status == 422 and "action" in r.json()["error"]["details"], r
    r = api("POST", path, admin_token(), {})
    assert r.status == 422, r
    r = api("POST", "/api/tickets/%d/messages/%d/moderation" % (tid, mid + 100000), admin_token(),
            {"action": "clear"})
    assert r.status == 404, r
    r = api("POST", path, admin_token(), {"action": "clear"})
    assert r.status == 200, r
    t = r.json()["data"]
    assert t["flagged"] is False
    m = item_of(t, mid)["moderation"]
    assert m["flagged"] is False and m["review"] == "cleared", m
    assert tid not in [x["id"] for x in api("GET", "/api/tickets?flagged=1&limit=100",
                                            admin_token()).json()["data"]["items"]]
    r = api("POST", path, admin_token(), {"action": "confirm"})
    assert r.status == 200 and r.json()["data"]["flagged"] is True, r
    assert one("SELECT COUNT(*) FROM audit_log WHERE action IN ('moderation.clear', 'moderation.confirm') "
               "AND entity = 'message' AND entity_id = '%d'" % mid) == "2"


def test_none_changes_nothing():
    phone = new_phone()
    msg = text_message(phone, "FLAGME but nobody checks")
    r = post_webhook(msg)
    assert r.status == 200, r
    mid = message_id(msg["entry"][0]["changes"][0]["value"]["messages"][0]["id"])
    assert one("SELECT COUNT(*) FROM message_moderation WHERE message_id = %d" % mid) == "0"
    out = outbox("none")
    assert "moderation:" not in out, out
    t = detail(ticket_of(phone))
    assert item_of(t, mid)["moderation"] is None
    assert t["flagged"] is False


def test_erasing_a_contact_erases_its_checks():
    phone = new_phone()
    mid = arrive("gemini", phone, "FLAGME erase me later")
    outbox("gemini")
    tid = ticket_of(phone)
    cid = int(one("SELECT contact_id FROM whatsapp_messages WHERE id = %d" % mid))
    r = api("POST", "/api/contacts/%d/erase" % cid, admin_token())
    assert r.status == 200, r
    assert one("SELECT COUNT(*) FROM message_moderation WHERE message_id = %d OR ticket_id = %d" % (mid, tid)) == "0"


# Photos (issue 17, later part): checked once kept, through the same path.
def photo_arrive(provider, phone, data, caption=None, env=None, name="Ana Ruiz"):
    """A customer's photo through the webhook run with provider; the fake
    Graph API serves its bytes and the fake Cloudinary keeps it. Returns the
    message's id."""
    media_id = str(900000000 + uniq())
    graph("POST", "/_fake/media", {"id": media_id, "content_b64": base64.b64encode(data).decode(),
                                   "mime_type": "image/jpeg"})
    p = text_message(phone, "x", name=name)
    m = p["entry"][0]["changes"][0]["value"]["messages"][0]
    del m["text"]
    m["type"], m["image"] = "image", dict({"id": media_id, "mime_type": "image/jpeg"},
                                          **({"caption": caption} if caption else {}))
    webhook_with(provider, p, env)
    return message_id(m["id"])


def photo_of(t, mid):
    for a in t["attachments"]:
        if a.get("message_id") == mid:
            return a
    raise AssertionError("no file of message %d: %r" % (mid, t["attachments"]))


def image_requests(base):
    out = []
    for q in fake(base, "GET", "/_fake/requests"):
        blob = json.dumps(q["body"])
        if "inline_data" in blob or "image_url" in blob:
            out.append(q)
    return out


def jpeg(marker=b""):
    return b"\xff\xd8\xff\xe0" + os.urandom(1500) + marker + os.urandom(500) + b"\xff\xd9"


def test_a_flagged_photo_is_flagged_on_its_file_and_the_ticket():
    fake(GEMINI, "POST", "/_fake/reset")
    phone = new_phone()
    data = jpeg(b"FLAGME")
    mid = photo_arrive("gemini", phone, data, caption="the pump, see the photo", name="Bea Photo")
    tid = ticket_of(phone)
    # Kept with the message, checked later: pending, its bytes held.
    row = one("SELECT CONCAT(state, '|', attachment_id IS NOT NULL, '|', LENGTH(image), '|', image_mime) "
              "FROM message_moderation WHERE message_id = %d AND kind = 'image'" % mid)
    assert row == "pending|1|%d|image/jpeg" % len(data), row
    assert photo_of(detail(tid), mid)["moderation"]["state"] == "pending"
    outbox("gemini")
    t = detail(tid)
    m = photo_of(t, mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is True and m["categories"]["harassment"] > 0.5, m
    assert t["flagged"] is True
    # The caption was checked as a text, apart, and is clean.
    m = item_of(t, mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is False, m
    # The bytes are gone once checked.
    assert one("SELECT image IS NULL FROM message_moderation WHERE message_id = %d AND kind = 'image'" % mid) == "1"
    # What the fake received: the photo as inline_data (base64, mime type),
    # and nothing of the customer.
    reqs = image_requests(GEMINI)
    assert len(reqs) == 1, reqs
    parts = reqs[0]["body"]["contents"][0]["parts"]
    img = [p["inline_data"] for p in parts if "inline_data" in p]
    assert img[0]["mime_type"] == "image/jpeg" and base64.b64decode(img[0]["data"]) == data
    blob = json.dumps(fake(GEMINI, "GET", "/_fake/requests"))
    assert phone not in blob and "Bea Photo" not in blob
    # A reviewer clears the photo as any flagged message.
    r = api("POST", "/api/tickets/%d/messages/%d/moderation" % (tid, mid), admin_token(), {"action": "clear"})
    assert r.status == 200 and r.json()["data"]["flagged"] is False, r
    assert photo_of(r.json()["data"], mid)["moderation"]["flagged"] is False


def test_a_clean_photo_through_openrouter_goes_as_a_data_url():
    fake(OPENROUTER, "POST", "/_fake/reset")
    phone = new_phone()
    data = jpeg()
    mid = photo_arrive("openrouter", phone, data)
    outbox("openrouter")
    m = photo_of(detail(ticket_of(phone)), mid)["moderation"]
    assert m["state"] == "done" and m["flagged"] is False, m
    reqs = image_requests(OPENROUTER)
    assert len(reqs) == 1, reqs
    user = [x for x in reqs[0]["body"]["messages"] if x["role"] == "user"][0]
    url = [p["image_url"]["url"] for p in user["content"] if p["type"] == "image_url"][0]
    assert url == "data:image/jpeg;base64," + base64.b64encode(data).decode()


def test_moderation_images_0_sends_no_photo():
    fake(GEMINI, "POST", "/_fake/reset")
    phone = new_phone()
    # A photo without a caption: nothing of it is checked.
    mid = photo_arrive("gemini", phone, jpeg(b"FLAGME"), env={"MODERATION_IMAGES": "0"})
    outbox("gemini", env={"MODERATION_IMAGES": "0"})
    assert one("SELECT COUNT(*) FROM message_moderation WHERE message_id = %d" % mid) == "0"
    assert image_requests(GEMINI) == []
    t = detail(ticket_of(phone))
    assert photo_of(t, mid)["moderation"] is None and t["flagged"] is False


def test_a_photo_over_the_cap_is_a_recorded_skip():
    fake(GEMINI, "POST", "/_fake/reset")
    phone = new_phone()
    mid = photo_arrive("gemini", phone, jpeg(b"FLAGME"), env={"MODERATION_MAX_IMAGE_BYTES": "1024"})
    outbox("gemini")
    m = photo_of(detail(ticket_of(phone)), mid)["moderation"]
    assert m["state"] == "skipped" and m["flagged"] is False, m
    assert "MODERATION_MAX_IMAGE_BYTES" in m["error"], m
    assert one("SELECT image IS NULL FROM message_moderation WHERE message_id = %d" % mid) == "1"
    assert image_requests(GEMINI) == []
    # Kept under the cap, checked after it was lowered: skipped too, never
    # a cut photo.
    mid2 = photo_arrive("gemini", phone, jpeg(b"FLAGME"))
    outbox("gemini", env={"MODERATION_MAX_IMAGE_BYTES": "1024"})
    m = photo_of(detail(ticket_of(phone)), mid2)["moderation"]
    assert m["state"] == "skipped" and "MODERATION_MAX_IMAGE_BYTES" in m["error"], m
    assert image_requests(GEMINI) == []


def test_photos_of_anonymous_reports_follow_moderation_anonymous():
    fake(GEMINI, "POST", "/_fake/reset")
    phone = new_phone()
    first = arrive("gemini", phone, "A report to keep anonymous")
    tid = ticket_of(phone)
    sql("UPDATE tickets SET anonymous = 1 WHERE id = %d" % tid)
    mid = photo_arrive("gemini", phone, jpeg(b"FLAGME"))
    outbox("gemini")
    m = photo_of(detail(tid), mid)["moderation"]
    assert m["state"] == "skipped" and "anonymous" in m["error"], m
    assert image_requests(GEMINI) == []
    # The text still goes (the default, text).
    assert item_of(detail(tid), first)["moderation"]["state"] == "done"
    # all: photos too.
    mid2 = photo_arrive("gemini", phone, jpeg(b"FLAGME"))
    outbox("gemini", env={"MODERATION_ANONYMOUS": "all"})
    m = photo_of(detail(tid), mid2)["moderation"]
    assert m["state"] == "done" and m["flagged"] is True, m
    assert len(image_requests(GEMINI)) == 1


# The guided intake offers the model's suggestion (issue 17, later part).
from test_intake import button_reply, cleanup, last, list_reply, rows, site, ticket  # noqa: E402


def report(phone):
    t = ticket(phone)
    return (t["category"], t["observation_type"], t["severity"])


def confirm_body(q):
    return q["interactive"]["body"]["text"]


@cleanup
def test_the_intake_offers_the_suggestion_when_it_arrives_and_yes_applies_it():
    _sid, code = site()
    phone = new_phone()
    arrive("gemini", phone, "Site %s: near miss, a load swung over the walkway" % code)
    # The site is known: the intake asks what happened at once; the check
    # has not run yet.
    assert rows(last(phone))[0].startswith("rule:"), last(phone)
    outbox("gemini")
    # The suggestion came: offered with two buttons, never applied alone.
    q = last(phone)
    assert q["interactive"]["type"] == "button" and rows(q) == ["confirm:yes", "confirm:no"], q
    assert confirm_body(q) == "We understood: Line of fire, High. Correct?", q
    assert report(phone) == ("", "", ""), ticket(phone)
    assert one("SELECT step FROM intake_forms f JOIN tickets t ON t.id = f.ticket_id "
               "WHERE t.mobile = '%s'" % phone) == "confirm"
    webhook_with("gemini", button_reply(phone, "confirm:yes", "Yes"))
    assert report(phone) == ("line_of_fire", "near_miss", "high"), ticket(phone)
    # On to the next question: anonymous or not.
    assert rows(last(phone)) == ["anon:yes", "anon:no"], last(phone)


@cleanup
def test_no_continues_the_normal_questions_and_is_not_asked_again():
    _sid, code = site()
    phone = new_phone()
    arrive("gemini", phone, "%s near miss: a hose whipped past a worker" % code)
    outbox("gemini")
    assert rows(last(phone)) == ["confirm:yes", "confirm:no"], last(phone)
    webhook_with("gemini", button_reply(phone, "confirm:no", "No, choose"))
    q = last(phone)
    assert q["interactive"]["type"] == "list" and rows(q)[0].startswith("rule:"), q
    assert report(phone) == ("", "", "")
    # Another suggestion later changes nothing: the worker chose to choose.
    arrive("gemini", phone, "another near miss at the same place")
    n = len([b for b in graph_sent(phone) if "confirm:yes" in json.dumps(b.get("body"))])
    outbox("gemini")
    assert len([b for b in graph_sent(phone) if "confirm:yes" in json.dumps(b.get("body"))]) == n
    webhook_with("gemini", list_reply(phone, "rule:hot_work", "Hot work"))
    assert report(phone)[0] == "hot_work"


@cleanup
def test_a_suggestion_known_in_time_is_offered_in_place_of_the_list():
    site()
    phone = new_phone()
    arrive("gemini", phone, "Near miss: a crane load swung over the road")
    # No site named: the site list first; meanwhile the check runs.
    assert rows(last(phone))[0].startswith("site:"), last(phone)
    outbox("gemini")
    assert rows(last(phone))[0].startswith("site:"), "nothing offered before its step"
    sid = int(one("SELECT id FROM sites WHERE active = 1 ORDER BY code LIMIT 1"))
    webhook_with("gemini", list_reply(phone, "site:%d" % sid, "The site"))
    q = last(phone)
    assert rows(q) == ["confirm:yes", "confirm:no"], q
    # Typed words answer it too.
    webhook_with("gemini", text_message(phone, "yes"))
    assert report(phone) == ("line_of_fire", "near_miss", "high"), ticket(phone)


@cleanup
def test_a_suggestion_below_the_confidence_is_not_offered():
    _sid, code = site()
    phone = new_phone()
    arrive("gemini", phone, "Site %s: near miss by the pump" % code)
    before = last(phone)
    outbox("gemini", env={"MODERATION_SUGGEST_MIN_CONFIDENCE": "0.9"})
    assert last(phone) == before and rows(before)[0].startswith("rule:"), last(phone)


NOTICE = "Please keep this conversation respectful."


def notices(phone):
    return [s for s in graph_sent(phone) if ((s.get("body") or {}).get("text") or {}).get("body") == NOTICE]


def test_text_moderation_notice_goes_once_per_ticket_and_is_off_by_default():
    phone = new_phone()
    arrive("gemini", phone, "FLAGME first insult")
    outbox("gemini")
    assert notices(phone) == [], "off by default"
    arrive("gemini", phone, "FLAGME second insult")
    arrive("gemini", phone, "a clean word")
    outbox("gemini", env={"TEXT_MODERATION_NOTICE": NOTICE})
    assert len(notices(phone)) == 1, graph_sent(phone)
    # Once per ticket: another abusive message gets nothing more.
    arrive("gemini", phone, "FLAGME third insult")
    outbox("gemini", env={"TEXT_MODERATION_NOTICE": NOTICE})
    assert len(notices(phone)) == 1, graph_sent(phone)
    tid = ticket_of(phone)
    assert one("SELECT COUNT(*) FROM message_moderation WHERE ticket_id = %d AND notice_sent = 1" % tid) == "1"
    # On the ticket's timeline as tick's own message.
    assert any(it.get("text") == NOTICE and it["author"] == "system" for it in detail(tid)["timeline"])
    # A clean ticket never gets it.
    other = new_phone()
    arrive("gemini", other, "Hello there")
    outbox("gemini", env={"TEXT_MODERATION_NOTICE": NOTICE})
    assert notices(other) == []
