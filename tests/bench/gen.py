#!/usr/bin/env python3
"""Signed WhatsApp webhook bodies for tests/bench/run.

Writes COUNT lines "sha256=<hex>\t<body>" to OUT, each body a text message in
the shape of tests/integration/harness.py's text_message(), each with its own
wamid. --mode append: messages from --customers customers (numbers --phone,
--phone + 1, ...), round-robin (body i from customer i mod N); --mode create:
every message from a new customer (a distinct 15-digit number).
--seed FILE also writes, in the same line format, one first message from each
append customer, to open their tickets before the run.

Usage: gen.py --mode append|create --count N --out FILE --tag T
              [--phone P] [--customers N] [--seed FILE]
              [--phones scattered|sequential]
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
    ap.add_argument("--phone", default="521500000000001",
                    help="append: the first customer's number (15 digits)")
    ap.add_argument("--customers", type=int, default=1,
                    help="append: how many customers the bodies go round")
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

    if a.customers < 1 or len(str(int(a.phone) + a.customers - 1)) != len(a.phone):
        ap.error("--phone and --customers must give numbers of one length")
    phones = [str(int(a.phone) + c) for c in range(a.customers)]
    if a.seed:
        with open(a.seed, "wb") as f:
            for c, phone in enumerate(phones):
                b = body(phone, "Bench Append %d" % c, "I need help with my order (bench seed)",
                         "wamid.BENCH%s.seed.%s" % (a.tag, phone))
                f.write(sig(b).encode() + b"\t" + b + b"\n")

    with open(a.out, "wb") as f:
        for i in range(a.count):
            if a.mode == "append":
                c = i % a.customers
                phone, name = phones[c], "Bench Append %d" % c
                text = "Follow-up number %d: any news about my order?" % i
            else:
                # 5216 + 11 digits: 15 digits, never the append customer.
                # Scattered: i -> i*A mod 10^11 is one-to-one (A is prime to
                # 10), so the numbers are distinct but land all over the
                # tickets' mobile index, as real customers' would.
                n = i if a.phones == "sequential" else (i * 38196601127 + 12345) % 10**11
                phone, name = "5216%011d" % n, "Bench Customer %d" % i
                text = "Hello, my order %d has not arrived" % i
            # The first number in append wamids: two append files of one
            # run never share a wamid (a shared one would be a cheap
            # redelivery, not an append).
            kind = a.mode if a.mode == "create" else "append%s" % a.phone
            b = body(phone, name, text, "wamid.BENCH%s.%s.%d" % (a.tag, kind, i))
            f.write(sig(b).encode() + b"\t" + b + b"\n")
    print("gen: %d %s bodies%s in %.2f s" % (
        a.count, a.mode, " over %d customers" % a.customers if a.mode == "append" else "",
        time.time() - start))


if __name__ == "__main__":
    main()
