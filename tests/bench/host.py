#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of scripts/bench: runs the VM, measures the CPU time it uses
in each measured window, and prints the table.

  host.py RAW-FILE -- COMMAND...

Runs COMMAND (scripts/vm-run ... tests/bench/run.sh) and passes its output
on, except the lines "@@cpu ID@@" that run.sh prints (then idles) at the
start and end of each measured window: for each, it records the CPU time
(ns, /proc/PID/task/*/schedstat) used so far by COMMAND's process tree,
which is the VM (the UML kernel and one host process per VM process).
After COMMAND ends, it reads RAW-FILE (run.sh's records, kept by
vm-run --keep) and prints the table: rates per CPU-second of the VM, so
that time the shared host gives to others does not count, with the wall
clock rates beside them in the raw file.  Its exit status is COMMAND's,
and the tally line COMMAND printed last is printed again after the table.
"""
import os
import re
import subprocess
import sys


def descendants(root):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def cpu_ns(root):
    total = 0
    for p in descendants(root):
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
    return total


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    if not n:
        return None
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


# metric key, label, value kind: "rate" (ops per CPU-second, higher is
# better), or "value" (as recorded)
ROWS = [
    ("msgs1", "1. control msgs/s, {ctl} connections, 1 msg per segment", "rate", "%.0f"),
    ("msgsN", "1. control msgs/s, {ctl} connections, coalesced segments", "rate", "%.0f"),
    ("scale", None, None, None),
    ("calls1", "3. call setups+teardowns/s, 1 connection", "rate", "%.0f"),
    ("callsN", "3. call setups+teardowns/s, {ctl} connections", "rate", "%.0f"),
    ("gre1up", "4. GRE pkts/s PNS->PAC, 1 call", "rate", "%.0f"),
    ("gre1down", "4. GRE pkts/s PAC->PNS, 1 call", "rate", "%.0f"),
    ("greNup", "4. GRE pkts/s PNS->PAC, {gre} calls", "rate", "%.0f"),
    ("greNdown", "4. GRE pkts/s PAC->PNS, {gre} calls", "rate", "%.0f"),
]
SCALE_ROWS = [
    ("up{n}", "2. {n} sessions: % up (min)", "min", "%.1f"),
    ("coll{n}", "2. {n} sessions: Call ID collisions at the PAC (max)", "max", "%.0f"),
    ("mm{n}", "2. {n} sessions: Call ID fields wrong at PNS+PAC (max)", "max", "%.0f"),
    ("mem{n}", "2. {n} sessions: slab kB per session", "value", "%.2f"),
    ("rate{n}", "2. {n} sessions: bring-up, sessions/s", "rate", "%.0f"),
]
TOGETHER_ROWS = [
    ("c_msgs1", "1. together: control msgs/s, 1 msg per segment", "rate", "%.0f"),
    ("c_msgsN", "1. together: control msgs/s, coalesced segments", "rate", "%.0f"),
    ("c_calls1", "3. together: call setups+teardowns/s, 1 connection", "rate", "%.0f"),
    ("c_callsN", "3. together: call setups+teardowns/s, {ctl} connections", "rate", "%.0f"),
    ("c_gre1up", "4. together: GRE pkts/s PNS->PAC, 1 call", "rate", "%.0f"),
    ("c_gre1down", "4. together: GRE pkts/s PAC->PNS, 1 call", "rate", "%.0f"),
    ("c_greNup", "4. together: GRE pkts/s PNS->PAC, {gre} calls", "rate", "%.0f"),
    ("c_greNdown", "4. together: GRE pkts/s PAC->PNS, {gre} calls", "rate", "%.0f"),
]
INFO_ROWS = [
    ("mm_pns", "1.+3. Call ID fields wrong at the PNSs (sum)", "value", "%.0f"),
    ("mm_pac", "1.+3. Call ID fields wrong at the PAC (sum)", "value", "%.0f"),
]


def table(raw, marks, cpu=True):
    recs = {}           # metric -> variant -> round -> value
    meta = {}
    for line in raw:
        f = line.split()
        if f and f[0] == "meta":
            meta[f[1]] = f[2]
            continue
        if len(f) < 4:
            continue
        m, v, r, val = f[:4]
        try:
            val = float(val)
        except ValueError:
            continue
        if len(f) == 5:         # ops wall_ms, the three at once
            val = val * 1000 / float(f[4]) if float(f[4]) > 0 else 0
        elif len(f) >= 6:       # ops wall_ms mark: a rate
            if not cpu:
                val = val * 1000 / float(f[4]) if float(f[4]) > 0 else 0
            else:
                a, b = marks.get(f[5] + ".a"), marks.get(f[5] + ".b")
                if a is None or b is None or b <= a:
                    continue
                val = val * 1e9 / (b - a)
        recs.setdefault(m, {}).setdefault(v, {})[r] = val

    rows = []
    for key, label, kind, fmt in ROWS:
        if key == "scale":
            for n in meta.get("scales", "").replace(",", " ").split():
                rows += [(k.format(n=n), lab.format(n=n), kd, ft)
                         for k, lab, kd, ft in SCALE_ROWS]
            continue
        rows.append((key, label.format(ctl=meta.get("ctl", "?"), gre=meta.get("gre", "?")),
                     kind, fmt))
    rows += [(k, lab.format(ctl=meta.get("ctl", "?"), gre=meta.get("gre", "?")), kd, ft)
             for k, lab, kd, ft in TOGETHER_ROWS]
    rows += INFO_ROWS

    out = ["| metric | none | kernel | ours | ours/kernel | ours/none | spread of ratios (min-max per round) |",
           "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for key, label, kind, fmt in rows:
        per = recs.get(key, {})
        cells = []
        for v in ("none", "kernel", "ours"):
            vals = list(per.get(v, {}).values())
            if not vals:
                cells.append("-")
            elif kind == "min":
                cells.append(fmt % min(vals))
            elif kind == "max":
                cells.append(fmt % max(vals))
            elif key.startswith("mm_"):
                cells.append(fmt % sum(vals))
            else:
                cells.append(fmt % median(vals))
        ratios, spread = [], []
        for base in ("kernel", "none"):
            rs = [per["ours"][r] / per[base][r] for r in per.get("ours", {})
                  if r in per.get(base, {}) and per[base][r] > 0]
            if rs and kind in ("rate", "value"):
                ratios.append("%.3f" % median(rs))
                spread.append("%s %.2f-%.2f" % (base[0], min(rs), max(rs)))
            else:
                ratios.append("-")
        out.append("| %s | %s | %s |" % (label, " | ".join(cells + ratios),
                                         ", ".join(spread) or "-"))
    return out


def main():
    raw_file = sys.argv[1]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    marks = {}
    tally = None
    mark = re.compile(rb"^@@cpu (\S+)@@\r?$")
    for line in proc.stdout:
        m = mark.match(line)
        if m:
            marks[m.group(1).decode()] = cpu_ns(proc.pid)
            continue
        if re.match(rb"^\d+ passed, \d+ failed\s*$", line):
            tally = line
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
    rc = proc.wait()
    try:
        with open(raw_file) as f:
            raw = f.read().splitlines()
    except OSError:
        raw = []
    if raw:
        with open(raw_file + ".cpu", "w") as f:
            for k, v in sorted(marks.items()):
                f.write(f"{k} {v}\n")
        meta = dict(line.split()[1:3] for line in raw if line.startswith("meta "))
        print()
        print(f"Rates per CPU-second of the VM, medians over rounds "
              f"(kernel {meta.get('kernel', '?')}, {meta.get('rounds', '?')} rounds, "
              f"{meta.get('scale_rounds', '?')} for scale):")
        print()
        for line in table(raw, marks):
            print(line)
        print()
        with open(raw_file + ".wall", "w") as f:
            f.write("Rates per wall-clock second (the same runs; noisy on a shared host):\n\n")
            for line in table(raw, marks, cpu=False):
                f.write(line + "\n")
    if tally:
        sys.stdout.buffer.write(tally)
    sys.stdout.flush()
    return rc


if __name__ == "__main__":
    sys.exit(main())
