// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP Call ID translation planner (RFC 2637 section 2 field meanings).
 *
 * One mapping per call, used for every field of every message in both
 * directions.  Which fields name the translated end follows from the wire
 * table alone: a "Call ID" names the message's sender, a "Peer's Call ID"
 * its receiver; so a field names the translated end when it is a Call ID
 * going out or a Peer's Call ID coming in.  This covers Set-Link-Info in
 * both directions and both NAT topologies (PNS behind masquerade, PAC
 * behind a port forward) without a per-type rule.
 *
 * The one ambiguous field is Call-Disconnect-Notify's Call ID: the
 * sender's (the PAC's) per RFC 2637 2.13, the PNS's in some servers.
 * Where the table says it names the far end, it is still rewritten when
 * its value is a translated ID the far end knows us by, and is not the
 * far end's own ID for that call.
 *
 * The planner does not look at the tracker's verdict: a field that names
 * a translated ID is rewritten whatever the state machine thinks of the
 * message, so that every field agrees with the one mapping.
 */
#include "include/pptp_fix_nat.h"

/* A Call ID going out or a Peer's Call ID coming in names us. */
static bool names_translated(const struct pptp_fix_cid_field *f, enum pptp_fix_nat_dir dir)
{
	bool own = f->kind == PPTP_FIX_CID_OWN;
	bool out = dir == PPTP_FIX_NAT_OUT;

	return own == out;
}

static const struct pptp_fix_nat_map *lookup(const struct pptp_fix_nat_map *maps,
					     unsigned int nmaps, u16 v, bool by_nat)
{
	unsigned int i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].used && (by_nat ? maps[i].nat : maps[i].orig) == v)
			return &maps[i];
	return NULL;
}

/* @v is the far end's own ID for one of the calls. */
static bool far_id(const struct pptp_fix_nat_map *maps, unsigned int nmaps, u16 v)
{
	unsigned int i;

	for (i = 0; i < nmaps; i++)
		if (maps[i].used && maps[i].far_known && maps[i].far == v)
			return true;
	return false;
}

unsigned int pptp_fix_nat_plan(const struct pptp_fix_msg *m, enum pptp_fix_nat_dir dir,
			       const struct pptp_fix_nat_map *maps, unsigned int nmaps,
			       struct pptp_fix_rewrite *rw, unsigned int *unknown)
{
	const struct pptp_fix_type_info *info = m->info;
	unsigned int i, n = 0;

	*unknown = 0;
	for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		const struct pptp_fix_cid_field *f = &info->cid[i];
		const struct pptp_fix_nat_map *map;
		u16 v;

		if (f->kind == PPTP_FIX_CID_NONE || f->offset + 2 > m->nkeep)
			continue;
		v = pptp_fix_get16(m->keep + f->offset);

		if (names_translated(f, dir)) {
			map = lookup(maps, nmaps, v, dir == PPTP_FIX_NAT_IN);
			if (!map) {
				/* A translated PAC's CDN with the PNS's ID. */
				if (!(info->flags & PPTP_FIX_F_CID_AMBIGUOUS) ||
				    !far_id(maps, nmaps, v))
					(*unknown)++;
				continue;
			}
		} else if (info->flags & PPTP_FIX_F_CID_AMBIGUOUS) {
			/* Only a value we translated, coming in, that is not
			 * the far end's own ID for that call.
			 */
			if (dir != PPTP_FIX_NAT_IN)
				continue;
			/* ... of any call: one call's PNS ID may be another's PAC ID. */
			map = lookup(maps, nmaps, v, true);
			if (!map || far_id(maps, nmaps, v))
				continue;
		} else {
			continue;
		}

		rw[n].off = f->offset;
		rw[n].old = v;
		rw[n].new = dir == PPTP_FIX_NAT_OUT ? map->nat : map->orig;
		if (rw[n].old != rw[n].new)
			n++;
	}
	return n;
}
EXPORT_SYMBOL_GPL(pptp_fix_nat_plan);

int pptp_fix_nat_choose(u16 orig, u16 hint, unsigned int max_probes,
			bool (*in_use)(void *ctx, u16 id), void *ctx)
{
	unsigned int i;
	u16 id = hint;

	if (!in_use(ctx, orig))
		return orig;
	for (i = 0; i < max_probes; i++, id++) {
		if (id == 0 || id == 0xffff)
			continue;
		if (!in_use(ctx, id))
			return id;
	}
	return -1;
}
EXPORT_SYMBOL_GPL(pptp_fix_nat_choose);

unsigned int pptp_fix_nat_plan_straddle(const struct pptp_fix_msg *m,
					enum pptp_fix_nat_dir dir,
					const struct pptp_fix_nat_map *maps,
					unsigned int nmaps, struct pptp_fix_rewrite *rw)
{
	const struct pptp_fix_type_info *info = m->info;
	unsigned int i, j, found;

	for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		const struct pptp_fix_cid_field *f = &info->cid[i];
		const struct pptp_fix_nat_map *hit = NULL;
		u8 first;

		bool ambiguous = false;

		if (f->kind == PPTP_FIX_CID_NONE || f->offset + 1 != m->nkeep)
			continue;
		if (!names_translated(f, dir)) {
			/* The full planner's CDN rule, on the first byte only. */
			if (!(info->flags & PPTP_FIX_F_CID_AMBIGUOUS) || dir != PPTP_FIX_NAT_IN)
				continue;
			ambiguous = true;
		}
		first = m->keep[f->offset];
		for (j = 0, found = 0; j < nmaps; j++) {
			u16 v = dir == PPTP_FIX_NAT_OUT ? maps[j].orig : maps[j].nat;

			if (!maps[j].used)
				continue;
			/* Could be the far end's own ID: no guess. */
			if (ambiguous && maps[j].far_known && maps[j].far >> 8 == first)
				return 0;
			if (v >> 8 == first) {
				hit = &maps[j];
				found++;
			}
		}
		if (found != 1)
			return 0;
		rw->off = f->offset;
		rw->old = dir == PPTP_FIX_NAT_OUT ? hit->orig : hit->nat;
		rw->new = dir == PPTP_FIX_NAT_OUT ? hit->nat : hit->orig;
		return rw->old != rw->new;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(pptp_fix_nat_plan_straddle);

static void rwlog_byte(struct pptp_fix_rwlog *log, u32 seq, u8 old, u8 new)
{
	unsigned int i;

	for (i = 0; i < PPTP_FIX_RWLOG; i++)
		if (log->e[i].used && log->e[i].seq == seq)
			break;
	if (i == PPTP_FIX_RWLOG) {
		i = log->next;
		log->next = (i + 1) % PPTP_FIX_RWLOG;
	}
	log->e[i].seq = seq;
	log->e[i].old = old;
	log->e[i].new = new;
	log->e[i].used = 1;
}

void pptp_fix_rwlog_add(struct pptp_fix_rwlog *log, u32 seq,
			const struct pptp_fix_rewrite *rw, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if ((rw[i].old >> 8) != (rw[i].new >> 8))
			rwlog_byte(log, seq + rw[i].off, rw[i].old >> 8, rw[i].new >> 8);
		if ((rw[i].old & 0xff) != (rw[i].new & 0xff))
			rwlog_byte(log, seq + rw[i].off + 1, rw[i].old & 0xff,
				   rw[i].new & 0xff);
	}
}
EXPORT_SYMBOL_GPL(pptp_fix_rwlog_add);

unsigned int pptp_fix_rwlog_set(struct pptp_fix_rwlog *log, const struct pptp_fix_msg *m,
				const struct pptp_fix_rewrite *rw, unsigned int n)
{
	struct pptp_fix_rwlog before = *log;
	unsigned int i, j, dropped = 0;

	/* Forget earlier decisions about this message's Call ID fields ... */
	for (i = 0; i < PPTP_FIX_RWLOG; i++) {
		u32 off = log->e[i].seq - m->seq;

		for (j = 0; j < PPTP_FIX_MAX_CID_FIELDS && log->e[i].used; j++) {
			const struct pptp_fix_cid_field *f = &m->info->cid[j];

			if (f->kind != PPTP_FIX_CID_NONE && off - f->offset < 2)
				log->e[i].used = 0;
		}
	}
	/* ... take these, and count the earlier ones they do not repeat. */
	pptp_fix_rwlog_add(log, m->seq, rw, n);
	for (i = 0; i < PPTP_FIX_RWLOG; i++) {
		const struct pptp_fix_rwbyte *b = &before.e[i];
		u32 off;

		if (!b->used || log->e[i].used)
			continue;
		if (pptp_fix_rwlog_next(log, b->seq, 1, 0, &off) < 0)
			dropped++;
	}
	return dropped;
}
EXPORT_SYMBOL_GPL(pptp_fix_rwlog_set);

int pptp_fix_rwlog_next(const struct pptp_fix_rwlog *log, u32 seq, u32 len,
			int from, u32 *off)
{
	int i;

	for (i = from; i < PPTP_FIX_RWLOG; i++) {
		if (!log->e[i].used || log->e[i].seq - seq >= len)
			continue;
		*off = log->e[i].seq - seq;
		return i;
	}
	return -1;
}
EXPORT_SYMBOL_GPL(pptp_fix_rwlog_next);

enum pptp_fix_rw_action pptp_fix_rwbyte_action(const struct pptp_fix_rwbyte *e, u8 byte)
{
	if (byte == e->old)
		return PPTP_FIX_RW_WRITE;
	return byte == e->new ? PPTP_FIX_RW_DONE : PPTP_FIX_RW_CHANGED;
}
EXPORT_SYMBOL_GPL(pptp_fix_rwbyte_action);

int pptp_fix_rwlog_apply(const struct pptp_fix_rwlog *log, u32 seq, u8 *data, u32 len)
{
	unsigned int n = 0;
	u32 off;
	int i;

	for (i = pptp_fix_rwlog_next(log, seq, len, 0, &off); i >= 0;
	     i = pptp_fix_rwlog_next(log, seq, len, i + 1, &off))
		if (pptp_fix_rwbyte_action(&log->e[i], data[off]) == PPTP_FIX_RW_CHANGED)
			return -1;
	for (i = pptp_fix_rwlog_next(log, seq, len, 0, &off); i >= 0;
	     i = pptp_fix_rwlog_next(log, seq, len, i + 1, &off)) {
		if (data[off] == log->e[i].old) {
			data[off] = log->e[i].new;
			n++;
		}
	}
	return n;
}
EXPORT_SYMBOL_GPL(pptp_fix_rwlog_apply);
