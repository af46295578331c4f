#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two CPUs (issue 12): help() for both directions of one control
# connection at the same time, on many connections, with the conntrack
# table flushed, full, and the modules unloaded and reloaded around it.
# Needs a VM with two CPUs or more (scripts/vm-run --kernel debian-6.1):
# skips on one.
#
#   pns1 198.51.100.2 --.   holds Call ID 512 towards the PAC
#                        rtr (masquerade as 203.0.113.1) ---- 203.0.113.2 pac
#   pns2 192.0.2.130 ---'   $CONNS clients, every one Call ID 512: all
#                           translated; each floods the PAC while the PAC
#                           floods it back (scenario flood-both)
#
# The clients run on CPU 0 and the PAC on CPU 1 (taskset): veth delivers
# on the sending CPU, so the router's help() for the two directions of
# one connection can run on both CPUs at once (how often it overlaps is
# not measured).  The clients share one address and one raw GRE socket
# view: their GRE checks cannot tell their calls apart; the Call ID
# fields of the control messages can.
#
# Rounds:
#   1. $CONNS connections, $SMP_FLOOD messages each way on each: every
#      message arrives naming the receiver's own Call ID, and the PAC saw
#      $CONNS distinct Call IDs for the clients' 512;
#   2. the same load for 20 s while conntrack -F runs in a loop on the
#      router and nf_conntrack_max is reached by connection attempts:
#      nothing is checked about the calls (their conntracks are flushed
#      mid-stream), only that nothing crashes or warns;
#   3. unload of both modules (no per-connection state left), reload, and
#      round 1 again.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
if [ "$(nproc)" -lt 2 ]; then
	echo "SKIP: $(basename "$0") needs two CPUs ($(nproc) here: UML has one; use --kernel debian-6.1)"
	exit "$ksft_skip"
fi
trap topo_down EXIT

CONNS=${SMP_CONNS:-6}
export PPTP_FLOOD=${SMP_FLOOD:-2000}
peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"

# setup NAME: the topology, in this shell (its names are globals).
setup() {
	rnd=$(printf '%04x' $((RANDOM)))
	rm -f "/run/smp-up-$rnd" "/run/smp-held-$rnd"
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft || { fail "$1: topology"; return 1; }
}

# peers: the holder of 512, then $CONNS clients flooding both ways at
# once.  Returns 0 if every peer passed.
peers() {
	local pacpid p1 pids=() i w rc=0 sc=seed-held
	for i in $(seq "$CONNS"); do sc+=,flood-both; done
	ip netns exec "$PAC" taskset -c 1 python3 "$peer" --role pac --tcp listen \
		--addr "$PAC_IP" --peer-ip "$RTR_OUT" --call-id 42143 \
		--clients $((CONNS + 1)) --scenario "$sc" >"/run/smp-pac-$rnd" 2>&1 &
	pacpid=$!
	wait_listen "$PAC" "$PAC_IP"
	ip netns exec "$PNS" taskset -c 0 timeout 300 python3 "$peer" --role pns \
		--tcp connect --addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario seed-held --sleep-until "/run/smp-up-$rnd" \
		>"/run/smp-pns1-$rnd" 2>&1 &
	p1=$!
	wait_for_log "/run/smp-pns1-$rnd" "got OCRP" || rc=1
	for i in $(seq "$CONNS"); do
		ip netns exec "$PNS2" taskset -c 0 timeout 300 python3 "$peer" --role pns \
			--tcp connect --addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
			--scenario flood-both --sleep-until "/run/smp-held-$rnd" \
			>"/run/smp-pns2.$i-$rnd" 2>&1 &
		pids+=($!)
	done
	# Every client holds its call after its flood and GRE until all are there:
	# then all calls are up at once, and the PAC checks that they all
	# reached it with different Call IDs.
	for w in $(seq 600); do
		[ -e "/run/smp-held-$rnd" ] && break
		[ "$(cat /run/smp-pns2.*-"$rnd" | grep -c 'got GRE with key\|FAILED')" -ge "$CONNS" ] && break
		sleep 0.2
	done
	touch "/run/smp-held-$rnd"
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	touch "/run/smp-up-$rnd"
	wait "$p1" || rc=1
	wait "$pacpid" || rc=1
	return $rc
}

# A round whose every peer must pass: the flood arrived right both ways on
# every connection, and the clients' 512 became $CONNS + 1 distinct IDs.
checked_round() {
	local what=$1
	setup "$what" || return
	if peers; then
		pass "$what: $CONNS connections, $PPTP_FLOOD messages each way on each, every Call ID right"
	else
		fail "$what: $(cat /run/smp-p*-"$rnd" | grep -o 'FAILED: .*' | sort | uniq -c | head -5 | tr '\n' ';')"
		grep -v 'got \|sent ' "/run/smp-pac-$rnd" | tail -5 | sed 's/^/    pac: /'
	fi
	grep -h "peers' Call IDs as seen here" "/run/smp-pac-$rnd" | sed 's/^/  /'
	check "$what: the clients' calls translated ($(counter id_changed) of $CONNS)" \
		test "$(counter id_changed)" -ge "$CONNS"
	check "$what: no field without a mapping, nothing dropped by the helper" \
		test "$(counter nat_unknown)" = 0 -a "$(counter mangle_failed)" = 0 -a \
		"$(counter alloc_failed)" = 0
	topo_down
}

dmesg -C
modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours"; finish; exit; }

checked_round "round 1"
no_splat "round 1" 'lockdep|circular locking'

# Round 2: flushes and a full table under the same load, for 20 s, then
# the peers are stopped.  The default nf_conntrack_max is large; 64 is
# reached by connections from the first client to a listener on the PAC
# that never accepts them: the kernel completes their handshakes, so
# their conntracks are assured, which the kernel does not drop early to
# make room.
setup "round 2" || { finish; exit; }
max=$(sysctl -n net.netfilter.nf_conntrack_max)
peers >/dev/null 2>&1 &
load=$!
# The peers under way (Python starts slowly in a TCG guest).
sleep 4
sysctl -qw net.netfilter.nf_conntrack_max=64
ip netns exec "$PAC" python3 -c '
import socket, time
s = socket.socket()
s.bind(("203.0.113.2", 2000))
s.listen(4096)
time.sleep(30)
' &
sleep 1
ip netns exec "$PNS" python3 -c '
import socket, time
end, held = time.time() + 20, []
while time.time() < end:
    for _ in range(50):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("203.0.113.2", 2000))
        except OSError:
            pass
        held.append(s)
    held = held[-400:]
    time.sleep(0.2)
' &
filler=$!
flushes=0
while kill -0 "$filler" 2>/dev/null; do
	ip netns exec "$RTR" conntrack -F >/dev/null 2>&1 && flushes=$((flushes + 1))
	sleep 0.5
done
full=$(dmesg | grep -c 'table full' || true)
# The clients die without a word: release the wait for them.
touch "/run/smp-held-$rnd"
topo_down
wait "$load"
sysctl -qw net.netfilter.nf_conntrack_max="$max"
echo "  round 2: $flushes flushes; the kernel logged 'table full' $full times"
check "round 2: nf_conntrack_max was reached" test "$full" -gt 0
no_splat "round 2 (conntrack -F in a loop, nf_conntrack_max 64)" 'lockdep|circular locking'

# unloaded WHAT: both modules out (unload retries while the deleted
# namespaces' nft helper objects still hold them), and nothing left behind.
unloaded() {
	local out
	out=$({ unload nf_nat_pptp_fix && unload nf_conntrack_pptp_fix; } 2>&1)
	if grep -Eq '^nf_(conntrack|nat)_pptp_fix ' /proc/modules; then
		fail "$1: both modules unloaded ($out)"
		return 1
	fi
	pass "$1: both modules unloaded"
	check "$1: no per-connection state left" \
		sh -c "! dmesg | grep -q 'per-connection state left'"
}

# Round 3: the modules out and in again.
unloaded "after the flushes" || { finish; exit; }
modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours again"; finish; exit; }
checked_round "round 3, after a reload"
unloaded "at the end"
no_splat "the end" 'lockdep|circular locking'
finish
