/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side state of nf_conntrack_pptp_fix, shared with nf_nat_pptp_fix.
 */
#ifndef _NF_CONNTRACK_PPTP_FIX_H
#define _NF_CONNTRACK_PPTP_FIX_H

#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/netfilter/nf_conntrack_pptp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_expect.h>

#include "pptp_fix_conn.h"

/*
 * A PNS Call ID in use towards a PAC, as the PAC sees it: the per-netns
 * table of these keeps translated IDs unique, also against calls that
 * are not translated (a client on the router itself).
 */
struct pptp_fix_idref {
	struct hlist_node node;
	/* Behind masquerade the PAC and the router; in general: */
	__be32 pac;		/* the far end's address */
	__be32 pns;		/* the translated end's address as the far end sees it */
	u16 id;
	u8 linked;
};

/* Per control connection, allocated on its first payload. */
struct pptp_fix_conn {
	/*
	 * Serialises the two directions of one control connection (help()
	 * runs on any CPU) and its teardown; nothing else shares it, so the
	 * packet path takes no global lock.
	 */
	spinlock_t lock;
	u8 dead;		/* torn down: help() must not touch it */
	s8 keymap_slot;		/* call owning the master's GRE key map pair */
	struct nf_conn *ct;
	struct list_head list;	/* pptp_fix_conns, for module unload */
	struct rcu_head rcu;
	/* Stream, calls, mappings and journals: see pptp_conn.c. */
	struct pptp_fix_engine e;
	/* The Call ID table's entry of each call slot's mapping. */
	struct pptp_fix_idref ids[PPTP_FIX_MAX_CALLS];
};

/*
 * What nf_nat_pptp_fix gives the conntrack helper: it alone links against
 * the NAT core.
 */
struct nf_nat_pptp_fix_hook {
	/*
	 * Replace @len payload bytes at @off (from the TCP payload start),
	 * same length, and fix the TCP checksum for every payload byte,
	 * including those the helper changed in place before.
	 */
	bool (*mangle)(struct sk_buff *skb, struct nf_conn *ct,
		       enum ip_conntrack_info ctinfo, unsigned int protoff,
		       unsigned int off, const u8 *bytes, unsigned int len);
	/* NAT for a GRE conntrack made from one of our expectations. */
	void (*expectfn)(struct nf_conn *ct, struct nf_conntrack_expect *exp);
};

extern const struct nf_nat_pptp_fix_hook __rcu *nf_nat_pptp_fix_hook;

/*
 * The helper area of a control conntrack.  nf_ct_gre_keymap_add() and
 * nf_ct_gre_keymap_destroy() (and the GRE tracker through them) read it as
 * struct nf_ct_pptp_master and use only ->keymap: the layout is kept, and
 * our pointer takes the place of the session/call state that only
 * nf_conntrack_pptp reads, and only on its own conntracks.
 */
struct nf_ct_pptp_fix_master {
	union {
		struct nf_ct_pptp_master kernel;
		struct pptp_fix_conn *conn;
	};
};

struct sk_buff;
u8 *pptp_fix_skb_payload(struct sk_buff *skb, unsigned int dataoff, bool writable);

#endif /* _NF_CONNTRACK_PPTP_FIX_H */
