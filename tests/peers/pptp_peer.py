#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Scripted PPTP peer (RFC 2637): a PNS or a PAC that plays one side of a
scenario over real TCP and GRE (raw socket), with exact control of TCP
segmentation, and asserts every Call ID field and GRE key it receives.

Each side knows only its own Call ID.  It learns the peer's from the first
field that names it, then requires every later field naming the peer to
agree, and every field naming itself (Peer's Call ID, GRE key) to be its
own: so the same scenario checks a plain router and a NAT router.

  pptp_peer.py --role pns|pac --tcp connect|listen --addr IP [--port 1723]
               --peer-ip IP --call-id N --scenario NAME [--clients N]
               [--sleep-until FILE]

With --clients N a listening peer serves N connections at once (Call IDs
N, N+1, ...), as a PAC with several PNSs behind one NAT, and also requires
the peers' Call IDs it learned to be distinct.

Exit status 0 when every step and assertion passed; prints one line per
step.  The scenarios are at the bottom of this file.

Its message table (TYPES) is written from RFC 2637 apart from the
modules' (pptp_wire.c), on purpose: a peer that shared the table under
test could not catch a wrong size or offset in it.
"""
import argparse
import os
import select
import threading
import socket
import struct
import sys
import time

MAGIC = 0x1A2B3C4D
# type: (name, RFC size, [(offset, 'own'|'peer')], result offset)
TYPES = {
    1: ("SCCRQ", 156, [], None),
    2: ("SCCRP", 156, [], 14),
    3: ("StopCCRQ", 16, [], None),
    4: ("StopCCRP", 16, [], 12),
    5: ("EchoRQ", 16, [], None),
    6: ("EchoRP", 20, [], None),
    7: ("OCRQ", 168, [(12, "own")], None),
    8: ("OCRP", 32, [(12, "own"), (14, "peer")], 16),
    9: ("ICRQ", 220, [(12, "own")], None),
    10: ("ICRP", 24, [(12, "own"), (14, "peer")], 16),
    11: ("ICCN", 28, [(12, "peer")], None),
    12: ("CCRQ", 16, [(12, "own")], None),
    13: ("CDN", 148, [(12, "own")], 14),
    14: ("WEN", 40, [(12, "peer")], None),
    15: ("SLI", 24, [(12, "peer")], None),
}
BY_NAME = {v[0]: k for k, v in TYPES.items()}


class Fail(Exception):
    pass


class Peer:
    def __init__(self, args):
        self.role = args.role
        self.own = args.call_id
        self.peer = None          # learned
        self.first_peer = None
        self.peer_ip = args.peer_ip
        self.args = args
        self.rx = b""
        self.sock = None
        self.gre = None
        self.shared_gre = False

    def log(self, msg):
        print(f"peer {self.role}: {msg}", flush=True)

    # TCP -------------------------------------------------------------
    def open(self, sock=None):
        a = self.args
        if sock is not None:
            s = sock
        elif a.tcp == "connect":
            deadline = time.time() + 10
            while True:
                try:
                    s = socket.create_connection((a.addr, a.port), timeout=5)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.1)
        else:
            ls = socket.socket()
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((a.addr, a.port))
            ls.listen(1)
            # A client may take a while to start on a loaded TCG guest.
            ls.settimeout(60)
            s, _ = ls.accept()
            ls.close()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Longer than a hold by --sleep-until (60 s at most).
        s.settimeout(75)
        self.sock = s
        self.gre = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)

    def build(self, name, cid=None, result=1):
        t = BY_NAME[name]
        _, size, fields, roff = TYPES[t]
        b = bytearray(size)
        struct.pack_into("!HHIHH", b, 0, size, 1, MAGIC, t, 0)
        for off, kind in fields:
            v = self.own if kind == "own" else self.peer
            if cid == "peer":       # e.g. CDN with the PNS's Call ID
                v = self.peer
            struct.pack_into("!H", b, off, v if v is not None else 0)
        if roff is not None:
            b[roff] = result
        return bytes(b)

    def send(self, data, split=None, what=""):
        """One write per segment; split=[k, ...] cuts data at those offsets."""
        cuts = [0] + list(split or []) + [len(data)]
        for i in range(len(cuts) - 1):
            self.sock.sendall(data[cuts[i]:cuts[i + 1]])
            if i < len(cuts) - 2:
                time.sleep(0.05)    # TCP_NODELAY: each write its own segment
        self.log(f"sent {what}" + (f" split at {split}" if split else ""))

    def recv_msg(self):
        while True:
            if len(self.rx) >= 2:
                ln = struct.unpack_from("!H", self.rx)[0]
                if len(self.rx) >= ln:
                    m, self.rx = self.rx[:ln], self.rx[ln:]
                    return m
            d = self.sock.recv(4096)
            if not d:
                raise Fail("connection closed")
            self.rx += d

    def expect(self, name, cid="peer"):
        m = self.recv_msg()
        ln, mt, magic, t = struct.unpack_from("!HHIH", m)
        if magic != MAGIC or mt != 1 or t not in TYPES:
            raise Fail(f"bad message {m[:12].hex()}")
        got = TYPES[t][0]
        if got != name:
            raise Fail(f"expected {name}, got {got}")
        ids = []
        for off, kind in TYPES[t][2]:
            v = struct.unpack_from("!H", m, off)[0]
            ids.append(v)
            if kind == "peer" or (name == "CDN" and cid == "mine"):
                if v != self.own:
                    raise Fail(f"{name}: field at {off} is {v}, my Call ID is {self.own}")
            elif self.peer is None:
                self.peer = v
                if self.first_peer is None:
                    self.first_peer = v
                self.log(f"learned peer Call ID {v} from {name}")
            elif v != self.peer:
                raise Fail(f"{name}: field at {off} is {v}, peer's Call ID is {self.peer}")
        self.log(f"got {name} {ids} ok")

    # GRE -------------------------------------------------------------
    def gre_send(self, n=1):
        for i in range(n):
            payload = b"\xff\x03\x00\x21" + bytes(20)
            hdr = struct.pack("!HHHH", 0x2001, 0x880B, len(payload), self.peer)
            self.gre.sendto(hdr + payload, (self.peer_ip, 0))
        self.log(f"sent {n} GRE with key {self.peer}")

    def gre_expect(self, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r, _, _ = select.select([self.gre], [], [], deadline - time.time())
            if not r:
                break
            pkt, src = self.gre.recvfrom(2048)
            ihl = (pkt[0] & 0x0F) * 4
            g = pkt[ihl:]
            if src[0] != self.peer_ip or len(g) < 8:
                continue
            flags, proto, _, key = struct.unpack_from("!HHHH", g)
            if proto != 0x880B:
                continue
            if key != self.own:
                if self.shared_gre:     # another connection's call
                    continue
                raise Fail(f"GRE key {key}, my Call ID is {self.own}")
            self.log(f"got GRE with key {key} ok")
            return
        raise Fail("no GRE from the peer")

    def run(self, steps, sock=None):
        self.open(sock)
        for step in steps:
            op, *a = step
            if op == "sendx":
                self.op_send(*a[0], **a[1])
            else:
                getattr(self, "op_" + op)(*a)
        self.sock.close()

    # Scenario operations ---------------------------------------------
    def op_send(self, *names, split=None, cid=None, result=1):
        data = b"".join(self.build(n, cid=cid, result=result) for n in names)
        self.send(data, split, "+".join(names))

    def op_expect(self, name, cid="peer"):
        self.expect(name, cid)

    def op_flood(self):
        """Set-Link-Info and WAN-Error-Notify, --flood of them, in one write."""
        # WAN-Error-Notify is the PAC's alone (RFC 2637 2.14).
        pair = self.build("SLI") + self.build("WEN" if self.args.role == "pac" else "SLI")
        n = self.args.flood
        # A timeout bounds all of sendall(): give a lossy path its time.
        self.sock.settimeout(60)
        self.sock.sendall(pair * (n // 2) + (self.build("SLI") if n % 2 else b""))
        self.sock.settimeout(75)
        self.log(f"sent {n} SLI/WEN back to back")

    def op_expect_flood(self):
        """The flood: count the messages that name my Call ID."""
        n, right, t0 = self.args.flood, 0, None
        for i in range(n):
            m = self.recv_msg()
            t0 = t0 or time.monotonic()
            t = struct.unpack_from("!H", m, 8)[0]
            if t in (BY_NAME["SLI"], BY_NAME["WEN"]) and struct.unpack_from("!H", m, 12)[0] == self.own:
                right += 1
        dt = time.monotonic() - t0
        self.log(f"flood: {right} of {n} arrived with my Call ID, {dt:.3f} s from the first")
        if right != n:
            raise Fail(f"flood: {n - right} of {n} with another Call ID")

    def op_flood_both(self):
        """The flood each way at once: a thread writes ours, this one counts
        the peer's, so that both directions of the connection cross the
        router together (on two CPUs, with the peers pinned to each)."""
        err = []

        def writer():
            try:
                self.op_flood()
            except BaseException as e:  # any failure fails this side
                err.append(e)
        t = threading.Thread(target=writer)
        t.start()
        try:
            self.op_expect_flood()
        finally:
            t.join()
        if err:
            raise Fail(f"flood: {err[0]}")

    def op_own(self, v):
        """This end's Call ID from now on."""
        self.own = v

    def op_peer(self, v):
        """The peer's Call ID from now on (None: learn it again)."""
        self.peer = v

    def op_skip(self, name):
        """A message of type @name, its fields not checked."""
        m = self.recv_msg()
        got = TYPES.get(struct.unpack_from("!H", m, 8)[0], ("?",))[0]
        if got != name:
            raise Fail(f"expected {name}, got {got}")
        self.log(f"got {name} (not checked)")

    def op_expect_id(self, name, v):
        """A message of type @name whose first Call ID field is @v."""
        m = self.recv_msg()
        got = TYPES.get(struct.unpack_from("!H", m, 8)[0], ("?",))[0]
        cid = struct.unpack_from("!H", m, 12)[0]
        if got != name or cid != v:
            raise Fail(f"expected {name} with Call ID {v}, got {got} with {cid}")
        self.log(f"got {name} [{cid}] ok")

    def op_gre(self):
        self.gre_send()

    def op_gre_expect(self):
        self.gre_expect()

    def op_sleep(self, s):
        until = self.args.sleep_until
        if not until:
            time.sleep(s)
            return
        deadline = time.time() + 60
        while not os.path.exists(until) and time.time() < deadline:
            time.sleep(0.02)
        self.log(f"slept until {until} existed")

    def op_hold(self, name):
        """Hold the call until the file --sleep-until names, plus .NAME,
        exists (60 s at most), while a test looks at the router."""
        if not self.args.sleep_until:
            raise Fail("a hold step needs --sleep-until")
        flag = f"{self.args.sleep_until}.{name}"
        self.log(f"holding {name}")
        deadline = time.time() + 60
        while not os.path.exists(flag):
            if time.time() >= deadline:
                raise Fail(f"held 60 s, and {flag} never came")
            time.sleep(0.02)
        self.log(f"held until {flag} existed")

    def op_forget(self):
        """A new call: a new own Call ID; the peer's is learned again."""
        self.own = (self.own + 1) & 0xFFFF
        self.peer = None
        # The last call's GRE, received or not, is behind us: the clear
        # round trip came after it.
        self.gre.setblocking(False)
        try:
            while self.gre.recv(2048):
                pass
        except BlockingIOError:
            pass
        self.gre.setblocking(True)


def start(pns_first=True):
    """Start-Control-Connection, asked by the PNS (or by the PAC)."""
    if pns_first:
        return ({"pns": [("send", "SCCRQ"), ("expect", "SCCRP")],
                 "pac": [("expect", "SCCRQ"), ("send", "SCCRP")]})
    return ({"pns": [("expect", "SCCRQ"), ("send", "SCCRP")],
             "pac": [("send", "SCCRQ"), ("expect", "SCCRP")]})


def outgoing(pac_reply=("send", "OCRP")):
    return ({"pns": [("send", "OCRQ"), ("expect", "OCRP")],
             "pac": [("expect", "OCRQ"), pac_reply]})


def gre_both_ways():
    return ({"pns": [("gre",), ("gre_expect",)],
             "pac": [("gre_expect",), ("gre",)]})


def clear(cdn_cid=None):
    """Call-Clear-Request, then a CDN with the PAC's (RFC) or PNS's ID."""
    pns_sees = "mine" if cdn_cid == "peer" else "peer"
    return ({"pns": [("send", "CCRQ"), ("expect", "CDN", pns_sees)],
             "pac": [("expect", "CCRQ"), ("sendx", ["CDN"], {"cid": cdn_cid})]})


def join(*parts):
    out = {"pns": [], "pac": []}
    for p in parts:
        for k in out:
            out[k] += p[k]
    return out


def _fix(steps):
    # ("sendx", [names], {kw}) -> call with kwargs
    fixed = []
    for s in steps:
        if s[0] == "sendx":
            fixed.append(("sendx", s[1], s[2] if len(s) > 2 else {}))
        else:
            fixed.append(s)
    return fixed


SLI_BOTH = ({"pns": [("send", "SLI"), ("expect", "SLI"), ("expect", "WEN")],
             "pac": [("expect", "SLI"), ("send", "SLI"), ("send", "WEN")]})

SCENARIOS = {
    # The seed's trace: outgoing call, Set-Link-Info both ways,
    # WAN-Error-Notify, GRE both ways, clear with an RFC-style CDN.
    "seed": join(start(), outgoing(), SLI_BOTH, gre_both_ways(), clear()),
    # The seed's trace with the call held up for five seconds before it is
    # cleared: for several clients at once, their calls overlap (also on
    # a slow debug kernel).
    "seed-held": join(start(), outgoing(), SLI_BOTH, gre_both_ways(),
                      {"pns": [("sleep", 5)], "pac": []}, SLI_BOTH, clear()),
    # The server's Outgoing-Call-Reply and Set-Link-Info in one segment.
    "coalesced": join(start(), outgoing(("sendx", ["OCRP", "SLI"])),
                      {"pns": [("expect", "SLI")], "pac": []},
                      gre_both_ways(), clear()),
    # Set-Link-Info from the server split inside its Peer's Call ID.
    "split": join(start(), outgoing(),
                  {"pns": [("expect", "SLI")],
                   "pac": [("sendx", ["SLI"], {"split": [13]})]},
                  {"pns": [("expect", "SLI")],
                   "pac": [("sendx", ["SLI"], {"split": [1, 9, 12, 14, 20]})]},
                  gre_both_ways(), clear()),
    # Some servers put the PNS's Call ID in Call-Disconnect-Notify.
    "cdn-pns-style": join(start(), outgoing(), gre_both_ways(), clear("peer")),
    # An incoming call: ICRQ from the PAC, ICRP, ICCN.
    "incoming": join(start(),
                     {"pns": [("expect", "ICRQ"), ("send", "ICRP"), ("expect", "ICCN")],
                      "pac": [("send", "ICRQ"), ("expect", "ICRP"), ("send", "ICCN")]},
                     SLI_BOTH, gre_both_ways(), clear()),
    # The server sends thirty Set-Link-Info + WAN-Error-Notify pairs in one
    # write, each naming the client's call: segments full of Call IDs, for
    # a router that must also rewrite their retransmissions.
    "burst": join(start(), outgoing(),
                  {"pns": [("expect", n) for n in ["SLI", "WEN"] * 30],
                   "pac": [("sendx", ["SLI", "WEN"] * 30)]},
                  gre_both_ways(), clear()),
    # Issue 11's load: the server writes --flood Set-Link-Info and
    # WAN-Error-Notify back to back (TCP packs hundreds into a segment),
    # each naming the client's call; the client counts those that name it.
    # The Echo-Request tells the server the flood arrived: its sendall()
    # returns long before that on a lossy path, and it would wait for the
    # client's GRE too early.
    "flood": join(start(), outgoing(),
                  {"pns": [("expect_flood",), ("send", "EchoRQ")],
                   "pac": [("flood",), ("expect", "EchoRQ")]},
                  gre_both_ways(), clear()),
    # The flood both ways at once (tests/e2e/smp.sh): the client's
    # Set-Link-Info towards the server while the server's flood comes back.
    # With --sleep-until, each client holds its call after the flood until
    # the file exists, so that the calls of many clients overlap.
    "flood-both": join(start(), outgoing(),
                       {"pns": [("flood_both",), ("send", "EchoRQ")],
                        "pac": [("flood_both",), ("expect", "EchoRQ")]},
                       gre_both_ways(), {"pns": [("sleep", 0)], "pac": []}, clear()),
    # A redial before the Call-Disconnect-Notify of the call it replaces:
    # with max_calls=1 the new call takes the old one's slot, and must get
    # a mapping of its own.
    "redial-before-cdn": join(
        start(), outgoing(), gre_both_ways(),
        {"pns": [("send", "CCRQ"), ("forget",), ("send", "OCRQ"), ("skip", "CDN"),
                 ("expect", "OCRP")],
         "pac": [("expect", "CCRQ"), ("send", "CDN"), ("forget",), ("expect", "OCRQ"),
                 ("send", "OCRP")]},
        gre_both_ways(), clear()),
    # Two calls on one connection, where the PAC's ID of call 1 (513) is
    # the ID the far end sees for the PNS's call 2 (512, translated to 513
    # while another client holds 512): the PAC's RFC-style CDN for call 1
    # carries 513 and must reach the PNS as 513, and call 2 live on.
    "cdn-two-calls": join(start(), {
        "pns": [("own", 600), ("send", "OCRQ"), ("expect", "OCRP"),
                ("own", 512), ("peer", None), ("send", "OCRQ"), ("expect", "OCRP"),
                ("expect_id", "CDN", 513),
                ("peer", 514), ("send", "SLI"), ("expect", "SLI"),
                ("send", "CCRQ"), ("expect", "CDN")],
        "pac": [("own", 513), ("expect", "OCRQ"), ("send", "OCRP"),
                ("own", 514), ("peer", None), ("expect", "OCRQ"), ("send", "OCRP"),
                ("own", 513), ("send", "CDN"),
                ("own", 514), ("peer", 513), ("expect", "SLI"), ("send", "SLI"),
                ("expect", "CCRQ"), ("send", "CDN")]}),
    # A call set up and held for four seconds with no GRE at all, then
    # cleared: its GRE expectations stay pending all that time.
    "held-no-gre": join(start(), outgoing(), {"pns": [("sleep", 4)], "pac": []},
                        clear()),
    # A call held twice while a test looks at the router (diagnose.sh,
    # with --sleep-until on both sides): once set up but before any GRE,
    # its GRE expectations pending, then with GRE both ways, its GRE
    # conntrack live.
    "held-listed": join(start(), outgoing(),
                        {"pns": [("hold", "expect")], "pac": [("hold", "expect")]},
                        gre_both_ways(),
                        {"pns": [("hold", "gre")], "pac": [("hold", "gre")]},
                        SLI_BOTH, clear()),
    # Two calls, one after the other, on one control connection.
    "redial": join(start(), outgoing(), gre_both_ways(), clear(),
                   {"pns": [("forget",)], "pac": [("forget",)]},
                   outgoing(), gre_both_ways(), clear()),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--role", choices=["pns", "pac"], required=True)
    ap.add_argument("--tcp", choices=["connect", "listen"], required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, default=1723)
    ap.add_argument("--peer-ip", required=True)
    ap.add_argument("--call-id", type=int, required=True)
    ap.add_argument("--scenario", required=True,
                    help="a scenario; with --clients, one per connection, comma-separated")
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--sleep-until", metavar="FILE",
                    help="each sleep step lasts until FILE exists, each hold "
                    "step NAME until FILE.NAME does (60 s at most)")
    ap.add_argument("--flood", type=int, default=int(os.environ.get("PPTP_FLOOD", "20000")),
                    help="messages in the flood scenario (default $PPTP_FLOOD or 20000)")
    ap.add_argument("--shared-gre", action="store_true",
                    help="other peers in this namespace receive GRE too: skip their keys")
    args = ap.parse_args()
    names = args.scenario.split(",")
    for n in names:
        if n not in SCENARIOS:
            ap.error(f"unknown scenario {n}; known: {', '.join(sorted(SCENARIOS))}")
    if args.clients == 1:
        steps = _fix(SCENARIOS[names[0]][args.role])
        peer = Peer(args)
        peer.shared_gre = args.shared_gre
        try:
            peer.run(steps)
        except (Fail, OSError) as e:
            peer.log(f"FAILED: {e}")
            return 1
        peer.log("all steps passed")
        return 0
    return serve_many(args, [_fix(SCENARIOS[names[min(i, len(names) - 1)]][args.role])
                             for i in range(args.clients)])


def serve_many(args, plans):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.addr, args.port))
    ls.listen(args.clients)
    # Clients may take a while to start on a loaded TCG guest.
    ls.settimeout(60)
    peers, threads, failed = [], [], []
    for i in range(args.clients):
        s, _ = ls.accept()
        p = Peer(args)
        p.own = args.call_id + i
        p.role = f"{args.role}#{i}"
        p.shared_gre = True
        peers.append(p)

        def work(p=p, s=s, steps=plans[i]):
            try:
                p.run(steps, s)
            except (Fail, OSError) as e:
                p.log(f"FAILED: {e}")
                failed.append(p)
        t = threading.Thread(target=work)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    learned = [p.first_peer for p in peers]
    print(f"peer {args.role}: peers' Call IDs as seen here: {learned}", flush=True)
    if len(set(learned)) != len(learned):
        print(f"peer {args.role}: FAILED: two peers share a Call ID", flush=True)
        return 1
    if failed:
        return 1
    print(f"peer {args.role}: all steps passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
