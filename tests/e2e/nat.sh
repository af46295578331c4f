#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Call ID translation through a masquerading router, the seed's topology:
#
#   pns1 198.51.100.2 --.
#                        rtr (masquerade as 203.0.113.1) ---- 203.0.113.2 pac
#   pns2 192.0.2.130 ---'
#
# Both clients use Call ID 512, the PAC serves both.  Client 1 holds a
# call while client 2 plays each scenario, so the router must translate
# client 2's Call ID; every peer asserts every Call ID field and GRE key
# it receives (tests/peers/pptp_peer.py).  Then two real pptp-linux
# clients to pptpd.  Last, the same scenarios through the kernel's own
# helper in the same boot, printed beside ours as a table (the kernel's
# results are measured, not asserted).  The router's forward policy is
# drop, with the README's rule for related traffic, in ours' rounds.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT

SCENARIOS="seed coalesced split cdn-pns-style incoming redial"
declare -A ours kern

pair_topo() {
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft "${1:-pptp}"
}

modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours"; finish; exit; }

# Ours behind a forward chain with policy drop (the README's recipe).
for sc in $SCENARIOS; do
	FWD_DROP=1 pair_topo
	if run_pair "$sc"; then
		ours[$sc]=pass
		pass "$sc: two clients with Call ID 512, every field and GRE key right"
	else
		ours[$sc]=FAIL
		fail "$sc: two clients with Call ID 512"
		sed 's/^/    /' /run/pair-*-"$rnd"
	fi
	check "$sc: the router's forward policy was drop" \
		sh -c "ip netns exec $RTR nft list chain inet filter forward | grep -q 'policy drop'"
	stats=$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
	check "$sc: the second call got another Call ID" grep -qx 'id_changed 1' <<<"$stats"
	check "$sc: no field left without a mapping" grep -qx 'nat_unknown 0' <<<"$stats"
	check "$sc: counters: messages rewritten going out" \
		grep -Eq '^rewritten_[a-z]+_orig [1-9]' <<<"$stats"
	check "$sc: counters: messages rewritten coming in" \
		grep -Eq '^rewritten_[a-z]+_reply [1-9]' <<<"$stats"
	check "$sc: counters: client 1's Call ID kept" grep -Eq '^id_kept [1-9]' <<<"$stats"
	check "$sc: counters: nothing dropped" test -z "$(grep -E '^dropped_.* [1-9]' <<<"$stats")"
	if [ "$sc" = split ]; then
		check "$sc: a Call ID rewritten across two segments" \
			grep -Eq '^nat_straddle [1-9]' <<<"$stats"
	fi
	check "$sc: PAC saw two distinct Call IDs" \
		grep -q "Call IDs as seen here: \[512, 513\]" "/run/pair-pac-$rnd"
	check "$sc: no GRE conntrack left" \
		sh -c "! ip netns exec $RTR conntrack -L -p gre 2>/dev/null | grep -q ^gre"
	topo_down
done

# A client on the router itself (untranslated, its source is the NAT
# address) holds Call ID 512; a client behind the NAT with 512 must get
# another ID all the same.  With the README's nft recipes, then its
# iptables ones (raw-table CT target in PREROUTING and OUTPUT, MASQUERADE).
for ASSIGN in nft iptables-nft iptables-legacy; do
	export ASSIGN
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && rtr_assign_nft && rtr_assign_local
	peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
		--peer-ip "$RTR_OUT" --call-id 42143 --clients 2 --scenario seed-held,seed \
		>"/run/local-pac-$rnd" 2>&1 &
	pacpid=$!
	sleep 0.3
	ip netns exec "$RTR" timeout 60 python3 "$peer" --role pns --tcp connect --addr "$PAC_IP" \
		--peer-ip "$PAC_IP" --call-id 512 --scenario seed-held >"/run/local-rtr-$rnd" 2>&1 &
	rtrpid=$!
	wait_for_log "/run/local-rtr-$rnd" "got OCRP"
	ok=1
	ip netns exec "$PNS" timeout 60 python3 "$peer" --role pns --tcp connect --addr "$PAC_IP" \
		--peer-ip "$PAC_IP" --call-id 512 --scenario seed >"/run/local-pns-$rnd" 2>&1 || ok=0
	wait "$rtrpid" || ok=0
	wait "$pacpid" || ok=0
	check "$ASSIGN: client on the router and client behind NAT, both Call ID 512: all right" test "$ok" = 1
	[ "$ok" = 1 ] || sed 's/^/    /' /run/local-*-"$rnd"
	check "$ASSIGN: the PAC saw two distinct Call IDs" \
		grep -q "Call IDs as seen here: \[512, 513\]" "/run/local-pac-$rnd"
	check "$ASSIGN: only the NATed client's ID changed" \
		grep -qx 'id_changed 1' <(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
	topo_down
done
unset ASSIGN

# The same through the iptables recipes (README): raw-table CT target
# and MASQUERADE, with iptables-nft and with iptables-legacy.
for ASSIGN in iptables-nft iptables-legacy; do
	export ASSIGN
	pair_topo
	if run_pair seed; then
		pass "seed, helper assigned by $ASSIGN: every field and GRE key right"
	else
		fail "seed, helper assigned by $ASSIGN"
		sed 's/^/    /' /run/pair-*-"$rnd"
	fi
	check "seed, $ASSIGN: the second call got another Call ID" \
		grep -qx 'id_changed 1' <(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
	topo_down
done
unset ASSIGN

# Two real clients behind the NAT.
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft && pac_start_pptpd && sleep 0.5
check "real client 1: PPP up through the NAT" pns_dial "$PNS" 0
check "real client 2: PPP up through the NAT" pns_dial "$PNS2" 1
for ns in "$PNS" "$PNS2"; do
	check "real client ($ns): ping the server through the tunnel" \
		ip netns exec "$ns" busybox ping -c 2 -W 2 192.0.2.1
done
check "real clients: two GRE conntracks" \
	test "$(ip netns exec "$RTR" conntrack -L -p gre 2>/dev/null | grep -c '^gre.*ASSURED')" = 2
topo_down

# The kernel's own helper, same boot, same scenarios.
modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
if modprobe nf_conntrack_pptp && modprobe nf_nat_pptp; then
	for sc in $SCENARIOS; do
		pair_topo pptp
		if run_pair "$sc"; then kern[$sc]=pass; else kern[$sc]=FAIL; fi
		grep -h FAILED /run/pair-*-"$rnd" | head -1 | sed "s/^/  in-tree $sc: /"
		topo_down
	done
	modprobe -r nf_nat_pptp nf_conntrack_pptp
	echo
	echo "Through masquerade, two clients with Call ID 512 ($(uname -r)):"
	printf '  %-16s %-6s %s\n' scenario ours in-tree
	for sc in $SCENARIOS; do
		printf '  %-16s %-6s %s\n' "$sc" "${ours[$sc]}" "${kern[$sc]}"
	done
else
	echo "SKIP: the kernel's helper did not load: no comparison"
fi
finish
