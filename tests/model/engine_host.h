/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A host for the per-connection engine (pptp_conn.c) in tests: what the
 * module's glue does with GRE expectations, the Call ID table and the
 * counters, reduced to bookkeeping that checks the engine's calls.  The
 * KUnit suite pptp_fix_conn and the fuzzer both use it, with the same
 * engine the module runs.
 *
 * Call IDs: the translated end's @own becomes remap_to[i] where it is
 * remap_from[i] (standing for "another client holds it"), else it is
 * kept.  Errors in the engine's use of the host go to ->err.
 */
#ifndef _PPTP_FIX_ENGINE_HOST_H
#define _PPTP_FIX_ENGINE_HOST_H

#include "pptp_fix_conn.h"

#ifdef __KERNEL__
#include <linux/slab.h>
#define EH_ZALLOC(n)		kzalloc(n, GFP_KERNEL)
#define EH_REALLOC(p, n)	krealloc(p, n, GFP_KERNEL)
#define EH_FREE(p)		kfree(p)
#else
#include <stdlib.h>
#define EH_ZALLOC(n)		calloc(1, n)
#define EH_REALLOC(p, n)	realloc(p, n)
#define EH_FREE(p)		free(p)
#endif

#define EH_REMAP	8

struct eh_host {
	struct pptp_fix_engine e;
	u64 cnt[PPTP_FIX_S_NR];
	u16 remap_from[EH_REMAP];
	u16 remap_to[EH_REMAP];
	unsigned int nremap;
	unsigned int ups, downs, maps, releases, map_calls;
	u8 up[PPTP_FIX_MAX_CALLS];
	u8 mapped[PPTP_FIX_MAX_CALLS];
	bool fail_grow;
	bool exhausted;		/* map_new finds no free ID */
	const char *err;
};

static inline int eh_map_new(void *ctx, unsigned int slot, u16 own, bool translate)
{
	struct eh_host *h = ctx;
	unsigned int i;

	h->map_calls++;
	if (slot >= PPTP_FIX_MAX_CALLS || h->mapped[slot])
		h->err = "map_new on a slot already mapped";
	if (translate && h->exhausted)
		return -1;
	h->mapped[slot] = 1;
	h->maps++;
	if (!translate)
		return own;
	for (i = 0; i < h->nremap; i++)
		if (h->remap_from[i] == own)
			return h->remap_to[i];
	return own;
}

static inline void eh_map_release(void *ctx, unsigned int slot)
{
	struct eh_host *h = ctx;

	if (slot >= PPTP_FIX_MAX_CALLS || !h->mapped[slot])
		h->err = "map_release of a slot not mapped";
	else
		h->mapped[slot] = 0;
	h->releases++;
}

static inline void eh_call_up(void *ctx, unsigned int slot)
{
	struct eh_host *h = ctx;

	if (slot >= PPTP_FIX_MAX_CALLS || h->up[slot])
		h->err = "call_up of a call already up";
	else
		h->up[slot] = 1;
	h->ups++;
}

static inline void eh_call_down(void *ctx, unsigned int slot, const struct pptp_fix_call *gone)
{
	struct eh_host *h = ctx;

	if (slot >= PPTP_FIX_MAX_CALLS || !h->up[slot])
		h->err = "call_down of a call not up";
	else
		h->up[slot] = 0;
	h->downs++;
}

static inline void eh_count(void *ctx, unsigned int counter, unsigned int n)
{
	struct eh_host *h = ctx;

	if (counter >= PPTP_FIX_S_NR)
		h->err = "counter out of range";
	else
		h->cnt[counter] += n;
}

static inline void eh_rewrite(void *ctx, u8 dir, const struct pptp_fix_msg *m,
			      unsigned int off, u16 old, u16 new)
{
	struct eh_host *h = ctx;

	if (!m->info || off + 2 > PPTP_FIX_KEEP || old == new)
		h->err = "a rewrite traced for no field";
}

static inline void eh_log(void *ctx, u8 dir, const char *what, const struct pptp_fix_msg *m,
			  const char *why)
{
}

static inline void *eh_grow(void *ctx, void *p, size_t bytes)
{
	struct eh_host *h = ctx;

	return h->fail_grow ? NULL : EH_REALLOC(p, bytes);
}

static const struct pptp_fix_engine_ops eh_ops = {
	.map_new	= eh_map_new,
	.map_release	= eh_map_release,
	.call_up	= eh_call_up,
	.call_down	= eh_call_down,
	.count		= eh_count,
	.rewrite	= eh_rewrite,
	.log		= eh_log,
	.grow		= eh_grow,
};

static inline void eh_init(struct eh_host *h, unsigned int max_calls, u8 nat_dir, u32 jr_max)
{
	memset(h, 0, sizeof(*h));
	pptp_fix_engine_init(&h->e, max_calls, nat_dir, jr_max);
}

static inline void eh_remap(struct eh_host *h, u16 from, u16 to)
{
	if (h->nremap < EH_REMAP) {
		h->remap_from[h->nremap] = from;
		h->remap_to[h->nremap] = to;
		h->nremap++;
	}
}

/* One segment through the engine, as the glue runs it. */
static inline bool eh_segment(struct eh_host *h, u8 dir, u32 seq, u8 *data, u32 len)
{
	struct pptp_fix_seg_result res;

	pptp_fix_engine_segment(&h->e, &eh_ops, h, dir, seq, data, len, true, &res);
	return !res.drop;
}

/* The connection ends: every call down, every mapping released. */
static inline void eh_end(struct eh_host *h)
{
	unsigned int i;

	pptp_fix_engine_end(&h->e, &eh_ops, h);
	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		if (h->up[i] || h->mapped[i])
			h->err = "a call or mapping left after the end";
	EH_FREE(h->e.jr[0].e);
	EH_FREE(h->e.jr[1].e);
	h->e.jr[0].e = NULL;
	h->e.jr[1].e = NULL;
}

#endif /* _PPTP_FIX_ENGINE_HOST_H */
