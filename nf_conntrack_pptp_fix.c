// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix - PPTP (RFC 2637) connection tracking helper.
 *
 * This module carries the pure protocol layers (pptp_*.c, built into this
 * object so that the module keeps the name users modprobe) and exports them
 * to the NAT module and the KUnit suites.
 *
 * Limitations: the helper itself (registration, help(), GRE expectations)
 * is not implemented yet; loading this module tracks nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "pptp_wire.c"
#include "pptp_stream.c"
#include "pptp_track.c"

static int __init nf_conntrack_pptp_fix_init(void)
{
	return 0;
}

static void __exit nf_conntrack_pptp_fix_exit(void)
{
}

module_init(nf_conntrack_pptp_fix_init);
module_exit(nf_conntrack_pptp_fix_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PPTP conntrack helper that tracks every control message (protocol layers only)");
