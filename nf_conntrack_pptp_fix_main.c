// SPDX-License-Identifier: GPL-2.0
/*
 * nf_conntrack_pptp_fix - PPTP (RFC 2637) connection tracking helper.
 *
 * Tracks every control message of every TCP segment in both directions,
 * the session and the calls on it with roles taken from message
 * semantics, and rewrites Call IDs in place for the NAT: all of that is
 * the per-connection engine (pptp_conn.c over pptp_stream.c,
 * pptp_track.c, pptp_nat.c, pptp_wire.c), linked with the glue into
 * nf_conntrack_pptp_fix.ko (a Kbuild composite object: the module keeps
 * the name users modprobe).  The glue around it is four files: this one
 * (skbs, locking, the per-connection state's life, the helper and the
 * module), _gre.c (GRE expectations and the kernel's GRE key map), _ids.c
 * (the per-netns Call ID table) and _stats.c (the counters' file).
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
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <linux/err.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>

#include "nf_conntrack_pptp_fix_priv.h"
#include "pptp_fix_compat.h"

static char *name = "pptp";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Helper name for ct helper / CT --helper rules (default \"pptp\")");

static ushort port = 1723;
module_param(port, ushort, 0444);
MODULE_PARM_DESC(port, "TCP port of the helper's tuple (default 1723); only registration uses it; kernels whose helpers have no tuple ignore it");

static uint max_calls = PPTP_FIX_MAX_CALLS;
module_param(max_calls, uint, 0444);
MODULE_PARM_DESC(max_calls, "Calls tracked per control connection, 1-8 (default 8); GRE expectations are at most twice that");

static uint journal_max = 16384;
module_param(journal_max, uint, 0444);
MODULE_PARM_DESC(journal_max, "Rewritten Call ID fields not yet acknowledged that one direction of a control connection may hold, 8 bytes each (default 16384); beyond it its segments drop until ACKs free room");

/* Our helper data fits the helper area, and our pointer misses ->keymap. */
static_assert(sizeof(struct nf_ct_pptp_fix_master) <= sizeof_field(struct nf_conn_help, data));
static_assert(offsetof(struct nf_ct_pptp_master, keymap) >= sizeof(void *));

unsigned int pptp_fix_net_id __read_mostly;
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_net_id);
/* The helper conntracks point to (a copy of pptp_fix_helper on some kernels). */
static struct nf_conntrack_helper *pptp_fix_helper_reg;

const struct nf_nat_pptp_fix_hook __rcu *nf_nat_pptp_fix_hook __read_mostly;
EXPORT_SYMBOL_GPL(nf_nat_pptp_fix_hook);

/* Every pptp_fix_conn, so that module unload frees what is left. */
static LIST_HEAD(pptp_fix_conns);
static DEFINE_SPINLOCK(pptp_fix_conns_lock);
static bool pptp_fix_exiting;

/* The 16-bit field at @off of @m, if its kept bytes hold it, else 0. */
static u16 kept16(const struct pptp_fix_msg *m, unsigned int off)
{
	return m && m->nkeep >= off + 2 ? pptp_fix_get16(m->keep + off) : 0;
}

void pptp_fix_log(const struct nf_conn *ct, u8 dir, const char *what,
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

/* What the engine's callbacks need: one segment's connection. */
struct help_ctx {
	struct nf_conn *ct;
	struct pptp_fix_conn *conn;
	struct pptp_fix_net *pn;
};

static int op_map_new(void *ctx, unsigned int slot, u16 own, bool translate)
{
	struct help_ctx *h = ctx;

	return pptp_fix_id_map(h->pn, h->ct, h->conn, slot, own, translate);
}

static void op_map_release(void *ctx, unsigned int slot)
{
	struct help_ctx *h = ctx;

	pptp_fix_id_release(h->pn, &h->conn->ids[slot]);
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
			pptp_fix_stat_inc(nf_ct_net(ct), PPTP_FIX_S_NAT_UNSUPPORTED);
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
	struct help_ctx h = { .ct = ct, .pn = pptp_fix_pernet(net) };
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
			pptp_fix_stat_inc(net, PPTP_FIX_S_ACKED_UNSEEN);
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
		pptp_fix_stat_inc(net, PPTP_FIX_S_ALLOC_FAILED);
		return NF_ACCEPT;
	}
	hook = rcu_dereference(nf_nat_pptp_fix_hook);
	writes = pptp_fix_engine_writes(&h.conn->e, !!hook);

	/* Made writable before anything changes: a failure leaves no trace. */
	data = pptp_fix_skb_payload(skb, dataoff, writes);
	if (!data) {
		pptp_fix_stat_inc(net, writes ? PPTP_FIX_S_MANGLE_FAILED : PPTP_FIX_S_ALLOC_FAILED);
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
		pptp_fix_stat_inc(net, PPTP_FIX_S_MANGLE_FAILED);
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
		.pn = pptp_fix_pernet(nf_ct_net(conn->ct)),
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

	if (!help || rcu_access_pointer(help->helper) != pptp_fix_helper_reg)
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

/* Filled at load (pptp_fix_helper_init()): its name and port are parameters. */
static struct nf_conntrack_helper pptp_fix_helper __read_mostly;

static int __net_init pptp_fix_net_init(struct net *net)
{
	spin_lock_init(&pptp_fix_pernet(net)->ids_lock);
	return pptp_fix_proc_init(net);
}

static void __net_exit pptp_fix_net_exit(struct net *net)
{
	pptp_fix_proc_exit(net);
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
	pptp_fix_helper_init(&pptp_fix_helper, name, port, &pptp_fix_exp_policy,
			     pptp_fix_help, pptp_fix_destroy, THIS_MODULE);

	ret = register_pernet_subsys(&pptp_fix_net_ops);
	if (ret)
		return ret;
	ret = pptp_fix_helper_register(&pptp_fix_helper, &pptp_fix_helper_reg);
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
	pptp_fix_helper_unregister(pptp_fix_helper_reg);
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
