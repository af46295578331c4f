# SPDX-License-Identifier: GPL-2.0
#
# nf-pptp-fix: out-of-tree PPTP conntrack and NAT helpers.
#
#   make [KDIR=...]        build the modules against a kernel build tree
#   make install           modules_install + depmod (INSTALL_MOD_PATH/DESTDIR)
#   make demo              the demo in the test VM (see tests/e2e/demo.sh)
#   make check             every test: builds, style, KUnit and VM tests
#   make kunit             KUnit suites in the UML VM on 6.1 and 6.12
#   make fuzz              libFuzzer over the pure layers (FUZZ_SECONDS=60)
#   make bench             benchmarks against the kernel's helper and none (BENCHMARKS.md)
#   make style             checkpatch --strict on our sources
#   make clean

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
DESTDIR ?=
INSTALL_MOD_PATH ?= $(DESTDIR)
DEPMOD ?= depmod

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install
	$(DEPMOD) -b "$(or $(INSTALL_MOD_PATH),/)" -a $(KERNELRELEASE)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

check:
	scripts/check

demo:
	scripts/demo

kunit:
	scripts/kunit

fuzz:
	FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60) scripts/fuzz

style:
	scripts/check style

bench:
	scripts/bench

.PHONY: all module install clean check demo kunit fuzz style bench
