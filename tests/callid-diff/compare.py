#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Property test of pptp-callid-diff against a reference implementation.

  compare.py [--jobs N] [--keep DIR] REF NEW FIRST_SEED LAST_SEED

For each seed, gen.py makes a LAN/WAN capture pair; REF and NEW (two
pptp-callid-diff commands, e.g. the tshark + awk script from git history,
`git show 5f6dfd1:scripts/pptp-callid-diff`, and the C tool built with
sanitizers) run on it, and their stdout and exit status must agree, and
stderr too when the status is 2 for want of a connection.

One difference is allowed, and counted apart: the awk script listed the
far end's calls' GRE lines, and the other keys of a GRE MISMATCH, in the
order of awk's `for (k in array)`, which is unspecified (mawk's hash
order); the C tool lists them in the order first seen.  Both outputs are
normalised (those groups sorted) before comparing.

And one bug of the awk script is fixed in the C tool: the awk listed,
among a GRE MISMATCH's other keys, keys it had only looked up for an
earlier line (an awk array reference creates the element), with an empty
count: "it left the router keyed 47522 x 1 7 x :", or "keyed 1 x :"
where no packet had another key.  The normalisation drops such items
(and, left with none, takes the "did not forward" explanation).

Prints one line per difference (the seed; the captures are kept under
--keep) and `N cases: N identical, N identical but for order, N differ`.
Exit status 0 if none differ.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
KEYED = re.compile(r"it left the router keyed((?: \d+ x \d*)+): the receiver"
                   r" drops GRE whose key is not its Call ID")
NOT_FORWARDED = ("the router did not forward it: no GRE expectation or key"
                 " map for this call")


def normalise(out):
    lines = out.split("\n")
    res = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("  LAN host -> far end"):
            groups = []
            while i < len(lines) and lines[i].startswith(
                    "  LAN host -> far end"):
                g = [lines[i]]
                i += 1
                while i < len(lines) and lines[i].startswith("      -> "):
                    g.append(lines[i])
                    i += 1
                groups.append(g)
            for g in sorted(groups):
                res.extend(g)
            continue
        res.append(lines[i])
        i += 1
    out = "\n".join(res)

    def keys(m):
        items = re.findall(r" \d+ x \d+(?= |$)", m.group(1) + " ")
        if not items:
            return NOT_FORWARDED
        return ("it left the router keyed" + "".join(sorted(items)) +
                ": the receiver drops GRE whose key is not its Call ID")
    return KEYED.sub(keys, out)


def run(cmd, args, d):
    p = subprocess.run(cmd + args + [os.path.join(d, "lan.pcap"),
                                     os.path.join(d, "wan.pcap")],
                       capture_output=True, text=True, errors="replace")
    return p.stdout, p.stderr, p.returncode


def case(opts, seed):
    d = tempfile.mkdtemp(prefix="callid-diff.")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"),
                        str(seed), d], check=True)
        with open(os.path.join(d, "args")) as f:
            args = f.read().split()
        ro, re_, rc = run(opts.ref, args, d)
        no, ne, nc = run(opts.new, args, d)
        same = ro == no and rc == nc and (rc != 2 or ne == re_)
        if ne and nc != 2:
            same = False  # sanitizer reports land on stderr
        if same:
            return seed, "identical", ""
        if normalise(ro) == normalise(no) and rc == nc and (
                rc != 2 or ne == re_) and not (ne and nc != 2):
            return seed, "order", ""
        if opts.keep:
            shutil.copytree(d, os.path.join(opts.keep, str(seed)),
                            dirs_exist_ok=True)
        return seed, "differ", "exit %d/%d stderr %r / %r" % (
            rc, nc, re_[-300:], ne[-300:])
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep")
    ap.add_argument("ref")
    ap.add_argument("new")
    ap.add_argument("first", type=int)
    ap.add_argument("last", type=int)
    opts = ap.parse_args()
    opts.ref = opts.ref.split()
    opts.new = opts.new.split()
    n = {"identical": 0, "order": 0, "differ": 0}
    with ThreadPoolExecutor(opts.jobs) as ex:
        for seed, r, why in ex.map(lambda s: case(opts, s),
                                   range(opts.first, opts.last + 1)):
            n[r] += 1
            if r == "differ":
                print("seed %d differs: %s" % (seed, why), flush=True)
    print("%d cases: %d identical, %d identical but for order, %d differ" %
          (sum(n.values()), n["identical"], n["order"], n["differ"]))
    return 1 if n["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
