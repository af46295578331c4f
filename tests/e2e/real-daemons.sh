#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real peers through the conntrack helper, no NAT: pptp-linux + pppd in
# the client namespace, pptpd in the server namespace, the router in the
# middle running nf_conntrack_pptp_fix, assigned with the README's nft
# recipe.  See lib.sh for the topology.
#
# Checks: PPP comes up, pings cross the tunnel both ways; the router shows
# helper=pptp on the control connection and one GRE conntrack carrying
# the Call IDs seen on the wire as keys; the GRE expectations were created
# and none is left;
# deleting the control conntrack removes the GRE one; the helper's
# counters moved.
set -u
. "$(dirname "$0")/lib.sh"
need_vm

cleanup() {
	[ -n "${evpid:-}" ] && kill "$evpid" 2>/dev/null
	[ -n "${cappid:-}" ] && kill "$cappid" 2>/dev/null
	topo_down
}
trap cleanup EXIT

modprobe nf_conntrack_pptp_fix || { fail "modprobe nf_conntrack_pptp_fix"; finish; exit; }
topo_up || { fail "topology"; finish; exit; }
rtr_assign_nft
ev=/run/pptp-test-$rnd/expect-events
mkdir -p "/run/pptp-test-$rnd"
ip netns exec "$RTR" conntrack -E expect >"$ev" 2>/dev/null &
evpid=$!
sleep 0.2

# The Call IDs as the server sees them, decoded by tcpdump: the oracle the
# GRE keys are checked against.
cap=/run/pptp-test-$rnd/pac.pcap
ip netns exec "$PAC" tcpdump -Z root -i veth0 -U -w "$cap" tcp port 1723 2>/dev/null &
cappid=$!
sleep 0.3
check "pptpd starts" pac_start_pptpd
sleep 0.5
if pns_dial "$PNS" 0; then
	pass "PPP up through the helper (pppd updetach)"
else
	fail "PPP up through the helper (pppd updetach)"
	cat "/run/pptp-test-$rnd/pppd-$PNS.log" 2>/dev/null
fi
peer=$(ip -n "$PNS" -4 addr show ppp0 2>/dev/null | sed -n 's/.*inet \([0-9.]*\) peer.*/\1/p')
check "client got a tunnel address ($peer)" test -n "$peer"
check "ping client -> server through the tunnel" \
	ip netns exec "$PNS" busybox ping -c 3 -W 2 192.0.2.1
check "ping server -> client through the tunnel" \
	ip netns exec "$PAC" busybox ping -c 3 -W 2 "$peer"

ct=$(ip netns exec "$RTR" conntrack -L 2>/dev/null)
echo "$ct" | sed 's/^/  router: /'
check "control connection has helper=pptp" \
	grep -q "dport=1723 .*helper=pptp" <<<"$ct"
gre=$(grep '^gre ' <<<"$ct")
check "one GRE conntrack" test "$(grep -c . <<<"$gre")" = 1
kill "$cappid" 2>/dev/null
wait "$cappid" 2>/dev/null
ocrp=$(tcpdump -r "$cap" -nn 2>/dev/null | grep -o 'OCRP CALL_ID([0-9]*) PEER_CALL_ID([0-9]*)')
pac_id=$(sed -n 's/OCRP CALL_ID(\([0-9]*\)).*/\1/p' <<<"$ocrp")
pns_id=$(sed -n 's/.*PEER_CALL_ID(\([0-9]*\))/\1/p' <<<"$ocrp")
want=$(printf 'srckey=0x%x dstkey=0x%x .*srckey=0x%x dstkey=0x%x' \
	"${pns_id:-1}" "${pac_id:-1}" "${pac_id:-1}" "${pns_id:-1}")
check "GRE conntrack keyed by the Call IDs on the wire (PNS $pns_id, PAC $pac_id)" \
	grep -q "$want" <<<"$gre"
check "GRE conntrack assured (data both ways)" grep -q ASSURED <<<"$gre"

kill "$evpid" 2>/dev/null
wait "$evpid" 2>/dev/null
evpid=
sed 's/^/  expect: /' "$ev"
check "two GRE expectations created" test "$(grep -c '\[NEW\].*proto=47' "$ev")" = 2
check "no expectation left once GRE flows" sh -c "! ip netns exec $RTR conntrack -L expect 2>/dev/null | grep -q ."

stats=$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
check "counters: Outgoing-Call-Request seen" grep -q '^msg_ocrq_orig 1$' <<<"$stats"
check "counters: Outgoing-Call-Reply seen" grep -q '^msg_ocrp_reply 1$' <<<"$stats"
check "counters: one call up" grep -q '^calls_up 1$' <<<"$stats"
check "counters: one call active" grep -q '^calls_active 1$' <<<"$stats"
check "counters: no NAT, so Outgoing-Call-Request passed unchanged" \
	grep -q '^unchanged_ocrq_orig 1$' <<<"$stats"
check "counters: nothing rewritten or dropped without NAT" \
	test -z "$(grep -E '^(rewritten|dropped)_.* [1-9]' <<<"$stats")"
untracked=$(grep -E '^(passed|lost)_' <<<"$stats" | grep -v ' 0$')
check "counters: nothing passed untracked ${untracked:+($untracked)}" test -z "$untracked"

greid=$(ip netns exec "$RTR" conntrack -L -p gre -o id 2>/dev/null | grep -o 'id=[0-9]*' | head -1)
ip netns exec "$RTR" conntrack -D -p tcp --dport 1723 >/dev/null 2>&1
# The tunnel's peers still send (LCP echoes, pings in flight): a GRE
# conntrack may be born again at once, but without a key map entry its
# original source key is 0.  One with a non-zero source key is the old
# one, or was keyed through a key map entry left behind.
gre=$(ip netns exec "$RTR" conntrack -L -p gre 2>/dev/null)
[ -z "$gre" ] || sed 's/^/  after -D: /' <<<"$gre"
check "deleting the control conntrack removes the GRE one (${greid:-no id})" \
	sh -c "[ -n '$greid' ] && ! ip netns exec $RTR conntrack -L -p gre -o id 2>/dev/null |
		grep -qw '$greid'"
check "no GRE conntrack keyed through a key map entry after it" \
	test -z "$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^srckey=/) {
		if ($i != "srckey=0x0") print; break } }' <<<"$gre")"
stats=$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
check "counters: the call went down" grep -q '^calls_down 1$' <<<"$stats"
check "counters: no call active" grep -q '^calls_active 0$' <<<"$stats"

finish
