#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package as an admin installs it, on Debian's own kernel (the
# QEMU lane: scripts/vm-run --kernel debian-6.1), in a writable copy of
# this machine's system (an overlay on tmpfs over the read-only host root,
# entered with chroot; the kernel's module requests go through it too):
#
#   make deb --> nf-pptp-fix-dkms_<version>_all.deb
#   dpkg -i      postinst: DKMS builds and installs both modules for the
#                running kernel against Debian's headers; the snippet is
#                in /lib/modprobe.d
#   nft -f       an nftables.conf with a pptp ct helper object, as
#                nftables.service loads it: autoloads the DKMS-built
#                modules (their srcversion), not the kernel's helper
#   dpkg -i      the same files as a later version (make-deb --version):
#                DKMS removes the old build, dpkg the old source, DKMS
#                builds the new; nft -f loads the new modules (their
#                version tells them from the old: the sources are the same)
#   reboot       a new boot of the VM (vm-run boots again when asked), the
#                system's writable layer kept across it (files, overlay
#                whiteouts, trusted.* xattrs): nothing of PPTP loaded,
#                then nft -f, as nftables.service runs it at boot,
#                autoloads the DKMS build of the new version
#   dpkg -r      prerm: DKMS removes them; the snippet goes too; the same
#                nftables.conf then loads the kernel's helper, no warning.
#                The package has no conffiles and no postrm, so dpkg
#                forgets it here: the README's dpkg --purge, run after
#                it, has nothing left to do.
#
# Not tested here: a build that DKMS fails (modprobe.sh removes the
# modules and checks the snippet's fallback), and a boot through init:
# the VM's init is vm-run's, so the test runs nftables.service's command
# itself.
set -u
. "$(dirname "$0")/lib.sh"

main() {
	need_vm
	local repo deb out st
	repo=$(cd "$(dirname "$0")/../.." && pwd)
	krel=$(uname -r)
	if [[ "${NF_PPTP_FIX_KERNEL:-}" != debian-* ]]; then
		echo "SKIP: needs Debian's kernel and its headers (vm-run --kernel debian-6.1)"
		exit "$ksft_skip"
	fi
	sys=/tmp/deb-$rnd
	root=$sys/root
	ns=deb-$rnd
	# What the reboot keeps: the host's side of the VM's out directory.
	state=$NF_PPTP_FIX_VM_OUT/deb-state
	saved_modprobe=$(cat /proc/sys/kernel/modprobe)
	trap cleanup EXIT
	if [ -e "$state/counts" ]; then
		after_reboot
		return
	fi

	# Perl under TCG takes minutes for dpkg-buildpackage: scripts/check
	# builds both packages on the host and names them in NF_PPTP_FIX_DEB
	# and NF_PPTP_FIX_DEB_NEXT.
	mkdir -p "$sys"
	if [ -n "${NF_PPTP_FIX_DEB:-}" ]; then
		deb=$NF_PPTP_FIX_DEB next=${NF_PPTP_FIX_DEB_NEXT:-}
	else
		deb=$(make -s -C "$repo" deb DEB_OUT="$sys/out" 2>"$sys.log" | tail -n 1)
		next=$("$repo/scripts/make-deb" --version \
			"$(dpkg-deb -f "$deb" Version 2>/dev/null)+upgrade1" "$sys/out" 2>>"$sys.log")
	fi
	NEXT_VERSION=$(dpkg-deb -f "$next" Version 2>/dev/null)
	if ! check "make deb: $(basename "$deb"), and $(basename "$next") to upgrade to" \
		test -f "$deb" -a -f "$next" -a -n "$NEXT_VERSION"; then
		[ -e "$sys.log" ] && sed 's/^/    /' "$sys.log"
		finish
		return
	fi

	mkdir -p "$sys/up"
	system_up || { finish; return; }
	# Its /lib/modules: this kernel only (or DKMS builds for every
	# release the host has headers for), with what a firewall needs of
	# Debian's modules (the whole tree takes depmod minutes under TCG,
	# see modprobe.sh) and the headers the VM was started with.
	rm -rf "$root"/lib/modules/*
	mkdir -p "$root/lib/modules/$krel"
	(cd "/run/vm-run/stage/lib/modules/$krel" && cp -a --parents kernel/net kernel/lib \
		kernel/crypto kernel/drivers/net/ppp modules.order modules.builtin \
		modules.builtin.modinfo "$root/lib/modules/$krel/")
	ln -sfn "$NF_PPTP_FIX_KDIR" "$root/lib/modules/$krel/build"
	rm -rf "$root/var/lib/dkms/nf-pptp-fix" "$root/usr/src"/nf-pptp-fix-*
	chroot "$root" depmod -a "$krel"
	rm -f "$root/etc/modprobe.d/nf-pptp-fix.conf" "$root/lib/modprobe.d/nf-pptp-fix.conf"
	nftables_conf >"$root/etc/nftables.conf"
	check "nothing of PPTP loaded at boot" sh -c '! grep -Eq "^nf_(conntrack|nat)_pptp" /proc/modules'

	# DKMS compiles under TCG here: minutes.  Shown as it goes; if it
	# fails, with DKMS's make.log.
	cp "$deb" "$root/tmp/"
	local t0=$SECONDS
	DEBIAN_FRONTEND=noninteractive timeout 900 chroot "$root" \
		dpkg -i "/tmp/$(basename "$deb")" 2>&1 | sed 's/^/    /'
	st=${PIPESTATUS[0]}
	check "dpkg -i $(basename "$deb") (status $st, $((SECONDS - t0)) s)" test "$st" = 0 ||
		tail -n 30 "$root"/var/lib/dkms/nf-pptp-fix/*/build/make.log 2>/dev/null | sed 's/^/    /'
	local ver
	ver=$(chroot "$root" dpkg-query -W -f '${Version}' nf-pptp-fix-dkms 2>/dev/null)
	check "dpkg: nf-pptp-fix-dkms $ver installed" \
		test "$(chroot "$root" dpkg-query -W -f '${Status}' nf-pptp-fix-dkms 2>/dev/null)" = \
		"install ok installed"
	out=$(chroot "$root" dkms status 2>&1)
	echo "  dkms status: $out"
	check "dkms: nf-pptp-fix/$ver installed for $krel" \
		grep -q "^nf-pptp-fix/$ver, $krel, [^:]*: installed" <<<"$out"
	local m ko
	for m in nf_conntrack_pptp_fix nf_nat_pptp_fix; do
		ko=$(chroot "$root" modinfo -n "$m" 2>/dev/null)
		check "modinfo -n $m: $ko, from DKMS" \
			bash -c '[[ "$1" == /lib/modules/$2/updates/dkms/$3.ko* ]]' - "$ko" "$krel" "$m"
	done
	check "/lib/modprobe.d/nf-pptp-fix.conf installed" \
		cmp -s "$repo/packaging/nf-pptp-fix.conf" "$root/lib/modprobe.d/nf-pptp-fix.conf"

	dmesg -C
	ip netns add "$ns"
	check "nft -f /etc/nftables.conf (ct helper object, masquerade)" \
		ip netns exec "$ns" nft -f "$root/etc/nftables.conf"
	loaded_as "nftables.conf autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "and not the kernel's" nf_conntrack_pptp nf_nat_pptp
	for m in nf_conntrack_pptp_fix nf_nat_pptp_fix; do
		check "$m loaded is the DKMS build (srcversion)" test \
			"$(cat "/sys/module/$m/srcversion" 2>/dev/null)" = \
			"$(chroot "$root" modinfo -F srcversion "$m" 2>/dev/null)"
		check "$m version $ver" test "$(cat "/sys/module/$m/version" 2>/dev/null)" = "$ver"
	done
	ip netns del "$ns"
	unload
	not_loaded "before the upgrade" nf_conntrack_pptp_fix nf_nat_pptp_fix
	upgrade "$ver"

	# The reboot: the system's writable layer and the counts so far go
	# to the out directory, which the next boot finds.
	mkdir -p "$state"
	check "reboot: the system's writable layer saved" \
		tar -C "$sys/up" --xattrs --xattrs-include='trusted.*' -cf "$state/up.tar" . ||
		{ finish; return; }
	echo "$passed $failed $NEXT_VERSION" >"$state/counts"
	touch "$NF_PPTP_FIX_VM_OUT/reboot"
	echo "$(basename "$0"): boot 1 ends, $passed passed and $failed failed so far"
}

# system_up: the system, writable (the host root under the tmpfs upper
# layer $sys/up), and modprobe, from a shell here and from the kernel, in
# that system.
system_up() {
	local d
	mkdir -p "$sys/work" "$root" "$sys/bin"
	modprobe overlay
	check "an overlay over the host root" mount -t overlay overlay \
		-o "lowerdir=/,upperdir=$sys/up,workdir=$sys/work" "$root" || return 1
	for d in proc sys dev dev/pts; do
		mount --bind "/$d" "$root/$d"
	done
	mount -t tmpfs tmpfs "$root/tmp"
	mount -t tmpfs tmpfs "$root/run"
	printf '#!/bin/sh\nexec chroot %s /sbin/modprobe "$@"\n' "$root" >"$sys/bin/modprobe"
	chmod +x "$sys/bin/modprobe"
	PATH=$sys/bin:$PATH
	echo "$sys/bin/modprobe" >/proc/sys/kernel/modprobe
}

# The second boot: the system as the first left it, the package's new
# version installed; then its removal.
after_reboot() {
	local m st
	NEXT_VERSION=
	read -r passed failed NEXT_VERSION <"$state/counts"
	echo "== boot 2, after the reboot"
	mkdir -p "$sys/up"
	if ! check "reboot: the system's writable layer restored ($NEXT_VERSION)" \
		tar -C "$sys/up" --xattrs --xattrs-include='trusted.*' -xpf "$state/up.tar" ||
		[ -z "$NEXT_VERSION" ]; then
		finish
		return
	fi
	rm -rf "$state"
	system_up || { finish; return; }
	# Whiteouts and opaque directories came back: boot 1 emptied
	# /lib/modules but for this kernel's few modules.
	check "after the reboot: /lib/modules holds $krel only, as boot 1 left it" \
		test "$(ls "$root/lib/modules")" = "$krel" -a ! -L "$root/lib/modules/$krel/source"
	check "after the reboot: nothing of PPTP loaded" \
		sh -c '! grep -Eq "^nf_(conntrack|nat)_pptp" /proc/modules'
	check "after the reboot: nf-pptp-fix-dkms $NEXT_VERSION installed" \
		test "$(chroot "$root" dpkg-query -W -f '${Version} ${Status}' nf-pptp-fix-dkms 2>/dev/null)" = \
		"$NEXT_VERSION install ok installed"
	dmesg -C
	ip netns add "$ns"
	# What nftables.service runs at boot.
	check "after the reboot: nft -f /etc/nftables.conf" \
		ip netns exec "$ns" nft -f "$root/etc/nftables.conf"
	loaded_as "after the reboot: nftables.conf autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	not_loaded "after the reboot: and not the kernel's" nf_conntrack_pptp nf_nat_pptp
	for m in nf_conntrack_pptp_fix nf_nat_pptp_fix; do
		check "after the reboot: $m loaded is version $NEXT_VERSION, the DKMS build" test \
			"$(cat "/sys/module/$m/version" 2>/dev/null) $(cat "/sys/module/$m/srcversion" 2>/dev/null)" = \
			"$NEXT_VERSION $(chroot "$root" modinfo -F srcversion "$m" 2>/dev/null)"
	done
	ip netns del "$ns"
	unload
	not_loaded "before the removal" nf_conntrack_pptp_fix nf_nat_pptp_fix

	DEBIAN_FRONTEND=noninteractive timeout 300 chroot "$root" \
		dpkg -r nf-pptp-fix-dkms 2>&1 | sed 's/^/    /'
	st=${PIPESTATUS[0]}
	check "dpkg -r nf-pptp-fix-dkms (status $st)" test "$st" = 0
	check "dpkg: nf-pptp-fix-dkms unknown, no configuration kept (nothing to purge)" \
		test -z "$(chroot "$root" dpkg-query -W -f '${Status}' nf-pptp-fix-dkms 2>/dev/null)"
	check "dkms status: nothing of nf-pptp-fix" \
		sh -c "! chroot '$root' dkms status 2>&1 | grep -q nf-pptp-fix"
	check "nothing of nf-pptp-fix under /var/lib/dkms, /usr/src, /lib/modules/$krel" \
		test -z "$(find "$root/var/lib/dkms" "$root/usr/src" "$root/lib/modules/$krel" \
			-name 'nf-pptp-fix*' -o -name 'nf_*_pptp_fix.ko*' 2>/dev/null)"
	check "/lib/modprobe.d/nf-pptp-fix.conf gone" test ! -e "$root/lib/modprobe.d/nf-pptp-fix.conf"
	# The README's command, which then has nothing left to do.
	DEBIAN_FRONTEND=noninteractive timeout 300 chroot "$root" \
		dpkg --purge nf-pptp-fix-dkms 2>&1 | sed 's/^/    /'
	st=${PIPESTATUS[0]}
	check "dpkg --purge nf-pptp-fix-dkms after it (status $st)" test "$st" = 0

	ip netns add "$ns"
	check "nft -f /etc/nftables.conf after the removal" \
		ip netns exec "$ns" nft -f "$root/etc/nftables.conf"
	loaded_as "the kernel's helper answers" nf_conntrack_pptp
	not_loaded "and not ours" nf_conntrack_pptp_fix nf_nat_pptp_fix
	check "the whole ruleset is in place (masquerade)" \
		grep -q masquerade <(ip netns exec "$ns" nft list ruleset)
	check "no fallback warning in the kernel log" sh -c '! dmesg | grep -q "nf-pptp-fix:"'
	ip netns del "$ns"
	unload nf_nat_pptp
	unload nf_conntrack_pptp
	finish
}

# upgrade OLD: dpkg -i of the same files as version $NEXT_VERSION over OLD,
# as an upgrade to a new release: DKMS drops OLD's build, dpkg its source,
# and DKMS builds the new one, which nft -f then loads.  Uses $root,
# $repo, $ns and $next.
upgrade() {
	local old=$1 st out m t0=$SECONDS
	cp "$next" "$root/tmp/"
	DEBIAN_FRONTEND=noninteractive timeout 900 chroot "$root" \
		dpkg -i "/tmp/$(basename "$next")" 2>&1 | sed 's/^/    /'
	st=${PIPESTATUS[0]}
	check "upgrade: dpkg -i $(basename "$next") (status $st, $((SECONDS - t0)) s)" test "$st" = 0 ||
		tail -n 30 "$root"/var/lib/dkms/nf-pptp-fix/*/build/make.log 2>/dev/null | sed 's/^/    /'
	check "upgrade: dpkg: nf-pptp-fix-dkms $NEXT_VERSION installed" \
		test "$(chroot "$root" dpkg-query -W -f '${Version} ${Status}' nf-pptp-fix-dkms 2>/dev/null)" = \
		"$NEXT_VERSION install ok installed"
	out=$(chroot "$root" dkms status 2>&1)
	echo "  dkms status: $out"
	check "upgrade: dkms: nf-pptp-fix/$NEXT_VERSION installed for $krel, and no other" \
		test "$(grep -c nf-pptp-fix <<<"$out") $(grep -c "^nf-pptp-fix/$NEXT_VERSION, $krel, [^:]*: installed" <<<"$out")" = "1 1"
	check "upgrade: $old's source and DKMS tree gone" \
		test ! -e "$root/usr/src/nf-pptp-fix-$old" -a ! -e "$root/var/lib/dkms/nf-pptp-fix/$old"
	check "upgrade: /lib/modprobe.d/nf-pptp-fix.conf still installed" \
		cmp -s "$repo/packaging/nf-pptp-fix.conf" "$root/lib/modprobe.d/nf-pptp-fix.conf"
	ip netns add "$ns"
	check "upgrade: nft -f /etc/nftables.conf" \
		ip netns exec "$ns" nft -f "$root/etc/nftables.conf"
	loaded_as "upgrade: nftables.conf autoloaded" nf_conntrack_pptp_fix nf_nat_pptp_fix
	for m in nf_conntrack_pptp_fix nf_nat_pptp_fix; do
		check "upgrade: $m loaded is version $NEXT_VERSION, the DKMS build" test \
			"$(cat "/sys/module/$m/version" 2>/dev/null) $(cat "/sys/module/$m/srcversion" 2>/dev/null)" = \
			"$NEXT_VERSION $(chroot "$root" modinfo -F srcversion "$m" 2>/dev/null)"
	done
	ip netns del "$ns"
	unload
	not_loaded "upgrade: unloaded before the reboot" nf_conntrack_pptp_fix nf_nat_pptp_fix
}

cleanup() {
	local d
	echo "$saved_modprobe" >/proc/sys/kernel/modprobe
	ip netns del "deb-$rnd" 2>/dev/null
	for d in run tmp dev/pts dev sys proc ""; do
		mountpoint -q "$root/$d" && umount "$root/$d"
	done
	rm -f "$sys.log"
	# Never rm through a mount still there (the VM's /dev, the overlay).
	if grep -q " $sys/" /proc/mounts; then
		echo "deb.sh: mounts left under $sys, not removed"
		return
	fi
	rm -rf "$sys"
}

main "$@"
