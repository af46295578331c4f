#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile PPTP input through a router, case by case (tests/e2e/hostile.sh).

One control connection per case.  The client (a PNS, Call ID 512) and the
sink (a scripted PAC, Call ID 4000) bring it to the case's stage, one end
sends the hostile bytes (the other reads and discards exactly as many),
then both carry on with a legitimate exchange and assert every Call ID
field they receive, as pptp_peer.py does: a router that lets the hostile
bytes corrupt its state or its translation fails here.

  pptp_inject.py --role client|sink --addr IP --case NAME
  pptp_inject.py --list           the cases, with the counter each moves

Exit status 0 when the case's legitimate part passed.
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pptp_peer import TYPES, BY_NAME, MAGIC  # noqa: E402

PNS_ID = 512
PAC_ID = 4000
FLOOD = 1000


class Fail(Exception):
    pass


def build(name, own=0, peer=0, result=1, length=None):
    t = BY_NAME[name]
    _, size, fields, roff = TYPES[t]
    b = bytearray(size)
    struct.pack_into("!HHIHH", b, 0, size if length is None else length, 1, MAGIC, t, 0)
    for off, kind in fields:
        struct.pack_into("!H", b, off, own if kind == "own" else peer)
    if roff is not None:
        b[roff] = result
    return bytes(b)


def corrupt(data, off, val):
    b = bytearray(data)
    b[off:off + len(val)] = val
    return bytes(b)


# name: (stage, sender, segments, counter moved on the router, amount)
# Segments are sent one write each, 50 ms apart; the sink's Call ID the
# client sees is translated back by the router, so PNS_ID / PAC_ID below
# are what each end itself uses.
SLI_TO_PNS = build("SLI", peer=PNS_ID)      # rewritten by the router first
CASES = {
    "length-0": ("call", "pns", [corrupt(build("SLI", peer=PAC_ID), 0, b"\0\0")],
                 "lost_bad_length", 1),
    "length-8": ("call", "pac", [corrupt(SLI_TO_PNS, 0, b"\0\x08")], "lost_bad_length", 1),
    "length-huge": ("call", "pns", [corrupt(build("SLI", peer=PAC_ID), 0, b"\xff\xff")],
                    "lost_bad_length", 1),
    "short-for-type": ("call", "pac", [corrupt(SLI_TO_PNS, 0, b"\0\x14")[:20]],
                       "lost_short_for_type", 1),
    "bad-cookie": ("call", "pac", [corrupt(SLI_TO_PNS, 7, b"\x4e")], "lost_bad_cookie", 1),
    "message-type-2": ("call", "pns", [corrupt(build("SLI", peer=PAC_ID), 2, b"\0\x02")],
                       "lost_bad_msg_type", 1),
    "control-type-0": ("call", "pac", [corrupt(SLI_TO_PNS, 8, b"\0\0")],
                       "lost_bad_ctrl_type", 1),
    "control-type-16": ("call", "pns", [corrupt(build("SLI", peer=PAC_ID), 8, b"\0\x10")],
                        "lost_bad_ctrl_type", 1),
    "control-type-ffff": ("call", "pac", [corrupt(SLI_TO_PNS, 8, b"\xff\xff")],
                          "lost_bad_ctrl_type", 1),
    "garbage-between": ("call", "pac", [SLI_TO_PNS + b"Z" * 7 + SLI_TO_PNS],
                        "lost_bad_length", 1),
    # The case's Set-Link-Info and the legitimate one after it: both
    # rewritten.
    "split-header": ("call", "pac", [SLI_TO_PNS[:5], SLI_TO_PNS[5:]],
                     "rewritten_sli_reply", 2),
    "one-byte-segments": ("call", "pac", [SLI_TO_PNS[i:i + 1] for i in range(24)],
                          "rewritten_sli_reply", 2),
    "duplicate-ocrq": ("call", "pns", [build("OCRQ", own=PNS_ID)], "passed_duplicate", 1),
    "ocrp-unknown-call": ("call", "pac", [build("OCRP", own=4100, peer=999)],
                          "passed_unknown_call", 1),
    "sli-before-call": ("session", "pac", [build("SLI", peer=PNS_ID)],
                        "passed_unknown_call", 1),
    "wen-before-call": ("session", "pac", [build("WEN", peer=PNS_ID)],
                        "passed_unknown_call", 1),
    "cdn-before-call": ("session", "pac", [build("CDN", own=PAC_ID)],
                        "passed_unknown_call", 1),
    "second-sccrq": ("call", "pns", [build("SCCRQ")], "passed_out_of_state", 1),
    "ocrq-from-pac": ("call", "pac", [build("OCRQ", own=4200)], "passed_wrong_side", 1),
    "ocrq-after-stop": ("stopped", "pns", [build("OCRQ", own=700)], "passed_out_of_state", 1),
    # 1000 Outgoing-Call-Requests on one connection: the router tracks
    # max_calls - 1 more (the legitimate call holds one slot).
    "ocrq-flood": ("call", "pns", [b"".join(build("OCRQ", own=3000 + i) for i in range(FLOOD))],
                   "passed_no_slot", FLOOD - 7),
}


class End:
    def __init__(self, sock):
        self.sock = sock
        self.rx = b""

    def send(self, data):
        self.sock.sendall(data)

    def segments(self, segs):
        for s in segs:
            self.sock.sendall(s)
            time.sleep(0.05)

    def read(self, n):
        while len(self.rx) < n:
            d = self.sock.recv(65536)
            if not d:
                raise Fail("connection closed")
            self.rx += d
        out, self.rx = self.rx[:n], self.rx[n:]
        return out

    def expect(self, name, **want):
        ln = struct.unpack("!H", self.read(2))[0]
        m = self.read(ln - 2)
        m = struct.pack("!H", ln) + m
        _, mt, magic, t = struct.unpack_from("!HHIH", m)
        if magic != MAGIC or mt != 1 or TYPES.get(t, ("?",))[0] != name:
            raise Fail(f"expected {name}, got {m[:12].hex()}")
        got = {}
        for off, kind in TYPES[t][2]:
            got[kind] = struct.unpack_from("!H", m, off)[0]
        for k, v in want.items():
            if v is not None and got.get(k) != v:
                raise Fail(f"{name}: {k} Call ID {got.get(k)}, want {v}")
        print(f"got {name} {got} ok", flush=True)
        return got, m


def hold_client(e):
    """A first call with Call ID 512 to the same PAC: the case's own 512
    must then be translated, and translated back in all it receives."""
    e.send(build("SCCRQ"))
    e.expect("SCCRP")
    e.send(build("OCRQ", own=PNS_ID))
    e.expect("OCRP", peer=PNS_ID)


def hold_sink(e):
    e.expect("SCCRQ")
    e.send(build("SCCRP"))
    # 512, or another ID while an earlier case's call is still tracked.
    got, _ = e.expect("OCRQ")
    e.send(build("OCRP", own=PAC_ID - 1, peer=got["own"]))


def verified(case):
    """Cases whose hostile bytes are a valid message naming the client:
    it checks the message instead of discarding it."""
    return CASES[case][3].startswith("rewritten_")


def client(e, case):
    """The PNS.  Returns normally when its part passed."""
    stage, sender, segs, _, _ = CASES[case]
    e.send(build("SCCRQ"))
    e.expect("SCCRP")
    pac = None
    if stage in ("call", "stopped"):
        e.send(build("OCRQ", own=PNS_ID))
        got, _ = e.expect("OCRP", peer=PNS_ID)
        pac = got["own"]
    if stage == "stopped":
        e.send(build("StopCCRQ"))
        e.expect("StopCCRP")
    time.sleep(0.1)
    if sender == "pns":
        e.segments(segs)
    elif verified(case):
        e.expect("SLI", peer=PNS_ID)
    else:
        e.read(sum(len(s) for s in segs))
    if case == "ocrq-flood":
        for i in range(FLOOD):
            e.expect("OCRP", peer=3000 + i)
    time.sleep(0.2)
    if stage == "stopped":
        return
    if stage == "session":
        e.send(build("OCRQ", own=PNS_ID))
        got, _ = e.expect("OCRP", peer=PNS_ID)
        pac = got["own"]
    # The legitimate call carries on: Set-Link-Info both ways, clear.
    e.send(build("SLI", peer=pac))
    e.expect("SLI", peer=PNS_ID)
    e.send(build("CCRQ", own=PNS_ID))
    e.expect("CDN", own=pac)


def sink(e, case):
    """The PAC.  Learns the client's Call ID as it arrives (translated)."""
    stage, sender, segs, _, _ = CASES[case]
    e.expect("SCCRQ")
    e.send(build("SCCRP"))
    pns = None
    if stage in ("call", "stopped"):
        got, _ = e.expect("OCRQ")
        pns = got["own"]
        e.send(build("OCRP", own=PAC_ID, peer=pns))
    if stage == "stopped":
        e.expect("StopCCRQ")
        e.send(build("StopCCRP"))
    if pns == PNS_ID:
        raise Fail("the client's Call ID was not translated")
    if sender == "pac":
        time.sleep(0.1)
        if verified(case):
            # The same message, naming the client as the PAC sees it.
            m = build("SLI", peer=pns)
            segs = [m[:5], m[5:]] if case == "split-header" else [m[i:i + 1] for i in range(24)]
        e.segments(segs)
    elif case == "ocrq-flood":
        # Answer every request, as a PAC would: the router must stay bounded.
        ids = set()
        for i in range(FLOOD):
            got, _ = e.expect("OCRQ")
            ids.add(got["own"])
            e.send(build("OCRP", own=5000 + i, peer=got["own"]))
        print(f"flood: {len(ids)} distinct Call IDs seen", flush=True)
        if len(ids) != FLOOD:
            raise Fail("flood: Call IDs collided at the PAC")
    else:
        e.read(sum(len(s) for s in segs))
    if stage == "stopped":
        return
    if stage == "session":
        got, _ = e.expect("OCRQ")
        pns = got["own"]
        e.send(build("OCRP", own=PAC_ID, peer=pns))
    e.expect("SLI", peer=PAC_ID)
    e.send(build("SLI", peer=pns))
    e.expect("CCRQ", own=pns)
    e.send(build("CDN", own=PAC_ID))


def connect(addr):
    """The sink may still be starting: retry for a while."""
    for _ in range(50):
        try:
            return socket.create_connection((addr, 1723), timeout=20)
        except ConnectionRefusedError:
            time.sleep(0.2)
    return socket.create_connection((addr, 1723), timeout=20)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--role", choices=["client", "sink"])
    ap.add_argument("--addr")
    ap.add_argument("--case")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, c in CASES.items():
            print(name, c[0], c[1], c[3], c[4])
        return 0
    socks = []
    try:
        if args.role == "sink":
            ls = socket.socket()
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((args.addr, 1723))
            ls.listen(2)
            ls.settimeout(20)
        for i in range(2):
            if args.role == "sink":
                sock, _ = ls.accept()
            else:
                sock = connect(args.addr)
            sock.settimeout(30)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            socks.append(sock)
            e = End(sock)
            if args.role == "sink" and i == 0:
                hold_sink(e)
            elif args.role == "sink":
                sink(e, args.case)
            elif i == 0:
                hold_client(e)
            else:
                client(e, args.case)
    except (Fail, OSError) as x:
        print(f"{args.role}: {args.case}: {x}", flush=True)
        return 1
    print(f"{args.role}: {args.case}: ok", flush=True)
    time.sleep(0.2)
    for sock in socks:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
