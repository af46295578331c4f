#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo (make demo), inside the VM, on a masquerading router:
#  1. The seed's failure through the kernel's own helper: the server sends
#     Outgoing-Call-Reply and Set-Link-Info in one TCP segment; the router
#     translated the client's Call ID 512 but not Set-Link-Info's Peer's
#     Call ID, so the client sees an ID that is not its own (frame 818).
#  2. The same through nf-pptp-fix, with a second client also using Call
#     ID 512 so that the router must translate: every field is right.
#  3. A real pptp-linux -> pptpd tunnel through nf-pptp-fix, with a ping.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT
peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"
show() { grep -hE "$1" "${@:2}" | sed -E 's/^peer (pns|pac)[^:]*: /   \1: /'; }

echo "== 1. The kernel's own helper (nf_conntrack_pptp + nf_nat_pptp), $(uname -r)"
modprobe nf_conntrack_pptp && modprobe nf_nat_pptp || exit 1
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && rtr_assign_nft
ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
	--peer-ip "$RTR_OUT" --call-id 42143 --scenario coalesced >/run/demo-pac 2>&1 &
sleep 0.3
ip netns exec "$PNS" timeout 20 python3 "$peer" --role pns --tcp connect --addr "$PAC_IP" \
	--peer-ip "$PAC_IP" --call-id 512 --scenario coalesced >/run/demo-pns 2>&1
k=$?
kill %1 2>/dev/null
wait 2>/dev/null
show 'learned|sent OCRP' /run/demo-pac
show 'got OCRP|SLI|FAILED' /run/demo-pns
topo_down
modprobe -r nf_nat_pptp nf_conntrack_pptp

echo "== 2. nf-pptp-fix, two clients both using Call ID 512"
modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix || exit 1
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft
run_pair coalesced
o=$?
show 'seen here' "/run/pair-pac-$rnd"
show 'got OCRP|got SLI|FAILED' "/run/pair-pns2-$rnd"
ip netns exec "$RTR" cat /proc/net/nf_pptp_fix |
	grep -E '^(id_kept|id_changed|nat_fields) ' | sed 's/^/   router counter: /'
topo_down

echo "== 3. A real tunnel through nf-pptp-fix: pptp-linux + pppd -> pptpd, masqueraded"
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && rtr_assign_nft && pac_start_pptpd && sleep 0.5
pns_dial "$PNS" 0 || { echo "demo: PPP did not come up"; exit 1; }
ip netns exec "$PNS" busybox ping -c 2 -W 2 192.0.2.1 | grep -E 'bytes from|packets' | sed 's/^/   /'
ip netns exec "$RTR" conntrack -L 2>/dev/null | grep -E 'helper=pptp|^gre' |
	sed -E 's/ +/ /g; s/^/   router: /'

if [ "$k" != 0 ] && [ "$o" = 0 ]; then
	echo "== done: the kernel's helper broke the call, nf-pptp-fix did not"
else
	echo "== unexpected: kernel's helper exit $k, ours exit $o"
	exit 1
fi
