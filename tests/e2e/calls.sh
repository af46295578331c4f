#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calls that share a slot or an ID (issue 11), through a masquerading
# router where client 1 holds Call ID 512 so that client 2's is
# translated:
#
#   pns1 198.51.100.2 --.
#                        rtr (masquerade as 203.0.113.1) ---- 203.0.113.2 pac
#   pns2 192.0.2.130 ---'
#
#  - redial-before-cdn, with max_calls=1: client 2 clears its call and
#    dials again before the Call-Disconnect-Notify; the new call takes the
#    old one's slot and must get a mapping (and GRE) of its own;
#  - cdn-two-calls: client 2 holds call 1 (PNS 600 / PAC 513) and call 2
#    (PNS 512, which the PAC sees as 513 / PAC 514); the PAC's RFC-style
#    Call-Disconnect-Notify for call 1 carries 513: it must reach the
#    client as 513 (not as call 2's 512), and call 2 carry on.
# Every peer checks every field it receives (tests/peers/pptp_peer.py).
# Then the kernel's helper, same boot: printed, not asserted.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT

pair() {
	local sc=$1 helper=${2:-pptp}
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft "$helper" || return 1
	run_pair "$sc"
}

if modprobe nf_conntrack_pptp_fix max_calls=1 && modprobe nf_nat_pptp_fix; then
	if pair redial-before-cdn; then
		pass "redial before CDN, max_calls=1: every field and GRE key right"
	else
		fail "redial before CDN, max_calls=1"
		sed 's/^/    /' /run/pair-*-"$rnd"
	fi
	check "redial before CDN: no field without a mapping" test "$(counter nat_unknown)" = 0
	check "redial before CDN: three calls up and down ($(counter calls_up)/$(counter calls_down))" \
		test "$(counter calls_up)" = 3 -a "$(counter calls_down)" = 3
	topo_down
	modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
else
	fail "modprobe nf_conntrack_pptp_fix max_calls=1"
fi

if modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix; then
	if pair cdn-two-calls; then
		pass "two calls, CDN naming call 1's PAC ID = call 2's translated ID: all right"
	else
		fail "two calls, CDN naming call 1's PAC ID = call 2's translated ID"
		sed 's/^/    /' /run/pair-*-"$rnd"
	fi
	check "two calls: client 2's second call was translated" \
		grep -q 'learned peer Call ID 513 from OCRQ' "/run/pair-pac-$rnd"
	check "two calls: no field without a mapping" test "$(counter nat_unknown)" = 0
	topo_down
	modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
else
	fail "modprobe ours"
fi

if modprobe nf_conntrack_pptp && modprobe nf_nat_pptp; then
	for sc in redial-before-cdn cdn-two-calls; do
		if pair "$sc" >/dev/null 2>&1; then r=pass; else r=FAIL; fi
		echo "  the kernel's helper ($(uname -r)), $sc: $r" \
			"$(grep -ho 'FAILED: .*' /run/pair-pns2-"$rnd" | head -1)"
		topo_down
	done
	modprobe -r nf_nat_pptp nf_conntrack_pptp
else
	echo "SKIP: the kernel's helper did not load: no comparison"
fi
finish
