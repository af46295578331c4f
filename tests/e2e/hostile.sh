#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input through the router while a real tunnel runs through it.
#
#   pns1 198.51.100.2 (pptp + pppd) --.                     .-- 203.0.113.2 pptpd
#                                      rtr (masquerade) ---+
#   pns2 192.0.2.130 (injector) -------'                     '-- 203.0.113.3 sink
#
# pns1 holds a real PPTP tunnel to pptpd and pings across it.  pns2 plays
# the worst cases of the malformed-input catalogue (tests/kunit/
# hostile_test.c) through the same router against a scripted PAC, one
# control connection each (tests/peers/pptp_inject.py): each case moves
# its documented counter, the case's own legitimate call carries on with
# every Call ID translated right, and the tunnel keeps working.
# Then, bounded resources: a thousand Outgoing-Call-Requests on one
# connection leave at most 2 x max_calls expectations.  Last, a server's
# burst of sixty messages naming a translated call, whose segments are
# each lost once after the router: the retransmissions are rewritten too.
set -u
. "$(dirname "$0")/lib.sh"
need_vm

SINK_IP=203.0.113.3
here=$(cd "$(dirname "$0")" && pwd)
inject=$here/../peers/pptp_inject.py

cleanup() {
	[ -n "${pingpid:-}" ] && kill "$pingpid" 2>/dev/null
	topo_down
}
trap cleanup EXIT

modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours"; finish; exit; }
NAT=1 topo_up && topo_add_pns2 || { fail "topology"; finish; exit; }
ip -n "$PAC" addr add "$SINK_IP/24" dev veth0
rtr_assign_nft
mkdir -p "/run/pptp-test-$rnd"
dmesg -C

PPTPD_LISTEN=$PAC_IP pac_start_pptpd || fail "pptpd starts"
sleep 0.5
check "tunnel up through the router" pns_dial "$PNS" 0
check "ping through the tunnel before" ip netns exec "$PNS" busybox ping -c 2 -W 2 192.0.2.1
ip netns exec "$PNS" busybox ping -c 600 -W 1 192.0.2.1 >"/run/pptp-test-$rnd/ping" 2>&1 &
pingpid=$!

for c in $(python3 "$inject" --list | awk '{ print $1 }'); do
	read -r _ stage sender ctr amount <<<"$(python3 "$inject" --list | grep "^$c ")"
	before=$(counter "$ctr")
	exp_before=$(ip netns exec "$RTR" conntrack -L expect 2>/dev/null | grep -c 'proto=47')
	ip netns exec "$PAC" python3 "$inject" --role sink --addr "$SINK_IP" --case "$c" \
		>"/run/pptp-test-$rnd/sink-$c" 2>&1 &
	sinkpid=$!
	sleep 0.3
	ok=1
	ip netns exec "$PNS2" timeout 60 python3 "$inject" --role client --addr "$SINK_IP" \
		--case "$c" >"/run/pptp-test-$rnd/client-$c" 2>&1 || ok=0
	wait "$sinkpid" || ok=0
	if [ $ok = 1 ]; then
		pass "$c ($stage, from the $sender): the call carried on, every Call ID right"
	else
		fail "$c ($stage, from the $sender): the call carried on"
		sed 's/^/    /' "/run/pptp-test-$rnd/client-$c" "/run/pptp-test-$rnd/sink-$c"
	fi
	after=$(counter "$ctr")
	check "$c: $ctr moved by $amount ($before -> $after)" \
		test "$((after - before))" = "$amount"
	if [ "$c" = ocrq-flood ]; then
		# Other connections' (this case's holder call among them) count too.
		n=$(ip netns exec "$RTR" conntrack -L expect 2>/dev/null | grep -c 'proto=47')
		check "ocrq-flood: GRE expectations bounded ($n - $exp_before - 2 <= 16)" \
			test "$((n - exp_before - 2))" -le 16
		check "ocrq-flood: the PAC saw a thousand distinct Call IDs" \
			grep -q "flood: 1000 distinct" "/run/pptp-test-$rnd/sink-$c"
	fi
done

# Each case that lost framing was parsed again from the next header.
check "framing regained after each loss (seg_resync $(counter seg_resync) >= lost $(
	ip netns exec "$RTR" cat /proc/net/nf_pptp_fix | awk '/^lost_/ { n += $2 } END { print n }'))" \
	test "$(counter seg_resync)" -ge "$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix |
		awk '/^lost_/ { n += $2 } END { print n }')"
check "ping through the tunnel after" ip netns exec "$PNS" busybox ping -c 3 -W 2 192.0.2.1
kill -INT "$pingpid" 2>/dev/null
wait "$pingpid" 2>/dev/null
pingpid=
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "/run/pptp-test-$rnd/ping")
recv=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' "/run/pptp-test-$rnd/ping")
check "the tunnel kept working during the cases (${recv:-?}/${sent:-?} pings answered)" \
	test "${recv:-0}" -ge $(( ${sent:-1} * 9 / 10 ))
check "the router logged what it passed" \
	sh -c "dmesg | grep -q 'nf_conntrack_pptp_fix: .*framing lost'"
no_splat "the cases"
topo_down

# A burst of sixty messages naming a translated call, each of its
# segments dropped once after the router (in the client's namespace): the
# retransmissions must carry the same rewrites.
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft || fail "topology (burst)"
ip netns exec "$PNS2" nft -f - <<NFT
table inet loss {
	set seen {
		typeof tcp sequence
		flags dynamic
		size 1024
	}
	chain in {
		type filter hook input priority filter; policy accept;
		ip saddr $PAC_IP tcp sport 1723 meta length > 300 tcp sequence != @seen add @seen { tcp sequence } drop
	}
}
NFT
if run_pair burst; then
	pass "burst: sixty messages, every segment lost once: every Call ID right"
else
	fail "burst: sixty messages, every segment lost once"
	sed 's/^/    /' /run/pair-*-"$rnd"
fi
lost=$(ip netns exec "$PNS2" nft list set inet loss seen 2>/dev/null | grep -o '[0-9]\{4,\}' | wc -l)
check "burst: segments were dropped after the router ($lost)" test "$lost" -ge 1
check "burst: the second call got another Call ID" test "$(counter id_changed)" = 1
rewritten=$(counter retrans_rewritten)
check "burst: retransmissions rewritten from the journal ($rewritten bytes)" test "$rewritten" -ge 1
check "burst: nothing dropped by the helper" test "$(counter retrans_changed)" = 0
topo_down

finish
