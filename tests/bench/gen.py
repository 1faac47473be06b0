#!/usr/bin/env python3
"""Signed WhatsApp webhook bodies for tests/bench/run.

Writes COUNT lines "sha256=<hex>\t<body>" to OUT, each body a text message in
the shape of tests/integration/harness.py's text_message(), each with its own
wamid. --mode append: every message from one customer (--phone); --mode
create: every message from a new customer (a distinct 15-digit number).
--seed FILE also writes one more body from --phone (no signature line) and
its signature to FILE.sig, to create the append scenario's ticket first.

Usage: gen.py --mode append|create --count N --out FILE --tag T
              [--phone P] [--seed FILE] [--phones scattered|sequential]
The secret and phone_number_id come from WHATSAPP_APP_SECRET and
WHATSAPP_PHONE_NUMBER_ID.
"""
import argparse
import hashlib
import hmac
import json
import os
import time


def text_message(phone, text, name, wamid, pnid, ts):
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": pnid},
            "contacts": [{"profile": {"name": name}, "wa_id": phone}],
            "messages": [{"from": phone, "id": wamid, "timestamp": ts,
                          "type": "text", "text": {"body": text}}]}}]}]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("append", "create"), required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--tag", required=True, help="makes wamids unique to this run")
    ap.add_argument("--phone", default="521500000000001")
    ap.add_argument("--seed")
    ap.add_argument("--phones", choices=("scattered", "sequential"), default="scattered",
                    help="create: new numbers in random order, or one after another")
    a = ap.parse_args()
    start = time.time()
    key = os.environ["WHATSAPP_APP_SECRET"].encode()
    pnid = os.environ["WHATSAPP_PHONE_NUMBER_ID"]
    ts = str(int(time.time()))

    def body(phone, name, text, wamid):
        return json.dumps(text_message(phone, text, name, wamid, pnid, ts),
                          separators=(",", ":"), ensure_ascii=False).encode()

    def sig(b):
        return "sha256=" + hmac.new(key, b, hashlib.sha256).hexdigest()

    if a.seed:
        b = body(a.phone, "Bench Append", "I need help with my order (bench seed)",
                 "wamid.BENCH%s.seed" % a.tag)
        with open(a.seed, "wb") as f:
            f.write(b)
        with open(a.seed + ".sig", "w") as f:
            f.write(sig(b))

    with open(a.out, "wb") as f:
        for i in range(a.count):
            if a.mode == "append":
                phone, name = a.phone, "Bench Append"
                text = "Follow-up number %d: any news about my order?" % i
            else:
                # 5216 + 11 digits: 15 digits, never the append customer.
                # Scattered: i -> i*A mod 10^11 is one-to-one (A is prime to
                # 10), so the numbers are distinct but land all over the
                # tickets' mobile index, as real customers' would.
                n = i if a.phones == "sequential" else (i * 38196601127 + 12345) % 10**11
                phone, name = "5216%011d" % n, "Bench Customer %d" % i
                text = "Hello, my order %d has not arrived" % i
            b = body(phone, name, text, "wamid.BENCH%s.%s.%d" % (a.tag, a.mode, i))
            f.write(sig(b).encode() + b"\t" + b + b"\n")
    print("gen: %d %s bodies in %.2f s" % (a.count, a.mode, time.time() - start))


if __name__ == "__main__":
    main()
