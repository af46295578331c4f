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
trap topo_down EXIT
modprobe nf_conntrack_pptp_fix || { fail "modprobe nf_conntrack_pptp_fix"; finish; exit; }

run_scenario seed listen connect msg_ocrq_orig=1 msg_ocrp_reply=1 msg_sli_orig=1 \
	msg_sli_reply=1 msg_wen_reply=1 msg_ccrq_orig=1 msg_cdn_reply=1 \
	calls_up=1 calls_down=1
run_scenario coalesced listen connect msg_ocrp_reply=1 msg_sli_reply=1 calls_up=1
run_scenario split listen connect msg_sli_reply=2 calls_up=1
run_scenario cdn-pns-style listen connect msg_cdn_reply=1 calls_up=1 calls_down=1
run_scenario incoming listen connect msg_icrq_reply=1 msg_icrp_orig=1 msg_iccn_reply=1 \
	msg_sli_orig=1 msg_sli_reply=1 calls_up=1 calls_down=1
run_scenario redial listen connect msg_ocrq_orig=2 calls_up=2 calls_down=2
# The PAC opens the control connection: the PNS is the reply direction.
run_scenario seed@pac-opened connect listen msg_ocrq_reply=1 msg_ocrp_orig=1 \
	msg_sli_orig=1 msg_sli_reply=1 msg_wen_orig=1 calls_up=1 calls_down=1

finish
