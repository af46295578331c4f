/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the conntrack module's glue files (nf_conntrack_pptp_fix_*.c)
 * share: the per-netns state and its counters, the log line, and each
 * file's entry points.  The NAT module sees only nf_conntrack_pptp_fix.h.
 */
#ifndef _NF_CONNTRACK_PPTP_FIX_PRIV_H
#define _NF_CONNTRACK_PPTP_FIX_PRIV_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "nf_conntrack_pptp_fix.h"
#include "pptp_fix_conn.h"

/*
 * The Call ID table's buckets, per netns (8 KiB).  Choosing a translated
 * ID probes up to 256 candidates when the preferred high byte is full,
 * each probe walking one bucket: with 256 buckets, 10,000 calls made that
 * ~10,000 comparisons per new call (scripts/bench, 10,000 sessions up,
 * ours/kernel: 0.64 with 256 buckets, 0.91 with 1024, 1.14 with 4096).
 */
#define PPTP_FIX_ID_BUCKETS	1024

/*
 * Everything lives in the net_generic area, which the core frees only
 * after every pernet exit: conntrack's own exit, which runs after ours
 * (it registered first), destroys the namespace's remaining control
 * conntracks, and their destroy callbacks still count and unlink IDs.
 */
struct pptp_fix_net {
	atomic64_t stats[PPTP_FIX_S_NR];
	/*
	 * The Call IDs in use towards each far end, keyed by its address
	 * and the translated end's as it sees it (_ids.c).  Its lock is
	 * taken when a call's ID first appears and when the call ends, never
	 * per message; it is the only state shared between connections.
	 */
	spinlock_t ids_lock;
	struct hlist_head ids[PPTP_FIX_ID_BUCKETS];
};

extern unsigned int pptp_fix_net_id;

static inline struct pptp_fix_net *pptp_fix_pernet(const struct net *net)
{
	return net_generic(net, pptp_fix_net_id);
}

static inline void pptp_fix_stat_inc(const struct net *net, unsigned int idx)
{
	atomic64_inc(&pptp_fix_pernet(net)->stats[idx]);
}

/* nf_conntrack_pptp_fix_main.c: a rate-limited line about @m of @ct. */
void pptp_fix_log(const struct nf_conn *ct, u8 dir, const char *what,
		  const struct pptp_fix_msg *m, const char *why);

/* nf_conntrack_pptp_fix_gre.c: a call's GRE expectations and key map. */
void pptp_fix_gre_up(struct nf_conn *ct, struct pptp_fix_conn *conn, int slot);
void pptp_fix_gre_down(struct nf_conn *ct, struct pptp_fix_conn *conn,
		       int slot, const struct pptp_fix_call *c);

/* nf_conntrack_pptp_fix_ids.c: the per-netns Call ID table. */
int pptp_fix_id_map(struct pptp_fix_net *pn, struct nf_conn *ct,
		    struct pptp_fix_conn *conn, unsigned int slot, u16 own,
		    bool translate);
void pptp_fix_id_release(struct pptp_fix_net *pn, struct pptp_fix_idref *ref);

/* nf_conntrack_pptp_fix_stats.c: /proc/net/nf_pptp_fix. */
int pptp_fix_proc_init(struct net *net);
void pptp_fix_proc_exit(struct net *net);

#endif /* _NF_CONNTRACK_PPTP_FIX_PRIV_H */
