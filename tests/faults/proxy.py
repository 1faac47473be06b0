#!/usr/bin/env python3
"""A TCP forwarder on loopback that can be taken down: the fault suite
(tests/faults/run) puts one in front of the fake Graph API and one in front
of the fake Cloudinary, so that either can refuse connections while the
fake behind it keeps what it received.

  SIGUSR1  down: close the listening socket (connections are refused) and
           cut every connection in flight
  SIGUSR2  up: listen again on the same port

Usage: proxy.py --upstream PORT --port-file F
"""
import argparse
import os
import signal
import socket
import threading
import time


class Proxy:
    def __init__(self, upstream):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.conns = set()
        self.want_up = True
        self.sock = None
        self.port = 0

    def listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(128)
        s.settimeout(0.1)
        self.port = s.getsockname()[1]
        self.sock = s

    def cut(self):
        with self.lock:
            conns, self.conns = self.conns, set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for c in (src, dst):
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def serve(self, client):
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream), 5)
            up.settimeout(None)
        except OSError:
            client.close()
            return
        client.settimeout(None)
        with self.lock:
            self.conns.update((client, up))
        t = threading.Thread(target=self.pump, args=(up, client), daemon=True)
        t.start()
        self.pump(client, up)
        t.join()
        with self.lock:
            self.conns.discard(client)
            self.conns.discard(up)
        client.close()
        up.close()

    def run(self):
        while True:
            if not self.want_up:
                if self.sock is not None:
                    self.sock.close()
                    self.sock = None
                    self.cut()
                time.sleep(0.05)
                continue
            if self.sock is None:
                try:
                    self.listen()
                except OSError:
                    time.sleep(0.1)
                    continue
            try:
                client, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                continue
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    p = Proxy(a.upstream)
    p.listen()
    signal.signal(signal.SIGUSR1, lambda *_: setattr(p, "want_up", False))
    signal.signal(signal.SIGUSR2, lambda *_: setattr(p, "want_up", True))
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(p.port))
    os.rename(tmp, a.port_file)
    p.run()


if __name__ == "__main__":
    main()
