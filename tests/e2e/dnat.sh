#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Call ID translation for PACs behind port forwards (destination NAT):
#
#   pac1 198.51.100.2:1723 --.                                  PNS
#                             rtr 203.0.113.1:1723 -> pac1  ---- 203.0.113.2
#   pac2 192.0.2.130:1723  --'    203.0.113.1:1724 -> pac2
#
# (the namespaces of lib.sh's topology, with the roles swapped).  Both
# PACs use Call ID 42143; the PNS calls both at once (PAC 1 holds its call
# while PAC 2 plays each scenario), so the router must give PAC 2's calls
# another ID, in every field and GRE key.  Every peer asserts every Call ID
# field and GRE key it receives.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT
peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"

modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours"; finish; exit; }

# The README's port-forward recipe (out0 for wan0, the PACs' addresses).
rtr_port_forward() {
	ip netns exec "$RTR" nft -f - <<NFT
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname "out0" tcp dport 1723 dnat to $PNS_IP:1723
		iifname "out0" tcp dport 1724 dnat to $PNS2_IP:1723
	}
}
NFT
}

# forwarded ROLE SCENARIO LABEL IN-ID OUT-ID1 OUT-ID2: two ROLE peers
# (pac or pns) behind the port forwards, both with Call ID IN-ID; the peer
# outside calls both (the first holds its call while the second plays
# SCENARIO), with OUT-ID1 and OUT-ID2.  The router must translate the
# second inside peer's ID.
forwarded() {
	local role=$1 sc=$2 label=$3 in_id=$4 out1=$5 out2=$6 out log a b c ok ids stats
	out=pac
	[ "$role" = pac ] && out=pns
	rnd=$(printf '%04x' $((RANDOM)))
	topo_up && topo_add_pns2 && rtr_port_forward && rtr_assign_nft
	log=/run/dnat-$rnd
	ip netns exec "$PNS" python3 "$peer" --role "$role" --tcp listen --addr "$PNS_IP" \
		--peer-ip "$PAC_IP" --call-id "$in_id" --scenario seed-held >"$log-in1" 2>&1 &
	a=$!
	ip netns exec "$PNS2" python3 "$peer" --role "$role" --tcp listen --addr "$PNS2_IP" \
		--peer-ip "$PAC_IP" --call-id "$in_id" --scenario "$sc" >"$log-in2" 2>&1 &
	b=$!
	sleep 0.3
	ip netns exec "$PAC" timeout 60 python3 "$peer" --role "$out" --tcp connect \
		--addr "$RTR_OUT" --port 1723 --peer-ip "$RTR_OUT" --call-id "$out1" \
		--scenario seed-held --shared-gre >"$log-out1" 2>&1 &
	c=$!
	# Its call up (as PNS or PAC) before the second one calls.
	wait_for_log "$log-out1" "got OCR[QP]"
	ok=1
	ip netns exec "$PAC" timeout 60 python3 "$peer" --role "$out" --tcp connect \
		--addr "$RTR_OUT" --port 1724 --peer-ip "$RTR_OUT" --call-id "$out2" \
		--scenario "$sc" --shared-gre >"$log-out2" 2>&1 || ok=0
	wait "$c" || ok=0
	wait "$a" || ok=0
	wait "$b" || ok=0
	if [ "$ok" = 1 ]; then
		pass "$label: two ${role^^}s with Call ID $in_id behind one address, every field and GRE key right"
	else
		fail "$label: two ${role^^}s behind one address"
		sed 's/^/    /' "$log"-*
	fi
	ids=$(grep -ho 'learned peer Call ID [0-9]*' "$log-out1" "$log-out2" | head -2 |
		grep -o '[0-9]*$' | tr '\n' ' ')
	check "$label: the outside peer sees two distinct Call IDs ($ids)" \
		sh -c "[ \$(echo $ids | tr ' ' '\n' | sort -u | wc -l) = 2 ]"
	stats=$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
	check "$label: one inside Call ID translated" grep -qx 'id_changed 1' <<<"$stats"
	check "$label: no field left without a mapping" grep -qx 'nat_unknown 0' <<<"$stats"
	topo_down
}

for sc in seed coalesced incoming cdn-pns-style redial; do
	forwarded pac "$sc" "$sc" 42143 512 600
done
# A PAC-opened control connection: the PAC outside reaches two PNSs
# behind the same forwards; the PNS is the translated end, as responder.
for sc in seed incoming; do
	forwarded pns "$sc" "$sc, PAC-opened" 512 42143 42999
done
finish
