"""Media: WhatsApp images, documents and voice notes fetched from the (fake)
Graph API and kept on the (fake) Cloudinary, and every way that can fail."""
import base64
import hashlib
import json
import os
import subprocess
import time

from harness import (BUILD, admin_token, api, cld, graph, graph_sent, new_phone, one, post_webhook, sql,
                     text_message, tick, uniq)

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(3000) + b"\xff\xd9"


def media_message(phone, kind, media_id, mime, sha256=None, caption=None, filename=None):
    p = text_message(phone, "x")
    m = p["entry"][0]["changes"][0]["value"]["messages"][0]
    del m["text"]
    obj = {"id": media_id, "mime_type": mime}
    if sha256 is not None:
        obj["sha256"] = sha256
    if caption:
        obj["caption"] = caption
    if filename:
        obj["filename"] = filename
    m["type"], m[kind] = kind, obj
    return p


def register(data, mime="image/jpeg", **extra):
    media_id = str(900000000 + uniq())
    graph("POST", "/_fake/media", dict({"id": media_id, "content_b64": base64.b64encode(data).decode(),
                                        "mime_type": mime}, **extra))
    return media_id


def attachment(phone):
    rows = sql("SELECT a.id, a.state, a.secure_url, a.error, a.mime_type, a.file_name, a.bytes, a.next_attempt_at IS NOT NULL "
               "FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.mobile = '%s' ORDER BY a.id" % phone)
    return rows


def uploads():
    return cld("GET", "/_fake/uploads")


def test_image_with_caption_is_kept_on_cloudinary():
    phone = new_phone()
    mid = register(JPEG)
    b64sum = base64.b64encode(hashlib.sha256(JPEG).digest()).decode()   # Meta writes either form
    r = post_webhook(media_message(phone, "image", mid, "image/jpeg", sha256=b64sum, caption="the broken part"))
    assert r.status == 200 and r.json()["data"]["media_stored"] == 1, r
    a = attachment(phone)
    assert len(a) == 1 and a[0][1] == "stored", a
    ref = one("SELECT reference FROM tickets WHERE mobile='%s'" % phone)
    assert a[0][2] == "https://res.cloudinary.com/testcloud/image/upload/v1717000000/tick/%s/wa_%s" % (ref, a[0][0]), a
    assert a[0][6] == str(len(JPEG))
    up = [u for u in uploads() if u["public_id"].endswith("wa_%s" % a[0][0])]
    assert len(up) == 1 and up[0]["sha256"] == hashlib.sha256(JPEG).hexdigest(), up
    assert up[0]["folder"] == "tick/%s" % ref and up[0]["resource_type"] == "image"
    # The caption is the message; the tick system's columns show the file.
    row = sql("SELECT description, attachment_name, attachment_type FROM tickets WHERE mobile='%s'" % phone)
    assert row[0][0] == "[image] the broken part" and row[0][2] == "image/jpeg", row
    t = api("GET", "/api/tickets/%s" % ref, admin_token()).json()["data"]
    assert t["attachments"][0]["secure_url"] == a[0][2], t.get("attachments")


def test_document_keeps_its_name_and_voice_notes_go_as_video():
    phone = new_phone()
    pdf = b"%PDF-1.4\n" + os.urandom(500)
    mid = register(pdf, "application/pdf")
    r = post_webhook(media_message(phone, "document", mid, "application/pdf",
                                   sha256=hashlib.sha256(pdf).hexdigest(), filename="invoice-42.pdf"))
    assert r.status == 200, r
    a = attachment(phone)
    assert a[0][1] == "stored" and a[0][5] == "invoice-42.pdf" and "/raw/upload/" in a[0][2], a
    ogg = b"OggS" + os.urandom(700)
    mid = register(ogg, "audio/ogg; codecs=opus")
    p = media_message(phone, "audio", mid, "audio/ogg; codecs=opus")
    p["entry"][0]["changes"][0]["value"]["messages"][0]["audio"]["voice"] = True
    post_webhook(p)
    a = attachment(phone)
    assert a[1][1] == "stored" and "/video/upload/" in a[1][2], a


def test_checksum_mismatch_fails_and_the_customer_is_told():
    phone = new_phone()
    mid = register(JPEG)
    r = post_webhook(media_message(phone, "image", mid, "image/jpeg", sha256="00" * 32))
    assert r.status == 200, r
    a = attachment(phone)
    assert a[0][1] == "failed" and "checksum" in a[0][3] and a[0][7] == "0", a
    texts = [x["body"]["text"]["body"] for x in graph_sent(phone) if x["body"]["type"] == "text"]
    assert any("could not keep it" in t for t in texts), texts
    assert one("SELECT COUNT(*) FROM tickets WHERE mobile='%s'" % phone) == "1"   # the message is kept


def test_a_file_over_the_limit_fails_and_the_customer_is_told():
    phone = new_phone()
    big = os.urandom(1048577)
    mid = register(big, "video/mp4")
    r = post_webhook(media_message(phone, "video", mid, "video/mp4"))
    assert r.status == 200, r
    a = attachment(phone)
    assert a[0][1] == "failed" and "larger than" in a[0][3], a
    texts = [x["body"]["text"]["body"] for x in graph_sent(phone) if x["body"]["type"] == "text"]
    assert any("could not keep it" in t for t in texts), texts
    # Even when the Graph API does not say the size, the download stops there.
    phone = new_phone()
    mid = register(big, "video/mp4", file_size=10)
    post_webhook(media_message(phone, "video", mid, "video/mp4"))
    a = attachment(phone)
    assert a[0][1] == "failed" and "larger than" in a[0][3], a


def test_an_unknown_media_id_fails_without_losing_the_message():
    phone = new_phone()
    r = post_webhook(media_message(phone, "image", "123456", "image/jpeg", caption="lost photo"))
    assert r.status == 200, r
    a = attachment(phone)
    assert a[0][1] == "failed" and "Graph API" in a[0][3], a
    assert one("SELECT description FROM tickets WHERE mobile='%s'" % phone) == "[image] lost photo"


def test_cloudinary_500_leaves_it_pending_and_the_outbox_finishes_it():
    phone = new_phone()
    mid = register(JPEG)
    cld("POST", "/_fake/mode", {"mode": "http500", "times": 1})
    r = post_webhook(media_message(phone, "image", mid, "image/jpeg"))
    assert r.status == 200 and r.json()["data"]["media_pending"] == 1, r
    a = attachment(phone)
    assert a[0][1] == "pending" and "General Error" in a[0][3] and a[0][7] == "1", a
    sql("UPDATE attachments SET next_attempt_at = NOW(3) WHERE id = %s" % a[0][0])
    res = tick("outbox")
    assert res.returncode == 0 and "1 stored" in res.stdout, (res.stdout, res.stderr)
    assert attachment(phone)[0][1] == "stored"


def test_a_slow_cloudinary_times_out_and_meta_still_gets_its_200_in_time():
    phone = new_phone()
    mid = register(JPEG)
    cld("POST", "/_fake/mode", {"mode": "timeout", "times": 1})
    start = time.time()
    r = post_webhook(media_message(phone, "image", mid, "image/jpeg"))
    assert r.status == 200 and time.time() - start < 5, r
    a = attachment(phone)
    assert a[0][1] == "pending" and "imeout" in a[0][3], a


def test_a_graph_download_404_is_retried_with_a_fresh_url():
    phone = new_phone()
    mid = register(JPEG)
    graph("POST", "/_fake/media_mode", {"mode": "http404", "times": 1})
    post_webhook(media_message(phone, "image", mid, "image/jpeg"))
    a = attachment(phone)
    assert a[0][1] == "pending" and "404" in a[0][3], a
    sql("UPDATE attachments SET next_attempt_at = NOW(3) WHERE id = %s" % a[0][0])
    assert tick("outbox").returncode == 0
    assert attachment(phone)[0][1] == "stored"


def test_without_cloudinary_media_waits_with_a_clear_reason():
    phone = new_phone()
    mid = register(JPEG)
    body = json.dumps(media_message(phone, "image", mid, "image/jpeg")).encode()
    from harness import sign
    env = dict(os.environ, REQUEST_METHOD="POST", DOCUMENT_URI="/api/whatsapp/webhook", QUERY_STRING="",
               CONTENT_LENGTH=str(len(body)), HTTP_X_HUB_SIGNATURE_256=sign(body), CLOUDINARY_URL="")
    out = subprocess.run([os.path.join(BUILD, "cgi-bin", "webhook.fcgi")], input=body, env=env,
                         capture_output=True, timeout=60)
    assert out.stdout.startswith(b"Status: 200"), out.stdout
    a = attachment(phone)
    assert a[0][1] == "pending" and "not configured" in a[0][3], a


# -- files agents send ---------------------------------------------------------------

def held_ticket():
    from test_tickets import agent, wa_ticket
    tid, phone = wa_ticket("send me the form")
    _, a = agent()
    assert api("POST", "/api/tickets/%d/assign" % tid, a).status == 200
    return tid, phone, a


def filebody(data, mime, name, message=None):
    b = {"file": {"name": name, "type": mime, "content": base64.b64encode(data).decode()}}
    if message is not None:
        b["message"] = message
    return b


def test_an_agents_image_reaches_the_customer_by_link():
    tid, phone, a = held_ticket()
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(JPEG, "image/jpeg", "diagram.jpg", "Here is how"))
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["attachment"]["state"] == "stored" and d["whatsapp"]["status"] == "accepted", d
    sent = [x["body"] for x in graph_sent(phone) if x["body"]["type"] == "image"]
    assert len(sent) == 1, sent
    assert sent[0]["image"] == {"link": d["attachment"]["secure_url"], "caption": "Here is how"}, sent
    up = [u for u in uploads() if u["public_id"].endswith("out_%d" % d["attachment"]["id"])]
    assert len(up) == 1 and up[0]["sha256"] == hashlib.sha256(JPEG).hexdigest(), up
    assert one("SELECT content IS NULL FROM attachments WHERE id=%d" % d["attachment"]["id"]) == "1"


def test_a_document_keeps_its_name_and_audio_sends_its_text_apart():
    tid, phone, a = held_ticket()
    pdf = b"%PDF-1.4\n" + os.urandom(400)
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(pdf, "application/pdf", "terms.pdf", "Our terms"))
    assert r.status == 201, r
    doc = [x["body"]["document"] for x in graph_sent(phone) if x["body"]["type"] == "document"]
    assert doc and doc[0]["filename"] == "terms.pdf" and doc[0]["caption"] == "Our terms", doc
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(b"ID3" + os.urandom(300), "audio/mpeg", "hi.mp3", "listen"))
    assert r.status == 201, r
    audio = [x["body"]["audio"] for x in graph_sent(phone) if x["body"]["type"] == "audio"]
    assert audio and "caption" not in audio[0], audio
    assert any(x["body"].get("text", {}).get("body") == "listen" for x in graph_sent(phone))


def test_a_file_meta_answers_131047_is_held_and_the_template_sent():
    """The window rule is the same for a file as for a text: when Meta says
    the 24 hours ran out, the file waits for the customer and the template
    re-opens the conversation."""
    from harness import graph_mode
    from test_tickets import cgi
    tid, phone, a = held_ticket()
    graph_mode("error:131047", 1)
    status, r = cgi("/api/tickets/%d/reply" % tid, a, filebody(JPEG, "image/jpeg", "late.jpg", "Is this it?"),
                    WHATSAPP_TEMPLATE_NAME="reopen_conversation")
    assert status == 201, r
    d = r["data"]
    assert d["attachment"]["state"] == "stored" and d["whatsapp"]["status"] == "held", d
    assert [x["body"]["type"] for x in graph_sent(phone) if x.get("answer") == 200].count("template") == 1
    # The customer answers the template: the held image goes, once, by link.
    assert post_webhook(text_message(phone, "yes, send it")).status == 200
    imgs = [x["body"]["image"] for x in graph_sent(phone) if x["body"]["type"] == "image" and x.get("answer") == 200]
    assert imgs == [{"link": d["attachment"]["secure_url"], "caption": "Is this it?"}], imgs


def test_files_are_checked_before_any_upload():
    tid, phone, a = held_ticket()
    before = len(uploads())
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(b"PK\x03\x04zip", "application/zip", "x.zip", "x"))
    assert r.status == 415 and r.json()["error"]["code"] == "unsupported_media_type", r
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(os.urandom(1048577), "image/png", "big.png", "x"))
    assert r.status == 413 and "1048576 bytes" in r.json()["error"]["message"], r
    r = api("POST", "/api/tickets/%d/reply" % tid, a, {"message": "x", "file": {"name": "a.jpg", "type": "image/jpeg",
                                                                                  "content": "not*base64!"}})
    assert r.status == 422, r
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(JPEG, "image/jpeg", "../../etc/passwd", "x"))
    assert r.status == 422, r
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(JPEG, "image/jpeg", "a.jpg", "x" * 1025))
    assert r.status == 422, r
    assert len(uploads()) == before
    assert one("SELECT COUNT(*) FROM replies WHERE ticket_id=%d AND author='agent'" % tid) == "0"


def test_cloudinary_down_keeps_the_reply_and_the_outbox_sends_it_later():
    tid, phone, a = held_ticket()
    cld("POST", "/_fake/mode", {"mode": "http500", "times": 1})
    r = api("POST", "/api/tickets/%d/reply" % tid, a, filebody(JPEG, "image/jpeg", "later.jpg", "later"))
    assert r.status == 201, r
    d = r.json()["data"]
    assert d["attachment"]["state"] == "pending" and d["whatsapp"]["status"] == "pending", d
    assert one("SELECT content IS NOT NULL FROM attachments WHERE id=%d" % d["attachment"]["id"]) == "1"
    sql("UPDATE attachments SET next_attempt_at = NOW(3) WHERE id=%d" % d["attachment"]["id"])
    res = tick("outbox")
    assert res.returncode == 0 and "1 stored" in res.stdout, res.stdout
    sent = [x["body"] for x in graph_sent(phone) if x["body"]["type"] == "image"]
    assert len(sent) == 1 and sent[0]["image"]["caption"] == "later", sent


def test_the_forms_attachment_is_kept_the_same_way():
    token = admin_token()
    r = api("POST", "/api/tickets", token, dict(
        {"name": "Form", "description": "see the photo", "issue_type": "hardware"},
        attachment={"name": "photo.png", "type": "image/png",
                    "content": base64.b64encode(b"\x89PNG\r\n\x1a\n" + os.urandom(200)).decode()}))
    assert r.status == 201, r
    t = api("GET", "/api/tickets/%d" % r.json()["data"]["id"], token).json()["data"]
    assert t["attachment_name"] == "photo.png" and t["attachment_type"] == "image/png", t
    assert t["attachments"][0]["state"] == "stored", t["attachments"]
    r = api("POST", "/api/tickets", token, dict(
        {"name": "Form", "description": "d", "issue_type": "x"},
        attachment={"name": "x.exe", "type": "application/x-msdownload", "content": "TVo="}))
    assert r.status == 415, r


def test_retry_a_failed_file_now():
    phone = new_phone()
    mid = register(JPEG)
    graph("POST", "/_fake/media_mode", {"mode": "http404", "times": 1})
    post_webhook(media_message(phone, "image", mid, "image/jpeg"))
    a = attachment(phone)
    assert a[0][1] == "pending", a
    tid = int(one("SELECT id FROM tickets WHERE mobile='%s'" % phone))
    r = api("POST", "/api/tickets/%d/attachments/%s/retry" % (tid, a[0][0]), admin_token())
    assert r.status == 200 and r.json()["data"]["attachments"][0]["state"] == "stored", r
    assert api("POST", "/api/tickets/%d/attachments/%s/retry" % (tid, a[0][0]), admin_token()).status == 409
