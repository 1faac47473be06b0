#!/usr/bin/env python3
"""Issue 16, identity: customers known by a WhatsApp username and a
business-scoped user id (BSUID) with no phone number, number changes,
user id changes and the conflicts a super admin is shown."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (PNID, api, admin_token, esc, graph, login, make_user,  # noqa: E402
                     new_phone, one, post_webhook, sql, text_message, uniq)


def new_uid():
    return "MX.%d%d" % (uniq(), int(time.time()))


def envelope(value_extra, messages=None, field="messages"):
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": "15550001111", "phone_number_id": PNID}}
    value.update(value_extra)
    if messages is not None:
        value["messages"] = messages
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": field, "value": value}]}]}


def username_message(uid, text, username="ana.ruiz", wamid=None):
    """A message as Meta sends it from mid-2026 for a user who adopted a
    username and shares no phone: from_user_id, contacts[].user_id and
    profile.username, no from and no wa_id."""
    return envelope({"contacts": [{"profile": {"name": "Ana", "username": username}, "user_id": uid}]},
                    [{"from_user_id": uid, "id": wamid or "wamid.ID%d" % uniq(),
                      "timestamp": str(int(time.time())), "type": "text", "text": {"body": text}}])


def phone_message(phone, uid, text, wamid=None):
    """A 2026 message with both keys."""
    m = text_message(phone, text, wamid=wamid)
    v = m["entry"][0]["changes"][0]["value"]
    v["contacts"][0]["user_id"] = uid
    v["messages"][0]["from_user_id"] = uid
    return m


def sent_bodies():
    return [r.get("body") or {} for r in graph("GET", "/_fake/requests")]


def agent():
    _, email = make_user("agent")
    return login(email, "a-long-password-1").json()["data"]["token"]


def contacts_of(where):
    return int(one("SELECT COUNT(*) FROM whatsapp_contacts WHERE %s" % where))


def test_username_only_customer_is_ticketed_and_answered_by_user_id():
    uid = new_uid()
    r = post_webhook(username_message(uid, "my order never came %d" % uniq()))
    assert r.status == 200, r
    row = sql("SELECT t.id, COALESCE(t.mobile, 'NULL'), c.username, COALESCE(c.wa_id, 'NULL')"
              " FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id"
              " WHERE c.user_id = '%s'" % esc(uid))
    assert len(row) == 1, row
    tid = int(row[0][0])
    assert row[0][1] == "NULL" and row[0][2] == "ana.ruiz" and row[0][3] == "NULL", row
    # The confirmation went to the user id, by "recipient", never "to".
    conf = [b for b in sent_bodies() if b.get("recipient") == uid]
    assert conf and all("to" not in b for b in conf), conf
    # The ticket shows who the customer is; an agent answers by user id.
    a = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status in (200, 201)
    t = api("GET", "/api/tickets/%d" % tid, a).json()["data"]
    assert t["username"] == "ana.ruiz" and t["whatsapp_user_id"] == uid, t
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "on its way"})
    assert r.status == 201, r
    assert r.json()["data"]["whatsapp"]["status"] in ("sent", "accepted", "queued"), r.json()
    replies = [b for b in sent_bodies() if b.get("recipient") == uid
               and (b.get("text") or {}).get("body") == "on its way"]
    assert len(replies) == 1 and "to" not in replies[0], replies
    # A later message by user id alone lands on the same ticket.
    assert post_webhook(username_message(uid, "thanks")).status == 200
    assert int(one("SELECT COUNT(*) FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id"
                   " WHERE c.user_id = '%s'" % esc(uid))) == 1
    assert contacts_of("user_id = '%s'" % esc(uid)) == 1


def test_phone_and_user_id_find_the_same_contact():
    phone, uid = new_phone(), new_uid()
    assert post_webhook(text_message(phone, "first, by phone %d" % uniq())).status == 200
    assert post_webhook(phone_message(phone, uid, "second, with a user id")).status == 200
    assert post_webhook(username_message(uid, "third, user id alone")).status == 200
    assert contacts_of("wa_id = '%s' OR user_id = '%s'" % (phone, esc(uid))) == 1
    assert int(one("SELECT COUNT(*) FROM tickets WHERE mobile = '%s'" % phone)) == 1
    cid = one("SELECT id FROM whatsapp_contacts WHERE wa_id = '%s'" % phone)
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE direction = 'in' AND contact_id = %s" % cid) == "3"


def system_number_change(old, new, new_uid=None, legacy=False):
    if legacy:
        system = {"body": "User A changed from %s to %s" % (old, new), "new_wa_id": new,
                  "type": "customer_changed_number", "customer": old}
    else:
        system = {"body": "User A changed from %s to %s" % (old, new), "wa_id": new,
                  "type": "user_changed_number"}
        if new_uid:
            system["user_id"] = new_uid
    return envelope({}, [{"from": old, "id": "wamid.SY%d" % uniq(), "timestamp": str(int(time.time())),
                          "type": "system", "system": system}])


def test_number_change_keeps_one_contact():
    for legacy in (False, True):
        old, new, u1, u2 = new_phone(), new_phone(), new_uid(), new_uid()
        assert post_webhook(phone_message(old, u1, "before the change %d" % uniq())).status == 200
        cid = one("SELECT id FROM whatsapp_contacts WHERE wa_id = '%s'" % old)
        ev = system_number_change(old, new, None if legacy else u2, legacy)
        assert post_webhook(ev).status == 200
        assert post_webhook(ev).status == 200  # redelivered: nothing more
        assert one("SELECT wa_id FROM whatsapp_contacts WHERE id = %s" % cid) == new
        if not legacy:
            assert one("SELECT user_id FROM whatsapp_contacts WHERE id = %s" % cid) == u2
        assert post_webhook(phone_message(new, u2, "after the change")).status == 200
        assert contacts_of("wa_id IN ('%s', '%s') OR user_id IN ('%s', '%s')" % (old, new, u1, u2)) == 1
        assert one("SELECT contact_id FROM whatsapp_messages WHERE direction = 'in'"
                   " ORDER BY id DESC LIMIT 1") == cid


def test_same_phone_under_two_user_ids_is_a_conflict_for_super_admin():
    phone, u1, u2 = new_phone(), new_uid(), new_uid()
    assert post_webhook(phone_message(phone, u1, "one %d" % uniq())).status == 200
    m = phone_message(phone, u2, "two")
    assert post_webhook(m).status == 200
    assert post_webhook(m).status == 200  # redelivered: one conflict still
    assert contacts_of("wa_id = '%s'" % phone) == 1
    rows = sql("SELECT reason, previous_user_id, user_id FROM whatsapp_identity_conflicts"
               " WHERE wa_id = '%s'" % phone)
    assert rows == [["phone_two_user_ids", u1, u2]], rows
    r = api("GET", "/api/whatsapp/identity-conflicts", admin_token())
    assert r.status == 200, r
    items = [i for i in r.json()["data"]["items"] if i["wa_id"] == phone]
    assert len(items) == 1 and items[0]["previous_user_id"] == u1, items
    assert items[0]["contact"]["wa_id"] == phone and items[0]["other_contact"] is None
    assert api("GET", "/api/whatsapp/identity-conflicts", agent()).status == 403
    r = api("GET", "/api/whatsapp/identity-conflicts?status=nope", admin_token())
    assert r.status == 422 and r.json()["error"]["code"] == "validation_failed", r
    assert "status" in r.json()["error"]["details"], r


def test_two_contacts_of_one_customer_are_recorded_never_split_further():
    phone, uid = new_phone(), new_uid()
    assert post_webhook(text_message(phone, "by phone %d" % uniq())).status == 200
    assert post_webhook(username_message(uid, "by user id")).status == 200
    assert contacts_of("wa_id = '%s' OR user_id = '%s'" % (phone, esc(uid))) == 2
    assert post_webhook(phone_message(phone, uid, "both at once")).status == 200
    assert contacts_of("wa_id = '%s' OR user_id = '%s'" % (phone, esc(uid))) == 2
    assert one("SELECT reason FROM whatsapp_identity_conflicts WHERE wa_id = '%s'" % phone) == "two_contacts"


def test_redelivery_changes_nothing():
    uid = new_uid()
    m = username_message(uid, "twice %d" % uniq(), wamid="wamid.RD%d" % uniq())
    assert post_webhook(m).status == 200
    before = (contacts_of("user_id = '%s'" % esc(uid)),
              one("SELECT COUNT(*) FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id"
                  " WHERE c.user_id = '%s'" % esc(uid)),
              len([b for b in sent_bodies() if b.get("recipient") == uid]))
    assert post_webhook(m).status == 200
    after = (contacts_of("user_id = '%s'" % esc(uid)),
             one("SELECT COUNT(*) FROM tickets t JOIN whatsapp_contacts c ON c.id = t.contact_id"
                 " WHERE c.user_id = '%s'" % esc(uid)),
             len([b for b in sent_bodies() if b.get("recipient") == uid]))
    assert before == after == (1, "1", 1), (before, after)


def test_fake_graph_takes_to_or_recipient_and_refuses_neither():
    import json
    import urllib.error
    import urllib.request
    from harness import GRAPH
    tok = os.environ.get("WHATSAPP_ACCESS_TOKEN", "")

    def send(body):
        req = urllib.request.Request("%s/v25.0/%s/messages" % (GRAPH, PNID), json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Authorization": "Bearer " + tok})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())
    base = {"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}
    st, ans = send(dict(base, recipient="US.13491208655302741918"))
    assert st == 200 and ans["contacts"][0]["user_id"] == "US.13491208655302741918", ans
    st, ans = send(base)
    assert st == 400, ans
    st, ans = send(dict(base, recipient="not a bsuid"))
    assert st == 400, ans


def test_user_id_update_keeps_one_contact():
    # The user_id_update webhook field, then the system message
    # user_changed_user_id; each redelivered.
    phone, u1, u2, u3 = new_phone(), new_uid(), new_uid(), new_uid()
    assert post_webhook(phone_message(phone, u1, "hello %d" % uniq())).status == 200
    cid = one("SELECT id FROM whatsapp_contacts WHERE user_id = '%s'" % u1)
    ev = envelope({"user_id_update": [{"wa_id": phone, "detail": {"previous": u1, "current": u2},
                                       "timestamp": str(int(time.time()))}]}, field="user_id_update")
    for _ in range(2):
        assert post_webhook(ev).status == 200
    assert one("SELECT user_id FROM whatsapp_contacts WHERE id = %s" % cid) == u2
    assert one("SELECT COUNT(*) FROM whatsapp_messages WHERE type = 'user_id_update' AND contact_id = %s"
               % cid) == "1"
    sysmsg = envelope({}, [{"from_user_id": u2, "id": "wamid.UC%d" % uniq(), "timestamp": str(int(time.time())),
                            "type": "system", "system": {"body": "user id changed", "type": "user_changed_user_id",
                                                         "user_id": u3}}])
    for _ in range(2):
        assert post_webhook(sysmsg).status == 200
    assert one("SELECT user_id FROM whatsapp_contacts WHERE id = %s" % cid) == u3
    assert post_webhook(username_message(u3, "by the newest id")).status == 200
    assert contacts_of("wa_id = '%s' OR user_id IN ('%s', '%s', '%s')" % (phone, u1, u2, u3)) == 1
    assert int(one("SELECT COUNT(*) FROM tickets WHERE contact_id = %s OR mobile = '%s'" % (cid, phone))) == 1
