"""Playing Meta under load, and counting what arrived: shared by the
cluster suite (tests/cluster/test_cluster.py) and the fault suite
(tests/faults/test_load.py).

Meta: signed webhooks at a bounded rate through nginx, each delivered again
until it gets a 200 (and a few again after one, as Meta does), counted by
phase. tally() and sends() count the outcome: customer messages stored
(lost, duplicated) and sends the fake Graph API took (twice, of no row).
Needs tests/integration/harness.py on the path (its environment)."""
import queue
import random
import threading
import time

import harness as h


class Meta:
    """Plays Meta: signed webhooks at a bounded rate through nginx, each
    delivered again until it gets a 200 (and a few again after one).

    customers: how many phones send; rate: new messages a second; threads:
    deliveries at once; make: a function (phone, wamid, i) -> payload, a text
    message by default; retry: seconds before a delivery that got no 200 goes
    again; timeout: seconds a delivery waits for its answer."""

    def __init__(self, customers=30, rate=20.0, threads=4, make=None, retry=0.5, timeout=30):
        self.phones = [h.new_phone() for _ in range(customers)]
        self.rate = rate
        self.make = make or (lambda phone, wamid, i: h.text_message(phone, "load message %d" % i, wamid=wamid))
        self.retry = retry
        self.timeout = timeout
        self.q = queue.Queue()
        self.lock = threading.Lock()
        self.phase = "start"
        self.stats = {}       # phase -> {"requests": n, "status": {code: n}, "seconds": s}
        self.first = {}       # wamid -> phase it was first sent in
        self.ok = set()       # wamids answered 200 at least once
        self.ok_at = {}       # wamid -> phase of its first 200
        self.payload = {}
        self.stop = threading.Event()
        self.producing = threading.Event()
        self.workers = [threading.Thread(target=self.work, daemon=True) for _ in range(threads)]
        for w in self.workers:
            w.start()
        self.producer = threading.Thread(target=self.produce, daemon=True)
        self.producer.start()

    def produce(self):
        i = 0
        while not self.stop.is_set():
            if self.producing.is_set():
                i += 1
                wamid = "wamid.LOAD%d" % h.uniq()
                phone = random.choice(self.phones)
                with self.lock:
                    self.first[wamid] = self.phase
                    self.payload[wamid] = self.make(phone, wamid, i)
                self.q.put((wamid, 0))
            time.sleep(1.0 / self.rate)

    def post(self, payload):
        """One delivery: the answer's status, 0 for none at all."""
        try:
            return h.post_webhook(payload, timeout=self.timeout).status
        except Exception:
            return 0

    def count(self, status, phase=None):
        with self.lock:
            ph = self.stats.setdefault(phase or self.phase, {"requests": 0, "status": {}})
            ph["requests"] += 1
            ph["status"][status] = ph["status"].get(status, 0) + 1

    def work(self):
        while not self.stop.is_set():
            try:
                wamid, due = self.q.get(timeout=0.2)
            except queue.Empty:
                continue
            if due > time.time():
                time.sleep(min(0.2, due - time.time()))
                self.q.put((wamid, due))
                continue
            st = self.post(self.payload[wamid])
            self.count(st)
            with self.lock:
                if st == 200:
                    self.ok.add(wamid)
                    self.ok_at.setdefault(wamid, self.phase)
            if st != 200:
                # Meta tries again, soon and then less often.
                self.q.put((wamid, time.time() + self.retry))
            elif random.random() < 0.03:
                # Duplicates happen even after a 200.
                self.q.put((wamid, time.time() + 0.3))

    def pending(self):
        with self.lock:
            return len(set(self.first) - self.ok)

    def drain(self, seconds):
        """Stops making messages and waits (at most seconds) until each one
        made got its 200; the count still waiting."""
        self.producing.clear()
        deadline = time.time() + seconds
        while self.pending() and time.time() < deadline:
            time.sleep(0.2)
        return self.pending()

    def close(self):
        self.stop.set()
        for w in self.workers:
            w.join(timeout=40)


def tally(sql, wamids, chunk=200):
    """How many inbound rows each of wamids has, read by sql (a function of
    a query returning rows): (lost, duplicated), two sets of wamids."""
    wamids = list(wamids)
    stored = {}
    for i in range(0, len(wamids), chunk):
        ids = "','".join(wamids[i:i + chunk])
        for w, c in sql("SELECT wamid, COUNT(*) FROM whatsapp_messages WHERE direction = 'in'"
                        " AND wamid IN ('%s') GROUP BY wamid" % ids):
            stored[w] = int(c)
    lost = {w for w in wamids if w not in stored}
    dup = {w for w, c in stored.items() if c > 1}
    return lost, dup


def sends(phones, requests=None):
    """What the fake Graph API took for phones: {outbox row id (its
    biz_opaque_callback_data): times taken}."""
    phones = set(phones)
    out = {}
    for r in requests if requests is not None else h.graph("GET", "/_fake/requests"):
        b = r.get("body") or {}
        if b.get("to") in phones and r.get("wamid"):
            key = b.get("biz_opaque_callback_data")
            out[key] = out.get(key, 0) + 1
    return out


def report_statuses(requests=None, seen=None):
    """Meta's part after a send: the status webhook of each message the
    Graph API took (the answer to the send may have been lost), once each;
    seen (a set of Graph wamids) remembers which were posted. The count
    posted; raises when one is not answered 200."""
    n = 0
    for r in requests if requests is not None else h.graph("GET", "/_fake/requests"):
        w = r.get("wamid")
        if not w or not (r.get("body") or {}).get("to") or (seen is not None and w in seen):
            continue
        st = h.graph("GET", "/_fake/status?wamid=%s" % w)
        res = h.post_webhook(st)
        assert res.status == 200, ("status webhook", w, res)
        if seen is not None:
            seen.add(w)
        n += 1
    return n
