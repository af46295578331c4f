# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the end-to-end tests, in the style of the kernel's
# netfilter selftests: random namespace names, PASS:/FAIL: lines, exit 4
# to skip.  Sourced by scripts that run inside scripts/vm-run.

ksft_skip=4
passed=0
failed=0
rnd=$(printf '%04x' $((RANDOM)))

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# counter NAME: the router's counter NAME (/proc/net/nf_pptp_fix).
counter() {
	ip netns exec "$RTR" cat /proc/net/nf_pptp_fix | awk -v k="$1" '$1 == k { print $2 }'
}

# unload [MODULE]: modprobe -r MODULE; without one, nf_nat_pptp_fix and
# then nf_conntrack_pptp_fix (kmod leaves a dependency that is still
# referenced loaded, and says nothing).  A helper stays referenced (by nft
# helper objects, conntrack entries) until dead namespaces are cleaned up,
# so try for ten seconds.  0 once MODULE is not loaded.
unload() {
	local m=${1:-} i
	if [ -z "$m" ]; then
		unload nf_nat_pptp_fix && unload nf_conntrack_pptp_fix
		return
	fi
	for i in $(seq 50); do
		grep -q "^$m " /proc/modules || return 0
		modprobe -r "$m" 2>/dev/null && return 0
		sleep 0.2
	done
	modprobe -r "$m"
}

# no_splat WHAT [ERE]: PASS if the kernel log holds no splat (nor ERE).
# The lines it quotes lose the colon after BUG/WARNING/...: they reach the
# console, which scripts/splat-scan reads as kernel output (the debug
# lane finds the splat itself in the saved dmesg).
no_splat() {
	local bad
	bad=$(dmesg | grep -E "BUG:|WARNING:|KASAN|UBSAN|Oops${2:+|$2}" |
		sed -E 's/(BUG|WARNING|KASAN|UBSAN|Oops):/\1/g' || true)
	check "$1: no kernel splat ${bad:+($(head -3 <<<"$bad"))}" test -z "$bad"
}

# check DESCRIPTION COMMAND...: PASS or FAIL on COMMAND's status, which it
# returns (`check ... || show what went wrong`).
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; return 1; fi
}

# A router's /etc/nftables.conf as Debian ships it, plus the README's
# helper assignment and a masquerade.
nftables_conf() {
	cat <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	ct helper pptp-helper {
		type "pptp" protocol tcp
		l3proto ip
	}
	chain input {
		type filter hook input priority filter; policy accept;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		tcp dport 1723 ct helper set "pptp-helper" accept
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		masquerade
	}
}
NFT
}

# loaded_as WHAT MODULE...: each MODULE is loaded.
loaded_as() {
	local what=$1 m
	shift
	for m in "$@"; do
		check "$what $m" grep -q "^$m " /proc/modules
	done
}

# not_loaded WHAT MODULE...: none is.
not_loaded() {
	local what=$1 m
	shift
	for m in "$@"; do
		check "$what: $m not loaded" sh -c "! grep -q '^$m ' /proc/modules"
	done
}

need_vm() {
	if [ "${NF_PPTP_FIX_VM:-}" != 1 ]; then
		echo "SKIP: $0 runs inside scripts/vm-run only"
		exit $ksft_skip
	fi
}

# Prints the per-script tally and exits non-zero if anything failed.
finish() {
	echo "$(basename "$0"): $passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# The test topology: PNS clients and a PAC server on either side of a
# router namespace.  RFC 5737 addresses only.
#
#   pns1 198.51.100.2 ---- 198.51.100.1 rtr 203.0.113.1 ---- 203.0.113.2 pac
#   (pptp + pppd)                (the helper)                    (pptpd)
#
# Tunnel (PPP) addresses: 192.0.2.1 on the server, 192.0.2.10+ for clients.
PNS_IP=198.51.100.2
RTR_IN=198.51.100.1
RTR_OUT=203.0.113.1
PAC_IP=203.0.113.2

topo_up() {
	PNS=pns1-$rnd
	RTR=rtr-$rnd
	PAC=pac-$rnd
	local ns
	for ns in "$PNS" "$RTR" "$PAC"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip link add veth0 netns "$PNS" type veth peer name in0 netns "$RTR"
	ip link add veth0 netns "$PAC" type veth peer name out0 netns "$RTR"
	ip -n "$PNS" addr add "$PNS_IP/24" dev veth0
	ip -n "$RTR" addr add "$RTR_IN/24" dev in0
	ip -n "$RTR" addr add "$RTR_OUT/24" dev out0
	ip -n "$PAC" addr add "$PAC_IP/24" dev veth0
	ip -n "$PNS" link set veth0 up
	ip -n "$PAC" link set veth0 up
	ip -n "$RTR" link set in0 up
	ip -n "$RTR" link set out0 up
	ip -n "$PNS" route add default via "$RTR_IN"
	ip -n "$PAC" route add default via "$RTR_OUT"
	ip netns exec "$RTR" sysctl -qw net.ipv4.ip_forward=1
	[ -z "${NAT:-}" ] || rtr_masquerade
	[ -z "${FWD_DROP:-}" ] || rtr_forward_drop
}

# The README's forward chain with policy drop (out0 is the WAN side):
# each call's GRE is related to its control connection through the
# helper's expectations, so established,related passes it.
rtr_forward_drop() {
	ip netns exec "$RTR" nft -f - <<NFT
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		oifname "out0" accept
	}
}
NFT
}

# A second client on a link of its own: pns2 192.0.2.130 -- 192.0.2.129 rtr
# (192.0.2.128/25; the tunnel addresses stay below .128).
PNS2_IP=192.0.2.130
topo_add_pns2() {
	PNS2=pns2-$rnd
	ip netns add "$PNS2" || return 1
	ip -n "$PNS2" link set lo up
	ip link add veth0 netns "$PNS2" type veth peer name in1 netns "$RTR"
	ip -n "$PNS2" addr add "$PNS2_IP/25" dev veth0
	ip -n "$RTR" addr add 192.0.2.129/25 dev in1
	ip -n "$PNS2" link set veth0 up
	ip -n "$RTR" link set in1 up
	ip -n "$PNS2" route add default via 192.0.2.129
}

# The router masquerades everything leaving towards the PAC: the PNS
# behind it is seen as $RTR_OUT, as behind a home router.  With
# ASSIGN=iptables-nft or iptables-legacy, with that tool (README recipes).
rtr_masquerade() {
	case "${ASSIGN:-nft}" in
	iptables-*)
		ip netns exec "$RTR" "$ASSIGN" -t nat -A POSTROUTING -o out0 -j MASQUERADE
		return
		;;
	esac
	ip netns exec "$RTR" nft -f - <<NFT
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "out0" masquerade
	}
}
NFT
}

topo_down() {
	local ns
	for ns in "${PNS:-}" "${PNS2:-}" "${RTR:-}" "${PAC:-}"; do
		[ -n "$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}

# The README's recipes for forwarded clients: assign helper @1 (default
# "pptp") to control connections crossing the router, with nft, or with
# ASSIGN=iptables-nft / iptables-legacy.
rtr_assign_nft() {
	case "${ASSIGN:-nft}" in
	iptables-*)
		ip netns exec "$RTR" "$ASSIGN" -t raw -A PREROUTING -p tcp --dport 1723 \
			-j CT --helper "${1:-pptp}"
		return
		;;
	esac
	ip netns exec "$RTR" nft -f - <<NFT
table inet pptp {
	ct helper pptp-helper {
		type "${1:-pptp}" protocol tcp
		l3proto ip
	}
	chain pre {
		type filter hook prerouting priority filter; policy accept;
		tcp dport 1723 ct helper set "pptp-helper"
	}
}
NFT
}

# pptpd in the server namespace, no authentication and no MPPE; on
# address $PPTPD_LISTEN only, when set.
pac_start_pptpd() {
	local dir=/run/pptp-test-$rnd
	mkdir -p "$dir" /run/pptp
	cat >"$dir/options" <<OPT
name pptpd
noauth
nobsdcomp
nodeflate
nodefaultroute
OPT
	cat >"$dir/pptpd.conf" <<CONF
option $dir/options
localip 192.0.2.1
remoteip 192.0.2.10-50
${PPTPD_LISTEN:+listen $PPTPD_LISTEN}
CONF
	ip netns exec "$PAC" pptpd -c "$dir/pptpd.conf" -p "$dir/pptpd.pid"
}

# pptp-linux + pppd from client namespace @1 to the server; returns when
# IPCP is up (pppd updetach).  Each client gets a private /run/pptp, or
# pptp-linux would share one call manager across namespaces.
pns_dial() {
	local ns=$1 unit=$2
	ip netns exec "$ns" unshare -m sh -c "
		mount -t tmpfs tmpfs /run/pptp &&
		exec timeout 30 pppd pty 'pptp $PAC_IP --nolaunchpppd' \
			noauth nodefaultroute nobsdcomp nodeflate name client \
			remotename pptpd unit $unit updetach maxfail 1 \
			logfile /run/pptp-test-$rnd/pppd-$ns.log"
}

# run_scenario NAME PAC-TCP PNS-TCP COUNTER=VALUE...: one scenario of
# tests/peers/pptp_peer.py (NAME@label runs it under another label) in a
# fresh topology, the router assigning helper $HELPER (default "pptp"); then
# the router's counters must hold each COUNTER=VALUE, show every message
# tracked, and no GRE conntrack may be left.
run_scenario() {
	local name=$1 pac_tcp=$2 pns_tcp=$3 pac_addr=$PAC_IP pns_addr=$PAC_IP
	shift 3
	rnd=$(printf '%04x' $((RANDOM)))
	topo_up || { fail "$name: topology"; return; }
	rtr_assign_nft "${HELPER:-pptp}"
	[ "$pns_tcp" = listen ] && pns_addr=$PNS_IP pac_addr=$PNS_IP
	local peer
	peer="$(cd "$(dirname "${BASH_SOURCE[0]}")/../peers" && pwd)/pptp_peer.py"
	# Behind NAT, the PNS's GRE reaches the PAC from the router.
	local pns_seen=$PNS_IP
	[ -n "${NAT:-}" ] && pns_seen=$RTR_OUT
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp "$pac_tcp" \
		--addr "$pac_addr" --peer-ip "$pns_seen" --call-id 42143 \
		--scenario "${name%%@*}" >"/run/peer-pac-$rnd" 2>&1 &
	local pacpid=$!
	[ "$pac_tcp" = listen ] && wait_listen "$PAC" "$pac_addr"
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
	stats=$(ip netns exec "$RTR" cat /proc/net/nf_pptp_fix)
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

# wait_for_log FILE PATTERN: until a peer's log shows PATTERN (15 s at
# most): fixed sleeps race on a loaded machine or a debug kernel.
# wait_listen NETNS ADDR: until a TCP socket listens on ADDR:1723 in
# NETNS (60 s at most).  A fixed sleep was too short for Python to start
# on a slow kernel (QEMU's debug one under TCG), so clients were refused.
wait_listen() {
	local i
	for i in $(seq 600); do
		[ -n "$(ip netns exec "$1" ss -Hltn "src $2:1723" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	echo "nothing listens on $2:1723 in $1 after 60 s" >&2
	return 1
}

wait_for_log() {
	local i
	for i in $(seq 150); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# run_pair SCENARIO: through a masquerading router, client 1 holds a call
# with Call ID 512 (scenario seed-held) while client 2, also Call ID 512,
# plays SCENARIO against the same PAC: the router must give client 2's
# call another ID and translate it in every field and GRE key.  Returns 0
# when all three peers passed; their logs are in /run/pair-*-$rnd.
run_pair() {
	local sc=$1 peer pacpid p1 rc=0
	peer="$(cd "$(dirname "${BASH_SOURCE[0]}")/../peers" && pwd)/pptp_peer.py"
	ip netns exec "$PAC" python3 "$peer" --role pac --tcp listen --addr "$PAC_IP" \
		--peer-ip "$RTR_OUT" --call-id 42143 --clients 2 \
		--scenario "seed-held,$sc" >"/run/pair-pac-$rnd" 2>&1 &
	pacpid=$!
	wait_listen "$PAC" "$PAC_IP"
	# Client 1 holds its call until client 2 is done: a fixed hold ran
	# out on the debug kernel when loss delayed client 2, which then kept
	# 512 and proved nothing; and some scenarios start a second call.
	rm -f "/run/pair-up2-$rnd"
	ip netns exec "$PNS" timeout 120 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario seed-held --sleep-until "/run/pair-up2-$rnd" \
		>"/run/pair-pns1-$rnd" 2>&1 &
	p1=$!
	# Client 1 must be the PAC's first connection, and its call up while
	# client 2 calls: wait for its Outgoing-Call-Reply.
	wait_for_log "/run/pair-pns1-$rnd" "got OCRP"
	ip netns exec "$PNS2" timeout 60 python3 "$peer" --role pns --tcp connect \
		--addr "$PAC_IP" --peer-ip "$PAC_IP" --call-id 512 \
		--scenario "$sc" >"/run/pair-pns2-$rnd" 2>&1 || rc=1
	touch "/run/pair-up2-$rnd"
	wait "$p1" || rc=1
	wait "$pacpid" || rc=1
	rm -f "/run/pair-up2-$rnd"
	return $rc
}

# The README's recipe for a PPTP client on the router itself: its control
# connection leaves through the output hook.  ASSIGN as rtr_assign_nft.
rtr_assign_local() {
	case "${ASSIGN:-nft}" in
	iptables-*)
		ip netns exec "$RTR" "$ASSIGN" -t raw -A OUTPUT -p tcp --dport 1723 \
			-j CT --helper "${1:-pptp}"
		return
		;;
	esac
	ip netns exec "$RTR" nft -f - <<NFT
table inet pptp-local {
	ct helper pptp-helper {
		type "${1:-pptp}" protocol tcp
		l3proto ip
	}
	chain out {
		type filter hook output priority filter; policy accept;
		tcp dport 1723 ct helper set "pptp-helper"
	}
}
NFT
}
