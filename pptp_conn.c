// SPDX-License-Identifier: GPL-2.0
/*
 * The per-connection engine of nf-pptp-fix (RFC 2637 over TCP): one TCP
 * segment of a control connection in, its Call ID fields rewritten in
 * place and its verdict out.  The module, the KUnit suites and the fuzzer
 * all run this code; the module adds only skb access, locking, GRE
 * expectations, the Call ID table and counters (through the ops).
 *
 * Per segment, in this order, each step before any state changes:
 *  - beyond a hole (bytes lost before the router, or reordered): drop, so
 *    that TCP resends it after the missing bytes and every message is
 *    tracked exactly once, in order;
 *  - room in the direction's journal for every field its new bytes could
 *    rewrite (the journal holds each rewritten field until the receiver
 *    acknowledges it); too many unacknowledged rewrites: drop (TCP resends
 *    once ACKs free room; retransmitted bytes need none);
 *  - bytes seen before (a retransmission, with any boundaries): the
 *    journal's rewrites again; a byte that holds neither the value the
 *    sender wrote nor ours: drop, writing nothing;
 * then the new bytes are walked, and each message, as soon as its fields
 * are known: planned (fields coming in to the translated end first, so
 * the tracker sees them as that end will), tracked, planned again if it
 * made a mapping, and its fields written into the segment and the
 * journal.  A field cut by the segment's end is written up to there
 * (its first byte on a guess the mapping allows, see pptp_nat.c).  There
 * is no limit to how many fields one segment carries.
 *
 * Limitations: a Call ID field that left, whole or in part, before its
 * call's mapping existed (a split field whose guess failed) cannot be
 * recalled (nat_straddle_undone); a reply cut between its Call ID and
 * its Result Code gets its call's mapping early (nat_early, map_early()),
 * unless two calls wait for it and the Peer's Call ID bytes there are do
 * not tell them apart.
 * The journal's room is a module parameter: a receiver that acknowledges
 * nothing stalls its sender.
 */
#include "include/pptp_fix_conn.h"

struct seg_ctx {
	struct pptp_fix_engine *e;
	const struct pptp_fix_engine_ops *ops;
	void *ctx;
	u8 dir;
	bool nat;		/* the segment may be written */
	u32 seq;
	u8 *data;
	u32 len;
	u32 old_len;		/* its first bytes were seen before */
	struct pptp_fix_seg_result *res;
};

static void count(const struct seg_ctx *x, unsigned int c)
{
	x->ops->count(x->ctx, c, 1);
}

/* Call IDs are translated: writable, NATed, roles known. */
static bool nat_on(const struct seg_ctx *x)
{
	return x->nat && x->e->ss.pns_dir != PPTP_FIX_DIR_UNKNOWN;
}

void pptp_fix_engine_init(struct pptp_fix_engine *e, unsigned int max_calls, u8 nat_dir,
			  u32 jr_max)
{
	memset(e, 0, sizeof(*e));
	pptp_fix_session_init(&e->ss, max_calls);
	e->nat_dir = nat_dir;
	e->jr_max = jr_max;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_engine_init);

u16 pptp_fix_engine_wire_id(const struct pptp_fix_engine *e, unsigned int slot,
			    const struct pptp_fix_call *c, bool pns, u8 dir)
{
	const struct pptp_fix_nat_map *map = &e->maps[slot];
	u16 own = pns ? c->pns_id : c->pac_id;

	if (!map->used || pns != pptp_fix_engine_t_is_pns(e))
		return own;
	return dir == e->nat_dir ? map->orig : map->nat;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_engine_wire_id);

/* The call state in which the translated end's own ID is not known yet. */
static u8 t_unknown_state(const struct pptp_fix_engine *e)
{
	return pptp_fix_engine_t_is_pns(e) ? PPTP_FIX_CALL_IN_REQ : PPTP_FIX_CALL_OUT_REQ;
}

static void map_take(struct pptp_fix_nat_map *map, u16 own, int id)
{
	map->orig = own;
	map->nat = id;
	map->used = 1;
}

/*
 * Mappings follow the calls: one per call whose translated end's ID is
 * known (the PNS's from OCRQ or ICRP on, the PAC's from OCRP or ICRQ on),
 * released when its call ends or its slot goes to a new call.  An ID the
 * host could not give is not asked for again until then.
 */
static void maps_sync(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
		      void *ctx, bool translate, u8 freed)
{
	bool tpns = pptp_fix_engine_t_is_pns(e);
	unsigned int i;

	for (i = 0; i < e->ss.max_calls; i++) {
		const struct pptp_fix_call *c = &e->ss.calls[i];
		struct pptp_fix_nat_map *map = &e->maps[i];
		u8 t_unknown = t_unknown_state(e);
		u8 far_unknown = tpns ? PPTP_FIX_CALL_OUT_REQ : PPTP_FIX_CALL_IN_REQ;

		if ((freed & BIT(i)) || c->state == PPTP_FIX_CALL_FREE) {
			if (map->used)
				ops->map_release(ctx, i);
			memset(map, 0, sizeof(*map));
			if (c->state == PPTP_FIX_CALL_FREE)
				continue;
		}
		/*
		 * A call being cleared keeps what it has: if its reply never
		 * came (a CCRQ in OUT_REQ), the PAC's ID is not known, and a
		 * mapping made now would not match what already left.  Nor
		 * does the far ID change there.
		 */
		if (c->state == PPTP_FIX_CALL_CLEAR_REQ)
			continue;
		/*
		 * A mapping made early (map_early()) for a reply that then
		 * gave another ID: that one goes, the reply's is made.
		 */
		if (map->used && c->state != t_unknown &&
		    map->orig != (tpns ? c->pns_id : c->pac_id)) {
			ops->map_release(ctx, i);
			memset(map, 0, sizeof(*map));
		}
		if (!map->used && !map->failed && c->state != t_unknown &&
		    e->ss.pns_dir != PPTP_FIX_DIR_UNKNOWN) {
			u16 own = tpns ? c->pns_id : c->pac_id;
			int id = ops->map_new(ctx, i, own, translate);

			if (id < 0)
				map->failed = 1;
			else
				map_take(map, own, id);
		}
		if (map->used && c->state != far_unknown) {
			map->far = tpns ? c->pac_id : c->pns_id;
			map->far_known = 1;
		}
	}
}

static void apply_out(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
		      void *ctx, bool translate, const struct pptp_fix_track_out *out)
{
	unsigned int i;

	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		if (out->down & BIT(i))
			ops->call_down(ctx, i, &out->gone[i]);
	maps_sync(e, ops, ctx, translate, out->freed);
	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		if (out->up & BIT(i))
			ops->call_up(ctx, i);
}

/*
 * Field @foff of message @m is decided: @old becomes @new (equal: left
 * alone).  Its bytes in this segment are
 * written; a byte that left in an earlier segment with another value
 * cannot be recalled, and is counted.  The journal keeps the decision
 * for retransmissions.
 */
static void set_field(struct seg_ctx *x, const struct pptp_fix_msg *m, unsigned int foff,
		      u16 old, u16 new)
{
	struct pptp_fix_journal *j = &x->e->jr[x->dir];
	u32 at = m->seq + foff;
	const struct pptp_fix_jentry *prev = pptp_fix_journal_find(j, at);
	bool undone = false, same = prev ? prev->old == old && prev->new == new : old == new;
	unsigned int b;

	for (b = 0; b < 2; b++) {
		u32 off = at + b - x->seq;
		u8 ob = b ? old & 0xff : old >> 8;
		u8 nb = b ? new & 0xff : new >> 8;

		if (off < x->len) {
			/* Resent now, and sent before with the sender's value. */
			if (off < x->old_len && !prev && ob != nb)
				undone = true;
			if (ob != nb && x->data[off] == ob) {
				x->data[off] = nb;
				x->res->written++;
				count(x, PPTP_FIX_S_NAT_BYTES);
			}
		} else if ((s32)(at + b - x->seq) < 0) {
			u16 sent = prev ? prev->new : old;

			if ((b ? sent & 0xff : sent >> 8) != nb)
				undone = true;
		}
	}
	if (undone)
		count(x, PPTP_FIX_S_NAT_STRADDLE_UNDONE);
	if (same)
		return;
	if (old == new) {
		pptp_fix_journal_del(j, at);
		return;
	}
	/* Room was reserved for every field the segment's new bytes hold. */
	if (!pptp_fix_journal_put(j, at, old, new))
		x->ops->log(x->ctx, x->dir, "rewritten", m,
			    "no room to remember it for retransmissions");
	count(x, PPTP_FIX_S_NAT_FIELDS);
	x->ops->rewrite(x->ctx, x->dir, m, foff, old, new);
}

/*
 * Plans message @m's rewrites and makes them the decision for its fields,
 * translating @tkeep too when given.  Returns how many fields it rewrites.
 * With @try_only, a plan that leaves a field naming the translated end
 * unmapped is not taken: returns -1, so that the caller can plan again
 * once the tracker made the mapping.  Without @unknown_ok, such a field
 * is counted and logged.
 */
static int nat_plan(struct seg_ctx *x, const struct pptp_fix_msg *m,
		    enum pptp_fix_nat_dir ndir, u8 *tkeep, bool try_only, bool unknown_ok)
{
	struct pptp_fix_engine *e = x->e;
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	unsigned int i, k, n, unknown;

	n = pptp_fix_nat_plan(m, ndir, e->maps, e->ss.max_calls, rw, &unknown);
	if (unknown && try_only)
		return -1;
	for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		const struct pptp_fix_cid_field *f = &m->info->cid[i];
		u16 v;

		if (f->kind == PPTP_FIX_CID_NONE || f->offset + 2 > m->nkeep)
			continue;
		v = pptp_fix_get16(m->keep + f->offset);
		for (k = 0; k < n && rw[k].off != f->offset; k++)
			;
		if (k < n) {
			set_field(x, m, f->offset, rw[k].old, rw[k].new);
			if (tkeep)
				pptp_fix_put16(tkeep + f->offset, rw[k].new);
		} else {
			set_field(x, m, f->offset, v, v);
		}
	}
	if (unknown && !unknown_ok) {
		count(x, PPTP_FIX_S_NAT_UNKNOWN);
		x->ops->log(x->ctx, x->dir, "passed", m, "Call ID without a mapping");
	}
	return n;
}

static enum pptp_fix_nat_dir nat_dir_of(const struct seg_ctx *x)
{
	return x->dir == x->e->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN;
}

/*
 * One message.  Coming in to the translated end, its fields are planned
 * first and tracked as that end will see them.  Going out, planned with
 * the mappings as they are (a message that ends a call still has its
 * own), or, if a field has none yet, after tracking made it (a message
 * that starts a call).  Either way every field naming a translated ID is
 * rewritten, whatever the tracker said.
 */
static void on_msg(struct seg_ctx *x, const struct pptp_fix_msg *m)
{
	struct pptp_fix_engine *e = x->e;
	struct pptp_fix_track_out out;
	struct pptp_fix_msg tm = *m;
	u8 tkeep[PPTP_FIX_KEEP];
	enum pptp_fix_tverdict v;
	int planned = -1;
	bool refused;

	count(x, PPTP_FIX_S_MSG(m->ctrl_type, x->dir));
	x->res->seen[m->ctrl_type]++;
	if (nat_on(x)) {
		if (nat_dir_of(x) == PPTP_FIX_NAT_IN) {
			memcpy(tkeep, m->keep, m->nkeep);
			planned = nat_plan(x, m, PPTP_FIX_NAT_IN, tkeep, false, false);
			tm.keep = tkeep;
		} else {
			planned = nat_plan(x, m, PPTP_FIX_NAT_OUT, NULL, true, false);
		}
	}
	v = pptp_fix_track(&e->ss, x->dir, &tm, &out);
	count(x, PPTP_FIX_S_VERDICT(v));
	if (v == PPTP_FIX_T_OK)
		apply_out(e, x->ops, x->ctx, x->nat, &out);
	else
		x->ops->log(x->ctx, x->dir, "passed", m, pptp_fix_tverdict_name(v));
	/* A refused reply names a call that no longer exists: no mapping due. */
	refused = v == PPTP_FIX_T_OK && out.slot >= 0 &&
		  e->ss.calls[out.slot].state == PPTP_FIX_CALL_FREE;
	/* Roles may have become known with this very message. */
	if (planned < 0 && nat_on(x))
		planned = nat_plan(x, m, nat_dir_of(x), NULL, false, refused);
	if (planned > 0)
		count(x, PPTP_FIX_S_MSG_RW(m->ctrl_type, x->dir));
}

/*
 * The translated end's reply to the far end's call request (its
 * Incoming-Call-Reply as PNS, its Outgoing-Call-Reply as PAC) is cut by
 * the segment's end after its Call ID but before its Result Code: the ID
 * leaves now, and the call's mapping is due only once the reply is known
 * to accept.  Made now, for the one call waiting for a reply whose
 * far ID fits the Peer's Call ID bytes there are; a refusal frees it with
 * the call, a reply that turns out to answer nothing leaves it to its
 * call, and maps_sync() replaces it if the call's reply gives another ID.
 */
static void map_early(struct seg_ctx *x, const struct pptp_fix_msg *pm)
{
	struct pptp_fix_engine *e = x->e;
	bool tpns = pptp_fix_engine_t_is_pns(e);
	const struct pptp_fix_type_info *info = pm->info;
	u8 t_unknown = t_unknown_state(e);
	unsigned int i, n = 0, slot = 0;
	u8 own_off = info->cid[0].offset, far_off = info->cid[1].offset;
	u16 own;
	int id;

	if (pm->ctrl_type != (tpns ? PPTP_FIX_ICRP : PPTP_FIX_OCRP) ||
	    pm->nkeep < own_off + 2 || pm->nkeep > info->result_off)
		return;
	own = pptp_fix_get16(pm->keep + own_off);
	for (i = 0; i < e->ss.max_calls; i++) {
		const struct pptp_fix_call *c = &e->ss.calls[i];
		u16 far = tpns ? c->pac_id : c->pns_id;

		if (c->state != t_unknown)
			continue;
		if (pm->nkeep > far_off && pm->keep[far_off] != far >> 8)
			continue;
		if (pm->nkeep > far_off + 1 && pm->keep[far_off + 1] != (far & 0xff))
			continue;
		slot = i;
		n++;
	}
	if (n != 1 || e->maps[slot].used || e->maps[slot].failed)
		return;
	id = x->ops->map_new(x->ctx, slot, own, x->nat);
	/* Not marked failed: the guess may be wrong; the call's reply tries. */
	if (id < 0)
		return;
	map_take(&e->maps[slot], own, id);
	e->maps[slot].far = tpns ? e->ss.calls[slot].pac_id : e->ss.calls[slot].pns_id;
	e->maps[slot].far_known = 1;
	count(x, PPTP_FIX_S_NAT_EARLY);
}

/*
 * The segment ends inside a message: a Call ID field complete in it, or
 * whose first byte is its last, must be written now, before the rest of
 * the message arrives.
 */
static void nat_partial(struct seg_ctx *x)
{
	struct pptp_fix_engine *e = x->e;
	struct pptp_fix_rewrite rw;
	struct pptp_fix_msg pm;

	if (!pptp_fix_stream_partial(&e->stream[x->dir], &pm) || !pm.info)
		return;
	if (nat_dir_of(x) == PPTP_FIX_NAT_OUT)
		map_early(x, &pm);
	nat_plan(x, &pm, nat_dir_of(x), NULL, true, false);
	if (pptp_fix_nat_plan_straddle(&pm, nat_dir_of(x), e->maps, e->ss.max_calls, &rw)) {
		count(x, PPTP_FIX_S_NAT_STRADDLE);
		set_field(x, &pm, rw.off, rw.old, rw.new);
	}
}

static void drop(struct seg_ctx *x, unsigned int counter, const char *why)
{
	count(x, counter);
	x->res->drop = true;
	x->res->why = why;
}

/*
 * Room for every field the segment's @new_len new bytes may rewrite: no
 * message naming a Call ID is shorter than 16 bytes or names more than
 * two in 24, so at most one field per 12 bytes, and the messages cut at
 * each end.
 */
static bool reserve(struct seg_ctx *x, u32 new_len)
{
	struct pptp_fix_journal *j = &x->e->jr[x->dir];
	u32 need = new_len / 12 + 4, live = j->n - j->head, cap;
	void *p;

	/*
	 * A soft bound: whatever a segment needs, it gets while fewer than
	 * jr_max are held, so that no segment size can stall.
	 */
	if (live >= x->e->jr_max) {
		drop(x, PPTP_FIX_S_JOURNAL_FULL, "too many Call ID rewrites not yet acknowledged");
		return false;
	}
	/* Emptied by ACKs after a burst: give the memory back. */
	if (!live && j->cap > 256 && j->cap > 4 * need) {
		p = x->ops->grow(x->ctx, j->e, (size_t)64 * sizeof(j->e[0]));
		if (p) {
			j->e = p;
			j->cap = 64;
			j->head = 0;
			j->n = 0;
		}
	}
	if (j->cap - j->n >= need)
		return true;
	pptp_fix_journal_compact(j);
	if (j->cap - j->n >= need)
		return true;
	/* Doubling, amortised; never beyond what the bound lets it hold. */
	cap = 2 * j->cap;
	if (cap > x->e->jr_max + need)
		cap = x->e->jr_max + need;
	if (cap < j->n + need)
		cap = j->n + need;
	if (cap < 64)
		cap = 64;
	p = x->ops->grow(x->ctx, j->e, (size_t)cap * sizeof(j->e[0]));
	if (!p) {
		drop(x, PPTP_FIX_S_ALLOC_FAILED, "no memory for the Call ID journal");
		return false;
	}
	j->e = p;
	j->cap = cap;
	return true;
}

void pptp_fix_engine_segment(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
			     void *ctx, u8 dir, u32 seq, u8 *data, u32 len, bool nat,
			     struct pptp_fix_seg_result *res)
{
	struct pptp_fix_stream *st = &e->stream[dir];
	struct seg_ctx x = {
		.e = e, .ops = ops, .ctx = ctx, .dir = dir,
		.nat = pptp_fix_engine_writes(e, nat),
		.seq = seq, .data = data, .len = len, .res = res,
	};
	struct pptp_fix_journal *j = &e->jr[dir];
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	u32 old_len = 0;

	memset(res, 0, sizeof(*res));
	if (!len)
		return;
	if (st->state == PPTP_FIX_STREAM_SYNC && (s32)(seq - st->next_seq) > 0) {
		count(&x, PPTP_FIX_S_SEG(PPTP_FIX_SEG_HOLE));
		res->drop = true;
		res->why = "segment beyond bytes not seen yet";
		return;
	}
	if (st->state != PPTP_FIX_STREAM_NEW && (s32)(st->next_seq - seq) > 0)
		old_len = st->next_seq - seq < len ? st->next_seq - seq : len;
	x.old_len = old_len;
	/* Retransmitted bytes need no room: they free it, once acknowledged. */
	if (x.nat && old_len < len && !reserve(&x, len - old_len))
		return;
	if (x.nat && old_len && j->n != j->head) {
		int r = pptp_fix_journal_apply(j, seq, data, old_len, false);

		if (r < 0) {
			drop(&x, PPTP_FIX_S_RETRANS_CHANGED,
			     "retransmission changes a rewritten Call ID byte");
			return;
		}
		if (r > 0) {
			pptp_fix_journal_apply(j, seq, data, old_len, true);
			res->written += r;
			ops->count(ctx, PPTP_FIX_S_RETRANS_REWRITTEN, r);
		}
	}

	pptp_fix_walk_begin(&w, st, seq, data, len);
	count(&x, PPTP_FIX_S_SEG(w.note));
	while (pptp_fix_walk_next(&w, &m))
		on_msg(&x, &m);
	if (w.error) {
		count(&x, PPTP_FIX_S_FRAME(w.error));
		ops->log(ctx, dir, "framing lost", NULL, pptp_fix_frame_result_name(w.error));
	}
	/* A segment all of old bytes decides nothing new. */
	if (nat_on(&x) && old_len < len)
		nat_partial(&x);
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_engine_segment);

bool pptp_fix_engine_ack(struct pptp_fix_engine *e, u8 dir, u32 ack)
{
	struct pptp_fix_stream *st = &e->stream[!dir];
	struct pptp_fix_journal *j = &e->jr[!dir];
	bool lost = false;

	/*
	 * The receiver has bytes we never saw (beyond the FIN's one): they
	 * reached it another way (a packet conntrack found invalid and the
	 * ruleset passed), and no sender will resend them.  Waiting for
	 * them would drop the direction for good: framing is lost there
	 * instead, and regained at the next valid header.
	 */
	if (st->state == PPTP_FIX_STREAM_SYNC && (s32)(ack - st->next_seq) > 1) {
		st->state = PPTP_FIX_STREAM_LOST;
		st->next_seq = ack;
		st->msg_len = 0;
		st->got = 0;
		st->reported = 0;
		lost = true;
	}
	if (!j->n)
		return lost;
	/* Never beyond what was sent. */
	if ((s32)(ack - st->next_seq) > 0)
		ack = st->next_seq;
	/* The message in progress may still change its fields' decisions. */
	if (st->state == PPTP_FIX_STREAM_SYNC && st->got &&
	    (s32)(ack - (st->next_seq - st->got)) > 0)
		ack = st->next_seq - st->got;
	pptp_fix_journal_trim(j, ack);
	return lost;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_engine_ack);

void pptp_fix_engine_end(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
			 void *ctx)
{
	struct pptp_fix_track_out out;

	pptp_fix_session_end(&e->ss, &out);
	apply_out(e, ops, ctx, false, &out);
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_engine_end);
