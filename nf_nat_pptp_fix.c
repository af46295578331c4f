// SPDX-License-Identifier: GPL-2.0
/*
 * nf_nat_pptp_fix - PPTP (RFC 2637) NAT helper: one Call ID mapping per
 * call, applied to every Call ID field and to the GRE keys.
 *
 * nf_conntrack_pptp_fix decides everything (which bytes of which segment,
 * which Call ID each call gets) and, while this module is loaded, writes
 * the Call ID bytes in place into the segment it made writable; this
 * module is its link to the NAT core, reached only through the
 * nf_nat_pptp_fix_hook pointer: one same-length mangle per rewritten
 * segment has the NAT core fix the TCP checksum (no sequence
 * adjustment), and it sets up the NAT of each call's GRE conntrack so
 * that its keys follow the mapping.
 *
 * The translated end is the one behind the NAT: the originator under
 * source NAT (a PNS behind masquerade), the responder under destination
 * NAT (a PAC behind a port forward, or a PNS reached through one).
 *
 * Limitation: a control connection NATed at both ends has only its
 * originator's Call IDs translated.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "nf_conntrack_pptp_fix.h"

static bool pptp_fix_nat_mangle(struct sk_buff *skb, struct nf_conn *ct,
				enum ip_conntrack_info ctinfo, unsigned int protoff,
				unsigned int off, const u8 *bytes, unsigned int len)
{
	return nf_nat_mangle_tcp_packet(skb, ct, ctinfo, protoff, off, len,
					(const char *)bytes, len);
}

/* Translate @ct's source or destination to @addr, and its key if it differs. */
static void nat_to(struct nf_conn *ct, enum nf_nat_manip_type manip,
		   const union nf_inet_addr *addr, __be16 key, __be16 want)
{
	struct nf_nat_range2 range = {
		.flags = NF_NAT_RANGE_MAP_IPS,
		.min_addr = *addr,
		.max_addr = *addr,
	};

	if (key != want) {
		range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		range.min_proto.gre.key = want;
		range.max_proto.gre.key = want;
	}
	nf_nat_setup_info(ct, &range, manip);
}

/*
 * A GRE conntrack made from one of a call's two expectations, @exp: its
 * ->dir is the control connection's direction it goes in, its
 * ->saved_proto the translated end's Call ID as the other direction
 * carries it.  Remove the other expectation, then translate the GRE
 * conntrack so that its reply is what that other expectation expected:
 * addresses like the control connection, and the translated end's key
 * between its two values (the NAT core rewrites the key on destination
 * manipulation only, which is the receiver's Call ID in enhanced GRE).
 */
static void pptp_fix_nat_expected(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	const struct nf_conn *master = ct->master;
	struct nf_conntrack_tuple t = {};
	struct nf_conntrack_expect *other;
	u8 odir = !exp->dir;
	/* The translated end sends in the direction its address is NATed. */
	u8 tdir = master->status & IPS_SRC_NAT ? IP_CT_DIR_ORIGINAL : IP_CT_DIR_REPLY;

	if (WARN_ON_ONCE(ct->status & IPS_NAT_DONE_MASK))
		return;

	/*
	 * The other expectation's tuple.  Both have the form (from, to):
	 * from the translated end (T's own ID, far ID), or to it (far ID,
	 * T's ID as the far end knows it).
	 */
	t.src.l3num = AF_INET;
	t.dst.protonum = IPPROTO_GRE;
	t.src.u3 = master->tuplehash[odir].tuple.src.u3;
	t.dst.u3 = master->tuplehash[odir].tuple.dst.u3;
	if (exp->dir == tdir) {
		t.src.u.gre.key = exp->tuple.dst.u.gre.key;
		t.dst.u.gre.key = exp->saved_proto.gre.key;
	} else {
		t.src.u.gre.key = exp->saved_proto.gre.key;
		t.dst.u.gre.key = exp->tuple.src.u.gre.key;
	}
	other = nf_ct_expect_find_get(nf_ct_net(ct), nf_ct_zone(ct), &t);
	if (other) {
		nf_ct_unexpect_related(other);
		nf_ct_expect_put(other);
	}

	/* Our reply must be @t: source as @t's destination, and back. */
	nat_to(ct, NF_NAT_MANIP_SRC, &t.dst.u3, exp->tuple.src.u.gre.key, t.dst.u.gre.key);
	nat_to(ct, NF_NAT_MANIP_DST, &t.src.u3, exp->tuple.dst.u.gre.key, t.src.u.gre.key);
}

static const struct nf_nat_pptp_fix_hook pptp_fix_nat_hook = {
	.mangle		= pptp_fix_nat_mangle,
	.expectfn	= pptp_fix_nat_expected,
};

static int __init nf_nat_pptp_fix_init(void)
{
	WARN_ON(rcu_access_pointer(nf_nat_pptp_fix_hook));
	RCU_INIT_POINTER(nf_nat_pptp_fix_hook, &pptp_fix_nat_hook);
	return 0;
}

static void __exit nf_nat_pptp_fix_exit(void)
{
	RCU_INIT_POINTER(nf_nat_pptp_fix_hook, NULL);
	synchronize_rcu();
}

module_init(nf_nat_pptp_fix_init);
module_exit(nf_nat_pptp_fix_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(PPTP_FIX_VERSION);
MODULE_DESCRIPTION("PPTP NAT helper with consistent Call ID translation");
