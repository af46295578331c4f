#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - pptp-callid-diff on fixed capture pairs, against golden output.
#
#   tests/callid-diff/check.sh [TOOL]
#   tests/callid-diff/check.sh --make-golden TOOL SEED...
#
# For each seed in golden/, gen.py makes the LAN/WAN capture pair and TOOL
# (default: the built tools/pptp-callid-diff/pptp-callid-diff) must print
# exactly golden/SEED: its stdout, then "stderr:" and its stderr, then
# "exit N".  The golden files were made by the tshark + awk script the C
# tool replaced (git history: scripts/pptp-callid-diff before the C tool)
# and are identical to the C tool's output; compare.py runs the same
# comparison over any number of random seeds.  Then the usage and read
# errors.  Prints PASS:/FAIL: lines and `N passed, N failed` last.
# --make-golden writes golden/SEED for each SEED from TOOL's output.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
make_golden=
if [ "${1:-}" = --make-golden ]; then
	make_golden=1
	shift
fi
tool=${1:-$here/../../tools/pptp-callid-diff/pptp-callid-diff}
passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/callid-diff-check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# run ARGS...: the tool's stdout, stderr and exit status, as golden/ has them.
run() {
	local rc
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out"
	echo "stderr:"
	cat "$tmp/err"
	echo "exit $rc"
}

if [ -n "$make_golden" ]; then
	shift
	mkdir -p "$here/golden"
	for seed in "$@"; do
		rm -rf "$tmp/c"
		python3 "$here/gen.py" "$seed" "$tmp/c" || exit 1
		# shellcheck disable=SC2046 # args holds the options, one a word
		run $(cat "$tmp/c/args") "$tmp/c/lan.pcap" "$tmp/c/wan.pcap" |
			sed "s|$tmp/c/||g" >"$here/golden/$seed"
	done
	exit 0
fi

if [ ! -x "$tool" ]; then
	fail "$tool not built (make tools)"
	echo "$passed passed, $failed failed"
	exit 1
fi

for g in "$here"/golden/*; do
	seed=$(basename "$g")
	rm -rf "$tmp/c"
	if ! python3 "$here/gen.py" "$seed" "$tmp/c"; then
		fail "seed $seed: gen.py"
		continue
	fi
	# shellcheck disable=SC2046 # args holds the options, one a word
	run $(cat "$tmp/c/args") "$tmp/c/lan.pcap" "$tmp/c/wan.pcap" |
		sed "s|$tmp/c/||g" >"$tmp/got"
	if cmp -s "$g" "$tmp/got"; then
		pass "seed $seed: $(tail -1 "$g"), output as golden"
	else
		diff -u "$g" "$tmp/got" | head -n 40
		fail "seed $seed: output differs from golden/$seed"
	fi
done

# usage: the status and the usage line.
usage="usage: pptp-callid-diff [-p PORT] LAN.pcap WAN.pcap"
python3 "$here/gen.py" 1 "$tmp/c" || fail "seed 1: gen.py"
for args in "" "-h" "-x a b" "-p" "-p 17x3 a b" "-p '' a b" "a" "a b c"; do
	eval "run $args" >"$tmp/got"
	if tail -1 "$tmp/got" | grep -qx "exit 2" &&
		grep -qxF "$usage" "$tmp/got"; then
		pass "usage error for '$args': exit 2"
	else
		cat "$tmp/got"
		fail "usage error for '$args': exit 2"
	fi
done
# Unreadable, empty, cut short, or no PPTP in it: exit 2.
: >"$tmp/empty.pcap"
head -c 24 "$tmp/c/lan.pcap" >"$tmp/hdr.pcap"
head -c -3 "$tmp/c/lan.pcap" >"$tmp/cut.pcap"
for f in "$tmp/none.pcap" "$tmp/empty.pcap" "$tmp/cut.pcap" "$tmp/hdr.pcap"; do
	for order in lan wan; do
		if [ $order = lan ]; then
			run "$f" "$tmp/c/wan.pcap" >"$tmp/got"
		else
			run "$tmp/c/lan.pcap" "$f" >"$tmp/got"
		fi
		if tail -1 "$tmp/got" | grep -qx "exit 2" &&
			! grep -q '^PPTP control' "$tmp/got"; then
			pass "$(basename "$f") as the $order capture: exit 2"
		else
			cat "$tmp/got"
			fail "$(basename "$f") as the $order capture: exit 2"
		fi
	done
done
run "$tmp/hdr.pcap" "$tmp/c/wan.pcap" >"$tmp/got"
if grep -qxF "pptp-callid-diff: no PPTP control connection (tcp port 1723) in the LAN capture" "$tmp/got"; then
	pass "no connection in the LAN capture: says so"
else
	cat "$tmp/got"
	fail "no connection in the LAN capture: says so"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
