// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix: the per-netns Call ID table.  Each call's ID
 * as the far end sees it is registered under the far end's address and
 * the translated end's address as the far end sees it (behind masquerade:
 * the PAC, and the router's address), so that two clients behind one NAT
 * never show one server the same Call ID.  The NAT's translated IDs are chosen here.  It
 * is the only state shared between control connections: one lock, taken
 * when a call's ID first appears and when it ends, never per message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/random.h>
#include <net/netfilter/nf_conntrack.h>

#include "nf_conntrack_pptp_fix_priv.h"

struct id_ctx {
	struct pptp_fix_net *pn;
	__be32 pac;
	__be32 pns;
};

static unsigned int id_bucket(__be32 pac, __be32 pns, u16 id)
{
	return jhash_3words((__force u32)pac, (__force u32)pns, id, 0) % PPTP_FIX_ID_BUCKETS;
}

/* Under pn->ids_lock. */
static bool id_in_use(void *data, u16 id)
{
	const struct id_ctx *x = data;
	const struct pptp_fix_idref *ref;

	hlist_for_each_entry(ref, &x->pn->ids[id_bucket(x->pac, x->pns, id)], node)
		if (ref->id == id && ref->pac == x->pac && ref->pns == x->pns)
			return true;
	return false;
}

void pptp_fix_id_release(struct pptp_fix_net *pn, struct pptp_fix_idref *ref)
{
	if (!ref->linked)
		return;
	spin_lock_bh(&pn->ids_lock);
	hlist_del(&ref->node);
	spin_unlock_bh(&pn->ids_lock);
	ref->linked = 0;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_id_release);

/*
 * The translated end's Call ID for a call appeared: choose what the far
 * end will see.  It is kept when no other call between the same two
 * addresses (as the far end sees them) through this netns uses it, else
 * one with the same high byte is preferred (a Call ID split across two
 * segments then needs its first byte unchanged), else any.  Untranslated
 * calls register their PNS's ID, so translated ones avoid it too.
 */
#define ID_BLOCK	256		/* Call IDs that share a high byte */
#define ID_SPACE	0x10000		/* all of them */

int pptp_fix_id_map(struct pptp_fix_net *pn, struct nf_conn *ct,
		    struct pptp_fix_conn *conn, unsigned int slot, u16 own,
		    bool translate)
{
	bool tpns = pptp_fix_engine_t_is_pns(&conn->e);
	u8 tdir = tpns ? conn->e.ss.pns_dir : !conn->e.ss.pns_dir;
	/* As the far end sends: from it, to the translated end. */
	const struct nf_conntrack_tuple *t = &ct->tuplehash[!tdir].tuple;
	struct pptp_fix_idref *ref = &conn->ids[slot];
	struct id_ctx x = { .pn = pn, .pac = t->src.u3.ip, .pns = t->dst.u3.ip };
	int id;

	spin_lock_bh(&pn->ids_lock);
	if (translate) {
		id = pptp_fix_nat_choose(own, round_down(own, ID_BLOCK), ID_BLOCK,
					 id_in_use, &x);
		if (id < 0)
			id = pptp_fix_nat_choose(own, get_random_u32() % ID_SPACE, ID_SPACE,
						 id_in_use, &x);
	} else {
		id = own;
		if (id_in_use(&x, id))
			pptp_fix_stat_inc(nf_ct_net(ct), PPTP_FIX_S_ID_COLLISION);
	}
	if (id >= 0) {
		ref->pac = x.pac;
		ref->pns = x.pns;
		ref->id = id;
		hlist_add_head(&ref->node, &pn->ids[id_bucket(x.pac, x.pns, id)]);
		ref->linked = 1;
	}
	spin_unlock_bh(&pn->ids_lock);

	if (id < 0) {
		pptp_fix_stat_inc(nf_ct_net(ct), PPTP_FIX_S_ID_EXHAUSTED);
		pptp_fix_log(ct, tdir, "new call", NULL, "no free Call ID");
		return -1;
	}
	if (translate)
		pptp_fix_stat_inc(nf_ct_net(ct),
				  id == own ? PPTP_FIX_S_ID_KEPT : PPTP_FIX_S_ID_CHANGED);
	pr_debug("ct %p call %u: %s Call ID %u is %u at the far end\n", ct, slot,
		 tpns ? "PNS" : "PAC", own, id);
	return id;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_id_map);
