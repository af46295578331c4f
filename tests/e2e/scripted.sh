#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scripted peers (tests/peers/pptp_peer.py) through the conntrack helper,
# no NAT, for what pptpd and pptp-linux never send: Set-Link-Info both
# ways, WAN-Error-Notify, Call-Disconnect-Notify in both styles, messages
# coalesced and split inside a Call ID, an incoming call, a redial, and a
# control connection opened by the PAC.  Topology in lib.sh; a fresh one
# per scenario, so the router's counters are the scenario's own.
#
# Each peer asserts every Call ID field and GRE key it receives; here the
# router's counters must show every message tracked, none passed as
# unplaceable, the calls up and down, and no GRE conntrack left after the
# call is cleared.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
peer="$(cd "$(dirname "$0")/../peers" && pwd)/pptp_peer.py"

trap topo_down EXIT
modprobe nf_conntrack_pptp_fix || { fail "modprobe nf_conntrack_pptp_fix"; finish; exit; }

# run NAME PAC-TCP PNS-TCP COUNTER=VALUE...
run() {
	local name=$1 pac_tcp=$2 pns_tcp=$3 pac_addr=$PAC_IP pns_addr=$PAC_IP
	shift 3
	rnd=$(printf '%04x' $((RANDOM)))
	topo_up || { fail "$name: topology"; return; }
	rtr_assign_nft
	[ "$pns_tcp" = listen ] && pns_addr=$PNS_IP pac_addr=$PNS_IP
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp "$pac_tcp" \
		--addr "$pac_addr" --peer-ip "$PNS_IP" --call-id 42143 \
		--scenario "${name%%@*}" >"/run/peer-pac-$rnd" 2>&1 &
	local pacpid=$!
	[ "$pac_tcp" = listen ] && sleep 0.3
	ip netns exec "$PNS" timeout 60 python3 "$peer" --role pns --tcp "$pns_tcp" \
		--addr "$pns_addr" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario "${name%%@*}" >"/run/peer-pns-$rnd" 2>&1 &
	local pnspid=$!
	if wait "$pnspid" && wait "$pacpid"; then
		pass "$name: both peers saw every Call ID and GRE key right"
	else
		fail "$name: peers"
		sed 's/^/    /' "/run/peer-pns-$rnd" "/run/peer-pac-$rnd"
	fi
	sleep 0.2
	local stats want
	stats=$(ip netns exec "$RTR" cat /proc/net/stat/nf_pptp_fix)
	for want in "$@"; do
		check "$name: counter ${want/=/ = }" grep -qx "${want/=/ }" <<<"$stats"
	done
	local bad
	bad=$(grep -E '^(passed|lost)_' <<<"$stats" | grep -v ' 0$' | tr '\n' ' ')
	check "$name: every message tracked ${bad:+($bad)}" test -z "$bad"
	check "$name: no GRE conntrack left after the call" \
		sh -c "! ip netns exec $RTR conntrack -L -p gre 2>/dev/null | grep -q ^gre"
	topo_down
}

run seed listen connect msg_ocrq_orig=1 msg_ocrp_reply=1 msg_sli_orig=1 \
	msg_sli_reply=1 msg_wen_reply=1 msg_ccrq_orig=1 msg_cdn_reply=1 \
	calls_up=1 calls_down=1
run coalesced listen connect msg_ocrp_reply=1 msg_sli_reply=1 calls_up=1
run split listen connect msg_sli_reply=2 calls_up=1
run cdn-pns-style listen connect msg_cdn_reply=1 calls_up=1 calls_down=1
run incoming listen connect msg_icrq_reply=1 msg_icrp_orig=1 msg_iccn_reply=1 \
	msg_sli_orig=1 msg_sli_reply=1 calls_up=1 calls_down=1
run redial listen connect msg_ocrq_orig=2 calls_up=2 calls_down=2
# The PAC opens the control connection: the PNS is the reply direction.
run seed@pac-opened connect listen msg_ocrq_reply=1 msg_ocrp_orig=1 \
	msg_sli_orig=1 msg_sli_reply=1 msg_wen_orig=1 calls_up=1 calls_down=1

finish
