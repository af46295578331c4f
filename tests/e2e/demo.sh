#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo), inside the VM: what nf_conntrack_pptp_fix sees on
# a router.  1) The seed's server sends Outgoing-Call-Reply and
# Set-Link-Info in one TCP segment: the kernel's helper parses only the
# first message of a segment; ours counts both.  2) A real pptp-linux ->
# pptpd tunnel through ours, with a ping and the GRE conntrack it made.
# (The NAT half, the seed's actual failure, comes with nf_nat_pptp_fix.)
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT
peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"
modprobe nf_conntrack_pptp_fix || exit 1

echo "== 1. Outgoing-Call-Reply + Set-Link-Info in one segment (the seed's server)"
topo_up && rtr_assign_nft
ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
	--peer-ip "$PNS_IP" --call-id 42143 --scenario coalesced >/run/demo-pac 2>&1 &
sleep 0.3
ip netns exec "$PNS" python3 "$peer" --role pns --tcp connect --addr "$PAC_IP" \
	--peer-ip "$PAC_IP" --call-id 512 --scenario coalesced >/run/demo-pns 2>&1
rc=$?
wait
grep -E "sent OCRP\+SLI|got (OCRP|SLI)" /run/demo-pac /run/demo-pns | sed 's/^[^:]*:/   /'
ip netns exec "$RTR" cat /proc/net/stat/nf_pptp_fix |
	grep -E '^(msg_ocrp_reply|msg_sli_reply|calls_up) ' | sed 's/^/   router counter: /'
topo_down
[ "$rc" = 0 ] || { echo "demo: scripted peers failed"; exit 1; }

echo "== 2. A real tunnel: pptp-linux + pppd -> pptpd, through the helper"
rnd=$(printf '%04x' $((RANDOM)))
topo_up && rtr_assign_nft && pac_start_pptpd && sleep 0.5
pns_dial "$PNS" 0 || { echo "demo: PPP did not come up"; exit 1; }
ip netns exec "$PNS" busybox ping -c 2 -W 2 192.0.2.1 | grep -E 'bytes from|packets' | sed 's/^/   /'
ip netns exec "$RTR" conntrack -L 2>/dev/null | grep -E 'helper=pptp|^gre' |
	sed -E 's/ +/ /g; s/^/   router: /'
echo "== done"
