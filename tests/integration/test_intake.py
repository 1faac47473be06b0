#!/usr/bin/env python3
"""The guided intake over WhatsApp (issue 11) through the real stack:
signed webhooks through nginx to the webhook responder, MariaDB, and the
fake Graph API (which refuses interactive messages over WhatsApp's limits
with Meta's 131009). Sites are made with SQL here (the sites API is another
part of the issue) and deactivated after each test, so that the desk's
default (guided while an active site exists) does not reach other modules.
INTAKE=off and a configured template are tried through the webhook
responder run as plain CGI with that environment."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BUILD, admin_token, api, esc, graph_sent, login, make_user, new_phone, one,  # noqa: E402
                     post_webhook, sign, sql, text_message, uniq)
from test_media import JPEG, media_message, register  # noqa: E402

_made = []


def site(code=None, name=None, parent=None, active=1):
    code = code or "Q%06d" % (uniq() % 1000000)
    name = name or "Site " + code
    sql("INSERT INTO sites (code, name, parent_id, active) VALUES ('%s', '%s', %s, %d)"
        % (esc(code), esc(name), parent or "NULL", active))
    sid = int(one("SELECT id FROM sites WHERE code = '%s'" % esc(code)))
    _made.append(sid)
    return sid, code


def cleanup(fn):
    """Deactivates the sites the test made, whatever it did."""
    def run():
        try:
            fn()
        finally:
            if _made:
                sql("UPDATE sites SET active = 0 WHERE id IN (%s)" % ",".join(map(str, _made)))
                del _made[:]
    run.__name__ = fn.__name__
    run.__module__ = fn.__module__
    return run


def message(phone, kind, obj, wamid=None):
    m = text_message(phone, "", wamid=wamid)
    msg = m["entry"][0]["changes"][0]["value"]["messages"][0]
    del msg["text"]
    msg["type"] = kind
    msg[kind] = obj
    return m


def list_reply(phone, rid, title="A title", wamid=None):
    m = message(phone, "interactive", {"type": "list_reply",
                                       "list_reply": {"id": rid, "title": title, "description": "d"}}, wamid)
    m["entry"][0]["changes"][0]["value"]["messages"][0]["context"] = {"from": "15550001111", "id": "wamid.Q"}
    return m


def button_reply(phone, rid, title="A button", wamid=None):
    return message(phone, "interactive", {"type": "button_reply",
                                          "button_reply": {"id": rid, "title": title}}, wamid)


def location(phone, lat, lon, name=None, address=None, wamid=None):
    obj = {"latitude": lat, "longitude": lon}
    if name:
        obj["name"] = name
    if address:
        obj["address"] = address
    return message(phone, "location", obj, wamid)


def post(payload):
    r = post_webhook(payload)
    assert r.status == 200, r
    return r


def sends(phone):
    """What the fake Graph API took for phone, in order: every send tick
    made to it must have been accepted (none over WhatsApp's limits)."""
    got = graph_sent(phone)
    assert all(s.get("answer") == 200 for s in got), [(s.get("answer"), s.get("body")) for s in got]
    return [s["body"] for s in got]


def last(phone):
    s = sends(phone)
    return s[-1] if s else None


def rows(body):
    """The ids of a list's rows or of reply buttons."""
    it = body["interactive"]
    if it["type"] == "list":
        return [r["id"] for sec in it["action"]["sections"] for r in sec["rows"]]
    return [b["reply"]["id"] for b in it["action"]["buttons"]]


def ticket(phone):
    r = sql("SELECT id, reference, COALESCE(site_id, 0), COALESCE(subsite_id, 0), COALESCE(category, ''),"
            " COALESCE(observation_type, ''), COALESCE(severity, ''), anonymous,"
            " COALESCE(location_latitude, ''), COALESCE(location_longitude, ''),"
            " COALESCE(location_name, ''), COALESCE(location_address, ''), description"
            " FROM tickets WHERE mobile = '%s' ORDER BY id" % esc(phone))
    assert len(r) == 1, r
    t = r[0]
    return {"id": int(t[0]), "reference": t[1], "site_id": int(t[2]), "subsite_id": int(t[3]),
            "category": t[4], "observation_type": t[5], "severity": t[6], "anonymous": int(t[7]),
            "latitude": t[8], "longitude": t[9], "location_name": t[10], "location_address": t[11],
            "description": t[12]}


def form(tid):
    r = sql("SELECT step, asked, page, last_message_id FROM intake_forms WHERE ticket_id = %d" % tid)
    return tuple(r[0]) if r else None


def inbound(tid):
    return int(one("SELECT COUNT(*) FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'in'" % tid))


def start(text_body, phone=None):
    phone = phone or new_phone()
    post(text_message(phone, text_body))
    return phone, ticket(phone)


def cgi(body, env):
    """The webhook responder run once as plain CGI with env on top."""
    data = json.dumps(body).encode()
    e = dict(os.environ, REQUEST_METHOD="POST", DOCUMENT_URI="/api/whatsapp/webhook",
             REQUEST_URI="/api/whatsapp/webhook", QUERY_STRING="", CONTENT_LENGTH=str(len(data)),
             CONTENT_TYPE="application/json", REMOTE_ADDR="127.0.0.1",
             HTTP_X_HUB_SIGNATURE_256=sign(data))
    e.update(env)
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], env=e, input=data,
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith(b"Status: 200"), out.stdout[:300]


# -- the site -------------------------------------------------------------------

@cleanup
def test_first_message_with_code_lands_on_site():
    sid, code = site()
    phone, t = start("Site %s: oil leak at pump 3" % code)
    assert t["site_id"] == sid and t["subsite_id"] == 0, t
    assert t["description"] == "Site %s: oil leak at pump 3" % code, t   # the code stays in the text
    s = sends(phone)
    # The confirmation first, then what happened: the site is known.
    assert len(s) == 2, s
    assert s[0]["type"] == "text" and t["reference"] in s[0]["text"]["body"], s[0]
    assert s[1]["type"] == "interactive" and s[1]["interactive"]["type"] == "list", s[1]
    assert rows(s[1]) == ["rule:bypassing_safety_controls", "rule:confined_space", "rule:driving",
                          "rule:energy_isolation", "rule:hot_work", "rule:line_of_fire",
                          "rule:safe_mechanical_lifting", "rule:work_authorisation",
                          "rule:working_at_height", "rule:other"], s[1]
    assert form(t["id"])[0] == "category"
    # "#code" in any case, and a sub-site: the ticket's site is its parent.
    sub, subcode = site(parent=sid)
    phone, t = start("leak near #%s now" % subcode.lower())
    assert (t["site_id"], t["subsite_id"]) == (sid, sub), t
    # A code inside a longer word is no code: the site list is asked.
    phone, t = start("X%s broken" % code)
    assert t["site_id"] == 0, t
    q = rows(last(phone))
    assert q[0].startswith("site:") and ("site:%d" % sid in q or "more:1" in q), q


@cleanup
def test_unknown_code_gets_site_list_and_code_answer():
    sid, code = site()
    inactive, dead = site(active=0)
    phone, t = start("Site ZZ%04d: leak" % (uniq() % 10000))
    assert t["site_id"] == 0
    q = last(phone)
    assert q["type"] == "interactive" and q["interactive"]["type"] == "list", q
    assert "site:%d" % sid in rows(q) and "site:%d" % inactive not in rows(q), rows(q)
    assert len(rows(q)) <= 10
    assert form(t["id"])[0] == "site"
    # An inactive site's code is no answer: asked once more.
    post(text_message(phone, dead))
    assert ticket(phone)["site_id"] == 0 and form(t["id"])[:2] == ("site", "2")
    # The customer types the code.
    post(text_message(phone, "it is %s" % code.lower()))
    assert ticket(phone)["site_id"] == sid
    assert rows(last(phone))[0] == "rule:bypassing_safety_controls"
    assert form(t["id"])[:2] == ("category", "1")


@cleanup
def test_site_list_pages_with_more():
    made = [site(code="A%02d%05d" % (i, uniq() % 100000))[0] for i in range(12)]
    # Every active site, as the list orders them (others may exist).
    listed = [int(r[0]) for r in sql("SELECT id FROM sites WHERE active = 1 AND parent_id IS NULL ORDER BY code")]
    assert len(listed) > 10
    phone, t = start("something broke")
    first = rows(last(phone))
    assert first == ["site:%d" % i for i in listed[:9]] + ["more:1"], first
    post(list_reply(phone, "more:1", "More sites"))
    second = rows(last(phone))
    rest = listed[9:]
    want = ["site:%d" % i for i in rest[:10]] if len(rest) <= 10 else \
        ["site:%d" % i for i in rest[:9]] + ["more:2"]
    assert second == want, (second, want)
    assert form(t["id"])[:3] == ("site", "1", "1")
    # A site of the second page, chosen from the list.
    pick = made[-1] if "site:%d" % made[-1] in second else int(second[0][5:])
    post(list_reply(phone, "site:%d" % pick, "Some site"))
    assert ticket(phone)["site_id"] == pick
    assert rows(last(phone))[-1] == "rule:other"


# -- the whole report ----------------------------------------------------------------

@cleanup
def test_full_guided_report_through_list_and_button_replies():
    sid, code = site()
    phone, t = start("Site %s: oil leak at pump 3" % code)
    post(list_reply(phone, "rule:line_of_fire", "Line of fire"))
    q = last(phone)
    assert rows(q) == ["obs:unsafe_act", "obs:unsafe_condition", "obs:near_miss", "obs:incident",
                       "obs:positive_observation"], q
    post(list_reply(phone, "obs:near_miss", "Near miss"))
    q = last(phone)
    # Severity: four choices, so a list (WhatsApp allows three reply buttons).
    assert q["interactive"]["type"] == "list" and rows(q) == ["sev:low", "sev:medium", "sev:high",
                                                               "sev:critical"], q
    post(list_reply(phone, "sev:high", "High"))
    q = last(phone)
    assert q["interactive"]["type"] == "button" and rows(q) == ["anon:yes", "anon:no"], q
    assert q["interactive"]["action"]["buttons"][0]["reply"]["title"] == "Stay anonymous"
    post(button_reply(phone, "anon:yes", "Stay anonymous"))
    q = last(phone)
    assert q["interactive"]["type"] == "button" and rows(q) == ["skip"], q
    post(location(phone, 51.5, -0.12, "Pump house", "Gate 3, North Road"))
    done = last(phone)
    assert done["type"] == "text" and t["reference"] in done["text"]["body"], done
    got = ticket(phone)
    assert (got["site_id"], got["category"], got["observation_type"], got["severity"], got["anonymous"]) == \
        (sid, "line_of_fire", "near_miss", "high", 1), got
    assert (got["latitude"], got["longitude"], got["location_name"], got["location_address"]) == \
        ("51.500000", "-0.120000", "Pump house", "Gate 3, North Road"), got
    assert form(t["id"])[0] == "done"
    # Every answer was kept as a message on the ticket.
    assert inbound(t["id"]) == 6
    # Done: the next message is a plain reply, nothing is asked.
    n = len(sends(phone))
    post(text_message(phone, "also the valve leaks"))
    assert len(sends(phone)) == n


@cleanup
def test_done_when_a_poster_report_ends_on_its_site_with_a_photo_seen_by_its_managers_and_closed():
    """Issue 11's "Done when", end to end: the poster's text, the guided
    report with a photo, the site's managers (and no one else's) see it and
    track its corrective action to closing."""
    sid, code = site(name="North Refinery")
    other, _ = site()

    def manager_of(site_id):
        uid, email = make_user("site_manager")
        sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (site_id, uid))
        r = login(email, "a-long-password-1")
        assert r.status == 200, r
        return uid, r.json()["data"]["token"]

    mid, mtok = manager_of(sid)
    _, otok = manager_of(other)
    phone, t = start("Site %s: oil leak at pump 3" % code)
    assert t["site_id"] == sid and ("Site %s: oil leak at pump 3" % code) in t["description"], t
    post(list_reply(phone, "rule:energy_isolation", "Energy isolation"))
    post(list_reply(phone, "obs:unsafe_condition", "Unsafe condition"))
    post(list_reply(phone, "sev:high", "High"))
    post(button_reply(phone, "anon:no", "Give my name"))
    assert rows(last(phone)) == ["skip"]
    photo = media_message(phone, "image", register(JPEG), "image/jpeg", caption="pump 3")
    assert post(photo).json()["data"]["media_stored"] == 1
    post(text_message(phone, "skip"))
    assert form(t["id"])[0] == "done"
    got = ticket(phone)
    assert (got["site_id"], got["category"], got["observation_type"], got["severity"]) == \
        (sid, "energy_isolation", "unsafe_condition", "high"), got
    # Seen by the site's manager and a super admin, with the photo kept.
    for tok in (mtok, admin_token()):
        r = api("GET", "/api/tickets/%d" % t["id"], tok)
        assert r.status == 200, r
        d = r.json()["data"]
        assert d["site"]["code"] == code and d["category"] == "energy_isolation" and d["severity"] == "high", d
        assert [a["state"] for a in d["attachments"]] == ["stored"], d["attachments"]
    # Another site's manager: not theirs, not listed.
    assert api("GET", "/api/tickets/%d" % t["id"], otok).status == 404
    listed = api("GET", "/api/tickets?limit=100", otok).json()["data"]
    assert t["id"] not in [x["id"] for x in listed["items"]]
    # The manager tracks a corrective action to closing.
    r = api("POST", "/api/tickets/%d/actions" % t["id"], mtok,
            {"description": "Isolate and repair pump 3", "owner_id": mid, "due_date": "2150-01-31"})
    assert r.status == 201, r
    aid = r.json()["data"]["id"]
    r = api("POST", "/api/tickets/%d/close" % t["id"], admin_token(), {"resolution": "fixed"})
    assert r.status == 409 and r.json()["error"]["code"] == "open_actions", r
    r = api("POST", "/api/tickets/%d/actions/%d/close" % (t["id"], aid), mtok, {"note": "pump 3 repaired"})
    assert r.status == 200 and r.json()["data"]["status"] == "done", r
    r = api("POST", "/api/tickets/%d/close" % t["id"], admin_token(), {"resolution": "fixed"})
    assert r.status == 200, r


@cleanup
def test_free_text_answers_and_mismatches():
    sid, code = site()
    phone, t = start("#%s spill" % code)
    post(text_message(phone, "HOT WORK"))
    assert ticket(phone)["category"] == "hot_work"
    def asked(first):
        return len([b for b in sends(phone) if b["type"] == "interactive" and rows(b)[0] == first])
    assert asked("obs:unsafe_act") == 1
    # Not a choice: kept as a message, asked once more, then skipped.
    post(text_message(phone, "there was oil everywhere"))
    assert rows(last(phone))[0] == "obs:unsafe_act" and asked("obs:unsafe_act") == 2
    assert form(t["id"])[:2] == ("observation", "2")
    post(text_message(phone, "really a lot"))
    assert rows(last(phone))[0] == "sev:low" and asked("obs:unsafe_act") == 2
    assert ticket(phone)["observation_type"] == ""
    bodies = [r[0] for r in sql("SELECT body FROM whatsapp_messages WHERE ticket_id = %d AND direction = 'in'"
                                " ORDER BY id" % t["id"])]
    assert "there was oil everywhere" in bodies and "really a lot" in bodies, bodies
    # "anonymous" typed at any step: the report is, and the question stands.
    post(text_message(phone, "Anonymous"))
    assert ticket(phone)["anonymous"] == 1 and rows(last(phone))[0] == "sev:low"
    post(text_message(phone, "medium"))
    assert ticket(phone)["severity"] == "medium"
    post(text_message(phone, "Use my name"))
    assert ticket(phone)["anonymous"] == 0
    assert rows(last(phone)) == ["skip"]


@cleanup
def test_skip_everywhere():
    site()
    phone, t = start("hello")
    for answer in ("skip", "Skip", "SKIP.", " skip "):
        post(text_message(phone, answer))
    post(button_reply(phone, "skip", "Skip"))
    post(button_reply(phone, "skip", "Skip"))
    done = last(phone)
    assert done["type"] == "text" and t["reference"] in done["text"]["body"], done
    got = ticket(phone)
    assert (got["site_id"], got["category"], got["observation_type"], got["severity"], got["anonymous"],
            got["latitude"]) == (0, "", "", "", 0, ""), got
    assert form(t["id"])[0] == "done"
    # One question per step, and the last word once.
    assert len([b for b in sends(phone) if b["type"] == "interactive"]) == 6
    assert len([b for b in sends(phone) if b["type"] == "text"]) == 2


@cleanup
def test_location_at_an_earlier_step_fills_the_report():
    sid, code = site()
    phone, t = start("Site %s: smoke" % code)
    n = len(sends(phone))
    post(location(phone, "-33.868820", "151.209296"))
    got = ticket(phone)
    assert (got["latitude"], got["longitude"], got["location_name"]) == ("-33.868820", "151.209296", ""), got
    assert len(sends(phone)) == n and form(t["id"])[0] == "category"   # nothing asked again
    # A location out of range is kept as a message and fills nothing.
    post(location(phone, 95, 200))
    assert ticket(phone)["latitude"] == "-33.868820"


# -- Meta's redelivery and the timeout ------------------------------------------------

@cleanup
def test_redelivery_of_each_step_changes_nothing():
    sid, code = site()
    phone = new_phone()
    steps = [text_message(phone, "Site %s: oil" % code),
             list_reply(phone, "rule:driving", "Driving"),
             list_reply(phone, "obs:incident", "Incident"),
             list_reply(phone, "sev:low", "Low"),
             button_reply(phone, "anon:no", "Use my name"),
             location(phone, 1.5, 2.5)]
    for payload in steps:
        post(payload)
        t = ticket(phone)
        state = (t, form(t["id"]), inbound(t["id"]), len(sends(phone)))
        post(payload)   # Meta delivers it again
        t2 = ticket(phone)
        assert (t2, form(t2["id"]), inbound(t2["id"]), len(sends(phone))) == state, payload
    got = ticket(phone)
    assert (got["category"], got["observation_type"], got["severity"], got["anonymous"]) == \
        ("driving", "incident", "low", 0), got
    assert form(got["id"])[0] == "done"
    # A late tap on an old list, once the form is done, changes nothing.
    n = len(sends(phone))
    post(list_reply(phone, "rule:hot_work", "Hot work"))
    assert ticket(phone)["category"] == "driving" and len(sends(phone)) == n


@cleanup
def test_redelivery_applies_an_answer_the_intake_missed():
    sid, code = site()
    phone, t = start("Site %s: oil" % code)
    wamid = "wamid.MISSED%d" % uniq()
    payload = list_reply(phone, "rule:driving", "Driving", wamid=wamid)
    post(payload)
    # As if the intake's transaction after the message had failed: the
    # message is stored, the form has not applied it.
    sql("UPDATE intake_forms SET step = 'category', last_message_id = 0 WHERE ticket_id = %d" % t["id"])
    sql("UPDATE tickets SET category = NULL WHERE id = %d" % t["id"])
    n = len(sends(phone))
    post(payload)
    assert ticket(phone)["category"] == "driving"
    assert form(t["id"])[0] == "observation" and len(sends(phone)) == n + 1
    post(payload)
    assert len(sends(phone)) == n + 1


@cleanup
def test_form_left_alone_continues_as_plain_ticket():
    sid, code = site()
    phone, t = start("Site %s: oil" % code)
    sql("UPDATE intake_forms SET updated_at = NOW(3) - INTERVAL 31 MINUTE WHERE ticket_id = %d" % t["id"])
    n = len(sends(phone))
    post(list_reply(phone, "rule:driving", "Driving"))
    assert len(sends(phone)) == n
    assert ticket(phone)["category"] == "" and form(t["id"])[0] == "expired"
    assert inbound(t["id"]) == 2   # still kept as a message
    post(text_message(phone, "skip"))
    assert len(sends(phone)) == n
    # Under the timeout nothing expires.
    phone, t = start("Site %s: oil" % code)
    sql("UPDATE intake_forms SET updated_at = NOW(3) - INTERVAL 29 MINUTE WHERE ticket_id = %d" % t["id"])
    post(list_reply(phone, "rule:driving", "Driving"))
    assert ticket(phone)["category"] == "driving"


# -- critical reports ----------------------------------------------------------------------

def manager(sid, window, active=1):
    uid, _ = make_user("site_manager")
    mobile = new_phone()
    sql("UPDATE users SET mobile = '%s', active = %d WHERE id = %d" % (mobile, active, uid))
    sql("INSERT INTO site_users (site_id, user_id) VALUES (%d, %d)" % (sid, uid))
    if window:
        sql("INSERT INTO whatsapp_contacts (contact_key, wa_id, last_inbound_at) VALUES ('%s', '%s', NOW(3))"
            % (mobile, mobile))
    return mobile


def to_critical(phone, via_cgi=None):
    for p in (text_message(phone, "skip"), text_message(phone, "skip"),
              list_reply(phone, "sev:critical", "Critical")):
        if via_cgi:
            cgi(p, via_cgi)
        else:
            post(p)


@cleanup
def test_critical_report_notifies_the_site_managers():
    sid, code = site(name="North Refinery")
    sub, subcode = site(parent=sid)
    other, _ = site()
    inside = manager(sid, window=True)
    outside = manager(sub, window=False)
    gone = manager(sid, window=True, active=0)
    elsewhere = manager(other, window=True)
    phone, t = start("#%s fire near tank 2" % subcode)
    assert (t["site_id"], t["subsite_id"]) == (sid, sub)
    assert sends(inside) == [] and sends(outside) == []
    post(list_reply(phone, "rule:hot_work", "Hot work"))
    post(list_reply(phone, "obs:incident", "Incident"))
    assert sends(inside) == []   # not yet critical
    critical = list_reply(phone, "sev:critical", "Critical")
    post(critical)
    assert ticket(phone)["severity"] == "critical"
    got = sends(inside)
    assert len(got) == 1 and got[0]["type"] == "text", got
    assert t["reference"] in got[0]["text"]["body"], got
    # Outside the window and no template configured: the text is tried.
    got = sends(outside)
    assert len(got) == 1 and got[0]["type"] == "text", got
    assert sends(gone) == [] and sends(elsewhere) == []
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'out' AND ticket_id IS NULL"
               " AND JSON_VALUE(payload, '$.to') IN ('%s', '%s')" % (inside, outside)) == "2"
    assert one("SELECT COUNT(*) FROM audit_log WHERE action = 'intake.critical_notice' AND entity_id = '%d'"
               % t["id"]) == "1"
    # The reporter still gets the next question; the redelivery tells no one twice.
    assert rows(last(phone)) == ["anon:yes", "anon:no"]
    n = len(sends(phone))
    post(critical)
    assert len(sends(inside)) == 1 and len(sends(outside)) == 1 and len(sends(phone)) == n


@cleanup
def test_critical_outside_the_window_sends_the_template():
    sid, code = site()
    inside = manager(sid, window=True)
    outside = manager(sid, window=False)
    phone = new_phone()
    env = {"WHATSAPP_TEMPLATE_NAME": "hello_world"}
    cgi(text_message(phone, "Site %s: gas smell" % code), env)
    to_critical(phone, env)
    assert ticket(phone)["severity"] == "critical"
    got = sends(outside)
    assert len(got) == 1 and got[0]["type"] == "template" and got[0]["template"]["name"] == "hello_world", got
    got = sends(inside)
    assert len(got) == 1 and got[0]["type"] == "text", got
    # The manager answers the template: the held notice goes, once, even
    # when Meta redelivers the answer.
    ref = ticket(phone)["reference"]
    notice = lambda: [x for x in sends(outside) if x["type"] == "text" and ref in x["text"]["body"]]
    assert notice() == []
    answer = text_message(outside, "on my way")
    post(answer)
    assert len(notice()) == 1, sends(outside)
    post(answer)
    post(text_message(outside, "there now"))
    assert len(notice()) == 1, sends(outside)


@cleanup
def test_critical_without_a_site_tells_nobody():
    sid, code = site()
    mgr = manager(sid, window=True)
    phone, t = start("no code here")
    post(text_message(phone, "skip"))   # the site
    to_critical(phone)
    assert ticket(phone)["severity"] == "critical" and ticket(phone)["site_id"] == 0
    assert sends(mgr) == []


# -- INTAKE=off, and input the intake does not expect ------------------------------------------

@cleanup
def test_intake_off_keeps_todays_behaviour():
    sid, code = site()
    phone = new_phone()
    cgi(text_message(phone, "Site %s: oil leak" % code), {"INTAKE": "off"})
    t = ticket(phone)
    s = sends(phone)
    assert len(s) == 1 and s[0]["type"] == "text", s   # the confirmation alone
    assert form(t["id"]) is None
    assert t["site_id"] == sid   # the code still names the site
    cgi(list_reply(phone, "rule:driving", "Driving"), {"INTAKE": "off"})
    cgi(text_message(phone, "more details"), {"INTAKE": "off"})
    assert len(sends(phone)) == 1 and ticket(phone)["category"] == ""
    assert inbound(t["id"]) == 3
    # With no active site and INTAKE unset, nothing is asked either.
    sql("UPDATE sites SET active = 0 WHERE id = %d" % sid)
    if one("SELECT COUNT(*) FROM sites WHERE active = 1") == "0":
        phone, t = start("hello there")
        assert len(sends(phone)) == 1 and form(t["id"]) is None


@cleanup
def test_unexpected_replies_are_kept_and_never_crash():
    sid, code = site()
    phone, t = start("#%s leak" % code)
    n = len(sends(phone))
    for rid in ("obs:near_miss", "sev:critical", "site:%d" % sid, "", "x" * 300, "rule:", "rule:nope",
                "more:99999999999999999999", "anon:yes"):
        post(list_reply(phone, rid, "t"))
    post(message(phone, "interactive", {"type": "nfm_reply", "nfm_reply": {"response_json": "{}"}}))
    post(message(phone, "interactive", {"type": "list_reply", "list_reply": None}))
    post(message(phone, "reaction", {"message_id": "wamid.X", "emoji": "\U0001F44D"}))
    got = ticket(phone)
    assert (got["category"], got["observation_type"], got["severity"]) == ("", "", ""), got
    # Replies of other steps change nothing; "rule:" and "rule:nope" are wrong
    # answers: asked once more, then the step was skipped.
    assert form(t["id"])[0] == "observation", form(t["id"])
    assert len(sends(phone)) == n + 2
    assert inbound(t["id"]) >= 12


def test_fake_graph_refuses_interactive_over_whatsapps_limits():
    """The check every test above leans on (sends() wants each send taken)
    can fail: the fake answers Meta's 131009 to what WhatsApp refuses."""
    import urllib.error
    import urllib.request
    from harness import GRAPH, PNID

    def send(interactive):
        body = json.dumps({"messaging_product": "whatsapp", "to": new_phone(), "type": "interactive",
                           "interactive": interactive}).encode()
        req = urllib.request.Request("%s/v25.0/%s/messages" % (GRAPH, PNID), data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + os.environ["WHATSAPP_ACCESS_TOKEN"]})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def lst(n=1, title="Row", button="Choose"):
        return {"type": "list", "body": {"text": "Which?"}, "action": {"button": button, "sections": [
            {"rows": [{"id": "r%d" % i, "title": title} for i in range(n)]}]}}

    def btns(n=1, title="Yes"):
        return {"type": "button", "body": {"text": "Which?"}, "action": {"buttons": [
            {"type": "reply", "reply": {"id": "b%d" % i, "title": title}} for i in range(n)]}}

    assert send(lst(10, "\u00e9" * 24, "\u00e9" * 20))[0] == 200
    assert send(btns(3, "\u00e9" * 20))[0] == 200
    for bad in (lst(11), lst(1, "x" * 25), lst(1, button="x" * 21), btns(4), btns(1, "x" * 21),
                dict(lst(1), body={"text": "x" * 1025})):
        status, answer = send(bad)
        assert status == 400 and answer["error"]["code"] == 131009, (bad, status, answer)
