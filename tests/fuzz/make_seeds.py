#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz_pptp.c: real message sequences (the seed's call,
an incoming call, coalesced and split segments) in the harness's input
format (the harness's host maps Call ID 512 to 6690), and seeds of its
TCP model.  Usage: make_seeds.py DIR"""
import os
import struct
import sys

SIZES = {1: 156, 2: 156, 3: 16, 4: 16, 5: 16, 6: 20, 7: 168, 8: 32, 9: 220,
         10: 24, 11: 28, 12: 16, 13: 148, 14: 40, 15: 24}


def msg(t, a=0, b=0, result=1):
    m = bytearray(SIZES[t])
    struct.pack_into("!HHIH", m, 0, SIZES[t], 1, 0x1A2B3C4D, t)
    struct.pack_into("!HH", m, 12, a, b)
    if t in (8, 10):
        m[16] = result
    elif t == 2:
        m[14] = result
    return bytes(m)


def seg(direction, data, retrans=False):
    out = b""
    for i in range(0, len(data), 255):
        chunk = data[i:i + 255]
        out += bytes([direction | (2 if retrans else 0), len(chunk)]) + chunk
    return out


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    pns, pac = 0, 1
    seeds = {
        "seed-call": seg(pns, msg(1)) + seg(pac, msg(2)) + seg(pns, msg(7, 512)) +
        seg(pac, msg(8, 42143, 6690)) + seg(pns, msg(15, 42143)) +
        seg(pac, msg(15, 6690)) + seg(pac, msg(14, 6690)) +
        seg(pns, msg(12, 512)) + seg(pac, msg(13, 42143)),
        "coalesced": seg(pns, msg(1)) + seg(pac, msg(2)) + seg(pns, msg(7, 512)) +
        seg(pac, msg(8, 42143, 6690) + msg(15, 6690)),
        "incoming": seg(pns, msg(1)) + seg(pac, msg(2)) + seg(pac, msg(9, 7)) +
        seg(pns, msg(10, 9, 7)) + seg(pac, msg(11, 9)) + seg(pac, msg(13, 7)),
    }
    sli = msg(15, 6690)
    seeds["split"] = (seg(pns, msg(1)) + seg(pac, msg(2)) + seg(pns, msg(7, 512)) +
                      seg(pac, msg(8, 42143, 6690)) + seg(pac, sli[:13]) +
                      seg(pac, sli[13:]) + seg(pac, sli[:13], True))
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(bytes([0]) + data)
    # The TCP model (options bit 7): eight bytes of seed each.
    for i in range(8):
        with open(os.path.join(d, f"tcp-model-{i}"), "wb") as f:
            f.write(bytes([0x80]) + struct.pack("!Q", i * 7919))


if __name__ == "__main__":
    main()
