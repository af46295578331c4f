// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the pure layers, in the order the kernel glue
 * runs them per segment: stream walker for each direction, NAT planning
 * of incoming fields before the tracker and of outgoing ones before or
 * after it, the straddle planner at the segment's end, and the byte log
 * written into the segment.  Sanitizers (address, undefined) catch any
 * out-of-bounds read or undefined behaviour; the invariants below abort.
 *
 * Input: a byte of options, then segments: [ctl][len][data...], ctl bit 0
 * the direction, bit 1 a retransmission of the direction's last segment
 * position, bit 2 a gap (skip 1..16 bytes of sequence space).
 */
#include <stdio.h>
#include <stdlib.h>

#include "pptp_fix_nat.h"
#include "pptp_fix_track.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant: %s\n", #c); abort(); } } while (0)

struct state {
	struct pptp_fix_stream st[2];
	struct pptp_fix_session ss;
	struct pptp_fix_nat_map maps[PPTP_FIX_MAX_CALLS];
	struct pptp_fix_rwlog log[2];
	u8 nat_dir;
};

static void maps_sync(struct state *x)
{
	unsigned int i;

	for (i = 0; i < x->ss.max_calls; i++) {
		const struct pptp_fix_call *c = &x->ss.calls[i];

		CHECK(c->state <= PPTP_FIX_CALL_CLEAR_REQ);
		CHECK(!c->up || c->state == PPTP_FIX_CALL_OUT_CONF ||
		      c->state == PPTP_FIX_CALL_IN_CONF);
		if (c->state == PPTP_FIX_CALL_FREE) {
			memset(&x->maps[i], 0, sizeof(x->maps[i]));
		} else if (!x->maps[i].used && c->state != PPTP_FIX_CALL_IN_REQ) {
			x->maps[i].orig = c->pns_id;
			x->maps[i].nat = c->pns_id ^ 0x5a5a;
			x->maps[i].used = 1;
		}
		if (x->maps[i].used && c->state != PPTP_FIX_CALL_OUT_REQ) {
			x->maps[i].far = c->pac_id;
			x->maps[i].far_known = 1;
		}
	}
}

static void plan(struct state *x, u8 dir, const struct pptp_fix_msg *m, u8 *tkeep)
{
	enum pptp_fix_nat_dir nd = dir == x->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN;
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	unsigned int i, n, unknown;

	n = pptp_fix_nat_plan(m, nd, x->maps, x->ss.max_calls, rw, &unknown);
	CHECK(n <= PPTP_FIX_MAX_CID_FIELDS);
	for (i = 0; i < n; i++) {
		CHECK(rw[i].off + 2 <= m->nkeep);
		CHECK(rw[i].old == pptp_fix_get16(m->keep + rw[i].off));
		if (tkeep)
			pptp_fix_put16(tkeep + rw[i].off, rw[i].new);
	}
	pptp_fix_rwlog_set(&x->log[dir], m, rw, n);
}

static void message(struct state *x, u8 dir, const struct pptp_fix_msg *m)
{
	struct pptp_fix_track_out out;
	struct pptp_fix_msg tm = *m;
	u8 tkeep[PPTP_FIX_KEEP];

	CHECK(m->info && m->info == pptp_fix_type_info(m->ctrl_type));
	CHECK(m->nkeep == m->info->need && m->nkeep <= PPTP_FIX_KEEP);
	CHECK(m->length >= m->info->size && m->length <= PPTP_FIX_MAX_MSG_LEN);
	if (dir != x->nat_dir) {
		memcpy(tkeep, m->keep, m->nkeep);
		plan(x, dir, m, tkeep);
		tm.keep = tkeep;
	}
	CHECK(pptp_fix_track(&x->ss, dir, &tm, &out) < PPTP_FIX_T_NR_VERDICTS);
	CHECK(!(out.up & out.down));
	maps_sync(x);
	if (dir == x->nat_dir)
		plan(x, dir, m, NULL);
}

static void segment(struct state *x, u8 dir, u32 seq, u8 *data, u32 len)
{
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	struct pptp_fix_rewrite rw;
	u8 *copy = malloc(len ? len : 1);

	memcpy(copy, data, len);
	pptp_fix_walk_begin(&w, &x->st[dir], seq, copy, len);
	CHECK(w.note < PPTP_FIX_SEG_NR_NOTES);
	while (pptp_fix_walk_next(&w, &m)) {
		CHECK(m.seg_off < (s32)len);
		message(x, dir, &m);
	}
	CHECK(w.pos <= w.len);
	if (pptp_fix_stream_partial(&x->st[dir], &m) && m.info) {
		enum pptp_fix_nat_dir nd = dir == x->nat_dir ? PPTP_FIX_NAT_OUT : PPTP_FIX_NAT_IN;

		CHECK(m.nkeep < m.info->need);
		plan(x, dir, &m, NULL);
		if (pptp_fix_nat_plan_straddle(&m, nd, x->maps, x->ss.max_calls, &rw))
			pptp_fix_rwlog_add(&x->log[dir], m.seq, &rw, 1);
	}
	/* The log writes only bytes it names, in the segment. */
	pptp_fix_rwlog_apply(&x->log[dir], seq, copy, len);
	free(copy);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct state x = {};
	u32 seq[2] = { 1000, 0xfffffff0 }, last[2] = { 1000, 0xfffffff0 };
	size_t pos = 1;

	if (!size)
		return 0;
	pptp_fix_session_init(&x.ss, (data[0] & 7) + 1);
	x.nat_dir = (data[0] >> 3) & 1;
	while (pos + 2 <= size) {
		u8 ctl = data[pos], dir = ctl & 1;
		u32 len = data[pos + 1], s;
		u8 *seg;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		s = ctl & 2 ? last[dir] : seq[dir];
		if (ctl & 4)
			s += 1 + (ctl >> 4);
		seg = malloc(len ? len : 1);	/* exact size: ASan sees overreads */
		memcpy(seg, data + pos, len);
		segment(&x, dir, s, seg, len);
		free(seg);
		last[dir] = s;
		if (s + len - seq[dir] < 0x80000000U)
			seq[dir] = s + len;
		pos += len;
	}
	return 0;
}
