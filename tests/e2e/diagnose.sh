#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's diagnosis, as an admin makes it on a live router (README,
# "Troubleshooting"): capture on both sides of the router with tcpdump,
# then compare the Call IDs with tshark and scripts/pptp-callid-diff.
#
#   pns1 198.51.100.2 --in0--.
#                             rtr (masquerade as 203.0.113.1) --out0-- 203.0.113.2 pac
#   pns2 192.0.2.130 ---in1--'
#
# Both clients use Call ID 512.  Client 1 holds a call (scenario
# seed-held); client 2 plays the seed's failure (the server's
# Outgoing-Call-Reply and Set-Link-Info in one TCP segment, scenario
# coalesced).  tcpdump runs on in0, in1 and out0 of the router.  Twice:
# with the kernel's nf_conntrack_pptp + nf_nat_pptp, pptp-callid-diff
# must find the seed's mismatch (Set-Link-Info's Peer's Call ID not
# translated back: the value the client rejected) and the overwritten
# Call-Disconnect-Notify; with nf-pptp-fix, every Call ID and GRE key
# consistent.  Every command the README section shows is run here.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

here=$(cd "$(dirname "$0")/../.." && pwd)
diffcmd=$here/scripts/pptp-callid-diff
dir=
caps=()

cleanup() {
	local p
	for p in "${caps[@]}"; do
		kill -INT "$p" 2>/dev/null
	done
	wait 2>/dev/null
	topo_down
	if [ -n "$dir" ] && [ -n "${NF_PPTP_FIX_VM_OUT:-}" ]; then
		cp -r "$dir" "$NF_PPTP_FIX_VM_OUT/" 2>/dev/null
	fi
}

# capture NAME IF: tcpdump on the router's interface IF into $dir/NAME.pcap,
# the README's command; returns once tcpdump listens.
capture() {
	local _
	ip netns exec "$RTR" tcpdump -i "$2" -w "$dir/$1.pcap" \
		'tcp port 1723 or proto 47' 2>"$dir/$1.tcpdump" &
	caps+=($!)
	for _ in $(seq 50); do
		grep -qs 'listening on' "$dir/$1.tcpdump" && return 0
		sleep 0.1
	done
	return 1
}

# Ctrl-C to every tcpdump: each writes out what it captured.
capture_stop() {
	local p
	for p in "${caps[@]}"; do
		kill -INT "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	caps=()
}

# waitfor COMMAND...: up to 15 s for COMMAND to succeed.
waitfor() {
	local _
	for _ in $(seq 150); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Client 1 (Call ID 512) holds a call while client 2 (Call ID 512) plays
# the seed's failure, the server serving both: as lib.sh's run_pair, but
# each step waits for the one before, so that the server gets client 1
# first.  Logs in $dir/$1-{pac,pns1,pns2}.log; 0 if all three passed.
pair() {
	local peer=$here/tests/peers/pptp_peer.py pacpid p1 rc=0
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
		--peer-ip "$RTR_OUT" --call-id 42143 --clients 2 \
		--scenario seed-held,coalesced >"$dir/$1-pac.log" 2>&1 &
	pacpid=$!
	waitfor ip netns exec "$PAC" sh -c "ss -ltnH 'sport = :1723' | grep -q ." || rc=1
	ip netns exec "$PNS" timeout 60 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario seed-held >"$dir/$1-pns1.log" 2>&1 &
	p1=$!
	waitfor grep -q 'got OCRP' "$dir/$1-pns1.log" || rc=1
	ip netns exec "$PNS2" timeout 60 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario coalesced >"$dir/$1-pns2.log" 2>&1 || rc=1
	wait "$p1" || rc=1
	wait "$pacpid" || rc=1
	return $rc
}

# field FILE DIR TYPE COLUMN: a column of pptp-callid-diff's table.
field() {
	awk -v d="$2" -v t="$3" -v c="$4" '$3 == d && $4 == t { print $c; exit }' "$1"
}

# One run through helper $1 (kernel or ours).
run() {
	local h=$1 o ok
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft ||
		{ fail "$h: topology"; return; }
	# Which helper: lsmod, then the conntrack entries after the call.
	lsmod | grep pptp >"$dir/$h.lsmod"
	if [ "$h" = kernel ]; then
		check "$h: lsmod shows nf_conntrack_pptp and nf_nat_pptp" sh -c \
			"grep -q '^nf_conntrack_pptp ' '$dir/$h.lsmod' &&
			 grep -q '^nf_nat_pptp ' '$dir/$h.lsmod'"
	else
		check "$h: lsmod shows nf_conntrack_pptp_fix and nf_nat_pptp_fix" sh -c \
			"grep -q '^nf_conntrack_pptp_fix ' '$dir/$h.lsmod' &&
			 grep -q '^nf_nat_pptp_fix ' '$dir/$h.lsmod'"
	fi
	capture "$h-lan1" in0 && capture "$h-lan2" in1 && capture "$h-wan" out0 ||
		{ fail "$h: tcpdump did not start"; topo_down; return; }
	ok=0
	pair "$h" && ok=1
	# libpcap hands packets over in blocks that fill or time out after a
	# second: stopping tcpdump earlier loses the last packets.
	sleep 2
	capture_stop

	ip netns exec "$RTR" conntrack -L -p tcp --dport 1723 >"$dir/$h.conntrack" 2>/dev/null
	check "$h: conntrack -L -p tcp --dport 1723 shows helper=pptp on both connections" \
		test "$(grep -c 'helper=pptp' "$dir/$h.conntrack")" = 2
	if [ "$h" = ours ]; then
		ip netns exec "$RTR" cat /proc/net/nf_pptp_fix >"$dir/$h.stat"
		check "$h: counters: one call translated (id_changed 1)" \
			grep -qx 'id_changed 1' "$dir/$h.stat"
		check "$h: counters: Call ID fields rewritten (nat_fields > 0)" \
			grep -Eqx 'nat_fields [1-9][0-9]*' "$dir/$h.stat"
		dmesg | grep nf_conntrack_pptp_fix >"$dir/$h.dmesg"
		check "$h: dmesg: no message passed, no framing lost, no call refused" \
			sh -c "! grep -Eq ':[0-9]+->[0-9.]+:[0-9]+ ' '$dir/$h.dmesg'"
	fi
	topo_down

	# The README's commands, word for word but for the file names.
	for o in lan2 wan; do
		tshark -r "$dir/$h-$o.pcap" -Y pptp -T fields -e frame.number \
			-e pptp.control_message_type -e pptp.call_id -e pptp.peer_call_id \
			>"$dir/$h-$o.tshark" 2>"$dir/$h-$o.tshark.err" ||
			fail "$h: tshark -r $h-$o.pcap: $(cat "$dir/$h-$o.tshark.err")"
	done
	"$diffcmd" "$dir/$h-lan2.pcap" "$dir/$h-wan.pcap" >"$dir/$h-2.diff" 2>&1
	echo $? >"$dir/$h-2.rc"
	"$diffcmd" "$dir/$h-lan1.pcap" "$dir/$h-wan.pcap" >"$dir/$h-1.diff" 2>&1
	echo $? >"$dir/$h-1.rc"
	echo "== $h: pptp-callid-diff $h-lan2.pcap $h-wan.pcap (client 2, $(uname -r))"
	sed 's/^/  | /' "$dir/$h-2.diff"
	echo "== $h: pptp-callid-diff $h-lan1.pcap $h-wan.pcap (client 1)"
	sed 's/^/  | /' "$dir/$h-1.diff"
	if [ "$h" = kernel ]; then
		assert_kernel "$ok"
	else
		assert_ours "$ok"
	fi
}

assert_kernel() {
	local d2=$dir/kernel-2.diff d1=$dir/kernel-1.diff x rej port
	check "kernel: client 2 failed, as the seed's client" test "$1" = 0
	# What client 2 rejected: "SLI: field at 12 is X, my Call ID is 512".
	rej=$(sed -n 's/.*FAILED: SLI: field at 12 is \([0-9]*\), my Call ID is 512.*/\1/p' \
		"$dir/kernel-pns2.log")
	echo "  client 2 said: $(grep -h FAILED "$dir/kernel-pns2.log")"
	x=$(field "$d2" 'LAN>WAN' Outgoing-Call-Request 6)
	x=${x%/*}
	check "kernel: pptp-callid-diff exits 1 (mismatch)" test "$(cat "$dir/kernel-2.rc")" = 1
	check "kernel: Outgoing-Call-Request: Call ID 512 on the LAN, $x on the WAN" \
		test "$(field "$d2" 'LAN>WAN' Outgoing-Call-Request 5)" = 512/- -a -n "$x" -a "$x" != 512
	# The router's port for client 2's connection: conntrack's reply tuple.
	port=$(grep "src=$PNS2_IP " "$dir/kernel.conntrack" | grep -o 'dport=[0-9]*' | tail -1)
	port=${port#dport=}
	check "kernel: the new Call ID $x is the connection's TCP source port ($port)" \
		test "$x" = "$port"
	check "kernel: Set-Link-Info from the server: Peer's Call ID $x on both sides, MISMATCH" \
		test "$(field "$d2" 'WAN>LAN' Set-Link-Info 5) $(field "$d2" 'WAN>LAN' Set-Link-Info 6) $(field "$d2" 'WAN>LAN' Set-Link-Info 7)" = "-/$x -/$x MISMATCH"
	check "kernel: the diff explains it (went out as $x, reached the client as $x instead of 512)" \
		grep -q "Call ID 512 went out as $x in Outgoing-Call-Request.*Set-Link-Info came back with Peer's Call ID $x and reached the LAN host as $x instead of 512: not translated back" "$d2"
	check "kernel: ... and that it shared a TCP segment on the WAN" \
		grep -q 'on the WAN this message was not first in its TCP segment' "$d2"
	check "kernel: the mismatch is the very ID client 2 rejected ($rej)" test "$rej" = "$x"
	check "kernel: the only mismatch for client 2" grep -q '1 mismatch$' "$d2"
	check "kernel: tshark shows Outgoing-Call-Request with 512 on the LAN" \
		grep -qP '^\d+\t7\t512\t$' "$dir/kernel-lan2.tshark"
	check "kernel: tshark shows Outgoing-Call-Request with $x on the WAN" \
		grep -qP "^\\d+\\t7\\t$x\\t\$" "$dir/kernel-wan.tshark"
	check "kernel: tshark's dissector does not show the coalesced Set-Link-Info" \
		sh -c "! grep -qP '^\\d+\\t15\\t' '$dir/kernel-lan2.tshark'"
	# Client 1: a Call-Disconnect-Notify with its own ID, not the server's.
	check "kernel: client 1: Call-Disconnect-Notify's Call ID 42143 overwritten with 512" \
		test "$(field "$d1" 'WAN>LAN' Call-Disconnect-Notify 5) $(field "$d1" 'WAN>LAN' Call-Disconnect-Notify 6) $(field "$d1" 'WAN>LAN' Call-Disconnect-Notify 7)" = "512/- 42143/- MISMATCH"
	check "kernel: client 1: the diff calls it overwritten" \
		grep -q "Call-Disconnect-Notify's Call ID is the far end's (42143) on the WAN but reached the LAN host as 512.*overwritten" "$d1"
	check "kernel: client 1: GRE consistent both ways" \
		test "$(grep -c 'x 1 *consistent$' "$d1")" = 2
}

assert_ours() {
	local d2=$dir/ours-2.diff d1=$dir/ours-1.diff
	check "ours: both clients passed" test "$1" = 1
	check "ours: pptp-callid-diff exits 0 for client 2" test "$(cat "$dir/ours-2.rc")" = 0
	check "ours: pptp-callid-diff exits 0 for client 1" test "$(cat "$dir/ours-1.rc")" = 0
	check "ours: client 2's Call ID 512 is 513 on the WAN (client 1 holds 512)" \
		test "$(field "$d2" 'LAN>WAN' Outgoing-Call-Request 5) $(field "$d2" 'LAN>WAN' Outgoing-Call-Request 6)" = "512/- 513/-"
	check "ours: client 1's Call ID 512 kept" \
		test "$(field "$d1" 'LAN>WAN' Outgoing-Call-Request 6)" = 512/-
	check "ours: Set-Link-Info from the server: Peer's Call ID 513 on the WAN, 512 on the LAN" \
		test "$(field "$d2" 'WAN>LAN' Set-Link-Info 5) $(field "$d2" 'WAN>LAN' Set-Link-Info 6) $(field "$d2" 'WAN>LAN' Set-Link-Info 7)" = "-/512 -/513 consistent"
	check "ours: Call-Disconnect-Notify consistent for both clients" \
		test "$(field "$d1" 'WAN>LAN' Call-Disconnect-Notify 7)$(field "$d2" 'WAN>LAN' Call-Disconnect-Notify 7)" = consistentconsistent
	check "ours: no mismatch for either client" \
		sh -c "! grep -q MISMATCH '$d1' '$d2'"
	check "ours: client 2's GRE keys: 513 on the WAN, 512 on the LAN, both ways consistent" \
		sh -c "grep -q 'WAN key 513 x 1 *LAN key 512 x 1 *consistent' '$d2' &&
		       test \$(grep -c 'x 1 *consistent\$' '$d2') = 2"
	check "ours: tshark shows Outgoing-Call-Request 512 on the LAN, 513 on the WAN" \
		sh -c "grep -qP '^\\d+\\t7\\t512\\t\$' '$dir/ours-lan2.tshark' &&
		       grep -qP '^\\d+\\t7\\t513\\t\$' '$dir/ours-wan.tshark'"
}

# The live mapping without a capture (README, "The live mapping, without
# a capture"): client 1 holds a call with Call ID 512, client 2 (512 too,
# so translated) holds its call twice, once before any GRE, when
# `conntrack -L expect` shows the call's GRE expectations, and once with
# GRE both ways, when `conntrack -L -p gre` shows both calls' GRE
# conntracks; `conntrack -E expect` runs throughout.
live() {
	local peer=$here/tests/peers/pptp_peer.py flag=$dir/live-hold pacpid p1 p2 ev ok=1
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft ||
		{ fail "live: topology"; return; }
	# Each call sends one GRE packet each way: its GRE conntrack keeps the
	# unreplied timeout (30 s), which client 1's may outlive here on the
	# debug kernel.
	ip netns exec "$RTR" sysctl -qw net.netfilter.nf_conntrack_gre_timeout=300
	ip netns exec "$RTR" timeout 90 conntrack -E expect >"$dir/live.events" 2>&1 &
	ev=$!
	ip netns exec "$PAC" timeout 120 python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
		--peer-ip "$RTR_OUT" --call-id 42143 --clients 2 --sleep-until "$flag" \
		--scenario seed-held,held-listed >"$dir/live-pac.log" 2>&1 &
	pacpid=$!
	waitfor ip netns exec "$PAC" sh -c "ss -ltnH 'sport = :1723' | grep -q ." || ok=0
	ip netns exec "$PNS" timeout 90 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 --sleep-until "$flag" \
		--scenario seed-held >"$dir/live-pns1.log" 2>&1 &
	p1=$!
	waitfor grep -q 'got GRE' "$dir/live-pns1.log" || ok=0
	ip netns exec "$PNS2" timeout 90 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 --sleep-until "$flag" \
		--scenario held-listed >"$dir/live-pns2.log" 2>&1 &
	p2=$!

	waitfor grep -q 'holding expect' "$dir/live-pns2.log" || ok=0
	ip netns exec "$RTR" conntrack -L expect >"$dir/live.expect" 2>/dev/null
	touch "$flag.expect"
	waitfor grep -q 'holding gre' "$dir/live-pns2.log" || ok=0
	ip netns exec "$RTR" conntrack -L -p gre >"$dir/live.gre" 2>/dev/null
	touch "$flag.gre" "$flag"
	wait "$p1" || ok=0
	wait "$p2" || ok=0
	wait "$pacpid" || ok=0
	sleep 1
	kill "$ev" 2>/dev/null
	wait "$ev" 2>/dev/null
	topo_down

	echo "== live: conntrack -L expect (client 2's call set up, no GRE yet)"
	sed 's/^/  | /' "$dir/live.expect"
	echo "== live: conntrack -L -p gre (both calls, GRE both ways)"
	sed 's/^/  | /' "$dir/live.gre"
	echo "== live: conntrack -E expect"
	sed 's/^/  | /' "$dir/live.events"
	check "live: both clients and the server passed" test "$ok" = 1 ||
		sed 's/^/    /' "$dir"/live-*.log
	# Client 2's 512 (0x200) is 513 (0x201) on the WAN; client 1 kept 512.
	check "live: -L expect: client 2's call expects GRE from the server to 0x201" \
		grep -q "^[0-9]* proto=47 src=$PAC_IP dst=$RTR_OUT srckey=0x[0-9a-f]* dstkey=0x201 .* master-src=$PNS2_IP " "$dir/live.expect"
	check "live: -L expect: ... and from the client with 0x200" \
		grep -q "^[0-9]* proto=47 src=$PNS2_IP dst=$PAC_IP srckey=0x200 .* master-src=$PNS2_IP " "$dir/live.expect"
	check "live: -L expect: both expectations are the helper's (helper=pptp)" \
		test "$(grep -c 'helper=pptp$' "$dir/live.expect")" = 2
	check "live: -L -p gre: client 2's GRE conntrack, key 0x200 on the LAN, 0x201 on the WAN" \
		grep -Eq "^gre .* src=$PNS2_IP dst=$PAC_IP srckey=0x200 dstkey=(0x[0-9a-f]+) src=$PAC_IP dst=$RTR_OUT srckey=\\1 dstkey=0x201 " "$dir/live.gre"
	check "live: -L -p gre: client 1's GRE conntrack, key 0x200 on both sides" \
		grep -Eq "^gre .* src=$PNS_IP dst=$PAC_IP srckey=0x200 dstkey=(0x[0-9a-f]+) src=$PAC_IP dst=$RTR_OUT srckey=\\1 dstkey=0x200 " "$dir/live.gre"
	check "live: -E expect: [NEW] for each of client 2's two expectations" \
		test "$(grep -c "^ *\[NEW\] .*master-src=$PNS2_IP " "$dir/live.events")" = 2
	check "live: -E expect: [DESTROY] once its GRE came" \
		grep -q "^ *\[DESTROY\] .*master-src=$PNS2_IP " "$dir/live.events"
}

# The rewrites traced with dynamic debug, where the kernel has it.
dyndbg() {
	local ctl=/sys/kernel/debug/dynamic_debug/control
	[ -e /sys/kernel/debug/dynamic_debug ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	if [ ! -e "$ctl" ]; then
		echo "note: no $ctl (CONFIG_DYNAMIC_DEBUG off in this kernel): rewrite trace not checked"
		return 1
	fi
	echo 'module nf_conntrack_pptp_fix +p' >"$ctl"
}

main() {
	need_vm
	command -v tshark >/dev/null || { echo "SKIP: tshark not installed (scripts/install-deps)"; exit "$ksft_skip"; }
	command -v tcpdump >/dev/null || { echo "SKIP: tcpdump not installed (scripts/install-deps)"; exit "$ksft_skip"; }
	dir=$(mktemp -d /tmp/diagnose.XXXXXX)
	trap cleanup EXIT

	if modprobe nf_conntrack_pptp && modprobe nf_nat_pptp; then
		run kernel
		modprobe -r nf_nat_pptp nf_conntrack_pptp
	else
		fail "modprobe nf_conntrack_pptp nf_nat_pptp"
	fi

	if modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix; then
		local dd=0
		dmesg -C
		dyndbg && dd=1
		run ours
		if [ "$dd" = 1 ]; then
			check "ours: dynamic debug traces the rewrite 512 -> 513" \
				sh -c "dmesg | grep -q 'nf_conntrack_pptp_fix: .*Call ID 512 -> 513'"
		fi
		live
		modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
	else
		fail "modprobe nf_conntrack_pptp_fix nf_nat_pptp_fix"
	fi
	finish
}

main "$@"
