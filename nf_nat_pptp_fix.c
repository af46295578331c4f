// SPDX-License-Identifier: GPL-2.0
/*
 * nf_nat_pptp_fix - PPTP (RFC 2637) NAT helper: one Call ID mapping per
 * call, applied to every Call ID field and to the GRE keys.
 *
 * Limitations: not implemented yet; loading this module translates nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init nf_nat_pptp_fix_init(void)
{
	return 0;
}

static void __exit nf_nat_pptp_fix_exit(void)
{
}

module_init(nf_nat_pptp_fix_init);
module_exit(nf_nat_pptp_fix_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PPTP NAT helper with consistent Call ID translation (not implemented yet)");
