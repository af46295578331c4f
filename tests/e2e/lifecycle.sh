#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifecycle under load: unload and reload both modules, round
# after round, while PPTP sessions keep opening and closing through two
# masquerading routers that assign our helper with the README's nft
# recipe (lib.sh rtr_assign_nft).
#
#   A: pns1, pns2 -- rtrA (masquerade) -- pacA 203.0.113.2 (+ .3)
#      churn: both clients Call ID 512, so every session needs Call ID
#      translation; plus, each round, a call held with its GRE
#      expectations pending (scenario held-no-gre, PAC address .3)
#   B: pns1 -- rtrB (masquerade) -- pacB: pptp-linux/pppd to pptpd, a
#      real tunnel up and pinged through during each unload
#
# An admin cannot unload nf_conntrack_pptp_fix while nft "ct helper"
# objects of its type exist: each holds a module reference (nft_ct.c,
# nf_conntrack_helper_try_module_get), so rmmod says "in use".  Flushing
# the rule is not enough; the object (here its table) must go.  The test
# does what an admin would: delete the tables, unload, check, reload,
# re-add them.  Each round checks: no expectation left (routers, initial
# namespace), no GRE conntrack keyed through a GRE key map entry (new GRE conntracks
# after the unload must have source key 0: the key map is the only source
# of one), no splat in the kernel log (scripts/splat-scan), and, after
# the reload, a real tunnel dials and a churn session with Call ID
# translation passes again.
#
# Then nf_nat_pptp_fix alone is unloaded: tracking goes on (counters,
# expectations), nothing is rewritten any more; see the end of this file.
# On a kernel with kmemleak (scripts/check-debug), the last unload is
# followed by a scan that must report nothing allocated through our code,
# including frames of module instances already unloaded, which kmemleak
# can no longer name: their address ranges are noted at each load.
#
# LIFECYCLE_ROUNDS sets the number of unload/reload rounds: default 5, 3
# on the debug kernel (a round takes 15-25 s on 6.1 and 6.12, 50-100 s
# with KASAN and kmemleak; scripts/check-debug allows 900 s a test).
set -u
. "$(dirname "$0")/lib.sh"

main() {
	need_vm
	rounds=${LIFECYCLE_ROUNDS:-5}
	[[ "${NF_PPTP_FIX_KERNEL:-}" == *-debug ]] && rounds=${LIFECYCLE_ROUNDS:-3}
	here=$(cd "$(dirname "$0")/../.." && pwd)
	peer=$here/tests/peers/pptp_peer.py
	work=/run/lifecycle-$rnd
	mkdir -p "$work"
	echo 0 >"$work/gen"
	trap cleanup EXIT
	# kmemleak's own scan every ten minutes stalls a KASAN UML kernel for
	# minutes: scan once, at the end.
	[ -w /sys/kernel/debug/kmemleak ] && echo scan=off >/sys/kernel/debug/kmemleak

	if ! modprobe nf_conntrack_pptp_fix || ! modprobe nf_nat_pptp_fix; then
		fail "modprobe ours"
		finish
		return
	fi
	note_modules

	if ! topo_a || ! topo_b; then
		fail "topologies"
		finish
		return
	fi
	churn >"$work/churn.out" 2>&1 &
	churnpid=$!
	dial_b || { fail "real tunnel through rtrB before any unload"; finish; return; }
	check "churn: a session with Call ID translation passes before any unload" wait_gen 0
	prestart_held

	local r t0
	for r in $(seq "$rounds"); do
		t0=$SECONDS
		round "$r"
		echo "  round $r: $((SECONDS - t0)) s"
	done
	nat_alone
	final_unload
	echo "  churn: $(grep -c ' ok$' "$work/churn") sessions passed," \
		"$(grep -c ' fail$' "$work/churn") failed (those while a helper was away)"
	if [ -s "$work/churn-leftovers" ]; then
		echo "  churn: peers outlived their session (stopped; details follow)"
		sed 's/^/    /' "$work/churn-leftovers"
	fi
	echo "  total: $SECONDS s"
	finish
}

cleanup() {
	touch "$work/stop"
	[ -n "${churnpid:-}" ] && kill "$churnpid" 2>/dev/null
	local ns
	for ns in "${A_PNS:-}" "${A_PNS2:-}" "${A_RTR:-}" "${A_PAC:-}" \
		  "${B_PNS:-}" "${B_RTR:-}" "${B_PAC:-}"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	topo_down
}

# Addresses and sizes of our modules as loaded now, for the kmemleak
# checks: ours and tests/debug/run-and-scan's.
note_modules() {
	awk '$1 ~ /pptp_fix/ { for (i = 1; i <= NF; i++) if ($i ~ /^0x/) print $1, $i, $2 }' \
		/proc/modules >>"$work/ranges"
	[ -z "${NF_PPTP_FIX_VM_OUT:-}" ] || cat "$work/ranges" >"$NF_PPTP_FIX_VM_OUT/module-ranges"
}

topo_a() {
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft || return 1
	A_PNS=$PNS A_PNS2=$PNS2 A_RTR=$RTR A_PAC=$PAC
	ip -n "$A_PAC" addr add 203.0.113.3/24 dev veth0
	PNS='' PNS2='' RTR='' PAC=''
}

topo_b() {
	rnd=$(printf '%04x' $((RANDOM)))
	B_rnd=$rnd
	NAT=1 topo_up && rtr_assign_nft && pac_start_pptpd || return 1
	B_PNS=$PNS B_RTR=$RTR B_PAC=$PAC
	PNS='' RTR='' PAC=''
	sleep 0.5
}

assign_all() {
	RTR=$A_RTR rtr_assign_nft && RTR=$B_RTR rtr_assign_nft
}

# What an admin does before unloading: delete the ct helper objects.
unassign_all() {
	ip netns exec "$A_RTR" nft delete table inet pptp &&
		ip netns exec "$B_RTR" nft delete table inet pptp
}

# (Re)dial the real tunnel in B and keep pinging through it.
dial_b() {
	local i
	ip netns pids "$B_PNS" | xargs -r kill -9 2>/dev/null
	for i in $(seq 30); do
		[ -z "$(ip netns pids "$B_PNS")" ] &&
			! ip -n "$B_PNS" link show ppp0 >/dev/null 2>&1 && break
		sleep 0.1
	done
	rnd=$B_rnd pns_dial "$B_PNS" 0 || return 1
	ip netns exec "$B_PNS" busybox ping -c 2 -W 3 192.0.2.1 >/dev/null || return 1
	(ip netns exec "$B_PNS" busybox ping -q -i 1 192.0.2.1 >/dev/null 2>&1 &)
}

# Sessions through rtrA until $work/stop: the PAC serves two clients at
# once, both with Call ID 512.  Client 1 sets up a call and holds it until
# client 2's call is up too, so client 2's Call ID must be translated (the
# PAC fails unless it sees two distinct ones).  Client 2 starts beside
# client 1 (Python starts slowly in UML) but connects only once client 1's
# call is up, so that the PAC serves them in that order.  Each line of
# $work/churn is "GENERATION N ok|fail", the generation read from
# $work/gen when the session started.
churn() {
	local gen i=0 ok pacpid p1 p2
	while [ ! -e "$work/stop" ]; do
		if [ -e "$work/pause" ]; then
			touch "$work/paused"
			sleep 0.05
			continue
		fi
		gen=$(cat "$work/gen")
		i=$((i + 1))
		ok=ok
		rm -f "$work/go" "$work/up2" "$work"/churn-p*
		churn_no_leftover "$i"
		ip netns exec "$A_PAC" timeout 60 python3 "$peer" --role pac --tcp listen \
			--addr "$PAC_IP" --peer-ip "$RTR_OUT" --call-id 42143 --clients 2 \
			--scenario seed-held,seed >"$work/churn-pac" 2>&1 &
		pacpid=$!
		ip netns exec "$A_PNS" timeout 60 python3 "$peer" --role pns --tcp connect \
			--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
			--scenario seed-held --sleep-until "$work/up2" >"$work/churn-pns1" 2>&1 &
		p1=$!
		ip netns exec "$A_PNS2" timeout 60 python3 -c "$held_back" "$work/go" \
			"$peer" --role pns --tcp connect --addr "$PAC_IP" --peer-ip "$PAC_IP" \
			--call-id 512 --scenario seed >"$work/churn-pns2" 2>&1 &
		p2=$!
		# Whole, so that churn_pause never reads half of it.
		echo "$pacpid $p1 $p2" >"$work/pids-churn.new"
		mv "$work/pids-churn.new" "$work/pids-churn"
		wait_log "$work/churn-pns1" 'got OCRP' "$p1"
		touch "$work/go"
		wait_log "$work/churn-pns2" 'got OCRP' "$p2"
		touch "$work/up2"
		wait "$p2" || ok=fail
		wait "$p1" || ok=fail
		wait "$pacpid" || ok=fail
		echo "$gen $i $ok" >>"$work/churn"
		[ "$ok" = ok ] || [ -e "$work/churn-fail-$gen" ] ||
			cat "$work"/churn-p* >"$work/churn-fail-$gen"
	done
}

# churn_no_leftover N: before session N, no peer of an earlier session
# may be left: a PAC still listening would take this session's clients
# (and this PAC's bind would fail), a held-back client would join it.
# Seen once on the debug kernel, as read from the logs (a session failed
# on its PAC's traceback while another PAC served its clients); every
# session's peers are waited for, so how one outlived its session is not
# known.  Say so in $work/churn-leftovers, with the process table, and
# stop them.
churn_no_leftover() {
	local ns pid left=
	for ns in "$A_PAC" "$A_PNS" "$A_PNS2"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
				grep -qE 'pptp_peer\.py .*--call-id (42143|512) ' && left+=" $pid"
		done
	done
	[ -z "$left" ] && return 0
	{
		echo "before churn session $1, peers of an earlier session:$left"
		ip netns exec "$A_PAC" ss -Hltnp
		ps -eo pid,ppid,pgid,stat,etimes,args
	} >>"$work/churn-leftovers"
	# shellcheck disable=SC2086 # a list of PIDs
	kill -9 $left 2>/dev/null
	sleep 0.2
}

# wait_log FILE TEXT PID: until FILE holds TEXT, PID is gone, or 30 s.
wait_log() {
	local i
	for i in $(seq 600); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# python3 -c "$held_back" FILE SCRIPT ARGS...: SCRIPT run as __main__ with
# ARGS once FILE exists.
held_back='
import argparse, os, runpy, select, socket, struct, sys, threading, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
'

# churn_pause: no new session starts; the one running is cut short (do
# it while its calls are not tracked, or they stay up, with their GRE
# conntracks, until their control conntracks time out).  churn_resume G:
# sessions from now on are of generation G.
churn_pause() {
	local i
	touch "$work/pause"
	[ -s "$work/pids-churn" ] && xargs -r kill <"$work/pids-churn" 2>/dev/null
	for i in $(seq 200); do
		[ -e "$work/paused" ] && return 0
		sleep 0.05
	done
	return 1
}

churn_resume() {
	echo "$1" >"$work/gen"
	rm -f "$work/pause" "$work/paused"
}

# wait_gen G: the first churn session of generation G passed.
wait_gen() {
	local i line
	for i in $(seq 600); do
		line=$(grep -m1 "^$1 " "$work/churn" 2>/dev/null)
		if [ -n "$line" ]; then
			echo "  churn session: $line"
			[ "${line##* }" = ok ] && return 0
			sed 's/^/    /' "$work/churn-fail-$1"
			ip netns exec "$A_RTR" conntrack -L 2>/dev/null | sed 's/^/    rtrA: /'
			ip netns exec "$A_RTR" conntrack -L expect 2>/dev/null | sed 's/^/    rtrA: /'
			return 1
		fi
		sleep 0.1
	done
	echo "  no churn session of generation $1 within 60 s"
	return 1
}

# rmmod, retried while nft's deferred object release may hold the module.
rmmod_retry() {
	local i
	for i in $(seq 50); do
		if rmmod "$1" 2>/dev/null; then
			[ "$i" = 1 ] || echo "  $1: unloaded at attempt $i"
			return 0
		fi
		sleep 0.1
	done
	rmmod "$1"
}

unload_both() {
	rmmod nf_nat_pptp_fix && rmmod_retry nf_conntrack_pptp_fix
}

refused() { [[ "$1" == *"in use"* ]] && loaded nf_conntrack_pptp_fix; }

loaded() { grep -q "^$1 " /proc/modules; }

# No expectation left: helpers run on the routers only, so there and in
# the initial namespace.
no_expectations() {
	local r left
	left=$(cat /proc/net/nf_conntrack_expect)
	for r in "$A_RTR" "$B_RTR"; do
		left+=$(ip netns exec "$r" sh -c \
			'cat /proc/net/nf_conntrack_expect; conntrack -L expect 2>/dev/null')
	done
	[ -z "$left" ] && return 0
	sed 's/^/    left: /' <<<"$left"
	return 1
}

# No GRE conntrack whose original source key is not 0 on either router:
# only a key map entry gives one.
no_keyed_gre() {
	local r keyed=
	for r in "$A_RTR" "$B_RTR"; do
		keyed+=$(ip netns exec "$r" conntrack -L -p gre 2>/dev/null |
			awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^srckey=/) {
				if ($i != "srckey=0x0") print; break } }')
	done
	[ -z "$keyed" ] && return 0
	sed 's/^/    keyed: /' <<<"$keyed"
	return 1
}

splat_free() {
	dmesg >"$work/dmesg"
	if grep -q 'per-connection state left' "$work/dmesg"; then
		grep 'per-connection state left' "$work/dmesg" | sed 's/^/    /'
		return 1
	fi
	# Quoted without the colon after WARNING etc.: the console is
	# scanned as kernel output too (lib.sh's no_splat says why).
	"$here/scripts/splat-scan" "$work/dmesg" |
		sed -E 's/^/    /; s/(BUG|WARNING|KASAN|UBSAN|Oops):/\1/g'
	return "${PIPESTATUS[0]}"
}

# A call held with its GRE expectations pending across the unload: its
# peers start ahead (prestart_held), start_held lets them go.
prestart_held() {
	rm -f "$work/held-go"
	ip netns exec "$A_PAC" timeout 60 python3 "$peer" --role pac --tcp listen \
		--addr 203.0.113.3 --peer-ip "$RTR_OUT" --call-id 4000 \
		--scenario held-no-gre >"$work/held-pac" 2>&1 &
	heldpac=$!
	ip netns exec "$A_PNS" timeout 60 python3 -c "$held_back" "$work/held-go" \
		"$peer" --role pns --tcp connect --addr 203.0.113.3 --peer-ip 203.0.113.3 \
		--call-id 700 --scenario held-no-gre >"$work/held-pns" 2>&1 &
	heldpns=$!
}

start_held() {
	local i
	touch "$work/held-go"
	for i in $(seq 100); do
		[ "$(ip netns exec "$A_RTR" conntrack -L expect 2>/dev/null |
			grep -c '203\.0\.113\.3')" = 2 ] && return 0
		sleep 0.1
	done
	return 1
}

wait_held() {
	local rc=0
	wait "$heldpns" || rc=1
	wait "$heldpac" || rc=1
	return $rc
}

round() {
	local r=$1 out refcnt

	check "round $r: a held call's two GRE expectations pending" start_held
	check "round $r: rmmod nf_nat_pptp_fix" rmmod nf_nat_pptp_fix
	refcnt=$(cat /sys/module/nf_conntrack_pptp_fix/refcnt)
	check "round $r: nf_conntrack_pptp_fix refcnt $refcnt, one per ct helper object (2)" \
		test "$refcnt" = 2
	out=$(rmmod nf_conntrack_pptp_fix 2>&1)
	echo "  $out"
	check "round $r: rmmod nf_conntrack_pptp_fix refused (in use) while nft objects hold it" \
		refused "$out"
	if [ "$r" = 1 ]; then
		# A rule gone is not enough: the object holds the module.
		ip netns exec "$A_RTR" nft flush chain inet pptp pre
		ip netns exec "$B_RTR" nft flush chain inet pptp pre
		check "round $r: rules flushed, objects kept: rmmod still refused" \
			sh -c '! rmmod nf_conntrack_pptp_fix 2>/dev/null'
	fi
	check "round $r: delete the ct helper objects (nft delete table inet pptp)" unassign_all
	check "round $r: rmmod nf_conntrack_pptp_fix now" rmmod_retry nf_conntrack_pptp_fix
	check "round $r: neither module loaded" \
		sh -c '! grep -q pptp_fix /proc/modules'
	# Let GRE of the tunnel and of the churn go through with no helper.
	sleep 1
	check "round $r: no expectation left" no_expectations
	check "round $r: no GRE conntrack keyed through a key map entry" no_keyed_gre
	check "round $r: no splat in the kernel log" splat_free
	check "round $r: the held control connection still carries its messages" \
		wait_held
	grep -q FAILED "$work"/held-p* && sed 's/^/    /' "$work"/held-p*

	check "round $r: modprobe both" \
		sh -c 'modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix'
	note_modules
	churn_pause
	check "round $r: re-add the nft recipe on both routers" assign_all
	churn_resume "$r"
	if [ "$r" = 1 ]; then
		# Measured, not asserted: the tunnel dialled before the unload.
		local res=fails
		ip netns exec "$B_PNS" busybox ping -c 3 -W 2 192.0.2.1 >/dev/null && res=works
		echo "  round $r: ping through the tunnel dialled before the unload $res"
	fi
	dial_b >"$work/dial" 2>&1 &
	local dialpid=$!
	check "round $r: churn: a new session passes with Call ID translation" wait_gen "$r"
	check "round $r: a real tunnel dials through the reloaded helper and pings" \
		wait "$dialpid"
	cat "$work/dial"
	[ "$r" = "$rounds" ] || prestart_held
}

# scenario_nat NAME: scenario NAME between one client behind rtrA-like
# masquerade and a PAC, in a fresh topology; prints the router's counters
# to $work/stats and checks that no expectation is left after the call.
scenario_nat() {
	local name=$1 pacpid rc=0
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && rtr_assign_nft || return 1
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
		--peer-ip "$RTR_OUT" --call-id 42143 --scenario "$name" >"$work/nat-pac" 2>&1 &
	pacpid=$!
	sleep 0.3
	ip netns exec "$PNS" timeout 60 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 --scenario "$name" \
		>"$work/nat-pns" 2>&1 || rc=1
	wait "$pacpid" || rc=1
	sleep 0.2
	ip netns exec "$RTR" cat /proc/net/nf_pptp_fix >"$work/stats"
	ip netns exec "$RTR" conntrack -L expect 2>/dev/null >"$work/nat-expect"
	topo_down
	PNS='' RTR='' PAC=''
	[ "$rc" = 0 ] || sed 's/^/    /' "$work/nat-pns" "$work/nat-pac"
	return $rc
}

# nf_nat_pptp_fix alone is unloaded; nf_conntrack_pptp_fix stays.  The
# conntrack module reaches the NAT module only through the RCU pointer
# nf_nat_pptp_fix_hook, NULL now: messages are still tracked and GRE
# still expected, but nothing is rewritten and GRE conntracks get no NAT
# set up by us.  A NATed session whose Call ID is free still works
# (masquerade translates the addresses, the keys need no change, and no
# expectation is left after the call); one whose Call ID needed
# translation does not: the PAC sees the same Call ID twice (the tracker
# keeps the real ID and counts id_collision; it expects GRE by it).  Sessions
# translated when the module went keep their mappings but are no longer
# rewritten, so they break mid-call; they stay tracked until their
# control conntracks die.
nat_alone() {
	local t0=$SECONDS bad
	churn_pause
	check "NAT alone: rmmod nf_nat_pptp_fix" rmmod nf_nat_pptp_fix
	check "NAT alone: nf_conntrack_pptp_fix stays loaded" loaded nf_conntrack_pptp_fix
	churn_resume 100

	check "NAT alone: a NATed session whose Call ID is free still works" \
		scenario_nat seed
	check "NAT alone: its messages tracked (ocrq, ocrp, sli, ccrq, cdn)" sh -c \
		"grep -qx 'msg_ocrq_orig 1' $work/stats && grep -qx 'msg_ocrp_reply 1' $work/stats &&
		 grep -qx 'msg_sli_orig 1' $work/stats && grep -qx 'msg_sli_reply 1' $work/stats &&
		 grep -qx 'msg_ccrq_orig 1' $work/stats && grep -qx 'msg_cdn_reply 1' $work/stats"
	bad=$(grep -E '^(passed|lost)_' "$work/stats" | grep -v ' 0$' | tr '\n' ' ')
	check "NAT alone: every message placed ${bad:+($bad)}" test -z "$bad"
	check "NAT alone: its GRE expected (calls_up 1, calls_down 1, expect_failed 0)" sh -c \
		"grep -qx 'calls_up 1' $work/stats && grep -qx 'calls_down 1' $work/stats &&
		 grep -qx 'expect_failed 0' $work/stats"
	check "NAT alone: nothing rewritten (nat_fields 0, nat_bytes 0)" sh -c \
		"grep -qx 'nat_fields 0' $work/stats && grep -qx 'nat_bytes 0' $work/stats"
	check "NAT alone: no expectation left after the NATed call" \
		test ! -s "$work/nat-expect"
	[ -s "$work/nat-expect" ] && sed 's/^/    left: /' "$work/nat-expect"

	# The churn's two clients with Call ID 512: nothing translates the
	# second one's any more.
	wait_gen 100 >/dev/null
	grep -h 'Call IDs as seen here' "$work/churn-fail-100" 2>/dev/null | sed 's/^/  churn: /'
	check "NAT alone: two clients with Call ID 512: the PAC sees 512 twice" \
		grep -q 'Call IDs as seen here: \[512, 512\]' "$work/churn-fail-100"

	check "NAT alone: no splat in the kernel log" splat_free
	churn_pause
	check "NAT alone: modprobe nf_nat_pptp_fix again" modprobe nf_nat_pptp_fix
	note_modules
	# Sessions that broke while no Call ID was rewritten (or were cut
	# short) still hold their calls, IDs and GRE conntracks until their
	# control conntracks time out; the scripted PAC reuses its Call IDs,
	# so a new call would clash with those GRE conntracks.  Flush, as an
	# admin would after changing NAT.
	ip netns exec "$A_RTR" conntrack -F 2>/dev/null
	churn_resume 101
	check "NAT alone: churn: Call ID translation again with the module back" wait_gen 101
	echo "  NAT alone: $((SECONDS - t0)) s"
}

# Everything stopped and unloaded; on a kmemleak kernel, a scan.
final_unload() {
	touch "$work/stop"
	wait "$churnpid"
	churnpid=
	ip netns pids "$B_PNS" | xargs -r kill -9 2>/dev/null
	unassign_all
	check "final: rmmod both" unload_both
	check "final: no expectation left" no_expectations
	check "final: no splat in the kernel log" splat_free
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	# kmemleak ignores objects younger than 5 s.
	sleep 6
	# What every scan reports, up to four: UML's kmemleak reports live
	# objects now and then.
	"$here/tests/debug/kmemleak-scan" "$work/ranges" "$work/kmemleak" | sed 's/^/  /'
	echo "  kmemleak: $(grep -c 'unreferenced object' "$work/kmemleak") reports in every scan"
	check "final: kmemleak: nothing allocated through our code unreferenced" \
		leaks_ours "$work/kmemleak"
}

# scripts/splat-scan's rule on the kmemleak report, our frames marked
# even in module instances unloaded since.
leaks_ours() {
	"$here/scripts/splat-scan" "$1" | sed 's/^/    /'
	return "${PIPESTATUS[0]}"
}

main "$@"
