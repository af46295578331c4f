#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every field of every message, whatever TCP does (issue 11): a server
# writes Set-Link-Info and WAN-Error-Notify back to back ($PPTP_FLOOD,
# default 20,000) to a client whose Call ID the router must translate,
# and TCP packs them into large segments (GSO over veth).
#
#   pns1 198.51.100.2 --.   holds Call ID 512 towards the PAC
#                        rtr (masquerade as 203.0.113.1) ---- 203.0.113.2 pac
#   pns2 192.0.2.130 ---'   Call ID 512 too: translated; gets the flood
#
# Rounds: no loss; about 10 % of tcp/1723 packets lost before the
# router (its prerouting, before conntrack); about 10 % lost after it (the
# client's prerouting).  The client counts the messages that name its own
# Call ID: all of them must.  Then the kernel's own helper, same boot, no
# loss: its count is printed, not asserted.
set -u
. "$(dirname "$0")/lib.sh"
need_vm
trap topo_down EXIT

FLOOD=${PPTP_FLOOD:-20000}
# The KASAN/lockdep kernel runs many times slower: a smaller flood there.
[[ "${NF_PPTP_FIX_KERNEL:-}" == *-debug ]] && FLOOD=${PPTP_FLOOD:-3000}
export PPTP_FLOOD=$FLOOD

# lose NETNS: drop about one tcp/1723 packet in ten, before conntrack.
# The test kernels have no nft numgen: the low five bits of the TCP
# timestamp (milliseconds, random offset per connection) pick 3 of every
# 32 ms, so a retransmission, sent later, gets through or not anew.  GSO
# makes the server's packets few and large: the first one over 1000
# bytes is also dropped once, so that every round loses one.
lose() {
	ip netns exec "$1" nft -f - <<NFT
table ip lossy {
	set once {
		typeof tcp sequence
		size 1
		flags dynamic
	}
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		tcp sport 1723 meta length > 1000 tcp sequence != @once add @once { tcp sequence } counter drop
		tcp sport 1723 tcp option timestamp tsval & 0x1f { 0, 11, 22 } counter drop
		tcp dport 1723 tcp option timestamp tsval & 0x1f { 0, 11, 22 } counter drop
	}
}
NFT
}

lost() {
	ip netns exec "$1" nft list table ip lossy 2>/dev/null |
		awk '/counter/ { for (i = 1; i <= NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}

flood_round() {
	local what=$1 where=${2:-} helper=${3:-pptp} start end
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft "$helper" ||
		{ fail "$what: topology"; return 1; }
	case "$where" in
	before) lose "$RTR" ;;
	after) lose "$PNS2" ;;
	esac
	start=$(date +%s.%N)
	if run_pair flood; then
		end=$(date +%s.%N)
		pass "$what: $FLOOD of $FLOOD arrived with the client's Call ID"
	else
		end=$(date +%s.%N)
		fail "$what: $(grep -ho 'flood: [0-9]* of [0-9]*.*' /run/pair-pns2-"$rnd" || echo 'peers failed')"
		sed 's/^/    /' /run/pair-*-"$rnd" | grep -v 'got \|sent ' | head -20
	fi
	echo "  $what: seg_hole $(counter seg_hole), journal_full $(counter journal_full)," \
		"retrans_rewritten $(counter retrans_rewritten), alloc_failed $(counter alloc_failed)"
	echo "  $what: $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }') s" \
		"${where:+, $( [ "$where" = before ] && lost "$RTR" || lost "$PNS2") tcp/1723 segments lost}"
}

modprobe nf_conntrack_pptp_fix && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe ours"; finish; exit; }

flood_round "no loss"
check "no loss: the client's call was translated" test "$(counter id_changed)" = 1
check "no loss: every flood message counted as rewritten" \
	test $(($(counter rewritten_sli_reply) + $(counter rewritten_wen_reply))) -ge "$FLOOD"
check "no loss: nat_bytes counts what was written ($(counter nat_bytes) >= $FLOOD)" \
	test "$(counter nat_bytes)" -ge "$FLOOD"
check "no loss: nothing dropped, no field without a mapping" \
	test "$(counter nat_unknown)" = 0 -a "$(counter seg_hole)" = 0 -a \
		"$(counter journal_full)" = 0 -a "$(counter mangle_failed)" = 0 -a \
		"$(counter alloc_failed)" = 0 -a "$(counter acked_unseen)" = 0
topo_down

flood_round "10 % lost before the router" before
check "loss before: segments beyond a hole dropped (seg_hole $(counter seg_hole))" \
	test "$(counter seg_hole)" -gt 0
check "loss before: no field without a mapping" test "$(counter nat_unknown)" = 0
topo_down

flood_round "10 % lost after the router" after
check "loss after: retransmissions rewritten from the journal ($(counter retrans_rewritten))" \
	test "$(counter retrans_rewritten)" -gt 0
check "loss after: no retransmission changed a byte" test "$(counter retrans_changed)" = 0
topo_down

# conntrack -F on the router, again and again, under the flood, then
# unload: a packet that already holds its conntrack may reach the helper
# after the conntrack's destroy; it must not leave state that nothing
# frees (the unload says so), nor a splat.  The peers' connections break
# (flushed mid-stream): not checked.
dmesg -C
rnd=$(printf '%04x' $((RANDOM)))
NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft
(while [ ! -e "/run/stream-stop-$rnd" ]; do
	ip netns exec "$RTR" conntrack -F >/dev/null 2>&1
	sleep 0.05
done) &
flusher=$!
PPTP_FLOOD=$FLOOD run_pair flood >/dev/null 2>&1
touch "/run/stream-stop-$rnd"
wait "$flusher"
topo_down
check "conntrack -F under traffic, then rmmod of both modules" \
	modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
check "no per-connection state left after the unload" \
	sh -c "! dmesg | grep -q 'per-connection state left'"
no_splat "the streams, the flushes and the unload"

# The kernel's helper, same boot: measured, not asserted.
if modprobe nf_conntrack_pptp && modprobe nf_nat_pptp; then
	rnd=$(printf '%04x' $((RANDOM)))
	NAT=1 topo_up && topo_add_pns2 && rtr_assign_nft pptp
	run_pair flood >/dev/null 2>&1
	echo "  the kernel's helper ($(uname -r)), no loss:" \
		"$(grep -ho 'flood: [0-9]* of [0-9]*' /run/pair-pns2-"$rnd" | head -1 ||
			grep -ho 'FAILED: .*' /run/pair-pns2-"$rnd" | head -1)"
	topo_down
	modprobe -r nf_nat_pptp nf_conntrack_pptp
else
	echo "SKIP: the kernel's helper did not load: no comparison"
fi
finish
