// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix - PPTP (RFC 2637) connection tracking helper.
 *
 * Tracks every control message of every TCP segment in both directions
 * (pptp_stream.c), the session and the calls on it with roles taken from
 * message semantics (pptp_track.c), and expects the GRE data of each call
 * in both directions with the kernel's GRE key map.  This file is the thin
 * glue between skbs/conntracks and those pure layers, which it carries
 * (built into this object so that the module keeps the name users
 * modprobe) and exports to the NAT module and the KUnit suites.
 *
 * A message the helper cannot place is passed unchanged, counted
 * (/proc/net/stat/nf_pptp_fix) and logged, rate-limited.  Only two
 * things drop a segment, with nf_ct_helper_log(): a Call ID rewrite the
 * NAT core cannot write (no half-rewritten ID may leave; TCP resends),
 * and a retransmission that changes a byte we rewrote.
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
#include <linux/random.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>

#include "nf_conntrack_pptp_fix.h"

#include "pptp_wire.c"
#include "pptp_stream.c"
#include "pptp_track.c"
#include "pptp_nat.c"

static char *name = "pptp";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Helper name for ct helper / CT --helper rules (default \"pptp\")");

static ushort port = 1723;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port of the helper's tuple (default 1723); only registration uses it");

static uint max_calls = PPTP_FIX_MAX_CALLS;
module_param(max_calls, uint, 0444);
MODULE_PARM_DESC(max_calls, "Calls tracked per control connection, 1-8 (default 8); GRE expectations are at most twice that");

#define PPTP_FIX_GRE_TIMEOUT		(10 * 60 * HZ)
#define PPTP_FIX_GRE_STREAM_TIMEOUT	(5 * 60 * 60 * HZ)
#define PPTP_FIX_CHUNK			256

/* Per network namespace counters. */
#define S_MSG(type, dir)	((type) * IP_CT_DIR_MAX + (dir))
#define S_MSG_RW(type, dir)	(S_MSG(PPTP_FIX_CTRL_MAX + 1, 0) + S_MSG(type, dir))
#define S_MSG_DROP(type, dir)	(S_MSG_RW(PPTP_FIX_CTRL_MAX + 1, 0) + S_MSG(type, dir))
#define S_VERDICT(v)		(S_MSG_DROP(PPTP_FIX_CTRL_MAX + 1, 0) + (v))
#define S_FRAME(r)		(S_VERDICT(PPTP_FIX_T_NR_VERDICTS) + (r))
#define S_SEG(n)		(S_FRAME(PPTP_FIX_FRAME_NR_RESULTS) + (n))
enum {
	S_CALLS_UP = S_SEG(PPTP_FIX_SEG_NR_NOTES),
	S_CALLS_DOWN,
	S_KEYMAP_BUSY,
	S_EXPECT_FAILED,
	S_ALLOC_FAILED,
	S_NAT_FIELDS,		/* Call ID fields planned for rewriting */
	S_NAT_BYTES,		/* bytes rewritten in packets */
	S_NAT_UNKNOWN,		/* fields naming the translated end, no mapping */
	S_NAT_STRADDLE,		/* a Call ID rewritten across two segments */
	S_NAT_STRADDLE_UNDONE,	/* ... whose first byte turned out wrong */
	S_NAT_UNSUPPORTED,	/* NATed control connections not translated */
	S_ID_KEPT,
	S_ID_CHANGED,
	S_ID_EXHAUSTED,
	S_ID_COLLISION,		/* untranslated call with an ID in use */
	S_MANGLE_FAILED,	/* dropped: a rewrite could not be written */
	S_RETRANS_CHANGED,	/* dropped: a retransmission changed a rewritten byte */
	S_RETRANS_REPLAYED,	/* bytes rewritten by re-reading a retransmission */
	S_RETRANS_OVERFLOW,	/* ... beyond what one segment may replay */
	S_NR,
};

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
	atomic64_t stats[S_NR];
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

/* Counter names in /proc/net/stat/nf_pptp_fix: one word each. */
static const char *const type_key[PPTP_FIX_CTRL_MAX + 1] = {
	"none", "sccrq", "sccrp", "stopccrq", "stopccrp", "echorq", "echorp",
	"ocrq", "ocrp", "icrq", "icrp", "iccn", "ccrq", "cdn", "wen", "sli",
};

static const char *const verdict_key[PPTP_FIX_T_NR_VERDICTS] = {
	"ok", "wrong_side", "out_of_state", "unknown_call", "duplicate", "no_slot",
};

static const char *const frame_key[PPTP_FIX_FRAME_NR_RESULTS] = {
	"ok", "need_more", "bad_length", "bad_msg_type", "bad_cookie",
	"bad_ctrl_type", "short_for_type",
};

static const char *const seg_key[PPTP_FIX_SEG_NR_NOTES] = {
	"inorder", "start", "retrans", "overlap", "resync", "ignored",
};

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
		m && m->nkeep >= 14 ? pptp_fix_get16(m->keep + 12) : 0,
		m && m->nkeep >= 16 ? pptp_fix_get16(m->keep + 14) : 0, why);
}

/*
 * A GRE conntrack made from one of our expectations: PPTP data lives long
 * and idles between bursts, so give it the kernel helper's timeouts, and
 * drop the expectation of the other direction, which this conntrack
 * covers too.
 */
static void pptp_fix_expectfn(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	struct nf_conntrack_tuple inv;
	struct nf_conntrack_expect *other;
	const struct nf_nat_pptp_fix_hook *hook;

	ct->proto.gre.timeout = PPTP_FIX_GRE_TIMEOUT;
	ct->proto.gre.stream_timeout = PPTP_FIX_GRE_STREAM_TIMEOUT;

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

/*
 * The end whose Call IDs are translated: the one behind the NAT, which
 * sends in conn->nat_dir.  Untranslated connections register their PNS's
 * IDs, so "the PNS" then.
 */
static bool t_is_pns(const struct pptp_fix_conn *conn)
{
	return conn->nat_dir == PPTP_FIX_DIR_UNKNOWN || conn->nat_dir == conn->ss.pns_dir;
}

/*
 * The Call ID of the PNS (@pns) or PAC of call @c in slot @slot as it
 * travels in @d.  @c may be a copy of a call the tracker already freed.
 */
static u16 wire_id(const struct pptp_fix_conn *conn, int slot,
		   const struct pptp_fix_call *c, bool pns, u8 d)
{
	const struct pptp_fix_nat_map *map = &conn->maps[slot];
	u16 own = pns ? c->pns_id : c->pac_id;

	if (!map->used || pns != t_is_pns(conn))
		return own;
	return d == conn->nat_dir ? map->orig : map->nat;
}

/* Expect a call's GRE both ways: PNS->PAC keyed by the PAC's ID and back. */
static void pptp_fix_gre_up(struct nf_conn *ct, struct pptp_fix_conn *conn, int slot)
{
	const struct pptp_fix_call *c = &conn->ss.calls[slot];
	u8 pns = conn->ss.pns_dir, pac = !pns;
	struct nf_conntrack_expect *exp[2];
	__be16 pns_k[2] = { htons(wire_id(conn, slot, c, true, 0)),
			    htons(wire_id(conn, slot, c, true, 1)) };
	__be16 pac_k[2] = { htons(wire_id(conn, slot, c, false, 0)),
			    htons(wire_id(conn, slot, c, false, 1)) };
	bool tpns = t_is_pns(conn);
	struct net *net = nf_ct_net(ct);

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
			stat_inc(net, S_EXPECT_FAILED);
		} else {
			conn->keymap_slot = slot;
		}
	} else {
		stat_inc(net, S_KEYMAP_BUSY);
		pptp_fix_log(ct, pns, "call up", NULL, "GRE key map taken by another call");
	}
	nf_ct_expect_put(exp[0]);
	nf_ct_expect_put(exp[1]);
	stat_inc(net, S_CALLS_UP);
	pr_debug("ct %p call %d up: PNS %u PAC %u\n", ct, slot, c->pns_id, c->pac_id);
	return;
fail:
	stat_inc(net, S_EXPECT_FAILED);
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
	u8 pns = conn->ss.pns_dir;
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
	stat_inc(nf_ct_net(ct), S_CALLS_DOWN);
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

/*
 * The translated end's Call ID for a call appeared: choose what the far
 * end will see.  It is kept when no other call between the same two
 * addresses (as the far end sees them) through this netns uses it, else
 * one with the same high byte is preferred (a Call ID split across two
 * segments then needs its first byte unchanged), else any.  Untranslated
 * calls register their PNS's ID, so translated ones avoid it too.
 */
static void map_new(struct nf_conn *ct, struct pptp_fix_conn *conn, int slot)
{
	struct pptp_fix_net *pn = net_generic(nf_ct_net(ct), pptp_fix_net_id);
	const struct pptp_fix_call *c = &conn->ss.calls[slot];
	bool tpns = t_is_pns(conn);
	/* Without the NAT module nothing is rewritten: keep the real ID. */
	bool translate = conn->nat_dir != PPTP_FIX_DIR_UNKNOWN &&
			 rcu_access_pointer(nf_nat_pptp_fix_hook);
	u8 tdir = tpns ? conn->ss.pns_dir : !conn->ss.pns_dir;
	/* As the far end sends: from it, to the translated end. */
	const struct nf_conntrack_tuple *t = &ct->tuplehash[!tdir].tuple;
	struct pptp_fix_idref *ref = &conn->ids[slot];
	struct id_ctx x = { .pn = pn, .pac = t->src.u3.ip, .pns = t->dst.u3.ip };
	u16 own = tpns ? c->pns_id : c->pac_id;
	int id;

	spin_lock_bh(&pn->ids_lock);
	if (translate) {
		id = pptp_fix_nat_choose(own, own & 0xff00, 256, id_in_use, &x);
		if (id < 0)
			id = pptp_fix_nat_choose(own, get_random_u32() & 0xffff, 0x10000,
						 id_in_use, &x);
	} else {
		id = own;
		if (id_in_use(&x, id))
			stat_inc(nf_ct_net(ct), S_ID_COLLISION);
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
		stat_inc(nf_ct_net(ct), S_ID_EXHAUSTED);
		pptp_fix_log(ct, tdir, "new call", NULL, "no free Call ID");
		return;
	}
	if (translate)
		stat_inc(nf_ct_net(ct), id == own ? S_ID_KEPT : S_ID_CHANGED);
	conn->maps[slot].orig = own;
	conn->maps[slot].nat = id;
	conn->maps[slot].used = 1;
	pr_debug("ct %p call %d: %s Call ID %u is %u at the far end\n", ct, slot,
		 tpns ? "PNS" : "PAC", own, id);
}

/*
 * Mappings follow the calls: one per call whose translated end's ID is
 * known (the PNS's from OCRQ or ICRP on, the PAC's from OCRP or ICRQ on).
 */
static void maps_sync(struct nf_conn *ct, struct pptp_fix_conn *conn)
{
	struct pptp_fix_net *pn = net_generic(nf_ct_net(ct), pptp_fix_net_id);
	bool tpns = t_is_pns(conn);
	unsigned int i;

	for (i = 0; i < conn->ss.max_calls; i++) {
		const struct pptp_fix_call *c = &conn->ss.calls[i];
		struct pptp_fix_nat_map *map = &conn->maps[i];
		/* The state in which the other end's ID is not known yet. */
		u8 t_unknown = tpns ? PPTP_FIX_CALL_IN_REQ : PPTP_FIX_CALL_OUT_REQ;
		u8 far_unknown = tpns ? PPTP_FIX_CALL_OUT_REQ : PPTP_FIX_CALL_IN_REQ;

		if (c->state == PPTP_FIX_CALL_FREE) {
			id_release(pn, &conn->ids[i]);
			memset(map, 0, sizeof(*map));
			continue;
		}
		if (!map->used && c->state != t_unknown &&
		    conn->ss.pns_dir != PPTP_FIX_DIR_UNKNOWN)
			map_new(ct, conn, i);
		if (map->used && c->state != far_unknown) {
			map->far = tpns ? c->pac_id : c->pns_id;
			map->far_known = 1;
		}
	}
}

static void apply_out(struct nf_conn *ct, struct pptp_fix_conn *conn,
		      const struct pptp_fix_track_out *out)
{
	unsigned int i;

	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		if (out->down & BIT(i))
			pptp_fix_gre_down(ct, conn, i, &out->gone[i]);
	maps_sync(ct, conn);
	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		if (out->up & BIT(i))
			pptp_fix_gre_up(ct, conn, i);
}

struct help_ctx {
	struct nf_conn *ct;
	struct pptp_fix_conn *conn;
	const struct nf_nat_pptp_fix_hook *hook;	/* NULL: no NAT module */
	u8 dir;
	/* Messages reported in this segment, per type: counted if it drops. */
	u16 seen[PPTP_FIX_CTRL_MAX + 1];
};

/* Call IDs are translated: NAT module there, connection NATed, roles known. */
static bool nat_on(const struct help_ctx *h)
{
	return h->hook && h->conn->nat_dir != PPTP_FIX_DIR_UNKNOWN &&
	       h->conn->ss.pns_dir != PPTP_FIX_DIR_UNKNOWN;
}

/*
 * Plans message @m's rewrites and makes them the decision for its fields,
 * translating @tkeep too when given.  Returns how many fields it rewrites.
 * With @try_only, a plan that leaves a field naming the translated end
 * unmapped is not taken: returns -1, so that the caller can plan again
 * once the tracker made the mapping.
 */
static int nat_plan(struct help_ctx *h, const struct pptp_fix_msg *m,
		    enum pptp_fix_nat_dir ndir, u8 *tkeep, bool try_only)
{
	struct pptp_fix_conn *conn = h->conn;
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	struct net *net = nf_ct_net(h->ct);
	unsigned int i, n, unknown;

	n = pptp_fix_nat_plan(m, ndir, conn->maps, conn->ss.max_calls, rw, &unknown);
	if (unknown && try_only)
		return -1;
	for (i = 0; i < n; i++) {
		stat_inc(net, S_NAT_FIELDS);
		pr_debug("ct %p %s at %u: Call ID %u -> %u\n", h->ct,
			 pptp_fix_type_name(m->ctrl_type), rw[i].off, rw[i].old, rw[i].new);
		if (tkeep)
			pptp_fix_put16(tkeep + rw[i].off, rw[i].new);
	}
	if (pptp_fix_rwlog_set(&conn->log[h->dir], m, rw, n))
		stat_inc(net, S_NAT_STRADDLE_UNDONE);
	if (unknown) {
		stat_inc(net, S_NAT_UNKNOWN);
		pptp_fix_log(h->ct, h->dir, "passed", m, "Call ID without a mapping");
	}
	return n;
}

/*
 * One message.  Coming in to the translated end, its fields are planned
 * first and tracked as that end will see them.  Going out, planned with
 * the mappings as they are (a message that ends a call still has its
 * own), or, if a field has none yet, after tracking made it (a message
 * that starts a call).  Either way every field naming a translated ID is
 * rewritten, whatever the tracker said.
 */
static void pptp_fix_msg(struct help_ctx *h, const struct pptp_fix_msg *m)
{
	struct nf_conn *ct = h->ct;
	struct pptp_fix_conn *conn = h->conn;
	struct net *net = nf_ct_net(ct);
	struct pptp_fix_track_out out;
	struct pptp_fix_msg tm = *m;
	u8 tkeep[PPTP_FIX_KEEP];
	enum pptp_fix_tverdict v;
	int planned = -1;
	u8 dir = h->dir;

	stat_inc(net, S_MSG(m->ctrl_type, dir));
	h->seen[m->ctrl_type]++;
	if (nat_on(h)) {
		if (dir != conn->nat_dir) {
			memcpy(tkeep, m->keep, m->nkeep);
			planned = nat_plan(h, m, PPTP_FIX_NAT_IN, tkeep, false);
			tm.keep = tkeep;
		} else {
			planned = nat_plan(h, m, PPTP_FIX_NAT_OUT, NULL, true);
		}
	}
	v = pptp_fix_track(&conn->ss, dir, &tm, &out);
	stat_inc(net, S_VERDICT(v));
	pr_debug("ct %p dir %u %s: %s\n", ct, dir, pptp_fix_type_name(m->ctrl_type),
		 pptp_fix_tverdict_name(v));
	if (v == PPTP_FIX_T_OK)
		apply_out(ct, conn, &out);
	else
		pptp_fix_log(ct, dir, "passed", m, pptp_fix_tverdict_name(v));
	/* Roles may have become known with this very message. */
	if (planned < 0 && nat_on(h))
		planned = nat_plan(h, m, dir == conn->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN,
				   NULL, false);
	if (planned > 0)
		stat_inc(net, S_MSG_RW(m->ctrl_type, dir));
}

/*
 * The segment ends inside a message: a Call ID field complete in it, or
 * whose first byte is its last, must be rewritten now, before the rest
 * of the message arrives.
 */
static void nat_partial(struct help_ctx *h)
{
	struct pptp_fix_conn *conn = h->conn;
	enum pptp_fix_nat_dir ndir = h->dir == conn->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN;
	struct pptp_fix_rewrite rw;
	struct pptp_fix_msg pm;

	if (!pptp_fix_stream_partial(&conn->stream[h->dir], &pm) || !pm.info)
		return;
	nat_plan(h, &pm, ndir, NULL, true);
	if (pptp_fix_nat_plan_straddle(&pm, ndir, conn->maps, conn->ss.max_calls, &rw)) {
		stat_inc(nf_ct_net(h->ct), S_NAT_STRADDLE);
		pptp_fix_rwlog_add(&conn->log[h->dir], pm.seq, &rw, 1);
	}
}

/*
 * Writes every remembered rewrite that falls in this segment, where the
 * byte still holds its old value: new segments, retransmissions and the
 * second half of a split Call ID alike.  Returns false if the segment
 * must be dropped: a rewrite could not be written (what was written
 * must not leave half done), or a retransmission carries, where we
 * rewrote a byte, a value that is neither the one we read then nor ours
 * (the receiver could take it in place of what we tracked).
 */
static bool apply_log(struct help_ctx *h, struct sk_buff *skb, enum ip_conntrack_info ctinfo,
		      unsigned int protoff, unsigned int dataoff, u32 seq)
{
	const struct pptp_fix_rwlog *log = &h->conn->log[h->dir];
	struct net *net = nf_ct_net(h->ct);
	unsigned int len = skb->len - dataoff;
	u32 off;
	int i;

	for (i = pptp_fix_rwlog_next(log, seq, len, 0, &off); i >= 0;
	     i = pptp_fix_rwlog_next(log, seq, len, i + 1, &off)) {
		enum pptp_fix_rw_action act;
		const u8 *p;
		u8 b;

		p = skb_header_pointer(skb, dataoff + off, 1, &b);
		if (!p)
			continue;
		act = pptp_fix_rwbyte_action(&log->e[i], *p);
		if (act == PPTP_FIX_RW_DONE)
			continue;
		if (act == PPTP_FIX_RW_CHANGED) {
			stat_inc(net, S_RETRANS_CHANGED);
			nf_ct_helper_log(skb, h->ct, "retransmission changes Call ID byte %u",
					 seq + off);
			return false;
		}
		if (!h->hook->mangle(skb, h->ct, ctinfo, protoff, off, &log->e[i].new, 1)) {
			stat_inc(net, S_MANGLE_FAILED);
			nf_ct_helper_log(skb, h->ct, "cannot rewrite Call ID byte");
			return false;
		}
		stat_inc(net, S_NAT_BYTES);
	}
	return true;
}

/*
 * Rewrites a retransmission carries beyond what the byte log still
 * holds (it keeps the last PPTP_FIX_RWLOG bytes; a server may coalesce
 * many messages naming the call): the retransmitted bytes are read
 * again, from a whole valid header at the segment's start on, as the
 * kernel's helper reads every segment, and planned with the mappings as
 * they are now.  Bytes the log knows are left to it.  At most
 * PPTP_FIX_REPLAY_BYTES per segment (a stack array).
 */
#define PPTP_FIX_REPLAY_BYTES	64

struct replay_ctx {
	const struct help_ctx *h;
	enum pptp_fix_nat_dir ndir;
	u32 seq;		/* the segment's first byte */
	u32 rlen;		/* its first @rlen bytes were seen before */
	unsigned int n;
	bool more;
	struct {
		u32 off;	/* IPv4 BIG TCP: segments beyond 64 KB */
		u8 old;
		u8 new;
	} b[PPTP_FIX_REPLAY_BYTES];
};

static void replay_byte(struct replay_ctx *r, u32 pos, u8 old, u8 new)
{
	const struct pptp_fix_rwlog *log = &r->h->conn->log[r->h->dir];
	u32 off = pos - r->seq, o;

	if (old == new || off >= r->rlen || pptp_fix_rwlog_next(log, pos, 1, 0, &o) >= 0)
		return;
	if (r->n == PPTP_FIX_REPLAY_BYTES) {
		r->more = true;
		return;
	}
	r->b[r->n].off = off;
	r->b[r->n].old = old;
	r->b[r->n].new = new;
	r->n++;
}

static void replay_msg(void *ctx, const struct pptp_fix_msg *m)
{
	struct replay_ctx *r = ctx;
	const struct pptp_fix_conn *conn = r->h->conn;
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	unsigned int i, n, unknown;

	n = pptp_fix_nat_plan(m, r->ndir, conn->maps, conn->ss.max_calls, rw, &unknown);
	for (i = 0; i < n; i++) {
		replay_byte(r, m->seq + rw[i].off, rw[i].old >> 8, rw[i].new >> 8);
		replay_byte(r, m->seq + rw[i].off + 1, rw[i].old & 0xff, rw[i].new & 0xff);
	}
}

static bool replay_retrans(struct help_ctx *h, struct sk_buff *skb,
			   enum ip_conntrack_info ctinfo, unsigned int protoff,
			   unsigned int dataoff, u32 seq, u32 rlen)
{
	struct net *net = nf_ct_net(h->ct);
	/* Read as if framing had been lost: only a valid header resyncs. */
	struct pptp_fix_stream tmp = {
		.state = PPTP_FIX_STREAM_LOST,
		.next_seq = seq,
	};
	struct replay_ctx r = {
		.h = h,
		.ndir = h->dir == h->conn->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN,
		.seq = seq,
		.rlen = rlen,
	};
	struct pptp_fix_walk w;
	unsigned int i;

	/* All read before any is written: a rewritten byte is not read again. */
	pptp_fix_walk_skb(skb, dataoff, seq, &tmp, &w, replay_msg, &r);
	for (i = 0; i < r.n; i++) {
		if (!h->hook->mangle(skb, h->ct, ctinfo, protoff, r.b[i].off, &r.b[i].new, 1)) {
			stat_inc(net, S_MANGLE_FAILED);
			nf_ct_helper_log(skb, h->ct, "cannot rewrite Call ID byte");
			return false;
		}
		stat_inc(net, S_RETRANS_REPLAYED);
	}
	if (r.more) {
		stat_inc(net, S_RETRANS_OVERFLOW);
		pptp_fix_log(h->ct, h->dir, "retransmission", NULL,
			     "more Call ID bytes than one segment may rewrite again");
	}
	return true;
}

static struct pptp_fix_conn *pptp_fix_conn_get(struct nf_conn *ct)
{
	struct nf_ct_pptp_fix_master *info = nfct_help_data(ct);
	struct pptp_fix_conn *conn = READ_ONCE(info->conn), *old;

	if (conn)
		return conn;

	conn = kzalloc(sizeof(*conn), GFP_ATOMIC);
	if (!conn)
		return NULL;
	spin_lock_init(&conn->lock);
	conn->keymap_slot = -1;
	conn->ct = ct;
	/* The NAT set up by the first packet says which end is translated. */
	conn->nat_dir = PPTP_FIX_DIR_UNKNOWN;
	if (ct->status & IPS_SRC_NAT) {
		conn->nat_dir = IP_CT_DIR_ORIGINAL;
		if (ct->status & IPS_DST_NAT)	/* both ends: only one is ours */
			stat_inc(nf_ct_net(ct), S_NAT_UNSUPPORTED);
	} else if (ct->status & IPS_DST_NAT) {
		conn->nat_dir = IP_CT_DIR_REPLY;
	}
	pptp_fix_session_init(&conn->ss, max_calls);

	/*
	 * Both directions may race to the first payload, and a destroy may
	 * race with both: publish and list under the lock destroy takes.
	 */
	INIT_LIST_HEAD(&conn->list);
	spin_lock_bh(&pptp_fix_conns_lock);
	old = cmpxchg(&info->conn, NULL, conn);
	if (!old)
		list_add(&conn->list, &pptp_fix_conns);
	spin_unlock_bh(&pptp_fix_conns_lock);
	if (old) {
		kfree(conn);
		return old;
	}
	return conn;
}

/*
 * Walks the TCP payload of @skb, from @dataoff on, with stream @s; each
 * message found goes to @fn.  The payload is read in chunks through
 * skb_header_pointer(): no copy when the skb is linear, a small stack
 * buffer when it is not, and no read past the skb.
 */
void pptp_fix_walk_skb(const struct sk_buff *skb, unsigned int dataoff, u32 seq,
		       struct pptp_fix_stream *s, struct pptp_fix_walk *w,
		       void (*fn)(void *ctx, const struct pptp_fix_msg *m), void *ctx)
{
	unsigned int len = skb->len - dataoff, headlen = min(len, PPTP_FIX_HDR_LEN);
	u8 head[PPTP_FIX_HDR_LEN], buf[PPTP_FIX_CHUNK];
	struct pptp_fix_msg m;
	const u8 *p;

	p = skb_header_pointer(skb, dataoff, headlen, head);
	if (!p) {
		w->pos = 0;
		w->len = 0;
		w->note = PPTP_FIX_SEG_IGNORED;
		w->error = PPTP_FIX_FRAME_OK;
		return;
	}
	pptp_fix_walk_start(w, s, seq, len, p, headlen);
	while (w->pos < w->len) {
		unsigned int off = w->pos, n = min_t(unsigned int, w->len - off, sizeof(buf));

		p = skb_header_pointer(skb, dataoff + off, n, buf);
		if (!p)
			break;
		pptp_fix_walk_chunk(w, p, off, n);
		while (pptp_fix_walk_next(w, &m))
			fn(ctx, &m);
		if (w->pos == off)
			break;
	}
}
EXPORT_SYMBOL_GPL(pptp_fix_walk_skb);

static void help_msg(void *ctx, const struct pptp_fix_msg *m)
{
	pptp_fix_msg(ctx, m);
}

static int pptp_fix_help(struct sk_buff *skb, unsigned int protoff,
			 struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct help_ctx h = { .ct = ct, .dir = CTINFO2DIR(ctinfo) };
	struct net *net = nf_ct_net(ct);
	const struct tcphdr *th;
	struct tcphdr _tcph;
	struct pptp_fix_net *pn = net_generic(net, pptp_fix_net_id);
	struct pptp_fix_walk w;
	unsigned int dataoff, i;
	int ret = NF_ACCEPT;
	u32 seq, seen_end;

	/* Nothing to track before the handshake completes, or while unloading. */
	if ((ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY) ||
	    READ_ONCE(pptp_fix_exiting))
		return NF_ACCEPT;

	th = skb_header_pointer(skb, protoff, sizeof(_tcph), &_tcph);
	if (!th)
		return NF_ACCEPT;
	dataoff = protoff + th->doff * 4;
	if (dataoff >= skb->len)
		return NF_ACCEPT;
	seq = ntohl(th->seq);

	h.conn = pptp_fix_conn_get(ct);
	if (!h.conn) {
		stat_inc(net, S_ALLOC_FAILED);
		return NF_ACCEPT;
	}

	h.hook = rcu_dereference(nf_nat_pptp_fix_hook);

	spin_lock_bh(&h.conn->lock);
	/* Torn down by a destroy on another CPU since we looked it up. */
	if (h.conn->dead) {
		spin_unlock_bh(&h.conn->lock);
		return NF_ACCEPT;
	}
	seen_end = h.conn->stream[h.dir].next_seq;
	pptp_fix_walk_skb(skb, dataoff, seq, &h.conn->stream[h.dir], &w, help_msg, &h);
	stat_inc(net, S_SEG(w.note));
	if (w.error) {
		stat_inc(net, S_FRAME(w.error));
		pptp_fix_log(ct, h.dir, "framing lost", NULL,
			     pptp_fix_frame_result_name(w.error));
	}
	if (nat_on(&h)) {
		nat_partial(&h);
		if (!apply_log(&h, skb, ctinfo, protoff, dataoff, seq))
			ret = NF_DROP;
		else if ((w.note == PPTP_FIX_SEG_RETRANS || w.note == PPTP_FIX_SEG_OVERLAP) &&
			 !replay_retrans(&h, skb, ctinfo, protoff, dataoff, seq,
					 min_t(u32, w.len, seen_end - seq)))
			ret = NF_DROP;
	}
	spin_unlock_bh(&h.conn->lock);
	if (ret == NF_DROP)
		for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
			atomic64_add(h.seen[i], &pn->stats[S_MSG_DROP(i, h.dir)]);
	return ret;
}

static void pptp_fix_conn_free(struct pptp_fix_conn *conn)
{
	struct pptp_fix_track_out out;

	spin_lock_bh(&conn->lock);
	pptp_fix_session_end(&conn->ss, &out);
	apply_out(conn->ct, conn, &out);
	conn->dead = 1;
	spin_unlock_bh(&conn->lock);
	/* A help() may still hold it, under RCU, until it sees ->dead. */
	kfree_rcu(conn, rcu);
}

/*
 * Removes @conn from the global list; true if the caller now owns it (the
 * ct's destroy and module unload may race for it).
 */
static bool pptp_fix_conn_unlink(struct nf_conn *ct, struct pptp_fix_conn *conn)
{
	struct nf_ct_pptp_fix_master *info = nfct_help_data(ct);
	bool mine = false;

	spin_lock_bh(&pptp_fix_conns_lock);
	if (info->conn == conn && !list_empty(&conn->list)) {
		list_del_init(&conn->list);
		info->conn = NULL;
		mine = true;
	}
	spin_unlock_bh(&pptp_fix_conns_lock);
	return mine;
}

/* The control conntrack dies (FIN/RST timeout, conntrack -D, flush). */
static void pptp_fix_destroy(struct nf_conn *ct)
{
	struct nf_ct_pptp_fix_master *info = nfct_help_data(ct);
	struct pptp_fix_conn *conn = READ_ONCE(info->conn);

	if (conn && pptp_fix_conn_unlink(ct, conn))
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
	struct nf_ct_pptp_fix_master *info;
	struct pptp_fix_conn *conn;

	if (!help || rcu_access_pointer(help->helper) != &pptp_fix_helper)
		return 0;
	info = nfct_help_data(ct);
	conn = READ_ONCE(info->conn);
	if (conn && pptp_fix_conn_unlink(ct, conn)) {
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

static int pptp_fix_stat_show(struct seq_file *seq, void *v)
{
	struct pptp_fix_net *pn = net_generic(seq_file_single_net(seq), pptp_fix_net_id);
	static const char *const totals[] = {
		"calls_up", "calls_down", "keymap_busy", "expect_failed", "alloc_failed",
		"nat_fields", "nat_bytes", "nat_unknown", "nat_straddle", "nat_straddle_undone",
		"nat_unsupported", "id_kept", "id_changed", "id_exhausted",
		"id_collision", "mangle_failed", "retrans_changed", "retrans_replayed",
		"retrans_overflow",
	};
	unsigned int i, d;
	u64 down;

	BUILD_BUG_ON(ARRAY_SIZE(totals) != S_NR - S_CALLS_UP);
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++)
			seq_printf(seq, "msg_%s_%s %llu\n", type_key[i],
				   d ? "reply" : "orig", stat_get(pn, S_MSG(i, d)));
	/* Per type and direction: rewritten + unchanged = seen (msg_). */
	for (i = 1; i <= PPTP_FIX_CTRL_MAX; i++)
		for (d = 0; d < IP_CT_DIR_MAX; d++) {
			const char *dn = d ? "reply" : "orig";
			u64 seen = stat_get(pn, S_MSG(i, d)), rw = stat_get(pn, S_MSG_RW(i, d));

			seq_printf(seq, "rewritten_%s_%s %llu\n", type_key[i], dn, rw);
			seq_printf(seq, "unchanged_%s_%s %llu\n", type_key[i], dn, seen - rw);
			seq_printf(seq, "dropped_%s_%s %llu\n", type_key[i], dn,
				   stat_get(pn, S_MSG_DROP(i, d)));
		}
	for (i = 1; i < PPTP_FIX_T_NR_VERDICTS; i++)
		seq_printf(seq, "passed_%s %llu\n", verdict_key[i], stat_get(pn, S_VERDICT(i)));
	for (i = PPTP_FIX_FRAME_BAD_LENGTH; i < PPTP_FIX_FRAME_NR_RESULTS; i++)
		seq_printf(seq, "lost_%s %llu\n", frame_key[i], stat_get(pn, S_FRAME(i)));
	for (i = 0; i < PPTP_FIX_SEG_NR_NOTES; i++)
		seq_printf(seq, "seg_%s %llu\n", seg_key[i], stat_get(pn, S_SEG(i)));
	for (i = 0; i < ARRAY_SIZE(totals); i++)
		seq_printf(seq, "%s %llu\n", totals[i], stat_get(pn, S_CALLS_UP + i));
	/* Down read first: a call ending meanwhile cannot make it negative. */
	down = stat_get(pn, S_CALLS_DOWN);
	seq_printf(seq, "calls_active %llu\n", stat_get(pn, S_CALLS_UP) - down);
	return 0;
}

static int __net_init pptp_fix_net_init(struct net *net)
{
	struct pptp_fix_net *pn = net_generic(net, pptp_fix_net_id);

	spin_lock_init(&pn->ids_lock);
	if (!proc_create_net_single("nf_pptp_fix", 0444, net->proc_net_stat,
				    pptp_fix_stat_show, NULL))
		return -ENOMEM;
	return 0;
}

static void __net_exit pptp_fix_net_exit(struct net *net)
{
	remove_proc_entry("nf_pptp_fix", net->proc_net_stat);
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
MODULE_DESCRIPTION("PPTP conntrack helper that tracks every control message");
