// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix: a call's GRE (RFC 2637 section 4).  When a call
 * goes up, its GRE is expected both ways, keyed by the Call IDs each
 * direction carries on the wire (after any translation), and the first
 * call of a connection gets the kernel's GRE key map pair, which the GRE
 * tracker needs to find a packet's conntrack by key.  When it goes down,
 * its GRE conntrack (or what is left of its expectations) goes too.
 *
 * Limitation: the key map holds one pair per control connection, so a
 * second concurrent call's GRE is expected without it (keymap_busy).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>

#include "nf_conntrack_pptp_fix_priv.h"
#include "pptp_fix_compat.h"

/*
 * A GRE conntrack made from one of our expectations: drop the expectation
 * of the other direction, which this conntrack covers too.  Its timeouts
 * are the GRE tracker's (net.netfilter.nf_conntrack_gre_timeout and
 * _stream_timeout): it sets them on the conntrack's first packet, after
 * this runs, so any set here would not last (nor do the kernel helper's).
 */
static void pptp_fix_expectfn(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	struct nf_conntrack_tuple inv;
	struct nf_conntrack_expect *other;
	const struct nf_nat_pptp_fix_hook *hook;

	hook = rcu_dereference(nf_nat_pptp_fix_hook);
	if (hook && ct->master->status & IPS_NAT_MASK) {
		hook->expectfn(ct, exp);
		return;
	}
	nf_ct_invert_tuple(&inv, &exp->tuple);
	other = nf_ct_expect_find_get(nf_ct_net(ct), nf_ct_zone(ct), &inv);
	if (other) {
		nf_ct_unexpect_related(other);
		nf_ct_expect_put(other);
	}
}

/* The GRE tuple of a call seen from conntrack direction @dir of @ct. */
static void gre_tuple(struct nf_conntrack_tuple *t, const struct nf_conn *ct,
		      u8 dir, u16 src_key, u16 dst_key)
{
	memcpy(t, &ct->tuplehash[dir].tuple, sizeof(*t));
	t->dst.protonum = IPPROTO_GRE;
	t->src.u.gre.key = htons(src_key);
	t->dst.u.gre.key = htons(dst_key);
}

static u16 wire_id(const struct pptp_fix_conn *conn, int slot,
		   const struct pptp_fix_call *c, bool pns, u8 d)
{
	return pptp_fix_engine_wire_id(&conn->e, slot, c, pns, d);
}

/* Expect a call's GRE both ways: PNS->PAC keyed by the PAC's ID and back. */
void pptp_fix_gre_up(struct nf_conn *ct, struct pptp_fix_conn *conn, int slot)
{
	const struct pptp_fix_call *c = &conn->e.ss.calls[slot];
	u8 pns = conn->e.ss.pns_dir, pac = !pns;
	struct nf_conntrack_expect *exp[2];
	__be16 pns_k[2] = { htons(wire_id(conn, slot, c, true, 0)),
			    htons(wire_id(conn, slot, c, true, 1)) };
	__be16 pac_k[2] = { htons(wire_id(conn, slot, c, false, 0)),
			    htons(wire_id(conn, slot, c, false, 1)) };
	bool tpns = pptp_fix_engine_t_is_pns(&conn->e);
	struct net *net = nf_ct_net(ct);

	/* Counted first: calls_down, counted for every call that was up, never passes it. */
	pptp_fix_stat_inc(net, PPTP_FIX_S_CALLS_UP);
	exp[0] = nf_ct_expect_alloc(ct);
	exp[1] = nf_ct_expect_alloc(ct);
	if (!exp[0] || !exp[1])
		goto fail;
	nf_ct_expect_init(exp[0], NF_CT_EXPECT_CLASS_DEFAULT, nf_ct_l3num(ct),
			  &ct->tuplehash[pns].tuple.src.u3,
			  &ct->tuplehash[pns].tuple.dst.u3,
			  IPPROTO_GRE, &pns_k[pns], &pac_k[pns]);
	nf_ct_expect_init(exp[1], NF_CT_EXPECT_CLASS_DEFAULT, nf_ct_l3num(ct),
			  &ct->tuplehash[pac].tuple.src.u3,
			  &ct->tuplehash[pac].tuple.dst.u3,
			  IPPROTO_GRE, &pac_k[pac], &pns_k[pac]);
	exp[0]->expectfn = pptp_fix_expectfn;
	exp[1]->expectfn = pptp_fix_expectfn;
#if IS_ENABLED(CONFIG_NF_NAT)
	/*
	 * For the NAT side: the translated end's Call ID as the other
	 * direction carries it.
	 */
	exp[0]->saved_proto.gre.key = tpns ? pns_k[pac] : pac_k[pac];
	exp[0]->dir = pns;
	exp[1]->saved_proto.gre.key = tpns ? pns_k[pns] : pac_k[pns];
	exp[1]->dir = pac;
#endif

	if (nf_ct_expect_related(exp[0], 0))
		goto fail;
	if (nf_ct_expect_related(exp[1], 0)) {
		nf_ct_unexpect_related(exp[0]);
		goto fail;
	}

	if (conn->keymap_slot < 0) {
		if (pptp_fix_keymap_add(ct, pns, &exp[0]->tuple, &exp[1]->tuple)) {
			nf_ct_gre_keymap_destroy(ct);
			pptp_fix_stat_inc(net, PPTP_FIX_S_EXPECT_FAILED);
		} else {
			conn->keymap_slot = slot;
		}
	} else {
		pptp_fix_stat_inc(net, PPTP_FIX_S_KEYMAP_BUSY);
		pptp_fix_log(ct, pns, "call up", NULL, "GRE key map taken by another call");
	}
	nf_ct_expect_put(exp[0]);
	nf_ct_expect_put(exp[1]);
	pr_debug("ct %p call %d up: PNS %u PAC %u\n", ct, slot, c->pns_id, c->pac_id);
	return;
fail:
	pptp_fix_stat_inc(net, PPTP_FIX_S_EXPECT_FAILED);
	pptp_fix_log(ct, pns, "call up", NULL, "cannot expect GRE");
	if (exp[0])
		nf_ct_expect_put(exp[0]);
	if (exp[1])
		nf_ct_expect_put(exp[1]);
}

/* Kill the call's GRE conntrack, or its expectation if none came yet. */
static void kill_gre(struct nf_conn *ct, const struct nf_conntrack_tuple *t)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);
	const struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_expect *exp;
	struct net *net = nf_ct_net(ct);

	h = nf_conntrack_find_get(net, zone, t);
	if (h) {
		struct nf_conn *sibling = nf_ct_tuplehash_to_ctrack(h);

		sibling->proto.gre.timeout = 0;
		sibling->proto.gre.stream_timeout = 0;
		nf_ct_kill(sibling);
		nf_ct_put(sibling);
		return;
	}
	exp = nf_ct_expect_find_get(net, zone, t);
	if (exp) {
		nf_ct_unexpect_related(exp);
		nf_ct_expect_put(exp);
	}
}

void pptp_fix_gre_down(struct nf_conn *ct, struct pptp_fix_conn *conn,
		       int slot, const struct pptp_fix_call *c)
{
	u8 pns = conn->e.ss.pns_dir;
	struct nf_conntrack_tuple t;

	if (conn->keymap_slot == slot) {
		nf_ct_gre_keymap_destroy(ct);
		conn->keymap_slot = -1;
	}
	if (pns == PPTP_FIX_DIR_UNKNOWN)
		return;
	gre_tuple(&t, ct, pns, wire_id(conn, slot, c, true, pns),
		  wire_id(conn, slot, c, false, pns));
	kill_gre(ct, &t);
	gre_tuple(&t, ct, !pns, wire_id(conn, slot, c, false, !pns),
		  wire_id(conn, slot, c, true, !pns));
	kill_gre(ct, &t);
	pptp_fix_stat_inc(nf_ct_net(ct), PPTP_FIX_S_CALLS_DOWN);
	pr_debug("ct %p call %d down: PNS %u PAC %u\n", ct, slot, c->pns_id, c->pac_id);
}
