#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test VM itself: the ground every other end-to-end test stands on.
#
#   ns-a (192.0.2.1/24) veth-a ==== veth-b (192.0.2.2/24) ns-b
#
# Network namespaces, veth, the kernel's own PPTP helper loadable with
# plain modprobe, kernel autoload through our modprobe wrapper (nft's
# "ct helper" object of type pptp autoloads nfct-helper-pptp), this
# project's modules, and KUnit's debugfs.
set -u
. "$(dirname "$0")/lib.sh"
need_vm

# counters: /proc/net/nf_pptp_fix holds `name value` lines, each name
# once, and the names README's counters table gives: per type and
# direction, per reason and kind its lists name, and the totals.
counters() {
	local readme stats want got
	readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md
	stats=$(ip netns exec "$a" cat /proc/net/nf_pptp_fix)
	check "counters: every line is name value" \
		test -n "$stats" -a -z "$(grep -Ev '^[a-z_]+ [0-9]+$' <<<"$stats")"
	check "counters: no name twice" test -z "$(cut -d' ' -f1 <<<"$stats" | sort | uniq -d)"
	# The table's rows: `prefix_<x>` rows expand to the backquoted words
	# of their second column (types and directions: the 15 RFC types).
	want=$(awk -F'|' '
		/^### Counters/ { on = 1; next }
		on && /^###/ { exit }
		!on || !/^\| `/ { next }
		{
			n = 0
			while (match($3, /`[a-z_]+`/)) {
				w[++n] = substr($3, RSTART + 1, RLENGTH - 2)
				$3 = substr($3, RSTART + RLENGTH)
			}
			rest = $2
			while (match(rest, /`[a-z_<>]+`/)) {
				name = substr(rest, RSTART + 1, RLENGTH - 2)
				rest = substr(rest, RSTART + RLENGTH)
				if (name ~ /_<type>_<dir>$/) {
					split("sccrq sccrp stopccrq stopccrp echorq echorp ocrq ocrp icrq icrp iccn ccrq cdn wen sli", t, " ")
					for (i = 1; i <= 15; i++) {
						print substr(name, 1, index(name, "<") - 1) t[i] "_orig"
						print substr(name, 1, index(name, "<") - 1) t[i] "_reply"
					}
				} else if (name ~ /_<[a-z]+>$/) {
					for (i = 1; i <= n; i++)
						print substr(name, 1, index(name, "<") - 1) w[i]
				} else {
					print name
				}
			}
		}' "$readme" | sort -u)
	got=$(cut -d' ' -f1 <<<"$stats" | sort)
	check "counters: the names README's table gives, $(wc -l <<<"$got") of them" \
		test "$want" = "$got" ||
		diff <(echo "$want") <(echo "$got") | sed 's/^/    /'
}

a=ns-a-$rnd
b=ns-b-$rnd
cleanup() {
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
}
trap cleanup EXIT

check "ip netns add" ip netns add "$a"
ip netns add "$b"
check "veth pair across namespaces" \
	ip link add veth-a netns "$a" type veth peer name veth-b netns "$b"
ip -n "$a" addr add 192.0.2.1/24 dev veth-a
ip -n "$b" addr add 192.0.2.2/24 dev veth-b
ip -n "$a" link set veth-a up
ip -n "$b" link set veth-b up
ip -n "$a" link set lo up
ip -n "$b" link set lo up
check "ping across veth" ip netns exec "$a" busybox ping -c 1 -W 2 192.0.2.2 >/dev/null

check "modprobe nf_conntrack_pptp (the kernel's own)" modprobe nf_conntrack_pptp
check "kernel's helper listed" grep -q '^nf_conntrack_pptp ' /proc/modules
modprobe -r nf_nat_pptp nf_conntrack_pptp
check "modprobe -r the kernel's helper" sh -c '! grep -q "^nf_conntrack_pptp " /proc/modules'

check "nft ct helper object autoloads the kernel's helper" ip netns exec "$a" nft -f - <<'NFT'
table inet t {
	ct helper pptp-obj { type "pptp" protocol tcp; l3proto ip; }
}
NFT
check "autoloaded module present" grep -q '^nf_conntrack_pptp ' /proc/modules
ip netns exec "$a" nft flush ruleset
modprobe -r nf_nat_pptp nf_conntrack_pptp

check "modprobe nf_conntrack_pptp_fix" modprobe nf_conntrack_pptp_fix
check "modprobe nf_nat_pptp_fix" modprobe nf_nat_pptp_fix
counters
check "modprobe -r ours" modprobe -r nf_nat_pptp_fix nf_conntrack_pptp_fix
check "KUnit debugfs mounted" test -d /sys/kernel/debug/kunit
check "host root is read-only" sh -c '! touch /usr/.vm-run-probe 2>/dev/null'
check "/run, /tmp and /etc/ppp writable" sh -c \
	'touch /run/x /tmp/x /etc/ppp/x /var/log/x && rm /run/x /tmp/x /etc/ppp/x /var/log/x'

finish
