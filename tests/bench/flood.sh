#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flood.sh - the forced-translation stream as a benchmark (issue 11):
# a server writes $PPTP_FLOOD (20,000) Set-Link-Info and WAN-Error-Notify
# back to back to a client whose Call ID 512 another client already holds
# towards it, through a masquerading router with
#
#   none:   masquerade only, no helper (nothing is translated: the floor)
#   kernel: the kernel's nf_conntrack_pptp + nf_nat_pptp, as "pptp"
#   ours:   nf_conntrack_pptp_fix name=pptp-fix port=1724 + nf_nat_pptp_fix
#
# all loaded in one boot, ROUNDS rounds (default 5), the order rotating.
# The topology is tests/e2e/lib.sh's (pns1 holds 512, pns2 gets the flood).
# The rate is messages per second at the client, from the first flood
# message to the last (scripted Python peers at both ends: the same cost
# in every variant).  Prints per variant the median rate and how many
# messages arrived with the client's own Call ID; then ours/none and
# ours/kernel as the median of the per-round ratios with their min-max.
#
#   scripts/vm-run --kernel 6.1 tests/bench/flood.sh     (not in make check)
set -u
. "$(dirname "$0")/../e2e/lib.sh"
need_vm
trap topo_down EXIT

ROUNDS=${ROUNDS:-5}
export PPTP_FLOOD=${PPTP_FLOOD:-20000}
commit=$(git -C "$(dirname "$0")/../.." rev-parse --short HEAD 2>/dev/null || echo unknown)

modprobe nf_conntrack_pptp && modprobe nf_nat_pptp &&
	modprobe nf_conntrack_pptp_fix name=pptp-fix port=1724 && modprobe nf_nat_pptp_fix ||
	{ fail "modprobe"; finish; exit; }

declare -A rate right
variants=(none kernel ours)
for r in $(seq "$ROUNDS"); do
	for i in 0 1 2; do
		v=${variants[$(((r + i) % 3))]}
		rnd=$(printf '%04x' $((RANDOM)))
		NAT=1 topo_up && topo_add_pns2 || { fail "topology"; continue; }
		case "$v" in
		kernel) rtr_assign_nft pptp ;;
		ours) rtr_assign_nft pptp-fix ;;
		esac
		run_pair flood >/dev/null 2>&1
		line=$(grep -ho 'flood: [0-9]* of [0-9]* arrived with my Call ID, [0-9.]* s' \
			"/run/pair-pns2-$rnd" | head -1)
		n=$(awk '{ print $2 }' <<<"$line")
		secs=$(awk '{ print $(NF - 1) }' <<<"$line")
		if [ -n "$secs" ]; then
			rate[$v,$r]=$(awk -v m="$PPTP_FLOOD" -v s="$secs" 'BEGIN { printf "%.0f", m / s }')
			right[$v,$r]=$n
		else
			rate[$v,$r]=0
			right[$v,$r]=0
		fi
		echo "round $r $v: ${rate[$v,$r]} msgs/s, ${right[$v,$r]} of $PPTP_FLOOD right"
		topo_down
	done
done

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ratios() {
	local r
	for r in $(seq "$ROUNDS"); do
		awk -v a="${rate[ours,$r]}" -v b="${rate[$1,$r]}" \
			'BEGIN { if (b > 0) printf "%.3f\n", a / b }'
	done
}

echo
echo "Forced-translation stream, $PPTP_FLOOD messages, $ROUNDS rounds, commit $commit, $(uname -r):"
printf '  %-8s %14s %24s\n' variant "msgs/s (med)" "arrived right (min-max)"
for v in "${variants[@]}"; do
	printf '  %-8s %14s %24s\n' "$v" \
		"$(for r in $(seq "$ROUNDS"); do echo "${rate[$v,$r]}"; done | median)" \
		"$(for r in $(seq "$ROUNDS"); do echo "${right[$v,$r]}"; done | sort -g |
			sed -n '1p;$p' | paste -sd-)"
done
for b in none kernel; do
	rs=$(ratios "$b")
	echo "  ours/$b: $(median <<<"$rs") ($(sort -g <<<"$rs" | sed -n '1p;$p' | paste -sd-))"
done
check "ours: every message of every round arrived right" \
	test "$(for r in $(seq "$ROUNDS"); do echo "${right[ours,$r]}"; done | sort -u)" = "$PPTP_FLOOD"
finish
