/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nf_conntrack_pptp_fix: what differs between the kernels we build for
 * (6.1, 6.12 and 7.3 in the test matrix), kept out of the .c files.
 *
 * The two changes are detected from the kernel's headers by Kbuild, not
 * by version number: the version that brought each is not one we build
 * for, and a distribution may carry either change back.
 *
 * PPTP_FIX_HELPER_COPY: nf_conntrack_helper_register() takes a template
 * and registers a kmalloc'd copy (returned through its second argument);
 * the helper has no tuple, only nfproto/l4proto, so there is no port to
 * register with, and ->help is __rcu.  The copy is what a conntrack's
 * helper extension points to, and what unregister frees.
 *
 * PPTP_FIX_KEYMAP_PAIR: nf_ct_gre_keymap_add() takes the key map tuples of
 * both directions at once and returns true on success.
 *
 * PPTP_FIX_NS_STRING: symbol namespaces are string literals, so the KUnit
 * module imports "EXPORTED_FOR_KUNIT_TESTING", not the bare word.
 */
#ifndef _PPTP_FIX_COMPAT_H
#define _PPTP_FIX_COMPAT_H

#include <linux/string.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>

#ifdef PPTP_FIX_NS_STRING
#define PPTP_FIX_KUNIT_NS "EXPORTED_FOR_KUNIT_TESTING"
#else
#define PPTP_FIX_KUNIT_NS EXPORTED_FOR_KUNIT_TESTING
#endif

typedef int (*pptp_fix_help_fn)(struct sk_buff *skb, unsigned int protoff,
				struct nf_conn *ct, enum ip_conntrack_info ctinfo);

/*
 * Fill @tmpl for an IPv4/TCP helper named @name.  @port only matters to
 * kernels whose helpers carry a tuple; there it is only registration's.
 */
static inline void
pptp_fix_helper_init(struct nf_conntrack_helper *tmpl, const char *name,
		     u16 port, const struct nf_conntrack_expect_policy *policy,
		     pptp_fix_help_fn help, void (*destroy)(struct nf_conn *ct),
		     struct module *me)
{
#ifdef PPTP_FIX_HELPER_COPY
	nf_ct_helper_init(tmpl, AF_INET, IPPROTO_TCP, name, policy, 0, help,
			  NULL, me);
	/*
	 * No NAT helper of the core's kind: nf_ct_helper_init() names the
	 * kernel's (ip_nat_<name>), which OVS would then try to load.
	 */
	tmpl->nat_mod_name[0] = '\0';
#else
	memset(tmpl, 0, sizeof(*tmpl));
	strscpy(tmpl->name, name, sizeof(tmpl->name));
	tmpl->me = me;
	tmpl->tuple.src.l3num = AF_INET;
	tmpl->tuple.dst.protonum = IPPROTO_TCP;
	tmpl->tuple.src.u.tcp.port = htons(port);
	tmpl->help = help;
	tmpl->expect_policy = policy;
#endif
	tmpl->destroy = destroy;
}

/* Register @tmpl; *@reg is then the helper conntracks point to. */
static inline int pptp_fix_helper_register(struct nf_conntrack_helper *tmpl,
					   struct nf_conntrack_helper **reg)
{
#ifdef PPTP_FIX_HELPER_COPY
	return nf_conntrack_helper_register(tmpl, reg);
#else
	int ret = nf_conntrack_helper_register(tmpl);

	*reg = ret ? NULL : tmpl;
	return ret;
#endif
}

/*
 * Where unregistering keeps conntracks pointing at the registered copy
 * (which the core frees only after the last of them), their destroy would
 * call into this module after it is gone.  Module unload has torn down
 * all our per-connection state before this runs, so what our destroy
 * would do is what it does for a conntrack without state: drop the GRE
 * key map.  The core's own function does that, and outlives us; a
 * pointer to it (not NULL) also keeps the core's check for a destroy
 * callback, read twice without READ_ONCE(), safe against this write.
 */
static inline void pptp_fix_helper_unregister(struct nf_conntrack_helper *reg)
{
#ifdef PPTP_FIX_HELPER_COPY
	WRITE_ONCE(reg->destroy, nf_ct_gre_keymap_destroy);
#endif
	nf_conntrack_helper_unregister(reg);
}

/*
 * The GRE key map pair of a call: @to_pac is the tuple of its PNS->PAC
 * direction, which is conntrack direction @pns of the control connection.
 * Returns 0 or a negative error; on error the caller destroys the map.
 */
static inline int pptp_fix_keymap_add(struct nf_conn *ct, u8 pns,
				      struct nf_conntrack_tuple *to_pac,
				      struct nf_conntrack_tuple *to_pns)
{
#ifdef PPTP_FIX_KEYMAP_PAIR
	bool ok = pns == IP_CT_DIR_ORIGINAL ?
		  nf_ct_gre_keymap_add(ct, to_pac, to_pns) :
		  nf_ct_gre_keymap_add(ct, to_pns, to_pac);

	return ok ? 0 : -EBUSY;
#else
	return nf_ct_gre_keymap_add(ct, pns, to_pac) ?:
	       nf_ct_gre_keymap_add(ct, !pns, to_pns);
#endif
}

#endif /* _PPTP_FIX_COMPAT_H */
