"""What the fakes of the AI providers (gemini.py, openrouter.py) share: the
model's deterministic answers, the state behind /_fake/mode, and the HTTP
plumbing (the /_fake/ routes, JSON answers, the failure modes, the server
and its command line). Each provider's script subclasses Handler with its
own route, request parsing, error shape and answer envelope.

What the model answers follows the text: a text with FLAGME is abusive,
MALFORMED gets half a JSON object, one mentioning a near miss gets a
suggestion; an assistance request (a schema whose one property is summary,
reply or translation) gets deterministic texts naming what was asked.
"""
import argparse
import json
import os
import re
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

CATS = ("harassment", "hate", "sexual", "violence", "self_harm", "dangerous", "personal_data")


def verdict(text):
    """The model's answer text for text, as tick's schema asks."""
    if "MALFORMED" in text:
        return '{"flagged": true, "categories": {"harassment": 0.9'
    flagged = "FLAGME" in text
    cats = {c: 0.0 for c in CATS}
    if flagged:
        cats["harassment"] = 0.93
    sug = None
    if "near miss" in text.lower():
        sug = {"life_saving_rule": "line_of_fire", "observation_type": "near_miss",
               "severity": "high", "confidence": 0.82}
    return json.dumps({"flagged": flagged, "categories": cats, "suggestion": sug})


ASSIST = ("summary", "reply", "translation")


def assist_answer(member, instruction, conversation):
    """The model's answer text for an assistance request (tick's schema has
    the one member summary, reply or translation): deterministic texts that
    say what they were given, so that tests can check it."""
    turns = json.loads(conversation)
    m = re.search(r"(?:written|translation) in (.+?)\. The conversation", instruction)
    lang = m.group(1) if m else "?"
    if any("MALFORMED" in t["text"] for t in turns):
        return '{"%s": "half' % member
    if member == "summary":
        c = sum(1 for t in turns if t["role"] == "customer")
        text = "Summary (%s): %d turns, %d from the customer, %d from agents." % (
            lang, len(turns), c, len(turns) - c)
    elif member == "reply":
        text = "Draft reply (%s): thank you, we are on it." % lang
    else:
        text = "Translation (%s): %s" % (lang, turns[-1]["text"])
    return json.dumps({member: text})


def answer_text(member, instruction, text):
    """What the model answers: the assistance text for member, else the
    safety verdict."""
    return assist_answer(member, instruction, text) if member else verdict(text)


class State:
    def __init__(self, key):
        self.key = key
        self.lock = threading.Lock()
        self.requests = []
        self.mode, self.times = "ok", None

    def take_mode(self):
        with self.lock:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            return mode


class Handler(BaseHTTPRequestHandler):
    """The plumbing. A provider sets FAILURES (mode -> (status, message,
    extra) for error()) and defines error(status, message, extra, headers),
    and serve(raw) for every POST that is not a /_fake/ route."""
    protocol_version = "HTTP/1.1"
    NOT_FOUND = ("Not found",)
    FAILURES = {}

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj, headers=None):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def not_found(self):
        return self.error(404, *self.NOT_FOUND)

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/requests":
            with st.lock:
                return self.reply(200, st.requests)
        return self.not_found()

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if self.path == "/_fake/mode":
            req = json.loads(raw or b"{}")
            with st.lock:
                st.mode, st.times = req.get("mode", "ok"), req.get("times")
            return self.reply(200, {"ok": True})
        if self.path == "/_fake/reset":
            with st.lock:
                st.requests, st.mode, st.times = [], "ok", None
            return self.reply(200, {"ok": True})
        return self.serve(raw)

    def record(self, model, body, secret_header):
        """Keeps the request (without its secret header) and answers the
        failure the mode asks for: True when it did (the caller stops)."""
        st = self.server.state
        with st.lock:
            st.requests.append({"model": model, "body": body,
                                "headers": {k.lower(): v for k, v in self.headers.items()
                                            if k.lower() != secret_header}})
        mode = st.take_mode()
        if mode in self.FAILURES:
            self.error(*self.FAILURES[mode])
            return True
        if mode == "slow":
            time.sleep(5)
        return False

    @staticmethod
    def seen_text(texts, images):
        """What the model sees: the last text, or the last photo's bytes (so
        a test marks an abusive photo with FLAGME in them)."""
        return images[-1][1].decode("latin-1") if images else texts[-1]


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A slow answer's caller has given up: not an error of the fake.
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main(handler):
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), handler)
    srv.state = State(a.key)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()
