#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - the benchmarks, inside scripts/vm-run; scripts/bench builds the
# load generator and starts this.  Not part of make check (--smoke is).
#
#   tests/bench/run.sh [--smoke]      (PPTP_BENCH = the pptp_bench binary)
#
# Environment: ROUNDS, SCALE_ROUNDS, SECS, SCALES (see scripts/bench), and
# PHASES, a subset of "ctl gre_one gre_many scale" (default all).
#
# Three routers in one boot, each in its own namespaces with the same
# topology and addresses:
#
#   pns-V 198.51.100.10+ ---- 198.51.100.1 rtr-V 203.0.113.1 ---- 203.0.113.2 pac-V
#   (hosts behind the NAT)     (masquerade + helper V)            (one PAC)
#
#   none:   masquerade only, no helper: the floor
#   kernel: the kernel's nf_conntrack_pptp + nf_nat_pptp, assigned as "pptp"
#   ours:   nf_conntrack_pptp_fix + nf_nat_pptp_fix, loaded as "pptp-fix"
#
# All modules stay loaded for the whole run.  Every measurement runs in
# rounds, each round on the three routers one after the other (the order
# rotating), and is reported as medians with per-round ratios (ours/kernel,
# ours/none: a round's three runs are neighbours in time, so the ratio
# cancels most of the noise of a shared machine) and their min-max.
#
# Each throughput is also measured with the three routers at once: the
# same command to the three generators together, so that they share the
# VM's CPU in one window and the host's noise hits all three alike (rows
# "together"; ratios of what each got done in the same wall-clock time).
#
# Each measured window is framed by "@@cpu ID@@" lines, after each of which
# the VM idles for a moment: tests/bench/host.py, which runs the VM, takes
# the VM's CPU time there, and makes the table from the records in
# $NF_PPTP_FIX_VM_OUT/bench-raw.txt: "METRIC VARIANT ROUND OPS WALL_MS ID"
# for a rate (OPS done in the window ID), "METRIC VARIANT ROUND VALUE" else.
# Prints PASS:/FAIL: lines for the checks (generators work, peers saw no
# Call ID collision or mismatch through ours ...) and "N passed, N failed".
set -uo pipefail

main() {
	if [ "${NF_PPTP_FIX_VM:-}" != 1 ]; then
		echo "SKIP: $0 runs inside scripts/vm-run only"
		exit 4
	fi
	BIN=${PPTP_BENCH:?PPTP_BENCH: the pptp_bench binary}
	SMOKE=0
	[ "${1:-}" = --smoke ] && SMOKE=1

	VARIANTS=(none kernel ours)
	if [ "$SMOKE" = 1 ]; then
		ROUNDS=1 SCALE_ROUNDS=1 SECS=0.2 MARK_PAUSE=0.05
		CTL_CONNS=10 CTL_HOSTS=2 GRE_MANY=10 GRE_HOSTS=2 SCALES="100"
		SCALE_HOSTS=10 SETTLE=0.1
	else
		SETTLE=0.5
		ROUNDS=${ROUNDS:-9} SCALE_ROUNDS=${SCALE_ROUNDS:-3} SECS=${SECS:-1}
		CTL_CONNS=100 CTL_HOSTS=10 GRE_MANY=1000 GRE_HOSTS=100
		SCALES=${SCALES:-"1000 10000"} SCALE_HOSTS=100
	fi
	WIN=4

	passed=0 failed=0
	pass() { echo "PASS: $*"; passed=$((passed + 1)); }
	fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
	check() {
		local what=$1
		shift
		if "$@"; then pass "$what"; else fail "$what"; fi
	}

	RUN=/run/bench
	mkdir -p "$RUN"
	RAW=${NF_PPTP_FIX_VM_OUT:-$RUN}/bench-raw.txt
	: >"$RAW"
	MARK_PAUSE=${MARK_PAUSE:-0.2}
	{
		echo "meta kernel $(uname -r)"
		echo "meta rounds $ROUNDS"
		echo "meta scale_rounds $SCALE_ROUNDS"
		echo "meta scales ${SCALES// /,}"
		echo "meta ctl $CTL_CONNS"
		echo "meta gre $GRE_MANY"
		echo "meta secs $SECS"
	} >>"$RAW"
	declare -gA SW SR SP LAST
	trap cleanup EXIT
	t0=$(date +%s)

	setup || { fail "setup"; finish; return 1; }

	local ph
	for ph in ${PHASES:-ctl gre_one gre_many scale}; do
		"phase_$ph"
	done
	check_ours_counters

	echo "bench: $(($(date +%s) - t0)) s in the VM"
	finish
}

finish() {
	echo "bench: $passed passed, $failed failed"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

cleanup() {
	local id
	for id in "${!SP[@]}"; do
		sim_stop "$id" 2>/dev/null
	done
	for v in "${VARIANTS[@]}"; do
		for ns in pns-$v rtr-$v pac-$v; do
			ip netns del "$ns" 2>/dev/null
		done
	done
}

# ------------------------------------------------------------- topology

setup() {
	local v
	# The conntrack and expectation limits are global (init_net only).
	sysctl -qw net.netfilter.nf_conntrack_max=262144 || return 1
	sysctl -qw net.netfilter.nf_conntrack_buckets=65536 ||
		echo 65536 >/sys/module/nf_conntrack/parameters/hashsize || return 1
	sysctl -qw net.netfilter.nf_conntrack_expect_max=262144 || return 1
	modprobe nf_conntrack_pptp && modprobe nf_nat_pptp &&
		modprobe nf_conntrack_pptp_fix name=pptp-fix port=1724 &&
		modprobe nf_nat_pptp_fix || return 1
	for v in "${VARIANTS[@]}"; do
		topo "$v" || return 1
		sim_start "pac-$v" "pac-$v" pac --addr 203.0.113.2 || return 1
	done
	echo "setup: $(uname -r), nf_conntrack_buckets $(sysctl -n net.netfilter.nf_conntrack_buckets)," \
		"expect hash $(cat /sys/module/nf_conntrack/parameters/expect_hashsize 2>/dev/null || echo ?)" \
		"buckets, $(grep MemTotal /proc/meminfo | tr -s ' ')"
}

topo() {
	local v=$1 pns=pns-$1 rtr=rtr-$1 pac=pac-$1 ns h helper
	for ns in "$pns" "$rtr" "$pac"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip link add veth0 netns "$pns" type veth peer name in0 netns "$rtr" || return 1
	ip link add veth0 netns "$pac" type veth peer name out0 netns "$rtr" || return 1
	for h in $(seq 10 209); do
		echo "addr add 198.51.100.$h/24 dev veth0"
	done | ip -n "$pns" -batch - || return 1
	ip -n "$rtr" addr add 198.51.100.1/24 dev in0
	ip -n "$rtr" addr add 203.0.113.1/24 dev out0
	ip -n "$pac" addr add 203.0.113.2/24 dev veth0
	ip -n "$pns" link set veth0 up
	ip -n "$pac" link set veth0 up
	ip -n "$rtr" link set in0 up
	ip -n "$rtr" link set out0 up
	ip -n "$pns" route add default via 198.51.100.1
	ip -n "$pac" route add default via 203.0.113.1
	ip netns exec "$rtr" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$pac" sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
	ip netns exec "$pns" sysctl -qw net.ipv4.ip_local_port_range="10000 65001"
	ip netns exec "$rtr" nft -f - <<-NFT || return 1
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "out0" masquerade
		}
	}
	NFT
	case $v in
	none) return 0 ;;
	kernel) helper=pptp ;;
	ours) helper=pptp-fix ;;
	esac
	# The README's recipe, the same for both helpers but the name.
	ip netns exec "$rtr" nft -f - <<-NFT
	table inet pptp {
		ct helper pptp-helper {
			type "$helper" protocol tcp
			l3proto ip
		}
		chain pre {
			type filter hook prerouting priority filter; policy accept;
			tcp dport 1723 ct helper set "pptp-helper"
		}
	}
	NFT
}

# Forget the router's connections (what a phase left: closed control
# connections, GRE), and let deferred frees settle.
rtr_flush() {
	ip netns exec "rtr-$1" conntrack -F >/dev/null 2>&1
	sleep "$SETTLE"
}

# --------------------------------------------------------- the generators

# sim_start ID NS ARGS...: pptp_bench ARGS in namespace NS, commands
# through FIFOs; waits for its first line (PAC "ready", PNS "up ...") in
# REPLY.
sim_start() {
	local id=$1 ns=$2 w r
	shift 2
	rm -f "$RUN/$id.in" "$RUN/$id.out"
	mkfifo "$RUN/$id.in" "$RUN/$id.out"
	ip netns exec "$ns" "$BIN" "$@" <"$RUN/$id.in" >"$RUN/$id.out" 2>"$RUN/$id.err" &
	SP[$id]=$!
	exec {w}>"$RUN/$id.in"
	exec {r}<"$RUN/$id.out"
	SW[$id]=$w
	SR[$id]=$r
	sim_read "$id" 600
}

sim_read() {
	REPLY=
	if ! read -r -t "${2:-120}" -u "${SR[$1]}" REPLY; then
		echo "bench: no answer from $1: $(cat "$RUN/$1.err" 2>/dev/null)" >&2
		return 1
	fi
	case $REPLY in error*) echo "bench: $1: $REPLY" >&2; return 1 ;; esac
}

# sim ID COMMAND: the answer in REPLY.
sim() {
	echo "$2" >&"${SW[$1]}" || return 1
	sim_read "$1" 120
}

sim_stop() {
	local id=$1 w r
	[ -n "${SP[$id]:-}" ] || return 0
	w=${SW[$id]} r=${SR[$id]}
	echo quit >&"$w" 2>/dev/null
	wait "${SP[$id]}" 2>/dev/null
	exec {w}>&- {r}<&-
	unset "SP[$id]" "SW[$id]" "SR[$id]"
}

# val LINE KEY: the word after KEY in LINE.
val() {
	local w i
	read -r -a w <<<"$1"
	for ((i = 0; i < ${#w[@]} - 1; i++)); do
		if [ "${w[i]}" = "$2" ]; then
			echo "${w[i + 1]}"
			return
		fi
	done
}

# The count of packets received on NS's veth0.
rx_packets() {
	ip netns exec "$1" awk '/veth0:/ { sub(/.*veth0:/, ""); print $2 }' /proc/net/dev
}

# rec METRIC VARIANT ROUND VALUE, or METRIC VARIANT ROUND OPS WALL_MS ID
rec() {
	echo "$*" >>"$RAW"
	LAST["$1 $2"]=${4%% *}
}

# mark ID: host.py takes the VM's CPU time now; the VM idles meanwhile.
mark() {
	echo "@@cpu $1@@"
	sleep "$MARK_PAUSE"
}

# window ID SIM COMMAND: COMMAND to SIM between the marks ID.a and ID.b.
window() {
	mark "$1.a"
	sim "$2" "$3"
	local rc=$?
	mark "$1.b"
	return $rc
}

# Rotating order: round r starts with variant r mod 3.
order() {
	local r=$1 i
	for i in 0 1 2; do
		echo "${VARIANTS[$(((r + i) % 3))]}"
	done
}

# ------------------------------------------------------------- the phases

# 1 and 3: control messages and call setups on CTL_CONNS connections from
# CTL_HOSTS addresses, every connection with a call up.
phase_ctl() {
	local v r up line
	echo "[$(($(date +%s) - t0)) s] == control messages and call setup: $CTL_CONNS connections, $SECS s runs"
	for v in "${VARIANTS[@]}"; do
		sim_start "pns-$v" "pns-$v" pns --pac 203.0.113.2 --src 198.51.100.10 \
			--hosts "$CTL_HOSTS" --conns "$CTL_CONNS"
		up=$(val "$REPLY" up)
		check "$v: $CTL_CONNS control connections, each with a call, up ($REPLY)" \
			test "${up:-0}" = "$CTL_CONNS"
	done
	for r in $(seq 1 "$ROUNDS"); do
		for v in $(order "$r"); do
			window "msgs1-$v-$r" "pns-$v" "msgs $SECS $WIN 1" &&
				rec msgs1 "$v" "$r" "$(msg_ops "$REPLY")" "msgs1-$v-$r"
			sim "pac-$v" "seg 0" &&
				window "msgsN-$v-$r" "pns-$v" "msgs $SECS $WIN 0" &&
				rec msgsN "$v" "$r" "$(msg_ops "$REPLY")" "msgsN-$v-$r"
			sim "pac-$v" "seg 1"
			window "calls1-$v-$r" "pns-$v" "calls $SECS 1" &&
				rec calls1 "$v" "$r" "$(call_ops "$REPLY")" "calls1-$v-$r"
			window "callsN-$v-$r" "pns-$v" "calls $SECS $CTL_CONNS" &&
				rec callsN "$v" "$r" "$(call_ops "$REPLY")" "callsN-$v-$r"
			echo "  round $r $v: msgs ${LAST[msgs1 $v]:-} / ${LAST[msgsN $v]:-}," \
				"call cycles ${LAST[calls1 $v]:-} / ${LAST[callsN $v]:-} (in $SECS s)"
		done
		together "$r" msgs1 pns "msgs $SECS $WIN 1" msg_ops "${VARIANTS[@]}"
		for v in "${VARIANTS[@]}"; do sim "pac-$v" "seg 0"; done
		together "$r" msgsN pns "msgs $SECS $WIN 0" msg_ops "${VARIANTS[@]}"
		for v in "${VARIANTS[@]}"; do sim "pac-$v" "seg 1"; done
		together "$r" calls1 pns "calls $SECS 1" call_ops "${VARIANTS[@]}"
		together "$r" callsN pns "calls $SECS $CTL_CONNS" call_ops "${VARIANTS[@]}"
		threes "  round $r together, msgs 1/seg, coalesced, call cycles 1/$CTL_CONNS conns:" \
			c_msgs1 c_msgsN c_calls1 c_callsN
	done
	for v in "${VARIANTS[@]}"; do
		sim "pns-$v" stats
		line=$REPLY
		sim "pac-$v" stats
		echo "  $v: PNS $line"
		echo "  $v: PAC $REPLY"
		rec mm_pns "$v" 0 "$(val "$line" mismatch)"
		rec mm_pac "$v" 0 "$(val "$REPLY" mismatch)"
		if [ "$v" = ours ]; then
			check "ours: the PNSs saw every Call ID field right" test "$(val "$line" mismatch)" = 0
			check "ours: the PAC saw every Call ID field right" test "$(val "$REPLY" mismatch)" = 0
		fi
		# Hosts share Call IDs: without a helper the PAC sees them collide.
		[ "$v" = none ] ||
			check "$v: no Call ID collision at the PAC" test "$(val "$REPLY" collisions)" = 0
		sim_stop "pns-$v"
		rtr_flush "$v"
		sim "pac-$v" reset
	done
}

# OPS WALL_MS of a generator's answer.
msg_ops() {
	echo "$(($(val "$1" sent) + $(val "$1" recv))) $(val "$1" ms)"
}

call_ops() {
	echo "$(val "$1" cycles) $(val "$1" ms)"
}

# threes LABEL METRIC...: a line with each METRIC's last values for none,
# kernel and ours.
threes() {
	local m out=$1
	shift
	for m; do
		out+=" ${LAST[$m none]:-},${LAST[$m kernel]:-},${LAST[$m ours]:-}"
	done
	echo "$out (none,kernel,ours)"
}

# together ROUND METRIC WHO COMMAND OPSFN VARIANT...: COMMAND to the
# generators WHO-VARIANT all at once, so that the routers share the VM's
# CPU in the same window: what the host does to one it does to all.
# Records "c_METRIC VARIANT ROUND OPS WALL_MS".
together() {
	local r=$1 m=$2 who=$3 cmd=$4 opsfn=$5 v
	shift 5
	# Started in the round's rotating order.
	for v in $(order "$r"); do
		[[ " $* " == *" $v "* ]] || continue
		echo "$cmd" >&"${SW[$who-$v]}"
	done
	for v in "$@"; do
		sim_read "$who-$v" 120 && rec "c_$m" "$v" "$r" $($opsfn "$REPLY")
	done
}

# together_gre ROUND METRIC DIR NCALLS VARIANT...: GRE of the variants at
# once, counted by the receiving veths.
together_gre() {
	local r=$1 m=$2 dir=$3 n=$4 v cmd="gre $SECS" who=pac to=pns
	shift 4
	[ "$dir" = up ] && cmd="gre $SECS $n" who=pns to=pac
	declare -A rx0
	for v in "$@"; do
		rx0[$v]=$(rx_packets "$to-$v")
	done
	for v in $(order "$r"); do
		[[ " $* " == *" $v "* ]] || continue
		echo "$cmd" >&"${SW[$who-$v]}"
	done
	for v in "$@"; do
		sim_read "$who-$v" 120 || continue
		rec "c_$m" "$v" "$r" $(($(rx_packets "$to-$v") - ${rx0[$v]})) "$(val "$REPLY" ms)"
	done
}

# gre_run METRIC VARIANT ROUND DIR NCALLS: one GRE run, PNS to PAC (DIR
# up) or back (down), counted by what the receiving veth got.
gre_run() {
	local m=$1 v=$2 r=$3 dir=$4 n=$5 from to rx0 rx1 cmd="gre $SECS"
	if [ "$dir" = up ]; then
		from=pns-$v to=pac-$v cmd="gre $SECS $n"
	else
		from=pac-$v to=pns-$v
	fi
	# Warm-up: the first packets of each call make its GRE conntrack.
	if [ "$dir" = up ]; then sim "$from" "gre 0.2 $n"; else sim "$from" "gre 0.2"; fi
	sleep 0.1
	rx0=$(rx_packets "$to")
	window "$m-$v-$r" "$from" "$cmd" || return 1
	rx1=$(rx_packets "$to")
	rec "$m" "$v" "$r" "$((rx1 - rx0))" "$(val "$REPLY" ms)" "$m-$v-$r"
	rec "$m.sent" "$v" "$r" "$(val "$REPLY" sent)"
}

# 4: GRE through the NAT with one established call.
phase_gre_one() {
	local v r
	echo "[$(($(date +%s) - t0)) s] == GRE, 1 call, $SECS s runs"
	for v in "${VARIANTS[@]}"; do
		sim_start "pns-$v" "pns-$v" pns --pac 203.0.113.2 --src 198.51.100.10 --conns 1
		check "$v: one call up for GRE ($REPLY)" test "$(val "$REPLY" up)" = 1
		sim "pns-$v" reset
		sim "pac-$v" reset
	done
	for r in $(seq 1 "$ROUNDS"); do
		for v in $(order "$r"); do
			gre_run gre1up "$v" "$r" up 1
			# Without a helper nothing maps GRE back to the host behind the NAT.
			[ "$v" = none ] || gre_run gre1down "$v" "$r" down 1
			echo "  round $r $v: GRE packets ${LAST[gre1up $v]:-} / ${LAST[gre1down $v]:-} (in $SECS s)"
		done
		[ "$SMOKE" = 1 ] && continue	# the ctl phase tried "together"
		together_gre "$r" gre1up up 1 "${VARIANTS[@]}"
		together_gre "$r" gre1down down 1 kernel ours
		threes "  round $r together, GRE packets up, down:" c_gre1up c_gre1down
	done
	gre_checks 1
	for v in "${VARIANTS[@]}"; do
		sim_stop "pns-$v"
		rtr_flush "$v"
		sim "pac-$v" reset
	done
}

gre_checks() {
	local n=$1 v pline aline
	for v in "${VARIANTS[@]}"; do
		sim "pns-$v" stats
		pline=$REPLY
		sim "pac-$v" stats
		aline=$REPLY
		echo "  $v: PNS $pline"
		echo "  $v: PAC $aline"
		check "$v, $n call(s): the PAC got GRE, every key one of its Call IDs" \
			test "$(val "$aline" gre_ok)" -gt 0 -a "$(val "$aline" gre_bad)" = 0
		[ "$v" = none ] && continue
		check "$v, $n call(s): the hosts got GRE back, every key their own Call ID" \
			test "$(val "$pline" gre_ok)" -gt 0 -a "$(val "$pline" gre_bad)" = 0
	done
}

# 4: GRE with GRE_MANY calls, one per control connection.
phase_gre_many() {
	local v r
	echo "[$(($(date +%s) - t0)) s] == GRE, $GRE_MANY calls, $SECS s runs"
	for v in "${VARIANTS[@]}"; do
		sim_start "pns-$v" "pns-$v" pns --pac 203.0.113.2 --src 198.51.100.10 \
			--hosts "$GRE_HOSTS" --conns "$GRE_MANY"
		check "$v: $GRE_MANY calls up for GRE ($REPLY)" test "$(val "$REPLY" up)" = "$GRE_MANY"
		sim "pns-$v" reset
		sim "pac-$v" reset
	done
	for r in $(seq 1 "$ROUNDS"); do
		for v in $(order "$r"); do
			gre_run greNup "$v" "$r" up "$GRE_MANY"
			[ "$v" = none ] || gre_run greNdown "$v" "$r" down "$GRE_MANY"
			echo "  round $r $v: GRE packets ${LAST[greNup $v]:-} / ${LAST[greNdown $v]:-} (in $SECS s)"
		done
		[ "$SMOKE" = 1 ] && continue
		together_gre "$r" greNup up "$GRE_MANY" "${VARIANTS[@]}"
		together_gre "$r" greNdown down "$GRE_MANY" kernel ours
		threes "  round $r together, GRE packets up, down:" c_greNup c_greNdown
	done
	gre_checks "$GRE_MANY"
	for v in "${VARIANTS[@]}"; do
		sim_stop "pns-$v"
		rtr_flush "$v"
		sim "pac-$v" reset
	done
}

slab_kb() {
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

# Bytes in use per slab cache: name, active objects * object size.
slab_caches() {
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort
}

# 2: N concurrent control connections, one call each, from SCALE_HOSTS
# addresses that all use the same Call IDs (host h's j-th connection: 512
# + j), to one PAC.
phase_scale() {
	local n v r s0 s1 up pac dir
	for n in $SCALES; do
		echo "[$(($(date +%s) - t0)) s] == scale: $n control connections with a call each, from $SCALE_HOSTS hosts"
		for r in $(seq 1 "$SCALE_ROUNDS"); do
			for v in $(order "$r"); do
				sim "pac-$v" reset
				# The generator is started (its process, its epoll)
				# before the baseline: only the sessions count.
				sim_start "pns-$v" "pns-$v" pns --pac 203.0.113.2 --src 198.51.100.10 \
					--hosts "$SCALE_HOSTS" --conns "$n" --timeout 60 --wait
				sleep "$SETTLE"
				slab_caches >"$RUN/slab0"
				s0=$(slab_kb)
				window "rate$n-$v-$r" "pns-$v" go
				up=$REPLY
				sleep "$SETTLE"
				s1=$(slab_kb)
				slab_caches >"$RUN/slab1"
				sim "pac-$v" stats
				pac=$REPLY
				sim "pns-$v" stats
				echo "  round $r $v: PNS $up; PAC $pac; $REPLY; Slab +$((s1 - s0)) kB"
				rec "up$n" "$v" "$r" "$(awk -v u="$(val "$up" up)" -v n="$n" 'BEGIN { printf "%.1f", 100 * u / n }')"
				rec "coll$n" "$v" "$r" "$(val "$pac" collisions)"
				rec "mm$n" "$v" "$r" "$(($(val "$pac" mismatch) + $(val "$REPLY" mismatch)))"
				rec "mem$n" "$v" "$r" "$(awk -v d=$((s1 - s0)) -v u="$(val "$up" up)" 'BEGIN { printf "%.2f", u ? d / u : 0 }')"
				rec "rate$n" "$v" "$r" "$(val "$up" up)" "$(val "$up" ms)" "rate$n-$v-$r"
				if [ "$r" = 1 ]; then
					dir=$NF_PPTP_FIX_VM_OUT
					awk -v n="$(val "$up" up)" 'NR == FNR { a[$1] = $2; next }
						$2 - a[$1] > 4096 { printf "%+8.0f B/session  %s\n", ($2 - a[$1]) / n, $1 }' \
						"$RUN/slab0" "$RUN/slab1" | sort -g -r | head -8 | tee "$dir/slab-$n-$v.txt"
				fi
				sim_stop "pns-$v"
				rtr_flush "$v"
			done
		done
		for v in "${VARIANTS[@]}"; do
			check "$v: all $n control connections came up in every round" \
				test "$(agg "up$n" "$v" min)" = 100.0
			[ "$v" = none ] && continue
			check "$v: no Call ID collision at the PAC with $n sessions" \
				test "$(agg "coll$n" "$v" max)" = 0
		done
		check "none: the PAC's collision check sees hosts' shared IDs without a helper" \
			test "$(agg "coll$n" none max)" -gt 0
		check "ours: no Call ID mismatch at either end with $n sessions" \
			test "$(agg "mm$n" ours max)" = 0
	done
}

# agg METRIC VARIANT median|min|max|sum
agg() {
	awk -v m="$1" -v v="$2" '$1 == m && $2 == v { print $4 }' "$RAW" | sort -g |
		awk -v f="$3" '{ a[n++] = $1; s += $1 }
			END {
				if (!n) { print "-"; exit }
				if (f == "min") print a[0]
				else if (f == "max") print a[n - 1]
				else if (f == "sum") print s
				else print (n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2)
			}'
}

check_ours_counters() {
	local bad
	bad=$(ip netns exec rtr-ours cat /proc/net/nf_pptp_fix |
		grep -E '^(passed|lost)_|^(mangle_failed|alloc_failed|expect_failed|id_exhausted|nat_unknown) ' |
		grep -v ' 0$' | tr '\n' ' ')
	check "ours: every message tracked, nothing failed (router counters) ${bad:+($bad)}" test -z "$bad"
}

main "$@"
