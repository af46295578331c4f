#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The installed modules and packaging/nf-pptp-fix.conf as a user gets them:
# `make install` into a module tree on tmpfs (the UML kernel's own modules
# plus ours), the snippet it installs copied into a tmpfs /etc/modprobe.d,
# and the kernel's module requests pointed at that tree.  Then nothing is
# loaded by hand:
#   - the README's nft rule (ct helper object of type "pptp") behind a
#     masquerade autoloads nf_conntrack_pptp_fix and nf_nat_pptp_fix (the
#     snippet's alias for nfct-helper-pptp), never the kernel's modules,
#     and a call through that router is tracked by them;
#   - modprobe nf_conntrack_pptp / nf_nat_pptp are refused, the kernel's
#     modules' old names ip_nat_pptp / ip_conntrack_pptp load ours;
#   - iptables' CT --helper pptp autoloads ours the same way;
#   - the counters are in /proc/net/nf_pptp_fix, not among lnstat's tables;
#   - an nftables.conf with a pptp ct helper object and masquerade, loaded
#     the way nftables.service loads it (nft -f), autoloads ours; with our
#     modules gone for the kernel (an ABI bump after make install, a DKMS
#     build that failed) the kernel's pair answers instead, the kernel log
#     says so, and the whole ruleset, NAT included, is in place.
set -u
. "$(dirname "$0")/lib.sh"

main() {
	need_vm
	local repo krel out
	# Globals: the EXIT trap runs after main returns.
	repo=$(cd "$(dirname "$0")/../.." && pwd)
	krel=$(uname -r)
	if [ ! -r "${NF_PPTP_FIX_KDIR:-}/Makefile" ] || ! ls "${NF_PPTP_FIX_MODULES:-}"/*.ko >/dev/null 2>&1; then
		echo "SKIP: NF_PPTP_FIX_KDIR / NF_PPTP_FIX_MODULES not readable in the VM"
		exit "$ksft_skip"
	fi
	tree=/tmp/modtree-$rnd
	conf=/tmp/modprobe.d-$rnd
	wrap=/tmp/modprobe-bin-$rnd
	saved_modprobe=$(cat /proc/sys/kernel/modprobe)
	trap cleanup EXIT

	# The kernel's own modules, as vm-run staged them, without ours.
	mkdir -p "$tree/lib/modules/$krel" "$conf" "$wrap"
	# Debian's kernel (the QEMU lane) has thousands of modules, and depmod
	# reads them all, slowly under TCG: its networking, crypto and library
	# modules are all a firewall with PPTP needs.
	local parts=(kernel)
	[[ "${NF_PPTP_FIX_KERNEL:-}" == debian-* ]] &&
		parts=(kernel/net kernel/lib kernel/crypto kernel/drivers/net/ppp
			kernel/drivers/net/veth.ko)
	(cd "/run/vm-run/stage/lib/modules/$krel" && cp -a --parents "${parts[@]}" \
		modules.order modules.builtin modules.builtin.modinfo "$tree/lib/modules/$krel/")
	# UML's build tree needs ARCH=um; Debian's headers (the QEMU lane)
	# are the host's architecture.
	local arch=()
	[ -e "$NF_PPTP_FIX_KDIR/arch/um" ] && arch=(ARCH=um)
	check "make install into a tmpfs DESTDIR" \
		make -s -C "$repo" install KDIR="$NF_PPTP_FIX_KDIR" "${arch[@]}" \
		MODDIR="$NF_PPTP_FIX_MODULES" DESTDIR="$tree"
	local f dep
	dep=$tree/lib/modules/$krel/modules.dep
	for f in nf_conntrack_pptp_fix nf_nat_pptp_fix; do
		check "$f.ko in lib/modules/$krel/updates" test -f "$tree/lib/modules/$krel/updates/$f.ko"
		check "modules.dep lists $f" grep -q "^updates/$f.ko:" "$dep"
	done
	# (Where netfilter is modules, Debian's kernel, nf_nat and nf_conntrack too.)
	check "modules.dep: nf_nat_pptp_fix needs nf_conntrack_pptp_fix" \
		grep -qE "^updates/nf_nat_pptp_fix.ko: (.* )?updates/nf_conntrack_pptp_fix.ko( |$)" "$dep"
	# Without the snippet a request must find the kernel's helper only
	# (packaging/nf-pptp-fix.conf says why).
	check "modules.alias: nfct-helper-pptp is the kernel's nf_conntrack_pptp only" \
		test "$(grep '^alias nfct-helper-pptp ' "$tree/lib/modules/$krel/modules.alias")" = \
		"alias nfct-helper-pptp nf_conntrack_pptp"
	check "snippet installed in etc/modprobe.d" test -f "$tree/etc/modprobe.d/nf-pptp-fix.conf"

	# /etc/modprobe.d on tmpfs: what the host has there, and the snippet.
	cp -a /etc/modprobe.d/. "$conf/"
	mount -t tmpfs tmpfs /etc/modprobe.d
	cp -a "$conf/." /etc/modprobe.d/
	cp "$tree/etc/modprobe.d/nf-pptp-fix.conf" /etc/modprobe.d/
	# modprobe from the shell and from the kernel serve the new tree, and
	# so does the /sbin/modprobe the snippet's install line runs
	# (MODPROBE_OPTIONS is inherited).
	printf '#!/bin/sh\nMODPROBE_OPTIONS="-d %s" exec /sbin/modprobe "$@"\n' "$tree" >"$wrap/modprobe"
	chmod +x "$wrap/modprobe"
	PATH=$wrap:$PATH
	export MODPROBE_OPTIONS="-d $tree"
	echo "$wrap/modprobe" >/proc/sys/kernel/modprobe

	check "nothing of PPTP loaded at boot" sh -c '! grep -Eq "^nf_(conntrack|nat)_pptp" /proc/modules'

	# The README's rules behind a masquerading router: the kernel asks for
	# nfct-helper-pptp when the ct helper object is created.
	rnd=$(printf '%04x' $((RANDOM)))
	if NAT=1 topo_up && rtr_assign_nft pptp; then
		pass "masquerade + the README's nft ct helper rule"
	else
		fail "masquerade + the README's nft ct helper rule"
	fi
	loaded_as "the rule autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "and not the kernel's" nf_conntrack_pptp nf_nat_pptp
	check "the helper answering is ours, named pptp" \
		grep -qx pptp /sys/module/nf_conntrack_pptp_fix/parameters/name
	# The counters are not lnstat's per-CPU tables: not in /proc/net/stat.
	check "counters in /proc/net/nf_pptp_fix" grep -q '^calls_up ' /proc/net/nf_pptp_fix
	check "nothing of ours in /proc/net/stat" test ! -e /proc/net/stat/nf_pptp_fix
	# (lnstat -d exits 1 after its listing.)
	check "lnstat -d lists nf_conntrack's table and nothing of ours" \
		bash -c 'out=$(lnstat -d 2>&1); grep -q nf_conntrack <<<"$out" && ! grep -q pptp <<<"$out"'
	topo_down
	PNS='' PNS2='' RTR='' PAC=''
	# A call through a masquerading router, tracked by what was autoloaded.
	# (Call ID translation itself is nat.sh's: its two-client cases need
	# the first call held while the second starts, which a loaded debug
	# kernel does not always manage.)
	NAT=1 run_scenario seed@autoloaded listen connect calls_up=1 calls_down=1 id_kept=1
	PNS='' PNS2='' RTR='' PAC=''

	# The kernel's modules, asked for by name.
	local m rc
	for m in nf_conntrack_pptp nf_nat_pptp; do
		out=$(modprobe "$m" 2>&1)
		rc=$?
		check "modprobe $m refused (status $rc)" test "$rc" != 0
		sed "s/^/    /" <<<"$out"
		check "modprobe $m: the snippet says why" grep -q "_fix replaces it" <<<"$out"
	done
	not_loaded "after both" nf_conntrack_pptp nf_nat_pptp

	# Unload: once the namespaces holding the helper are gone, removing
	# the NAT half removes the conntrack half it needs.
	unload
	not_loaded "modprobe -r nf_nat_pptp_fix unloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix

	# The kernel's modules' old names load ours.
	check "modprobe ip_nat_pptp" modprobe ip_nat_pptp
	loaded_as "ip_nat_pptp loaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "ip_nat_pptp" nf_conntrack_pptp nf_nat_pptp
	unload
	check "modprobe ip_conntrack_pptp" modprobe ip_conntrack_pptp
	loaded_as "ip_conntrack_pptp loaded" nf_conntrack_pptp_fix
	not_loaded "ip_conntrack_pptp" nf_conntrack_pptp nf_nat_pptp
	check "modprobe -r nf_conntrack_pptp_fix" modprobe -r nf_conntrack_pptp_fix

	# iptables' CT target asks the same way.
	rnd=$(printf '%04x' $((RANDOM)))
	ip netns add "ipt-$rnd"
	check "iptables -j CT --helper pptp" ip netns exec "ipt-$rnd" iptables-legacy -t raw \
		-A PREROUTING -p tcp --dport 1723 -j CT --helper pptp
	loaded_as "the CT rule autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "and not the kernel's" nf_conntrack_pptp nf_nat_pptp
	ip netns del "ipt-$rnd"

	unload

	# /etc/nftables.conf, loaded as nftables.service loads it.
	local nsx=nftconf-$rnd
	nftables_conf >"/tmp/nftables-$rnd.conf"
	ip netns add "$nsx"
	check "nft -f nftables.conf (ct helper object, masquerade)" \
		ip netns exec "$nsx" nft -f "/tmp/nftables-$rnd.conf"
	loaded_as "nftables.conf autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "and not the kernel's" nf_conntrack_pptp nf_nat_pptp
	ip netns del "$nsx"
	unload

	# Our modules gone for this kernel: the snippet falls back to the
	# kernel's pair, or nft -f would fail whole and leave no firewall.
	rm -f "$tree/lib/modules/$krel/updates/"nf_*_pptp_fix.ko*
	depmod -b "$tree" "$krel"
	check "our modules removed from the tree" sh -c "! modprobe -n -q --ignore-install nf_nat_pptp_fix"
	dmesg -C
	ip netns add "$nsx"
	check "nft -f nftables.conf without our modules" \
		ip netns exec "$nsx" nft -f "/tmp/nftables-$rnd.conf"
	loaded_as "the fallback loaded the kernel's" nf_conntrack_pptp nf_nat_pptp
	out=$(ip netns exec "$nsx" nft list ruleset)
	check "the whole ruleset is in place: the ct helper object" \
		grep -q 'ct helper pptp-helper' <<<"$out"
	check "the whole ruleset is in place: masquerade" grep -q masquerade <<<"$out"
	check "the whole ruleset is in place: forward policy drop" grep -q 'policy drop' <<<"$out"
	local warn
	warn=$(dmesg | grep 'nf-pptp-fix: nf_nat_pptp_fix did not load' | sed -n 's/.*loaded now://p')
	check "the kernel log says which helper answers (loaded now:$warn)" \
		bash -c '[[ "$1" == *" nf_conntrack_pptp "* && "$1" == *" nf_nat_pptp "* &&
			"$1" != *_fix* ]]' - "$warn "
	dmesg | grep 'nf-pptp-fix:' | sed 's/^/    /'
	ip netns del "$nsx"
	rm -f "/tmp/nftables-$rnd.conf"
	unload nf_nat_pptp
	unload nf_conntrack_pptp
	not_loaded "the kernel's unloaded" nf_conntrack_pptp nf_nat_pptp

	echo "lsmod:"
	lsmod | sed 's/^/    /'
	finish
}

cleanup() {
	topo_down
	echo "$saved_modprobe" >/proc/sys/kernel/modprobe
	mountpoint -q /etc/modprobe.d && umount /etc/modprobe.d
	rm -rf "$tree" "$conf" "$wrap"
}

main "$@"
