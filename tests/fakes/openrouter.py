#!/usr/bin/env python3
"""A fake of OpenRouter's chat completions API, on loopback only.

From OpenRouter's documentation: POST /api/v1/chat/completions with
Authorization: Bearer <key>; OpenAI-style messages (content a string or a
list of {"type": "text"} parts); structured output through response_format
{"type": "json_schema", "json_schema": {name, strict, schema}}. Answers
choices[].message.content with finish_reason; 402 when credits run out,
429 with Retry-After.

What the model answers follows the text: a text with FLAGME is abusive,
BLOCKME is refused (promptFeedback.blockReason SAFETY), SAFETYSTOP stops
with finishReason SAFETY, MALFORMED gets half a JSON object; anything else
is clean; a photo is judged by the same markers in its bytes (BLOCKME and SAFETYSTOP end with finish_reason content_filter).
A text mentioning a near miss gets a suggestion.

Agent assistance (a schema whose one property is summary, reply or
translation) gets deterministic texts naming what was asked: "Summary
(<language>): N turns, ...", "Draft reply (<language>): ...", "Translation
(<language>): <the last turn's text>"; a conversation with MALFORMED gets
half an object, BLOCKME a block.

  GET  /_fake/requests                     every request received (bodies)
  POST /_fake/mode {"mode": M, "times": N} ok | http429 | http500 | http402 |
                                           slow
  POST /_fake/reset

Usage: openrouter.py --key K [--port P] [--port-file F]
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

    def error(self, status, message, headers=None):
        return self.reply(status, {"error": {"code": status, "message": message}}, headers)

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/requests":
            with st.lock:
                return self.reply(200, st.requests)
        return self.error(404, "Not found")

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
        if self.path != "/api/v1/chat/completions":
            return self.error(404, "Not found")
        if self.headers.get("Authorization") != "Bearer " + st.key:
            return self.error(401, "No auth credentials found")
        try:
            body = json.loads(raw)
            assert isinstance(body["model"], str) and body["model"]
            texts, images = [], []
            for m in body["messages"]:
                if m["role"] != "user":
                    continue
                c = m["content"]
                texts += [c] if isinstance(c, str) else [p["text"] for p in c if p["type"] == "text"]
                # A photo: an image_url part with a data: URL.
                for p in [] if isinstance(c, str) else c:
                    if p["type"] == "image_url":
                        url = p["image_url"]["url"]
                        head, _, data = url.partition(",")
                        assert head.startswith("data:image/") and head.endswith(";base64")
                        images.append((head[5:-7], base64.b64decode(data, validate=True)))
            rf = body["response_format"]
            assert rf["type"] == "json_schema" and rf["json_schema"]["schema"]["type"] == "object"
            member = next((k for k in rf["json_schema"]["schema"].get("properties", {}) if k in ASSIST), None)
            instruction = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
            assert isinstance(texts[-1], str)
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            return self.error(400, "Invalid request")
        with st.lock:
            st.requests.append({"model": body["model"], "body": body,
                                "headers": {k.lower(): v for k, v in self.headers.items()
                                            if k.lower() != "authorization"}})
        mode = st.take_mode()
        if mode == "http429":
            return self.error(429, "Rate limit exceeded", {"Retry-After": "7"})
        if mode == "http402":
            return self.error(402, "Insufficient credits. Add more using https://openrouter.ai/credits")
        if mode == "http500":
            return self.error(500, "Internal Server Error")
        if mode == "slow":
            time.sleep(5)
        text = texts[-1]
        if images:
            # What the model sees in a photo: the fakes read its bytes, so a
            # test marks an abusive photo with FLAGME in them.
            text = images[-1][1].decode("latin-1")
        if "BLOCKME" in text or "SAFETYSTOP" in text:
            return self.reply(200, {"id": "gen-fake", "model": body["model"], "choices": [
                {"index": 0, "finish_reason": "content_filter",
                 "message": {"role": "assistant", "content": None}}]})
        return self.reply(200, {"id": "gen-fake", "object": "chat.completion", "model": body["model"],
                                "choices": [{"index": 0, "finish_reason": "stop",
                                             "message": {"role": "assistant",
                                                         "content": assist_answer(member, instruction, text)
                                                         if member else verdict(text)}}],
                                "usage": {"prompt_tokens": 50, "completion_tokens": 40, "total_tokens": 90}})


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
