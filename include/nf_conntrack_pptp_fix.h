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

#include "pptp_fix_track.h"

/* Per control connection, allocated on its first payload. */
struct pptp_fix_conn {
	/*
	 * Serialises the two directions of one control connection (help()
	 * runs on any CPU) and its teardown; nothing else shares it, so the
	 * packet path takes no global lock.
	 */
	spinlock_t lock;
	s8 keymap_slot;		/* call owning the master's GRE key map pair */
	struct nf_conn *ct;
	struct list_head list;	/* pptp_fix_conns, for module unload */
	struct rcu_head rcu;
	struct pptp_fix_stream stream[IP_CT_DIR_MAX];
	struct pptp_fix_session ss;
};

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
void pptp_fix_walk_skb(const struct sk_buff *skb, unsigned int dataoff, u32 seq,
		       struct pptp_fix_stream *s, struct pptp_fix_walk *w,
		       void (*fn)(void *ctx, const struct pptp_fix_msg *m), void *ctx);

#endif /* _NF_CONNTRACK_PPTP_FIX_H */
