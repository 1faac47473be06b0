#!/usr/bin/env python3
"""A fake of Google's Gemini API (generateContent), on loopback only.

From Google's documentation: POST /v1beta/models/{model}:generateContent
with the key in the x-goog-api-key header; the body's contents[].parts[]
carry the text; structured output through generationConfig.responseMimeType
application/json and a responseSchema. Answers candidates[].content.parts[]
.text with finishReason, or promptFeedback.blockReason for a refused prompt.

What the model answers follows the text: a text with FLAGME is abusive,
BLOCKME is refused (promptFeedback.blockReason SAFETY), SAFETYSTOP stops
with finishReason SAFETY, MALFORMED gets half a JSON object; anything else
is clean; a photo is judged by the same markers in its bytes. A text mentioning a near miss gets a suggestion.

Agent assistance (a schema whose one property is summary, reply or
translation) gets deterministic texts naming what was asked: "Summary
(<language>): N turns, ...", "Draft reply (<language>): ...", "Translation
(<language>): <the last turn's text>"; a conversation with MALFORMED gets
half an object, BLOCKME a block.

  GET  /_fake/requests                     every request received (bodies)
  POST /_fake/mode {"mode": M, "times": N} ok | http429 | http500 | http402 |
                                           slow
  POST /_fake/reset

Usage: gemini.py --key K [--port P] [--port-file F]
"""
import argparse
import base64
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
    protocol_version = "HTTP/1.1"

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

    def error(self, status, message, code_status, headers=None):
        return self.reply(status, {"error": {"code": status, "message": message, "status": code_status}},
                          headers)

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/requests":
            with st.lock:
                return self.reply(200, st.requests)
        return self.error(404, "Not found", "NOT_FOUND")

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
        parts = self.path.split("/")
        if len(parts) != 4 or parts[1] != "v1beta" or parts[2] != "models" or \
                not parts[3].endswith(":generateContent"):
            return self.error(404, "Not found", "NOT_FOUND")
        if self.headers.get("x-goog-api-key") != st.key:
            return self.error(403, "Method doesn't allow unregistered callers", "PERMISSION_DENIED")
        try:
            body = json.loads(raw)
            texts = [p["text"] for c in body["contents"] for p in c["parts"] if "text" in p]
            # A photo: inline_data with its mime type and base64 bytes.
            images = [(p["inline_data"]["mime_type"], base64.b64decode(p["inline_data"]["data"], validate=True))
                      for c in body["contents"] for p in c["parts"] if "inline_data" in p]
            assert all(m.startswith("image/") and b for m, b in images)
            gc = body["generationConfig"]
            assert gc["responseMimeType"] == "application/json"
            assert gc["responseSchema"]["type"] == "OBJECT"
            member = next((k for k in gc["responseSchema"].get("properties", {}) if k in ASSIST), None)
            instruction = body.get("systemInstruction", {}).get("parts", [{}])[0].get("text", "")
            assert isinstance(texts[-1], str)
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            return self.error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT")
        with st.lock:
            st.requests.append({"model": parts[3].split(":")[0], "body": body,
                                "headers": {k.lower(): v for k, v in self.headers.items()
                                            if k.lower() != "x-goog-api-key"}})
        mode = st.take_mode()
        if mode == "http429":
            return self.error(429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED",
                              {"Retry-After": "7"})
        if mode == "http402":
            return self.error(402, "Payment required", "FAILED_PRECONDITION")
        if mode == "http500":
            return self.error(500, "An internal error has occurred.", "INTERNAL")
        if mode == "slow":
            time.sleep(5)
        text = texts[-1]
        if images:
            # What the model sees in a photo: the fakes read its bytes, so a
            # test marks an abusive photo with FLAGME in them.
            text = images[-1][1].decode("latin-1")
        if "BLOCKME" in text:
            return self.reply(200, {"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH"}]}})
        if "SAFETYSTOP" in text:
            return self.reply(200, {"candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "HIGH"}]}]})
        answer = assist_answer(member, instruction, text) if member else verdict(text)
        return self.reply(200, {
            "candidates": [{"content": {"parts": [{"text": answer}], "role": "model"},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 40, "totalTokenCount": 90},
            "modelVersion": parts[3].split(":")[0]})


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A slow answer's caller has given up: not an error of the fake.
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.state = State(a.key)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
