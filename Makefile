# SPDX-License-Identifier: GPL-2.0
#
# nf-pptp-fix: out-of-tree PPTP conntrack and NAT helpers.
#
#   make [KDIR=...]        build the modules against a kernel build tree
#   make install           modules_install + depmod, and the modprobe.d
#                          snippet (honours DESTDIR / INSTALL_MOD_PATH)
#   make uninstall         the reverse (same variables)
#   make demo              the demo in the test VM (see tests/e2e/demo.sh)
#   make check             every test: builds, style, KUnit and VM tests
#   make kunit             KUnit suites in the UML VM on 6.1, 6.12 and 7.3
#   make mips-kunit        KUnit suites on big-endian MIPS under QEMU
#   make fuzz              libFuzzer over the pure layers (FUZZ_SECONDS=60)
#   make bench             benchmarks against the kernel's helper and none (BENCHMARKS.md)
#   make tools             tools/pptp-callid-diff (Troubleshooting; needs libpcap-dev)
#   make style             checkpatch --strict on our sources
#   make deb               nf-pptp-fix-dkms_<version>_all.deb into DEB_OUT
#                          (default build/deb/), by dpkg-buildpackage
#   make clean

# KERNELRELEASE names the module directory (lib/modules/<release>): the
# release the kernel reports in uname -r.  Without KDIR it is the running
# kernel's; with KDIR it is the one KDIR's kernel was built as, from
# utsrelease.h (Debian's headers carry 6.1.192 in kernel.release, but the
# kernel says 6.1.0-57-amd64).
ifeq ($(KDIR),)
KERNELRELEASE ?= $(shell uname -r)
KDIR := /lib/modules/$(KERNELRELEASE)/build
endif
KERNELRELEASE ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		   $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR ?= updates
# The snippet goes under the same staging root as the modules.
MODPROBE_D ?= $(or $(DESTDIR),$(INSTALL_MOD_PATH))/etc/modprobe.d
DEPMOD ?= depmod
# Where the built modules are (modules_install reads them from there):
# this directory unless built elsewhere (scripts/build-modules' output).
MODDIR ?= $(CURDIR)
srcdir := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

all: module

module:
	$(MAKE) -C $(KDIR) M=$(MODDIR) modules

install:
	@test -n "$(KERNELRELEASE)" || { echo "install: no KERNELRELEASE for KDIR=$(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(MODDIR) KERNELRELEASE=$(KERNELRELEASE) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		modules_install
	$(DEPMOD) -b "$(or $(INSTALL_MOD_PATH),/)" -a $(KERNELRELEASE)
	install -D -m 0644 $(srcdir)/packaging/nf-pptp-fix.conf $(MODPROBE_D)/nf-pptp-fix.conf

uninstall:
	@test -n "$(KERNELRELEASE)" || { echo "uninstall: no KERNELRELEASE for KDIR=$(KDIR)" >&2; exit 1; }
	rm -f $(addprefix $(INSTALL_MOD_PATH)/lib/modules/$(KERNELRELEASE)/$(INSTALL_MOD_DIR)/, \
		$(addsuffix .ko*,nf_conntrack_pptp_fix nf_nat_pptp_fix nf_pptp_fix_test))
	rm -f $(MODPROBE_D)/nf-pptp-fix.conf
	$(DEPMOD) -b "$(or $(INSTALL_MOD_PATH),/)" -a $(KERNELRELEASE)

clean:
	rm -f $(srcdir)/tools/pptp-callid-diff/pptp-callid-diff
	$(MAKE) -C $(KDIR) M=$(MODDIR) clean

# Userspace tools, for the admin of a router (README, "Troubleshooting").
tools:
	$(MAKE) -C $(srcdir)/tools/pptp-callid-diff

check:
	scripts/check

demo:
	scripts/demo

kunit:
	scripts/kunit

mips-kunit:
	scripts/mips-kunit

fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) scripts/fuzz

style:
	scripts/check style

bench:
	scripts/bench

# dpkg-buildpackage writes next to the source tree and into debian/: build
# in a copy of the files git knows of, so that the checkout stays clean.
DEB_OUT ?= build/deb
deb:
	scripts/make-deb "$(DEB_OUT)"

.PHONY: all module install uninstall clean tools check demo kunit mips-kunit fuzz style bench deb
