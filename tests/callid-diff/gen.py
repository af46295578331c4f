#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Random LAN/WAN capture pairs of PPTP through a NAT router, for
pptp-callid-diff's property test.

  gen.py SEED DIR

writes DIR/lan.pcap, DIR/wan.pcap and DIR/args (the tool's options, one a
line, e.g. -p and a port).  The same SEED always gives the same files
(random.Random(SEED), no clock, no environment).

Each pair holds a few PPTP control connections (RFC 2637 section 2) from
LAN hosts to far ends, as a NAT router would forward them: the client's
address and port rewritten, its Call IDs translated or kept, with random
faults injected on either side (a Call ID field not translated or
translated wrong, a message dropped or changed).  Each direction's byte
stream is cut into TCP segments at random, independently on each side:
messages coalesced and split, retransmissions with new boundaries,
segments out of order, bytes missing from the capture (snap length),
garbage and truncated messages.  Enhanced GRE (RFC 2637 4.1) of each call
flows both ways, keyed right, wrong or not at all.  Now and then a
connection is in one capture only, or the server is not on port 1723.

Message layouts as tests/peers/pptp_peer.py's, written independently of
the modules' table.  Python 3 standard library only: the pcap format is
written directly (Ethernet, IPv4, TCP, GRE).
"""
import os
import random
import struct
import sys

MAGIC = 0x1A2B3C4D
# type: RFC size, [(offset, 'own'|'peer')]
TYPES = {
    1: (156, []), 2: (156, []), 3: (16, []), 4: (16, []), 5: (16, []),
    6: (20, []), 7: (168, [(12, "own")]),
    8: (32, [(12, "own"), (14, "peer")]), 9: (220, [(12, "own")]),
    10: (24, [(12, "own"), (14, "peer")]), 11: (28, [(12, "peer")]),
    12: (16, [(12, "own")]), 13: (148, [(12, "own")]),
    14: (40, [(12, "peer")]), 15: (24, [(12, "peer")]),
}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000,
                    64, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def eth(payload, ethertype=0x0800):
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + \
        struct.pack("!H", ethertype) + payload


def tcp(src, sport, dst, dport, seq, flags, payload):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, 0,
                    5 << 4, flags, 65535, 0, 0)
    return eth(ipv4(src, dst, 6, h + payload))


def gre(src, dst, key, payload, rnd):
    flags = 0x3001  # K, S, version 1
    if rnd.random() < 0.05:
        flags = rnd.choice([0x2000, 0x2001, 0x2081, 0xA001, 0x3081])
    ptype = 0x880B if rnd.random() < 0.97 else 0x0800
    h = struct.pack("!HHHH", flags, ptype, len(payload), key)
    if flags & 0x8000:
        h = h[:4] + b"\0\0\0\0" + h[4:]
    if flags & 0x1000:
        h += struct.pack("!I", rnd.randrange(1 << 32))
    if flags & 0x0080:
        h += struct.pack("!I", rnd.randrange(1 << 32))
    return eth(ipv4(src, dst, 47, h + payload))


def message(t, fields, rnd, length=None):
    size = TYPES[t][0] if t in TYPES else rnd.choice([16, 20, 40])
    b = bytearray(size)
    struct.pack_into("!HHIHH", b, 0, size if length is None else length, 1,
                     MAGIC, t, 0)
    for off, v in fields.items():
        if off + 2 <= size:
            struct.pack_into("!H", b, off, v)
    return bytes(b)


class Side:
    """The packets of one capture, with their capture lengths."""

    def __init__(self):
        self.pkts = []  # (time, order, bytes, caplen)
        self.n = 0

    def add(self, t, data, caplen=None):
        self.n += 1
        self.pkts.append((t, self.n, data, caplen))


def segments(rnd, stream, seq0, t0, t1):
    """Cut one direction's bytes into segments: [(time, seq, bytes)]."""
    out = []
    pos = 0
    cuts = []
    while pos < len(stream):
        r = rnd.random()
        if r < 0.3:
            n = rnd.randint(1, 40)
        elif r < 0.6:
            n = rnd.randint(40, 400)
        else:
            n = rnd.randint(100, 1460)
        n = min(n, len(stream) - pos)
        cuts.append((pos, n))
        pos += n
    times = sorted(rnd.uniform(t0, t1) for _ in cuts)
    for (p, n), t in zip(cuts, times):
        out.append([t, seq0 + p, stream[p:p + n]])
        # A retransmission, with new boundaries.
        if rnd.random() < 0.08:
            a = max(0, p - rnd.randint(0, 60))
            b = min(len(stream), p + n + rnd.randint(-n, 80))
            if b > a:
                out.append([t + rnd.uniform(0.0001, 0.01), seq0 + a,
                            stream[a:b]])
    # Out of order: swap two neighbours' times.
    if len(out) > 2 and rnd.random() < 0.08:
        i = rnd.randrange(len(out) - 1)
        out[i][0], out[i + 1][0] = out[i + 1][0], out[i][0]
    return out


def main():
    seed = int(sys.argv[1])
    d = sys.argv[2]
    rnd = random.Random(seed)
    lan, wan = Side(), Side()
    port = 1723
    args = []
    if rnd.random() < 0.1:
        port = rnd.choice([1724, 8443, 47, 1])
        args = ["-p", str(port)]
    rtr = "203.0.113.1"
    fault = rnd.choice([0, 0.02, 0.08, 0.2])
    nconn = rnd.choice([1, 1, 2, 2, 3, 4])
    used_wan_ports = set()
    for ci in range(nconn):
        lanip = rnd.choice(["192.168.1.10", "192.168.1.11", "10.0.0.5"])
        far = rnd.choice(["198.51.100.2", "198.51.100.2", "198.51.100.7"])
        cport = rnd.choice([1723, rnd.randint(1024, 65535)]) \
            if rnd.random() < 0.05 else rnd.randint(1024, 65535)
        wport = cport if rnd.random() < 0.5 else rnd.randint(1024, 65535)
        if wport in used_wan_ports:
            wport = rnd.randint(1024, 65535)
        used_wan_ports.add(wport)
        wanip = rtr if rnd.random() < 0.95 else lanip
        # A far end that the router also translates (DNAT): the two
        # sides share no address.
        far_w = far
        if nconn == 1 and rnd.random() < 0.15:
            far_w = "203.0.113.99"
        t0 = rnd.uniform(0, 10)
        only = None
        if rnd.random() < 0.08:
            only = rnd.choice(["lan", "wan"])
        # The calls: LAN Call ID, its WAN Call ID, the far end's.
        pns = []  # (lan_bytes, wan_bytes) per PNS message
        pac = []
        translate = rnd.random() < 0.6
        calls = []

        def emit(lst, t, fields_lan, fields_wan, length=None):
            if rnd.random() < fault:
                kind = rnd.randrange(5)
                side = rnd.randrange(2)
                fl = dict(fields_lan) if side == 0 else fields_lan
                fw = dict(fields_wan) if side == 1 else fields_wan
                f = fl if side == 0 else fw
                if kind == 0 and f:
                    k = rnd.choice(list(f))
                    f[k] = rnd.choice([f[k] ^ 1, rnd.randrange(65536),
                                       fields_lan.get(k, 0),
                                       fields_wan.get(k, 0)])
                    fields_lan, fields_wan = fl, fw
                elif kind == 1:
                    m = message(t, fields_lan, rnd, length)
                    lst.append((m, b"") if side else (b"", m))
                    return
                elif kind == 2:
                    t2 = rnd.choice([x for x in range(1, 16) if x != t])
                    ml = message(t, fields_lan, rnd, length)
                    mw = message(t2, fields_wan, rnd, length)
                    lst.append((mw, ml) if side == 0 else (ml, mw))
                    return
                elif kind == 3:
                    # garbage bytes on one side
                    g = bytes(rnd.randrange(256) for _ in
                              range(rnd.randint(1, 30)))
                    m = message(t, fields_lan, rnd, length)
                    mw = message(t, fields_wan, rnd, length)
                    lst.append((g + m, mw) if side == 0 else (m, g + mw))
                    return
                else:
                    # a truncated message (Length says less)
                    ln = rnd.choice([12, 13, 14, 15, 8])
                    ml = message(t, fields_lan, rnd, ln)[:max(ln, 8)]
                    mw = message(t, fields_wan, rnd, ln)[:max(ln, 8)]
                    lst.append((ml, mw))
                    return
            lst.append((message(t, fields_lan, rnd, length),
                        message(t, fields_wan, rnd, length)))

        emit(pns, 1, {}, {})
        emit(pac, 2, {}, {})
        for k in range(rnd.choice([0, 1, 1, 2, 3])):
            lcid = rnd.choice([512, 513, 1, 0, rnd.randrange(65536)])
            if translate:
                wcid = rnd.choice([lcid + 1, wport, rnd.randrange(65536)])
                wcid &= 0xFFFF
            else:
                wcid = lcid
            fcid = rnd.choice([rnd.randrange(65536), 7, lcid])
            calls.append((lcid, wcid, fcid))
            if rnd.random() < 0.75:
                emit(pns, 7, {12: lcid}, {12: wcid})
                emit(pac, 8, {12: fcid, 14: lcid}, {12: fcid, 14: wcid})
            else:
                emit(pac, 9, {12: fcid}, {12: fcid})
                emit(pns, 10, {12: lcid, 14: fcid}, {12: wcid, 14: fcid})
                emit(pac, 11, {12: lcid}, {12: wcid})
            for _ in range(rnd.randint(0, 2)):
                emit(pns, 15, {12: fcid}, {12: fcid})
            if rnd.random() < 0.5:
                # The seed's failure: not translated back (the LAN host
                # gets its WAN Call ID), or translated on the WAN side.
                r = rnd.random()
                emit(pac, 15, {12: wcid if r < 0.15 else lcid},
                     {12: lcid if r > 0.9 else wcid})
            if rnd.random() < 0.2:
                emit(pac, 14, {12: lcid}, {12: wcid})
            if rnd.random() < 0.3:
                emit(pns, 5, {}, {})
                emit(pac, 6, {}, {})
            if rnd.random() < 0.5:
                emit(pns, 12, {12: lcid}, {12: wcid})
                # Linux's nf_nat_pptp overwrites CDN's Call ID
                emit(pac, 13, {12: fcid if rnd.random() < 0.7 else lcid},
                     {12: fcid})
        if rnd.random() < 0.1:
            t = rnd.choice([0, 16, 99, 65535])
            emit(pns, t, {}, {})
        if rnd.random() < 0.4:
            emit(pns, 3, {}, {})
            emit(pac, 4, {}, {})

        def play(side, cip, cp, sip, sp):
            pick = 0 if side is lan else 1
            cs = b"".join(m[pick] for m in pns)
            ss = b"".join(m[pick] for m in pac)
            if rnd.random() < 0.05:
                cs, ss = cs[:rnd.randint(0, len(cs))], ss
            isn_c = rnd.randrange(1 << 32)
            isn_s = rnd.randrange(1 << 32)
            t = t0
            if rnd.random() < 0.85:
                side.add(t, tcp(cip, cp, sip, sp, isn_c, 0x02, b""))
                side.add(t + 0.001, tcp(sip, sp, cip, cp, isn_s, 0x12, b""))
                side.add(t + 0.002, tcp(cip, cp, sip, sp, isn_c + 1, 0x10,
                                        b""))
            for data, isn, a, ap, b, bp in ((cs, isn_c, cip, cp, sip, sp),
                                            (ss, isn_s, sip, sp, cip, cp)):
                for st, seq, pl in segments(rnd, data, isn + 1, t + 0.01,
                                            t + 5):
                    caplen = None
                    if rnd.random() < 0.02 and pl:
                        caplen = 54 + rnd.randrange(len(pl))
                    side.add(st, tcp(a, ap, b, bp, seq, 0x18, pl), caplen)
            # GRE of the calls, both ways, on this side.
            for lcid, wcid, fcid in calls:
                key_in = lcid if side is lan else wcid
                if rnd.random() < fault * 2:
                    key_in = rnd.choice([wcid, lcid, rnd.randrange(65536)])
                for _ in range(rnd.choice([0, 1, 3])):
                    side.add(rnd.uniform(t, t + 5),
                             gre(sip, cip, key_in, b"\xff\x03\x00\x21", rnd))
                if rnd.random() < fault * 2:
                    continue
                for _ in range(rnd.choice([0, 1, 2])):
                    side.add(rnd.uniform(t, t + 5),
                             gre(cip, sip, fcid, b"\xff\x03\xc0\x21", rnd))

        if only != "wan":
            play(lan, lanip, cport, far, port)
        if only != "lan":
            play(wan, wanip, wport, far_w, port)
    # Noise that is not PPTP: frame numbers move.
    for side in (lan, wan):
        for _ in range(rnd.randint(0, 3)):
            side.add(rnd.uniform(0, 15),
                     tcp("192.0.2.1", 80, "192.0.2.2", 5555, 1, 0x18, b"x"))
    os.makedirs(d, exist_ok=True)
    for name, side in (("lan", lan), ("wan", wan)):
        with open(os.path.join(d, name + ".pcap"), "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, _, data, caplen in sorted(side.pkts,
                                             key=lambda p: (p[0], p[1])):
                c = data if caplen is None else data[:caplen]
                sec = int(t)
                f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6),
                                    len(c), len(data)))
                f.write(c)
    with open(os.path.join(d, "args"), "w") as f:
        f.write("".join(a + "\n" for a in args))


if __name__ == "__main__":
    main()
