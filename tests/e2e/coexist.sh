#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Our helper and the kernel's in one boot.  With nf_conntrack_pptp loaded,
# ours must refuse to load under the same name and port with one clear
# log line; under another name and port (module parameters) it loads
# beside it and tracks a call assigned to it by that name, while the
# kernel's helper still answers to "pptp".
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT

check "kernel's helper loads" modprobe nf_conntrack_pptp
dmesg -C
check "ours refuses to load beside it under \"pptp\"" sh -c '! modprobe nf_conntrack_pptp_fix'
# Our own lines, less the kernel's taint notice for any out-of-tree module.
lines=$(dmesg --color=never | grep 'nf_conntrack_pptp_fix:' | grep -v 'taints kernel')
echo "  log: $lines"
check "one log line naming nf_conntrack_pptp and the parameters" \
	sh -c "[ \$(echo '$lines' | wc -l) = 1 ] &&
	       echo '$lines' | grep 'nf_conntrack_pptp loaded' | grep -q 'name=.*port='"
check "ours loads beside it as pptp-fix on port 1724" \
	modprobe nf_conntrack_pptp_fix name=pptp-fix port=1724
check "both helpers registered" sh -c \
	'grep -q "^nf_conntrack_pptp " /proc/modules && grep -q "^nf_conntrack_pptp_fix " /proc/modules'

HELPER=pptp-fix run_scenario seed@by-name-pptp-fix listen connect \
	msg_sli_reply=1 calls_up=1 calls_down=1
# The kernel's helper still serves "pptp": our counters stay at zero.
rnd=$(printf '%04x' $((RANDOM)))
topo_up && rtr_assign_nft pptp && pac_start_pptpd && sleep 0.5
check "a real call through the kernel's helper in the same boot" pns_dial "$PNS" 0
check "that call was the kernel helper's, not ours" \
	grep -qx 'calls_up 0' <(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
check "helper=pptp on it" sh -c "ip netns exec $RTR conntrack -L 2>/dev/null | grep -q 'helper=pptp '"
topo_down
finish
