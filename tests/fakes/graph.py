#!/usr/bin/env python3
"""A fake of Meta's Graph API for WhatsApp, on loopback only.

It answers like the real one: same paths, same JSON, same errors, same
bearer-token check. Tests steer it through /_fake/ and read back what it
received.

  POST /{version}/{phone-number-id}/messages   send a message; or a read mark
        {messaging_product, status: read, message_id, typing_indicator?: {type:
        text}} -> {"success": true} (recorded with "read": true)
  GET  /{version}/{phone-number-id}             the phone number (status check);
        with ?fields=display_phone_number only that (and the id)
  POST /{version}/{phone-number-id}/message_qrdls  Meta's QR code API: {prefilled_message
        (at most 140 characters), generate_qr_image (SVG or PNG), code? (change
        that code's message)} -> {code, prefilled_message, deep_link_url,
        qr_image_url}; at most 2,000 codes a number
  GET  /_fake/qrdls                             {"requests": [...], "codes": {code: message},
        "lookups": [every GET of the phone number, with its query]}
  POST /_fake/qr_mode {"mode": M, "times": N}   next N QR code calls: ok | http500 |
        timeout | error:<code>
  POST /_fake/qr_limit {"limit": N}             codes a number may have (2000)
  POST /_fake/read_mode {"mode": M, "times": N}  next N read marks: ok | http500 | error:<code>
        (the sends' mode leaves read marks alone)
  POST /_fake/lookup_mode {"mode": M, "times": N}  next N number lookups: ok | http500 |
        no_number (answers without display_phone_number)
  POST /_fake/mode {"mode": M, "times": N}      next N sends (default all) answer M:
        ok | timeout (answers, and takes it, after 8 s) | late (takes it at
        once, answers after 8 s: past tick's timeout) | slow:<ms> (takes
        it, answers after ms) | close | http500 | error:<code> (Meta's
        error body, 400; 401 for 190)
  GET  /_fake/status?wamid=W&status=S           the status webhook Meta would post
        for the message it took as W (S: sent by default), echoing its
        biz_opaque_callback_data
  GET  /_fake/requests                          every request received, in order
  POST /_fake/reset                             forget requests, mode back to ok
  GET  /{version}/{media-id}                    a media's URL, mime_type, sha256, size
  GET  /_media/{media-id}                       its bytes (bearer token checked)
  POST /_fake/media {"id", "content_b64", "mime_type", "sha256"?, "file_size"?}
                                                registers a media
  POST /_fake/media_mode {"mode": M, "times": N}  next N downloads: ok | http404 |
                                                http500 | timeout
  GET  /{version}/{waba-id}/message_templates?limit=N&after=C
                                                the account's templates, N a page
                                                (25 by default), paged as Meta does:
                                                paging.cursors {before, after} and
                                                paging.next only while more follow
  POST /{version}/{waba-id}/message_templates   creates one: {name (a-z 0-9 _, at
                                                most 512), language, category,
                                                components} -> {id, status PENDING,
                                                category}; a taken name and language
                                                is error 100 (subcode 2388024)
  DELETE /{version}/{waba-id}/message_templates?name=N
                                                deletes every language of N ->
                                                {success: true}; none is error 100
  POST /_fake/templates {"templates": [...]}    the library (Meta's objects); GET
                                                answers it, and the listings made
  Template sends of a template the library holds are checked against its
  components as Meta does: the count of body, header and button parameters
  against the placeholders (132000 when they differ), an unknown language
  132001, a template not APPROVED 132015 (paused) or 132001.

Usage: graph.py --port P --token T --phone-number-id ID [--port-file F]
"""
import argparse
import json
import re
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

ERRORS = {
    1: "An unknown error occurred",
    4: "(#4) Application request limit reached",
    100: "(#100) Invalid parameter",
    130429: "(#130429) Rate limit hit",
    131009: "(#131009) Parameter value is not valid",
    131026: "(#131026) Message undeliverable",
    131047: "(#131047) Re-engagement message",
    131048: "(#131048) Spam rate limit hit",
    131056: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
    131049: "(#131049) This message was not delivered to maintain healthy ecosystem engagement.",
    132000: "(#132000) Number of parameters does not match the expected number of params",
    132001: "(#132001) Template name does not exist in the translation",
    132012: "(#132012) Parameter format does not match format in the created template",
    132015: "(#132015) Template is Paused",
    190: "Invalid OAuth access token - Cannot parse access token",
}
TYPES = {"text", "image", "document", "audio", "video", "sticker", "template",
         "location", "contacts", "interactive", "reaction"}


class State:
    def __init__(self, token, pnid):
        self.token = token
        self.pnid = pnid
        self.lock = threading.Lock()
        self.requests = []
        self.mode = "ok"
        self.times = None
        self.counter = 0
        self.media = {}
        self.media_mode = "ok"
        self.media_times = None
        self.port = 0
        self.qr_requests = []
        self.qr_codes = {}
        self.qr_mode = "ok"
        self.qr_times = None
        self.qr_limit = 2000
        self.lookups = []
        self.lookup_mode = "ok"
        self.lookup_times = None
        self.read_mode = "ok"
        self.read_times = None
        self.templates = []
        self.template_lists = []
        self.template_counter = 0

    def take(self, name):
        """The mode of steering name (qr, lookup), counting down its times."""
        with self.lock:
            mode, times = getattr(self, name + "_mode"), getattr(self, name + "_times")
            if times is not None:
                times -= 1
                if times <= 0:
                    mode_next, times = "ok", None
                else:
                    mode_next = mode
                setattr(self, name + "_mode", mode_next)
                setattr(self, name + "_times", times)
            return mode

    def take_media_mode(self):
        with self.lock:
            mode = self.media_mode
            if self.media_times is not None:
                self.media_times -= 1
                if self.media_times <= 0:
                    self.media_mode, self.media_times = "ok", None
            return mode

    def take_mode(self):
        with self.lock:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            return mode


BSUID = re.compile(r"^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$")


def addressee(b):
    """Whom a send names, as Meta takes it since 2026: "to" (a phone
    number) or "recipient" (a business-scoped user id, such as
    US.13491208655302741918, or a parent one, US.ENT.118...). With both,
    "to" wins (Meta's documented precedence); with neither, 400."""
    to, rcp = b.get("to"), b.get("recipient")
    if isinstance(to, str) and to:
        return to
    if isinstance(rcp, str) and BSUID.match(rcp):
        return rcp
    return None


def answer_contact(b):
    """contacts[0] of a send's answer: wa_id for a phone send, user_id for
    a send by user id."""
    to = b.get("to")
    if isinstance(to, str) and to:
        return {"input": to, "wa_id": to}
    return {"input": b["recipient"], "user_id": b["recipient"]}


def error_body(code, message=None, details=None):
    return {"error": {"message": message or ERRORS.get(code, "(#%d) Error" % code),
                      "type": "OAuthException", "code": code,
                      "error_data": {"messaging_product": "whatsapp",
                                     "details": details or "fake graph error"},
                      "fbtrace_id": "AbCdEfFake%d" % code}}


def _text(v, most, what):
    if not isinstance(v, str) or not v:
        return "%s is required" % what
    if len(v) > most:
        return "%s must be at most %d characters" % (what, most)
    return None


def reaction_problem(r):
    """Why Meta would refuse a reaction (code 131009), or None: a
    reaction names the message (a wamid) and one emoji, or "" to take it
    back."""
    if not isinstance(r, dict):
        return "reaction is required"
    mid, emoji = r.get("message_id"), r.get("emoji")
    if not isinstance(mid, str) or not mid.startswith("wamid."):
        return "reaction.message_id must be a message id"
    if not isinstance(emoji, str) or len(emoji) > 16 or any(c.isalnum() and c.isascii() for c in emoji):
        return "reaction.emoji must be an emoji or empty"
    return None


def read_problem(b):
    """Why Meta would refuse a read mark (with or without the typing
    indicator), or None: {messaging_product, status: read, message_id:
    wamid..., typing_indicator?: {type: text}} and nothing else."""
    extra = set(b) - {"messaging_product", "status", "message_id", "typing_indicator"}
    if extra:
        return "a read status takes no %s" % ", ".join(sorted(extra))
    mid = b.get("message_id")
    if not isinstance(mid, str) or not mid.startswith("wamid."):
        return "message_id must be a message id"
    if "typing_indicator" in b and b["typing_indicator"] != {"type": "text"}:
        return "typing_indicator must be {type: text}"
    return None


def context_problem(c):
    """Why Meta would refuse a send's context (a quoted reply), or None."""
    if c is None:
        return None
    if not isinstance(c, dict) or not isinstance(c.get("message_id"), str) \
            or not c["message_id"].startswith("wamid."):
        return "context.message_id must be a message id"
    return None


def interactive_problem(it):
    """What Meta's Cloud API refuses in an interactive list or reply
    buttons message (code 131009), or None: list button at most 20
    characters, at most 10 rows in all, row title 24, description 72,
    section title 24; at most 3 reply buttons, titles 20; body 1024; ids
    unique and at most 200 (rows) or 256 (buttons) characters."""
    if not isinstance(it, dict):
        return "interactive is required"
    extra = set(it) - {"type", "header", "body", "footer", "action"}
    if extra:
        return "interactive has unknown fields: %s" % ", ".join(sorted(extra))
    if "header" in it:
        h = it["header"]
        if not isinstance(h, dict) or h.get("type") != "text":
            return "header must be {type: text, text} (this fake knows no media header)"
        why = _text(h.get("text"), 60, "header.text")
        if why:
            return why
    if "footer" in it:
        f = it["footer"]
        why = _text(f.get("text") if isinstance(f, dict) else None, 60, "footer.text")
        if why:
            return why
    body = it.get("body")
    why = _text(body.get("text") if isinstance(body, dict) else None, 1024, "body.text")
    if why:
        return why
    action = it.get("action")
    if not isinstance(action, dict):
        return "action is required"
    if it.get("type") == "list":
        why = _text(action.get("button"), 20, "action.button")
        if why:
            return why
        sections = action.get("sections")
        if not isinstance(sections, list) or not sections or len(sections) > 10:
            return "action.sections must hold 1 to 10 sections"
        ids, rows = set(), 0
        for sec in sections:
            if not isinstance(sec, dict) or not isinstance(sec.get("rows"), list) or not sec["rows"]:
                return "each section needs rows"
            if "title" in sec and (_text(sec["title"], 24, "section title")):
                return _text(sec["title"], 24, "section title")
            if len(sections) > 1 and "title" not in sec:
                return "section title is required with several sections"
            for r in sec["rows"]:
                rows += 1
                if not isinstance(r, dict):
                    return "row must be an object"
                why = _text(r.get("id"), 200, "row id") or _text(r.get("title"), 24, "row title")
                if why:
                    return why
                if "description" in r and _text(r["description"], 72, "row description"):
                    return _text(r["description"], 72, "row description")
                if r["id"] in ids:
                    return "row ids must be unique"
                ids.add(r["id"])
        if rows > 10:
            return "a list has at most 10 rows"
        return None
    if it.get("type") == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not buttons or len(buttons) > 3:
            return "action.buttons must hold 1 to 3 buttons"
        ids = set()
        for btn in buttons:
            if not isinstance(btn, dict) or btn.get("type") != "reply" or not isinstance(btn.get("reply"), dict):
                return "a button must be of type reply"
            why = _text(btn["reply"].get("id"), 256, "button id") or \
                _text(btn["reply"].get("title"), 20, "button title")
            if why:
                return why
            if btn["reply"]["id"] in ids:
                return "button ids must be unique"
            ids.add(btn["reply"]["id"])
        return None
    return "interactive.type must be list or button (this fake knows no other)"


PLACEHOLDER = re.compile(r"{{\s*([A-Za-z0-9_]+)\s*}}")


def placeholders(text):
    """The distinct placeholders of a text, as Meta counts them."""
    seen = []
    for m in PLACEHOLDER.finditer(text or ""):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def library_problem(t, library):
    """What Meta says of a template send against the template it names:
    (code, details) or None. Unknown names pass (tests of the configured
    template without variables)."""
    same = [x for x in library if x.get("name") == t.get("name")]
    if not same:
        return None
    lang = (t.get("language") or {}).get("code")
    tpl = next((x for x in same if x.get("language") == lang), None)
    if tpl is None:
        return 132001, "template name does not exist in the translation"
    if tpl.get("status") == "PAUSED":
        return 132015, "template is paused"
    if tpl.get("status") != "APPROVED":
        return 132001, "template is not approved"
    sent = {}
    for c in t.get("components", []) or []:
        key = c.get("type")
        if key == "button":
            key = "button%s" % c.get("index")
        sent[key] = c.get("parameters") or []
    for comp in tpl.get("components", []):
        kind = (comp.get("type") or "").upper()
        if kind == "HEADER":
            fmt = (comp.get("format") or "TEXT").upper()
            want = len(placeholders(comp.get("text"))) if fmt == "TEXT" else 1
            got = sent.pop("header", [])
            if len(got) != want:
                return 132000, "header: expected %d parameters, got %d" % (want, len(got))
            if fmt != "TEXT" and got and got[0].get("type") != fmt.lower():
                return 132012, "header: expected a %s parameter" % fmt.lower()
        elif kind == "BODY":
            want = len(placeholders(comp.get("text")))
            got = sent.pop("body", [])
            if len(got) != want:
                return 132000, "body: expected %d parameters, got %d" % (want, len(got))
        elif kind == "BUTTONS":
            for i, b in enumerate(comp.get("buttons", [])):
                bt = (b.get("type") or "").upper()
                got = sent.pop("button%d" % i, None)
                need = (bt == "URL" and placeholders(b.get("url"))) or bt == "COPY_CODE"
                if need and got is None:
                    return 132000, "button %d: expected 1 parameter, got 0" % i
                if got is not None and bt not in ("URL", "COPY_CODE", "QUICK_REPLY"):
                    return 132000, "button %d takes no parameter" % i
    if sent:
        return 132000, "parameters for components the template lacks: %s" % ", ".join(sorted(sent))
    return None


TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")


def template_problem(t):
    """What Meta refuses in a template send (code 132000 family), or None:
    a name, a language code, and components as a list; a quick-reply
    button component names its index (a string "0" to "9") and one payload
    parameter of at most 256 characters, each index once."""
    if not isinstance(t, dict) or not isinstance(t.get("name"), str) or not t["name"]:
        return "template.name is required"
    lang = t.get("language")
    if not isinstance(lang, dict) or not isinstance(lang.get("code"), str):
        return "template.language.code is required"
    comps = t.get("components", [])
    if not isinstance(comps, list):
        return "template.components must be a list"
    seen = set()
    for c in comps:
        if not isinstance(c, dict):
            return "a component must be an object"
        if c.get("type") == "button":
            idx = c.get("index")
            if c.get("sub_type") not in ("quick_reply", "url", "copy_code"):
                return "button sub_type must be quick_reply, url or copy_code"
            if not isinstance(idx, str) or not idx.isdigit() or int(idx) > 9 or idx in seen:
                return "button index must be a string 0 to 9, each once"
            seen.add(idx)
            params = c.get("parameters")
            if not isinstance(params, list) or len(params) != 1 or not isinstance(params[0], dict):
                return "a button takes one parameter"
            if c["sub_type"] == "quick_reply":
                p = params[0]
                if p.get("type") != "payload" or _text(p.get("payload"), 256, "payload"):
                    return "a quick reply takes a payload of 1 to 256 characters"
            if c["sub_type"] == "copy_code":
                p = params[0]
                if p.get("type") != "coupon_code" or _text(p.get("coupon_code"), 15, "coupon_code"):
                    return "a copy code takes a coupon_code of 1 to 15 characters"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeGraph/1.0"
    # Headers and body go out as two writes: without this, delayed ACKs
    # add ~40 ms to every kept-alive request, which is not Meta's.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def authorized(self):
        st = self.server.state
        return self.headers.get("Authorization") == "Bearer " + st.token

    def do_GET(self):
        st = self.server.state
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts == ["_fake", "requests"]:
            with st.lock:
                return self.reply(200, st.requests)
        if parts == ["_fake", "status"]:
            from urllib.parse import parse_qs
            q = parse_qs(self.path.partition("?")[2])
            wamid = (q.get("wamid") or [""])[0]
            with st.lock:
                sent = [r for r in st.requests if r.get("wamid") == wamid]
            if not sent:
                return self.reply(404, error_body(100, "no message %s" % wamid))
            b = sent[0]["body"]
            item = {"id": wamid, "status": (q.get("status") or ["sent"])[0],
                    "timestamp": str(int(time.time())), "recipient_id": b.get("to") or b.get("recipient"),
                    "pricing": {"billable": True, "pricing_model": "PMP", "category": "service",
                                "type": "free_customer_service"}}
            if "biz_opaque_callback_data" in b:
                item["biz_opaque_callback_data"] = b["biz_opaque_callback_data"]
            return self.reply(200, {"object": "whatsapp_business_account", "entry": [{
                "id": "102290129340398", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550001111", "phone_number_id": st.pnid},
                    "statuses": [item]}}]}]})
        if len(parts) == 2 and parts[0] == "_media":
            if not self.authorized():
                return self.reply(401, error_body(190))
            m = st.media.get(parts[1])
            mode = st.take_media_mode()
            if m is None or mode == "http404":
                return self.reply(404, error_body(100, "Media not found"))
            if mode == "http500":
                return self.reply(500, error_body(1))
            if mode == "timeout":
                time.sleep(8)
            data = m["content"]
            self.send_response(200)
            self.send_header("Content-Type", m["mime_type"])
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if len(parts) == 2 and parts[1] in st.media:
            if not self.authorized():
                return self.reply(401, error_body(190))
            m = st.media[parts[1]]
            return self.reply(200, {
                "messaging_product": "whatsapp",
                "url": "http://127.0.0.1:%d/_media/%s" % (self.server.server_address[1], parts[1]),
                "mime_type": m["mime_type"], "sha256": m["sha256"],
                "file_size": str(m["file_size"]), "id": parts[1]})
        if parts == ["_fake", "templates"]:
            with st.lock:
                return self.reply(200, {"templates": st.templates, "lists": st.template_lists})
        if len(parts) == 3 and parts[2] == "message_templates":
            return self.list_templates(parts)
        if parts == ["_fake", "qrdls"]:
            with st.lock:
                return self.reply(200, {"requests": st.qr_requests, "codes": st.qr_codes,
                                        "lookups": st.lookups})
        if len(parts) == 2:
            from urllib.parse import parse_qs
            query = parse_qs(self.path.partition("?")[2])
            with st.lock:
                st.lookups.append({"path": self.path, "authorization": self.headers.get("Authorization")})
            if not self.authorized():
                return self.reply(401, error_body(190))
            if parts[1].isdigit() and parts[1] != st.pnid:
                return self.reply(404, error_body(100, "Unsupported get request. Object with ID '%s' does not exist" % parts[1]))
            if parts[1] != st.pnid:
                return self.reply(400, error_body(100, "Unsupported get request. Object with ID '%s' does not exist" % parts[1]))
            number = {"verified_name": "Fake Desk", "display_phone_number": "+1 555-000-1111",
                      "quality_rating": "GREEN", "id": st.pnid}
            if "fields" in query:
                # Only the fields asked for, and the id, as the Graph API does.
                wanted = set(",".join(query["fields"]).split(","))
                number = {k: v for k, v in number.items() if k in wanted or k == "id"}
                mode = st.take("lookup")
                if mode == "http500":
                    return self.reply(500, error_body(1, "An unexpected error has occurred. Please retry your request later."))
                if mode == "no_number":
                    number.pop("display_phone_number", None)
            return self.reply(200, number)
        return self.reply(404, error_body(100, "Unknown path components: /" + "/".join(parts)))

    def do_POST(self):
        st = self.server.state
        raw = self.body()
        parts = self.path.split("?")[0].strip("/").split("/")
        if parts == ["_fake", "mode"]:
            req = json.loads(raw or b"{}")
            with st.lock:
                st.mode = req.get("mode", "ok")
                st.times = req.get("times")
            return self.reply(200, {"ok": True})
        if parts == ["_fake", "media"]:
            req = json.loads(raw)
            import base64
            import hashlib
            content = base64.b64decode(req["content_b64"])
            with st.lock:
                st.media[str(req["id"])] = {
                    "content": content, "mime_type": req.get("mime_type", "application/octet-stream"),
                    "sha256": req.get("sha256") or hashlib.sha256(content).hexdigest(),
                    "file_size": req.get("file_size", len(content))}
            return self.reply(200, {"ok": True})
        if parts == ["_fake", "media_mode"]:
            req = json.loads(raw or b"{}")
            with st.lock:
                st.media_mode = req.get("mode", "ok")
                st.media_times = req.get("times")
            return self.reply(200, {"ok": True})
        if parts == ["_fake", "reset"]:
            with st.lock:
                st.requests, st.mode, st.times = [], "ok", None
                st.qr_requests, st.lookups = [], []
                st.qr_mode = st.lookup_mode = st.read_mode = "ok"
                st.qr_times = st.lookup_times = st.read_times = None
                st.qr_limit = 2000
            return self.reply(200, {"ok": True})
        if parts in (["_fake", "qr_mode"], ["_fake", "lookup_mode"], ["_fake", "read_mode"]):
            req = json.loads(raw or b"{}")
            name = parts[1][:-5]
            with st.lock:
                setattr(st, name + "_mode", req.get("mode", "ok"))
                setattr(st, name + "_times", req.get("times"))
            return self.reply(200, {"ok": True})
        if parts == ["_fake", "qr_limit"]:
            req = json.loads(raw or b"{}")
            with st.lock:
                st.qr_limit = int(req.get("limit", 2000))
            return self.reply(200, {"ok": True})
        if len(parts) == 3 and parts[2] == "message_qrdls":
            return self.qrdls(raw, parts)
        if parts == ["_fake", "templates"]:
            req = json.loads(raw or b"{}")
            with st.lock:
                st.templates = req.get("templates", [])
                st.template_lists = []
            return self.reply(200, {"ok": True})
        if len(parts) == 3 and parts[2] == "message_templates":
            return self.create_template(raw, parts)
        if len(parts) != 3 or parts[2] != "messages":
            return self.reply(404, error_body(100, "Unknown path components"))

        record = {"path": self.path, "authorization": self.headers.get("Authorization"),
                  "content_type": self.headers.get("Content-Type"), "body": None,
                  "answer": None}
        with st.lock:
            st.requests.append(record)
        try:
            record["body"] = json.loads(raw)
        except ValueError:
            record["answer"] = 400
            return self.reply(400, error_body(100, "(#100) The parameter messaging_product is required."))
        if not self.authorized():
            record["answer"] = 401
            return self.reply(401, error_body(190))
        if parts[1] != st.pnid:
            record["answer"] = 400
            return self.reply(400, error_body(100, "Unsupported post request. Object with ID '%s' does not exist" % parts[1]))
        b = record["body"]
        if isinstance(b, dict) and b.get("status") == "read" \
                and b.get("messaging_product") == "whatsapp":
            # A read mark (and the typing indicator): {"success": true}.
            why = read_problem(b)
            if why:
                record["answer"] = 400
                return self.reply(400, error_body(100, details=why))
            # Steered apart (read_mode): the sends' mode stays theirs.
            mode = st.take("read")
            record["mode"] = mode
            if mode == "http500":
                record["answer"] = 500
                return self.reply(500, error_body(1))
            if mode.startswith("error:"):
                code = int(mode.split(":", 1)[1])
                record["answer"] = 401 if code == 190 else 400
                return self.reply(record["answer"], error_body(code))
            record["answer"] = 200
            record["read"] = True
            return self.reply(200, {"success": True})
        if not isinstance(b, dict) or b.get("messaging_product") != "whatsapp" \
                or b.get("type", "text") not in TYPES or not addressee(b):
            record["answer"] = 400
            return self.reply(400, error_body(100))
        why = context_problem(b.get("context"))
        if why is None and b.get("type") == "reaction":
            why = reaction_problem(b.get("reaction"))
        if why:
            record["answer"] = 400
            return self.reply(400, error_body(131009, details=why))
        if b.get("type") == "interactive":
            why = interactive_problem(b.get("interactive"))
            if why:
                record["answer"] = 400
                return self.reply(400, error_body(131009, details=why))
        if b.get("type") == "template":
            why = template_problem(b.get("template"))
            if why:
                record["answer"] = 400
                return self.reply(400, error_body(132000, details=why))
            with st.lock:
                bad = library_problem(b["template"], st.templates)
            if bad:
                record["answer"] = 400
                return self.reply(400, error_body(bad[0], details=bad[1]))
        if b.get("type", "text") == "text":
            text = (b.get("text") or {}).get("body")
            if not isinstance(text, str) or not text or len(text) > 4096:
                record["answer"] = 400
                return self.reply(400, error_body(100, "(#100) Param text['body'] must be at most 4096 characters long."))

        mode = st.take_mode()
        record["mode"] = mode
        if mode in ("late",) or mode.startswith("slow:"):
            # Taken now, as Meta does, whether or not the answer arrives.
            with st.lock:
                st.counter += 1
                record["wamid"] = "wamid.FAKE%06d" % st.counter
            record["accepted"] = True
            time.sleep(8 if mode == "late" else int(mode[5:]) / 1000.0)
            record["answer"] = 200
            return self.reply(200, {"messaging_product": "whatsapp",
                                    "contacts": [answer_contact(b)],
                                    "messages": [{"id": record["wamid"]}]})
        if mode == "timeout":
            time.sleep(8)
        elif mode == "close":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        elif mode == "http500":
            record["answer"] = 500
            return self.reply(500, error_body(1, "An unexpected error has occurred. Please retry your request later."))
        elif mode.startswith("error:"):
            code = int(mode.split(":", 1)[1])
            record["answer"] = 401 if code == 190 else 400
            return self.reply(record["answer"], error_body(code))
        with st.lock:
            st.counter += 1
            wamid = "wamid.FAKE%06d" % st.counter
        record["answer"] = 200
        record["wamid"] = wamid
        record["accepted"] = True
        return self.reply(200, {"messaging_product": "whatsapp",
                                "contacts": [answer_contact(b)],
                                "messages": [{"id": wamid}]})


    def do_DELETE(self):
        st = self.server.state
        from urllib.parse import parse_qs
        parts = self.path.split("?")[0].strip("/").split("/")
        query = parse_qs(self.path.partition("?")[2])
        self.body()
        if len(parts) != 3 or parts[2] != "message_templates":
            return self.reply(404, error_body(100, "Unknown path components"))
        with st.lock:
            st.template_lists.append({"method": "DELETE", "path": self.path,
                                      "authorization": self.headers.get("Authorization")})
        if not self.authorized():
            return self.reply(401, error_body(190))
        name = (query.get("name") or [""])[0]
        with st.lock:
            keep = [t for t in st.templates if t.get("name") != name]
            if not name or len(keep) == len(st.templates):
                return self.reply(400, error_body(100, "(#100) Message template \"%s\" can't be found" % name))
            st.templates = keep
        return self.reply(200, {"success": True})

    def list_templates(self, parts):
        """GET {waba}/message_templates: a page of the library, with Meta's
        cursors (base64 of the offset) and next only while more follow."""
        st = self.server.state
        import base64
        from urllib.parse import parse_qs
        query = parse_qs(self.path.partition("?")[2])
        with st.lock:
            st.template_lists.append({"method": "GET", "path": self.path,
                                      "authorization": self.headers.get("Authorization")})
        if not self.authorized():
            return self.reply(401, error_body(190))
        try:
            limit = int((query.get("limit") or ["25"])[0])
            after = (query.get("after") or [""])[0]
            start = int(base64.urlsafe_b64decode(after).decode()) if after else 0
        except ValueError:
            return self.reply(400, error_body(100, "(#100) Invalid cursor"))
        limit = max(1, min(limit, 250))
        with st.lock:
            items = st.templates[start:start + limit]
            more = start + limit < len(st.templates)

        def cursor(n):
            return base64.urlsafe_b64encode(str(n).encode()).decode()
        page = {"data": items}
        if items:
            page["paging"] = {"cursors": {"before": cursor(start), "after": cursor(start + len(items))}}
            if more:
                page["paging"]["next"] = "http://127.0.0.1:%d/%s?limit=%d&after=%s" % (
                    self.server.server_address[1], "/".join(parts), limit, cursor(start + len(items)))
        return self.reply(200, page)

    def create_template(self, raw, parts):
        st = self.server.state
        with st.lock:
            st.template_lists.append({"method": "POST", "path": self.path, "body": None,
                                      "authorization": self.headers.get("Authorization")})
            rec = st.template_lists[-1]
        try:
            b = json.loads(raw)
        except ValueError:
            return self.reply(400, error_body(100))
        rec["body"] = b
        if not self.authorized():
            return self.reply(401, error_body(190))
        if not isinstance(b, dict) or not isinstance(b.get("name"), str) or not TEMPLATE_NAME.match(b["name"]):
            return self.reply(400, error_body(100, "(#100) Param name must be lowercase letters, numbers and underscores"))
        if b.get("category") not in ("MARKETING", "UTILITY", "AUTHENTICATION"):
            return self.reply(400, error_body(100, "(#100) Param category must be one of {MARKETING, UTILITY, AUTHENTICATION}"))
        if not isinstance(b.get("components"), list) or not any(
                isinstance(c, dict) and c.get("type") == "BODY" for c in b["components"]):
            return self.reply(400, error_body(100, "(#100) A BODY component is required"))
        with st.lock:
            if any(t["name"] == b["name"] and t["language"] == b.get("language") for t in st.templates):
                return self.reply(400, error_body(100, "(#100) Content in this language already exists"))
            st.template_counter += 1
            tid = str(900000000000000 + st.template_counter)
            st.templates.append({"name": b["name"], "language": b.get("language"), "status": "PENDING",
                                 "category": b["category"], "id": tid, "components": b["components"],
                                 "parameter_format": b.get("parameter_format", "POSITIONAL")})
        return self.reply(200, {"id": tid, "status": "PENDING", "category": b["category"]})

    def qrdls(self, raw, parts):
        """Meta's QR code API: a new code, or a new message for one."""
        st = self.server.state
        record = {"path": self.path, "authorization": self.headers.get("Authorization"),
                  "content_type": self.headers.get("Content-Type"), "body": None, "answer": None}
        with st.lock:
            st.qr_requests.append(record)

        def fail(status, code, message):
            record["answer"] = status
            return self.reply(status, error_body(code, message))
        try:
            record["body"] = b = json.loads(raw)
        except ValueError:
            return fail(400, 100, "(#100) The parameter prefilled_message is required.")
        if not self.authorized():
            return fail(401, 190, None)
        if parts[1] != st.pnid:
            return fail(400, 100, "Unsupported post request. Object with ID '%s' does not exist" % parts[1])
        msg = b.get("prefilled_message") if isinstance(b, dict) else None
        if not isinstance(msg, str) or not msg:
            return fail(400, 100, "(#100) The parameter prefilled_message is required.")
        if len(msg) > 140:
            return fail(400, 100, "(#100) Param prefilled_message must be at most 140 characters long.")
        if b.get("generate_qr_image", "PNG") not in ("SVG", "PNG"):
            return fail(400, 100, "(#100) Param generate_qr_image must be one of {SVG, PNG}.")
        mode = st.take("qr")
        if mode == "http500":
            return fail(500, 1, "An unexpected error has occurred. Please retry your request later.")
        if mode.startswith("error:"):
            return fail(400, int(mode[6:]), None)
        if mode == "timeout":
            time.sleep(8)
        with st.lock:
            code = b.get("code")
            if code is not None:
                if code not in st.qr_codes:
                    record["answer"] = 400
                    return self.reply(400, error_body(100, "(#100) Invalid code %s" % code))
            else:
                if len(st.qr_codes) >= st.qr_limit:
                    record["answer"] = 400
                    return self.reply(400, error_body(100, "(#100) A phone number can have at most %d QR codes"
                                                      % st.qr_limit))
                st.counter += 1
                code = "FAKEQR%08d" % st.counter
            st.qr_codes[code] = msg
        record["answer"] = 200
        fmt = b.get("generate_qr_image", "PNG").lower()
        return self.reply(200, {"code": code, "prefilled_message": msg,
                                "deep_link_url": "https://wa.me/message/" + code,
                                "qr_image_url": "https://scontent.example.net/qr/%s.%s" % (code, fmt)})


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that gave up (tick's own timeout) is what the timeout
        # mode is for: not worth a traceback.
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--phone-number-id", required=True)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.state = State(a.token, a.phone_number_id)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        import os
        os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
