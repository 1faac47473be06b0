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
import base64
import json

import aifake


class Handler(aifake.Handler):
    FAILURES = {
        "http429": (429, "Rate limit exceeded", {"Retry-After": "7"}),
        "http402": (402, "Insufficient credits. Add more using https://openrouter.ai/credits"),
        "http500": (500, "Internal Server Error"),
    }

    def error(self, status, message, headers=None):
        return self.reply(status, {"error": {"code": status, "message": message}}, headers)

    def serve(self, raw):
        st = self.server.state
        if self.path != "/api/v1/chat/completions":
            return self.not_found()
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
            member = next((k for k in rf["json_schema"]["schema"].get("properties", {}) if k in aifake.ASSIST), None)
            instruction = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
            assert isinstance(texts[-1], str)
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            return self.error(400, "Invalid request")
        if self.record(body["model"], body, "authorization"):
            return
        text = self.seen_text(texts, images)
        if "BLOCKME" in text or "SAFETYSTOP" in text:
            return self.reply(200, {"id": "gen-fake", "model": body["model"], "choices": [
                {"index": 0, "finish_reason": "content_filter",
                 "message": {"role": "assistant", "content": None}}]})
        return self.reply(200, {"id": "gen-fake", "object": "chat.completion", "model": body["model"],
                                "choices": [{"index": 0, "finish_reason": "stop",
                                             "message": {"role": "assistant",
                                                         "content": aifake.answer_text(member, instruction, text)}}],
                                "usage": {"prompt_tokens": 50, "completion_tokens": 40, "total_tokens": 90}})


if __name__ == "__main__":
    aifake.main(Handler)
