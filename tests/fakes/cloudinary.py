#!/usr/bin/env python3
"""A fake of Cloudinary's upload API, on loopback only.

It checks what Cloudinary checks: the cloud name, the API key, a timestamp
within the hour, and the signature (every parameter but file, cloud_name,
resource_type, api_key and signature; empty ones dropped; sorted; joined
key=value by &; the secret appended; SHA-1 hex). Answers as Cloudinary does.

  POST /v1_1/{cloud}/{image|video|raw|auto}/upload   multipart form
  POST /v1_1/{cloud}/{image|video|raw}/destroy       multipart or urlencoded
                                                      form: public_id, timestamp,
                                                      api_key, signature
  GET  /_fake/uploads                                 every upload received
  GET  /_fake/destroys                                every destroy that passed
  POST /_fake/mode {"mode": M, "times": N}            ok | http500 | http420 |
                                                      timeout | badjson
  POST /_fake/reset

Usage: cloudinary.py --cloud C --key K --secret S [--port P] [--port-file F]
"""
import argparse
import hashlib
import json
import os
import socketserver
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, HTTPServer


class State:
    def __init__(self, cloud, key, secret):
        self.cloud, self.key, self.secret = cloud, key, secret
        self.lock = threading.Lock()
        self.uploads = []
        self.destroys = []
        self.mode = "ok"
        self.times = None

    def take_mode(self):
        with self.lock:
            mode = self.mode
            if self.times is not None:
                self.times -= 1
                if self.times <= 0:
                    self.mode, self.times = "ok", None
            return mode


def signature(params, secret):
    skip = {"file", "cloud_name", "resource_type", "api_key", "signature"}
    items = sorted((k, v) for k, v in params.items() if k not in skip and v != "")
    return hashlib.sha1(("&".join("%s=%s" % kv for kv in items) + secret).encode()).hexdigest()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, message):
        return self.reply(status, {"error": {"message": message}})

    def do_GET(self):
        st = self.server.state
        if self.path == "/_fake/uploads":
            with st.lock:
                return self.reply(200, st.uploads)
        if self.path == "/_fake/destroys":
            with st.lock:
                return self.reply(200, st.destroys)
        return self.error(404, "Resource not found")

    def do_POST(self):
        st = self.server.state
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        parts = self.path.strip("/").split("/")
        if parts == ["_fake", "mode"]:
            req = json.loads(raw or b"{}")
            with st.lock:
                st.mode, st.times = req.get("mode", "ok"), req.get("times")
            return self.reply(200, {"ok": True})
        if parts == ["_fake", "reset"]:
            with st.lock:
                st.uploads, st.mode, st.times = [], "ok", None
                st.destroys = []
            return self.reply(200, {"ok": True})
        if len(parts) == 4 and parts[0] == "v1_1" and parts[3] == "destroy":
            return self.destroy(st, parts, raw)
        if len(parts) != 4 or parts[0] != "v1_1" or parts[3] != "upload" or \
                parts[2] not in ("image", "video", "raw", "auto"):
            return self.error(404, "Resource not found")
        if parts[1] != st.cloud:
            return self.error(401, "Invalid cloud_name %s" % parts[1])
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("multipart/form-data"):
            return self.error(400, "Missing required parameter - file")
        msg = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        params, file_data, filename, file_type = {}, None, None, None
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                file_data = part.get_payload(decode=True)
                filename = part.get_filename()
                file_type = part.get_content_type()
            else:
                params[name] = part.get_payload(decode=True).decode()
        if file_data is None:
            return self.error(400, "Missing required parameter - file")
        if params.get("api_key") != st.key:
            return self.error(401, "Invalid api_key %s" % params.get("api_key"))
        try:
            ts = int(params.get("timestamp", ""))
        except ValueError:
            return self.error(400, "Missing required parameter - timestamp")
        if abs(time.time() - ts) > 3600:
            return self.error(400, "Stale request - reported time is more than 1 hour ago")
        want = signature(params, st.secret)
        if params.get("signature") != want:
            return self.error(401, "Invalid Signature %s. String to sign - '%s'." % (
                params.get("signature"), "&".join("%s=%s" % kv for kv in sorted(
                    (k, v) for k, v in params.items()
                    if k not in ("file", "api_key", "signature") and v != ""))))
        mode = st.take_mode()
        if mode == "timeout":
            time.sleep(8)
        elif mode == "http500":
            return self.error(500, "General Error")
        elif mode == "http420":
            return self.error(420, "Rate Limit Exceeded")
        public_id = "/".join(x for x in (params.get("folder"), params.get("public_id")) if x) or \
            hashlib.md5(file_data).hexdigest()[:20]
        rtype = parts[2] if parts[2] != "auto" else "image"
        fmt = (filename or "").rsplit(".", 1)[-1] if filename and "." in filename else ""
        record = {"public_id": public_id, "folder": params.get("folder"), "bytes": len(file_data),
                  "sha256": hashlib.sha256(file_data).hexdigest(), "filename": filename,
                  "mime_type": file_type, "resource_type": rtype}
        with st.lock:
            st.uploads.append(record)
        if mode == "badjson":
            return self.reply(200, {"public_id": public_id})
        return self.reply(200, {
            "asset_id": hashlib.md5(public_id.encode()).hexdigest(), "public_id": public_id,
            "version": 1717000000, "format": fmt, "resource_type": rtype, "bytes": len(file_data),
            "type": "upload", "original_filename": (filename or "file").rsplit(".", 1)[0],
            "url": "http://res.cloudinary.com/%s/%s/upload/v1717000000/%s" % (st.cloud, rtype, public_id),
            "secure_url": "https://res.cloudinary.com/%s/%s/upload/v1717000000/%s" % (st.cloud, rtype, public_id)})

    def destroy(self, st, parts, raw):
        if parts[2] not in ("image", "video", "raw"):
            return self.error(404, "Resource not found")
        if parts[1] != st.cloud:
            return self.error(401, "Invalid cloud_name %s" % parts[1])
        ctype = self.headers.get("Content-Type", "")
        params = {}
        if ctype.startswith("multipart/form-data"):
            msg = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                params[name] = part.get_payload(decode=True).decode()
        else:
            from urllib.parse import parse_qsl
            params = dict(parse_qsl(raw.decode()))
        if not params.get("public_id"):
            return self.error(400, "Missing required parameter - public_id")
        if params.get("api_key") != st.key:
            return self.error(401, "Invalid api_key %s" % params.get("api_key"))
        try:
            ts = int(params.get("timestamp", ""))
        except ValueError:
            return self.error(400, "Missing required parameter - timestamp")
        if abs(time.time() - ts) > 3600:
            return self.error(400, "Stale request - reported time is more than 1 hour ago")
        if params.get("signature") != signature(params, st.secret):
            return self.error(401, "Invalid Signature %s." % params.get("signature"))
        mode = st.take_mode()
        if mode == "http500":
            return self.error(500, "General Error")
        if mode == "http420":
            return self.error(420, "Rate Limit Exceeded")
        with st.lock:
            known = any(u["public_id"] == params["public_id"] for u in st.uploads)
            st.destroys.append({"public_id": params["public_id"],
                                "resource_type": parts[2]})
        return self.reply(200, {"result": "ok" if known else "not found"})


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        import sys
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cloud", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.state = State(a.cloud, a.key, a.secret)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
