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
import base64
import json

import aifake


class Handler(aifake.Handler):
    NOT_FOUND = ("Not found", "NOT_FOUND")
    FAILURES = {
        "http429": (429, "Resource has been exhausted (e.g. check quota).", "RESOURCE_EXHAUSTED",
                    {"Retry-After": "7"}),
        "http402": (402, "Payment required", "FAILED_PRECONDITION"),
        "http500": (500, "An internal error has occurred.", "INTERNAL"),
    }

    def error(self, status, message, code_status, headers=None):
        return self.reply(status, {"error": {"code": status, "message": message, "status": code_status}},
                          headers)

    def serve(self, raw):
        st = self.server.state
        parts = self.path.split("/")
        if len(parts) != 4 or parts[1] != "v1beta" or parts[2] != "models" or \
                not parts[3].endswith(":generateContent"):
            return self.not_found()
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
            member = next((k for k in gc["responseSchema"].get("properties", {}) if k in aifake.ASSIST), None)
            instruction = body.get("systemInstruction", {}).get("parts", [{}])[0].get("text", "")
            assert isinstance(texts[-1], str)
        except (ValueError, KeyError, IndexError, TypeError, AssertionError):
            return self.error(400, "Invalid JSON payload received.", "INVALID_ARGUMENT")
        if self.record(parts[3].split(":")[0], body, "x-goog-api-key"):
            return
        text = self.seen_text(texts, images)
        if "BLOCKME" in text:
            return self.reply(200, {"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH"}]}})
        if "SAFETYSTOP" in text:
            return self.reply(200, {"candidates": [{"finishReason": "SAFETY", "index": 0, "safetyRatings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "HIGH"}]}]})
        answer = aifake.answer_text(member, instruction, text)
        return self.reply(200, {
            "candidates": [{"content": {"parts": [{"text": answer}], "role": "model"},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 40, "totalTokenCount": 90},
            "modelVersion": parts[3].split(":")[0]})


if __name__ == "__main__":
    aifake.main(Handler)
