// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix - PPTP (RFC 2637) connection tracking helper.
 *
 * Tracks every control message of every TCP segment in both directions,
 * the session and the calls on it with roles taken from message
 * semantics, and rewrites Call IDs in place for the NAT: all of that is
 * the per-connection engine (pptp_conn.c over pptp_stream.c,
 * pptp_track.c, pptp_nat.c, pptp_wire.c), linked with this file into
 * nf_conntrack_pptp_fix.ko (a Kbuild composite object: the module keeps
 * the name users modprobe).  This file is the glue: skbs, locking,
 * GRE expectations with the kernel's GRE key map, the per-netns Call ID
 * table and counters.
 *
 * A message the helper cannot place is passed unchanged, counted
 * (/proc/net/nf_pptp_fix) and logged, rate-limited.  A segment is
 * dropped, with nf_ct_helper_log() and a counter, before it changes any
 * state, when: it lies beyond bytes the helper has not seen (lost before
 * the router, or reordered: TCP resends it in order); a retransmission
 * changes a byte we rewrote; the packet cannot be made writable; or the
 * direction holds journal_max rewritten fields not yet acknowledged.
 *
 * Limitations:
 *  - IPv4 only, like RFC 2637 and the kernel's helper.
 *  - The kernel's GRE key map holds one call per control connection (two
 *    entries in the helper area): further concurrent calls are tracked,
 *    but their GRE is expected without a key map entry
 *    (keymap_busy counter).  Sequential calls (redial) each get it.
 *  - Call ID translation (with nf_nat_pptp_fix loaded) is for the end
 *    behind the NAT: the originator under source NAT (a PNS behind
 *    masquerade), the responder under destination NAT (a PAC behind a
 *    port forward, or a PNS a PAC reaches through one); with both, only
 *    the originator's IDs are translated (nat_unsupported counter).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/err.h>
#include <linux/random.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>

#include "nf_conntrack_pptp_fix.h"
#include "pptp_fix_conn.h"

static char *name = "pptp";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Helper name for ct helper / CT --helper rules (default \"pptp\")");

static ushort port = 1723;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port of the helper's tuple (default 1723); only registration uses it");

static uint max_calls = PPTP_FIX_MAX_CALLS;
module_param(max_calls, uint, 0444);
MODULE_PARM_DESC(max_calls, "Calls tracked per control connection, 1-8 (default 8); GRE expectations are at most twice that");

static uint journal_max = 16384;
module_param(journal_max, uint, 0444);
MODULE_PARM_DESC(journal_max, "Rewritten Call ID fields not yet acknowledged that one direction of a control connection may hold, 8 bytes each (default 16384); beyond it its segments drop until ACKs free room");

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
	 * The PNS Call IDs in use towards each PAC.  Its lock is taken when a
	 * call's PNS ID first appears and when the call ends, never per
	 * message; it is the only state shared between control connections.
	 */
	spinlock_t ids_lock;
	struct hlist_head ids[PPTP_FIX_ID_BUCKETS];
};

/* Our helper data fits the helper area, and our pointer misses ->keymap. */
static_assert(sizeof(struct nf_ct_pptp_fix_master) <= sizeof_field(struct nf_conn_help, data));
static_assert(offsetof(struct nf_ct_pptp_master, keymap) >= sizeof(void *));

static unsigned int pptp_fix_net_id __read_mostly;
static struct nf_conntrack_helper pptp_fix_helper;

const struct nf_nat_pptp_fix_hook __rcu *nf_nat_pptp_fix_hook __read_mostly;
EXPORT_SYMBOL_GPL(nf_nat_pptp_fix_hook);

/* Every pptp_fix_conn, so that module unload frees what is left. */
static LIST_HEAD(pptp_fix_conns);
static DEFINE_SPINLOCK(pptp_fix_conns_lock);
static bool pptp_fix_exiting;

static void stat_inc(struct net *net, unsigned int idx)
{
	struct pptp_fix_net *pn = net_generic(net, pptp_fix_net_id);

	atomic64_inc(&pn->stats[idx]);
}

/*
 * Counter names in /proc/net/nf_pptp_fix: one word each, bound to their
 * enum constant by name, not by position, so that a new constant cannot
 * shift the names of those after it.
 */
static const char *const type_key[PPTP_FIX_CTRL_MAX + 1] = {
	[PPTP_FIX_SCCRQ]	= "sccrq",
	[PPTP_FIX_SCCRP]	= "sccrp",
	[PPTP_FIX_STOPCCRQ]	= "stopccrq",
	[PPTP_FIX_STOPCCRP]	= "stopccrp",
	[PPTP_FIX_ECHORQ]	= "echorq",
	[PPTP_FIX_ECHORP]	= "echorp",
	[PPTP_FIX_OCRQ]		= "ocrq",
	[PPTP_FIX_OCRP]		= "ocrp",
	[PPTP_FIX_ICRQ]		= "icrq",
	[PPTP_FIX_ICRP]		= "icrp",
	[PPTP_FIX_ICCN]		= "iccn",
	[PPTP_FIX_CCRQ]		= "ccrq",
	[PPTP_FIX_CDN]		= "cdn",
	[PPTP_FIX_WEN]		= "wen",
	[PPTP_FIX_SLI]		= "sli",
};

static const char *const verdict_key[PPTP_FIX_T_NR_VERDICTS] = {
	[PPTP_FIX_T_WRONG_SIDE]		= "wrong_side",
	[PPTP_FIX_T_OUT_OF_STATE]	= "out_of_state",
	[PPTP_FIX_T_UNKNOWN_CALL]	= "unknown_call",
	[PPTP_FIX_T_DUPLICATE]		= "duplicate",
	[PPTP_FIX_T_NO_SLOT]		= "no_slot",
};

static const char *const frame_key[PPTP_FIX_FRAME_NR_RESULTS] = {
	[PPTP_FIX_FRAME_BAD_LENGTH]	= "bad_length",
	[PPTP_FIX_FRAME_BAD_MSG_TYPE]	= "bad_msg_type",
	[PPTP_FIX_FRAME_BAD_COOKIE]	= "bad_cookie",
	[PPTP_FIX_FRAME_BAD_CTRL_TYPE]	= "bad_ctrl_type",
	[PPTP_FIX_FRAME_SHORT_FOR_TYPE]	= "short_for_type",
};

static const char *const seg_key[PPTP_FIX_SEG_NR_NOTES] = {
	[PPTP_FIX_SEG_INORDER]	= "inorder",
	[PPTP_FIX_SEG_START]	= "start",
	[PPTP_FIX_SEG_RETRANS]	= "retrans",
	[PPTP_FIX_SEG_OVERLAP]	= "overlap",
	[PPTP_FIX_SEG_RESYNC]	= "resync",
	[PPTP_FIX_SEG_IGNORED]	= "ignored",
	[PPTP_FIX_SEG_HOLE]	= "hole",
};

/* The totals, in the order the file shows them. */
static const struct {
	unsigned int idx;
	const char *key;
} total_key[] = {
	{ PPTP_FIX_S_CALLS_UP,			"calls_up" },
	{ PPTP_FIX_S_CALLS_DOWN,		"calls_down" },
	{ PPTP_FIX_S_KEYMAP_BUSY,		"keymap_busy" },
	{ PPTP_FIX_S_EXPECT_FAILED,		"expect_failed" },
	{ PPTP_FIX_S_ALLOC_FAILED,		"alloc_failed" },
	{ PPTP_FIX_S_NAT_FIELDS,		"nat_fields" },
	{ PPTP_FIX_S_NAT_BYTES,			"nat_bytes" },
	{ PPTP_FIX_S_NAT_UNKNOWN,		"nat_unknown" },
	{ PPTP_FIX_S_NAT_STRADDLE,		"nat_straddle" },
	{ PPTP_FIX_S_NAT_STRADDLE_UNDONE,	"nat_straddle_undone" },
	{ PPTP_FIX_S_NAT_UNSUPPORTED,		"nat_unsupported" },
	{ PPTP_FIX_S_ID_KEPT,			"id_kept" },
	{ PPTP_FIX_S_ID_CHANGED,		"id_changed" },
	{ PPTP_FIX_S_ID_EXHAUSTED,		"id_exhausted" },
	{ PPTP_FIX_S_ID_COLLISION,		"id_collision" },
	{ PPTP_FIX_S_MANGLE_FAILED,		"mangle_failed" },
	{ PPTP_FIX_S_RETRANS_CHANGED,		"retrans_changed" },
	{ PPTP_FIX_S_RETRANS_REWRITTEN,		"retrans_rewritten" },
	{ PPTP_FIX_S_JOURNAL_FULL,		"journal_full" },
	{ PPTP_FIX_S_ACKED_UNSEEN,		"acked_unseen" },
	{ PPTP_FIX_S_NAT_EARLY,			"nat_early" },
};

/* The 16-bit field at @off of @m, if its kept bytes hold it, else 0. */
static u16 kept16(const struct pptp_fix_msg *m, unsigned int off)
{
	return m && m->nkeep >= off + 2 ? pptp_fix_get16(m->keep + off) : 0;
}

static void pptp_fix_log(const struct nf_conn *ct, u8 dir, const char *what,
			 const struct pptp_fix_msg *m, const char *why)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[dir].tuple;

	if (!net_ratelimit())
		return;
	pr_info("%pI4:%u->%pI4:%u %s %s (Call ID field %u, next %u): %s\n",
		&t->src.u3.ip, ntohs(t->src.u.tcp.port),
		&t->dst.u3.ip, ntohs(t->dst.u.tcp.port), what,
		m ? pptp_fix_type_name(m->ctrl_type) : "-",
		kept16(m, PPTP_FIX_OFF_CID1), kept16(m, PPTP_FIX_OFF_CID2), why);
}

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
static void pptp_fix_gre_up(struct nf_conn *ct, struct pptp_fix_conn *conn, int slot)
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
	stat_inc(net, PPTP_FIX_S_CALLS_UP);
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
		if (nf_ct_gre_keymap_add(ct, pns, &exp[0]->tuple) ||
		    nf_ct_gre_keymap_add(ct, pac, &exp[1]->tuple)) {
			nf_ct_gre_keymap_destroy(ct);
			stat_inc(net, PPTP_FIX_S_EXPECT_FAILED);
		} else {
			conn->keymap_slot = slot;
		}
	} else {
		stat_inc(net, PPTP_FIX_S_KEYMAP_BUSY);
		pptp_fix_log(ct, pns, "call up", NULL, "GRE key map taken by another call");
	}
	nf_ct_expect_put(exp[0]);
	nf_ct_expect_put(exp[1]);
	pr_debug("ct %p call %d up: PNS %u PAC %u\n", ct, slot, c->pns_id, c->pac_id);
	return;
fail:
	stat_inc(net, PPTP_FIX_S_EXPECT_FAILED);
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

static void pptp_fix_gre_down(struct nf_conn *ct, struct pptp_fix_conn *conn,
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
	stat_inc(nf_ct_net(ct), PPTP_FIX_S_CALLS_DOWN);
	pr_debug("ct %p call %d down: PNS %u PAC %u\n", ct, slot, c->pns_id, c->pac_id);
}

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

static void id_release(struct pptp_fix_net *pn, struct pptp_fix_idref *ref)
{
	if (!ref->linked)
		return;
	spin_lock_bh(&pn->ids_lock);
	hlist_del(&ref->node);
	spin_unlock_bh(&pn->ids_lock);
	ref->linked = 0;
}

/* What the engine's callbacks need: one segment's connection. */
struct help_ctx {
	struct nf_conn *ct;
	struct pptp_fix_conn *conn;
	struct pptp_fix_net *pn;
};

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

static int op_map_new(void *ctx, unsigned int slot, u16 own, bool translate)
{
	struct help_ctx *h = ctx;
	struct pptp_fix_conn *conn = h->conn;
	struct pptp_fix_net *pn = h->pn;
	struct nf_conn *ct = h->ct;
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
			stat_inc(nf_ct_net(ct), PPTP_FIX_S_ID_COLLISION);
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
		stat_inc(nf_ct_net(ct), PPTP_FIX_S_ID_EXHAUSTED);
		pptp_fix_log(ct, tdir, "new call", NULL, "no free Call ID");
		return -1;
	}
	if (translate)
		stat_inc(nf_ct_net(ct), id == own ? PPTP_FIX_S_ID_KEPT : PPTP_FIX_S_ID_CHANGED);
	pr_debug("ct %p call %u: %s Call ID %u is %u at the far end\n", ct, slot,
		 tpns ? "PNS" : "PAC", own, id);
	return id;
}

static void op_map_release(void *ctx, unsigned int slot)
{
	struct help_ctx *h = ctx;

	id_release(h->pn, &h->conn->ids[slot]);
}

static void op_call_up(void *ctx, unsigned int slot)
{
	struct help_ctx *h = ctx;

	pptp_fix_gre_up(h->ct, h->conn, slot);
}

static void op_call_down(void *ctx, unsigned int slot, const struct pptp_fix_call *gone)
{
	struct help_ctx *h = ctx;

	pptp_fix_gre_down(h->ct, h->conn, slot, gone);
}

static void op_count(void *ctx, unsigned int counter, unsigned int n)
{
	struct help_ctx *h = ctx;

	atomic64_add(n, &h->pn->stats[counter]);
}

static void op_rewrite(void *ctx, u8 dir, const struct pptp_fix_msg *m, unsigned int off,
		       u16 old, u16 new)
{
	struct help_ctx *h = ctx;

	pr_debug("ct %p %s at %u: Call ID %u -> %u\n", h->ct, pptp_fix_type_name(m->ctrl_type),
		 off, old, new);
}

static void op_log(void *ctx, u8 dir, const char *what, const struct pptp_fix_msg *m,
		   const char *why)
{
	struct help_ctx *h = ctx;

	pptp_fix_log(h->ct, dir, what, m, why);
}

static void *op_grow(void *ctx, void *p, size_t bytes)
{
	return krealloc(p, bytes, GFP_ATOMIC | __GFP_NOWARN);
}

static const struct pptp_fix_engine_ops pptp_fix_ops = {
	.map_new	= op_map_new,
	.map_release	= op_map_release,
	.call_up	= op_call_up,
	.call_down	= op_call_down,
	.count		= op_count,
	.rewrite	= op_rewrite,
	.log		= op_log,
	.grow		= op_grow,
};

static struct pptp_fix_conn *pptp_fix_conn_get(struct nf_conn *ct)
{
	struct nf_ct_pptp_fix_master *info = nfct_help_data(ct);
	struct pptp_fix_conn *conn = READ_ONCE(info->conn), *old;
	u8 nat_dir = PPTP_FIX_DIR_UNKNOWN;
	bool dying;

	if (conn)
		return conn;

	conn = kzalloc(sizeof(*conn), GFP_ATOMIC);
	if (!conn)
		return NULL;
	spin_lock_init(&conn->lock);
	conn->keymap_slot = -1;
	conn->ct = ct;
	/* The NAT set up by the first packet says which end is translated. */
	if (ct->status & IPS_SRC_NAT) {
		nat_dir = IP_CT_DIR_ORIGINAL;
		if (ct->status & IPS_DST_NAT)	/* both ends: only one is ours */
			stat_inc(nf_ct_net(ct), PPTP_FIX_S_NAT_UNSUPPORTED);
	} else if (ct->status & IPS_DST_NAT) {
		nat_dir = IP_CT_DIR_REPLY;
	}
	pptp_fix_engine_init(&conn->e, max_calls, nat_dir, journal_max);

	/*
	 * Both directions may race to the first payload, and a destroy may
	 * race with both: publish and list under the lock destroy takes.  A
	 * conntrack already dying had its destroy callback, or is about to,
	 * after it looked: nothing would free what we published.
	 */
	INIT_LIST_HEAD(&conn->list);
	spin_lock_bh(&pptp_fix_conns_lock);
	dying = nf_ct_is_dying(ct);
	old = dying ? NULL : cmpxchg(&info->conn, NULL, conn);
	if (!dying && !old)
		list_add(&conn->list, &pptp_fix_conns);
	spin_unlock_bh(&pptp_fix_conns_lock);
	if (dying || old) {
		kfree(conn);
		return dying ? ERR_PTR(-ESRCH) : old;
	}
	return conn;
}

/*
 * The TCP payload of @skb from @dataoff on, in one piece: writable in
 * place for the NAT (as nf_nat_mangle_tcp_packet() makes it), else
 * linear, as nf_conntrack_sip reads it.  NULL if memory is short.
 */
u8 *pptp_fix_skb_payload(struct sk_buff *skb, unsigned int dataoff, bool writable)
{
	if (writable ? skb_ensure_writable(skb, skb->len) : skb_linearize(skb))
		return NULL;
	return skb->data + dataoff;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_skb_payload);

static int pptp_fix_help(struct sk_buff *skb, unsigned int protoff,
			 struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct net *net = nf_ct_net(ct);
	struct help_ctx h = { .ct = ct, .pn = net_generic(net, pptp_fix_net_id) };
	const struct nf_nat_pptp_fix_hook *hook;
	struct nf_ct_pptp_fix_master *info;
	struct pptp_fix_seg_result res;
	u8 dir = CTINFO2DIR(ctinfo);
	const struct tcphdr *th;
	struct tcphdr _tcph;
	unsigned int dataoff, i;
	bool writes;
	u8 *data, first;
	u32 seq;

	/* Nothing to track before the handshake completes, or while unloading. */
	if ((ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY) ||
	    READ_ONCE(pptp_fix_exiting))
		return NF_ACCEPT;

	th = skb_header_pointer(skb, protoff, sizeof(_tcph), &_tcph);
	if (!th)
		return NF_ACCEPT;
	dataoff = protoff + th->doff * 4;
	seq = ntohl(th->seq);

	/*
	 * Every ACK, with payload or not, frees the other direction's
	 * journal; the lock only when it matters (a racy hint first).
	 */
	info = nfct_help_data(ct);
	h.conn = READ_ONCE(info->conn);
	if (th->ack && h.conn && pptp_fix_engine_wants_ack(&h.conn->e, dir, ntohl(th->ack_seq))) {
		bool lost = false;

		spin_lock_bh(&h.conn->lock);
		if (!h.conn->dead)
			lost = pptp_fix_engine_ack(&h.conn->e, dir, ntohl(th->ack_seq));
		spin_unlock_bh(&h.conn->lock);
		if (lost) {
			stat_inc(net, PPTP_FIX_S_ACKED_UNSEEN);
			pptp_fix_log(ct, !dir, "framing lost", NULL,
				     "bytes acknowledged that the helper never saw");
		}
	}
	if (dataoff >= skb->len)
		return NF_ACCEPT;

	h.conn = pptp_fix_conn_get(ct);
	if (IS_ERR(h.conn))	/* its destroy ran: nothing to track */
		return NF_ACCEPT;
	if (!h.conn) {
		stat_inc(net, PPTP_FIX_S_ALLOC_FAILED);
		return NF_ACCEPT;
	}
	hook = rcu_dereference(nf_nat_pptp_fix_hook);
	writes = pptp_fix_engine_writes(&h.conn->e, !!hook);

	/* Made writable before anything changes: a failure leaves no trace. */
	data = pptp_fix_skb_payload(skb, dataoff, writes);
	if (!data) {
		stat_inc(net, writes ? PPTP_FIX_S_MANGLE_FAILED : PPTP_FIX_S_ALLOC_FAILED);
		nf_ct_helper_log(skb, ct, "cannot read or write the segment");
		return NF_DROP;
	}

	spin_lock_bh(&h.conn->lock);
	/* Torn down by a destroy on another CPU since we looked it up. */
	if (h.conn->dead) {
		spin_unlock_bh(&h.conn->lock);
		return NF_ACCEPT;
	}
	pptp_fix_engine_segment(&h.conn->e, &pptp_fix_ops, &h, dir, seq, data,
				skb->len - dataoff, writes, &res);
	spin_unlock_bh(&h.conn->lock);

	if (res.drop) {
		nf_ct_helper_log(skb, ct, "%s", res.why);
		return NF_DROP;
	}
	/*
	 * Bytes changed in place: one same-length mangle of one byte has the
	 * NAT core fix the TCP checksum for all of them.
	 */
	first = data[0];
	if (res.written && !hook->mangle(skb, ct, ctinfo, protoff, 0, &first, 1)) {
		stat_inc(net, PPTP_FIX_S_MANGLE_FAILED);
		for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
			atomic64_add(res.seen[i], &h.pn->stats[PPTP_FIX_S_MSG_DROP(i, dir)]);
		nf_ct_helper_log(skb, ct, "cannot fix the checksum of rewritten Call IDs");
		return NF_DROP;
	}
	return NF_ACCEPT;
}

static void pptp_fix_conn_free(struct pptp_fix_conn *conn)
{
	struct help_ctx h = {
		.ct = conn->ct,
		.conn = conn,
		.pn = net_generic(nf_ct_net(conn->ct), pptp_fix_net_id),
	};

	spin_lock_bh(&conn->lock);
	pptp_fix_engine_end(&conn->e, &pptp_fix_ops, &h);
	conn->dead = 1;
	kfree(conn->e.jr[0].e);
	kfree(conn->e.jr[1].e);
	conn->e.jr[0].e = NULL;
	conn->e.jr[1].e = NULL;
	spin_unlock_bh(&conn->lock);
	/* A help() may still hold it, under RCU, until it sees ->dead. */
	kfree_rcu(conn, rcu);
}

/*
 * Takes @ct's state off the global list; the caller then owns it (the
 * ct's destroy and module unload may race for it).  Under the lock that
 * pptp_fix_conn_get() publishes under, so that a help() racing with the
 * destroy either publishes first, or sees the conntrack dying.
 */
static struct pptp_fix_conn *pptp_fix_conn_unlink(struct nf_conn *ct)
{
	struct nf_ct_pptp_fix_master *info = nfct_help_data(ct);
	struct pptp_fix_conn *conn;

	spin_lock_bh(&pptp_fix_conns_lock);
	conn = info->conn;
	if (conn && !list_empty(&conn->list)) {
		list_del_init(&conn->list);
		info->conn = NULL;
	} else {
		conn = NULL;
	}
	spin_unlock_bh(&pptp_fix_conns_lock);
	return conn;
}

/* The control conntrack dies (FIN/RST timeout, conntrack -D, flush). */
static void pptp_fix_destroy(struct nf_conn *ct)
{
	struct pptp_fix_conn *conn = pptp_fix_conn_unlink(ct);

	if (conn)
		pptp_fix_conn_free(conn);
	else
		nf_ct_gre_keymap_destroy(ct);
}

/*
 * Called under a conntrack hash lock: only collect our conntracks (with a
 * reference), the teardown happens after the walk.
 */
static int pptp_fix_unload_iter(struct nf_conn *ct, void *data)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct list_head *dead = data;
	struct pptp_fix_conn *conn;

	if (!help || rcu_access_pointer(help->helper) != &pptp_fix_helper)
		return 0;
	conn = pptp_fix_conn_unlink(ct);
	if (conn) {
		refcount_inc(&ct->ct_general.use);
		list_add(&conn->list, dead);
	}
	return 0;
}

/* Two expectations per call: max_expected follows max_calls at load. */
static struct nf_conntrack_expect_policy pptp_fix_exp_policy __read_mostly = {
	.max_expected	= 2 * PPTP_FIX_MAX_CALLS,
	.timeout	= 5 * 60,
};

static struct nf_conntrack_helper pptp_fix_helper __read_mostly = {
	.me			= THIS_MODULE,
	.tuple.src.l3num	= AF_INET,
	.tuple.dst.protonum	= IPPROTO_TCP,
	.help			= pptp_fix_help,
	.destroy		= pptp_fix_destroy,
	.expect_policy		= &pptp_fix_exp_policy,
};

static u64 stat_get(struct pptp_fix_net *pn, unsigned int idx)
{
	return atomic64_read(&pn->stats[idx]);
}

static int __maybe_unused pptp_fix_stat_show(struct seq_file *seq, void *v)
{
	struct pptp_fix_net *pn = net_generic(seq_file_single_net(seq), pptp_fix_net_id);
	unsigned int i, d;
	u64 down;

	/* Every total shown (vm-basics.sh checks the names against README). */
	BUILD_BUG_ON(ARRAY_SIZE(total_key) != PPTP_FIX_S_NR - PPTP_FIX_S_CALLS_UP);
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++)
			seq_printf(seq, "msg_%s_%s %llu\n", type_key[i],
				   d ? "reply" : "orig", stat_get(pn, PPTP_FIX_S_MSG(i, d)));
	/* Per type and direction: rewritten + unchanged = seen (msg_). */
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++) {
			const char *dn = d ? "reply" : "orig";
			u64 seen = stat_get(pn, PPTP_FIX_S_MSG(i, d));
			u64 rw = stat_get(pn, PPTP_FIX_S_MSG_RW(i, d));

			seq_printf(seq, "rewritten_%s_%s %llu\n", type_key[i], dn, rw);
			seq_printf(seq, "unchanged_%s_%s %llu\n", type_key[i], dn, seen - rw);
			seq_printf(seq, "dropped_%s_%s %llu\n", type_key[i], dn,
				   stat_get(pn, PPTP_FIX_S_MSG_DROP(i, d)));
		}
	for (i = 1; i < PPTP_FIX_T_NR_VERDICTS; i++)
		seq_printf(seq, "passed_%s %llu\n", verdict_key[i],
			   stat_get(pn, PPTP_FIX_S_VERDICT(i)));
	for (i = PPTP_FIX_FRAME_BAD_LENGTH; i < PPTP_FIX_FRAME_NR_RESULTS; i++)
		seq_printf(seq, "lost_%s %llu\n", frame_key[i], stat_get(pn, PPTP_FIX_S_FRAME(i)));
	for (i = 0; i < PPTP_FIX_SEG_NR_NOTES; i++)
		seq_printf(seq, "seg_%s %llu\n", seg_key[i], stat_get(pn, PPTP_FIX_S_SEG(i)));
	for (i = 0; i < ARRAY_SIZE(total_key); i++)
		seq_printf(seq, "%s %llu\n", total_key[i].key, stat_get(pn, total_key[i].idx));
	/* Down read first: a call ending meanwhile cannot make it negative. */
	down = stat_get(pn, PPTP_FIX_S_CALLS_DOWN);
	seq_printf(seq, "calls_active %llu\n", stat_get(pn, PPTP_FIX_S_CALLS_UP) - down);
	return 0;
}

static int __net_init pptp_fix_net_init(struct net *net)
{
	struct pptp_fix_net *pn = net_generic(net, pptp_fix_net_id);

	spin_lock_init(&pn->ids_lock);
	/* Without procfs the counters are kept, not shown. */
	if (IS_ENABLED(CONFIG_PROC_FS) &&
	    !proc_create_net_single("nf_pptp_fix", 0444, net->proc_net,
				    pptp_fix_stat_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit pptp_fix_net_exit(struct net *net)
{
	remove_proc_entry("nf_pptp_fix", net->proc_net);
}

static struct pernet_operations pptp_fix_net_ops = {
	.init	= pptp_fix_net_init,
	.exit	= pptp_fix_net_exit,
	.id	= &pptp_fix_net_id,
	.size	= sizeof(struct pptp_fix_net),
};

static int __init nf_conntrack_pptp_fix_init(void)
{
	int ret;

	if (journal_max < 64) {
		pr_err("journal_max must be 64 or more\n");
		return -EINVAL;
	}
	if (!max_calls || max_calls > PPTP_FIX_MAX_CALLS) {
		pr_err("max_calls must be 1-%d\n", PPTP_FIX_MAX_CALLS);
		return -EINVAL;
	}
	if (!*name || strlen(name) >= NF_CT_HELPER_NAME_LEN) {
		pr_err("name must be 1-%d characters\n", NF_CT_HELPER_NAME_LEN - 1);
		return -EINVAL;
	}
	pptp_fix_exp_policy.max_expected = 2 * max_calls;
	strscpy(pptp_fix_helper.name, name, sizeof(pptp_fix_helper.name));
	pptp_fix_helper.tuple.src.u.tcp.port = htons(port);

	ret = register_pernet_subsys(&pptp_fix_net_ops);
	if (ret)
		return ret;
	ret = nf_conntrack_helper_register(&pptp_fix_helper);
	if (ret) {
		if (ret == -EBUSY)
			pr_err("a helper named \"%s\" or for tcp port %u exists (nf_conntrack_pptp loaded?): unload it, or load with name=... port=...\n",
			       name, port);
		unregister_pernet_subsys(&pptp_fix_net_ops);
		return ret;
	}
	return 0;
}

static void __exit nf_conntrack_pptp_fix_exit(void)
{
	struct pptp_fix_conn *conn, *next;
	LIST_HEAD(dead);

	/* help() stops touching per-connection state ... */
	WRITE_ONCE(pptp_fix_exiting, true);
	synchronize_rcu();
	/* ... so what is left is torn down here, GRE and key map included ... */
	nf_ct_iterate_destroy(pptp_fix_unload_iter, &dead);
	list_for_each_entry_safe(conn, next, &dead, list) {
		struct nf_conn *ct = conn->ct;

		list_del(&conn->list);
		pptp_fix_conn_free(conn);
		nf_ct_put(ct);
	}
	/* ... and the core forgets the helper and any expectation left. */
	nf_conntrack_helper_unregister(&pptp_fix_helper);
	if (!list_empty(&pptp_fix_conns))
		pr_err("per-connection state left after unload\n");
	rcu_barrier();
	unregister_pernet_subsys(&pptp_fix_net_ops);
}

module_init(nf_conntrack_pptp_fix_init);
module_exit(nf_conntrack_pptp_fix_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(PPTP_FIX_VERSION);
MODULE_DESCRIPTION("PPTP conntrack helper that tracks every control message");
