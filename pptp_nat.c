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
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_nat_plan);

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
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_nat_choose);

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
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_nat_plan_straddle);

/* Entry @e ends after byte @seq: the search key of the journal. */
static bool ends_after(const struct pptp_fix_jentry *e, u32 seq)
{
	return (s32)(e->seq + 2 - seq) > 0;
}

u32 pptp_fix_journal_first(const struct pptp_fix_journal *j, u32 seq)
{
	u32 lo = j->head, hi = j->n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (ends_after(&j->e[mid], seq))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_first);

const struct pptp_fix_jentry *pptp_fix_journal_find(const struct pptp_fix_journal *j, u32 seq)
{
	u32 i = pptp_fix_journal_first(j, seq);

	return i < j->n && j->e[i].seq == seq ? &j->e[i] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_find);

bool pptp_fix_journal_put(struct pptp_fix_journal *j, u32 seq, u16 old, u16 new)
{
	u32 i = j->n;

	/* Fields arrive in stream order: the place is almost always the end. */
	while (i > j->head && (s32)(j->e[i - 1].seq - seq) >= 0)
		i--;
	if (i < j->n && j->e[i].seq == seq) {
		j->e[i].old = old;
		j->e[i].new = new;
		return true;
	}
	if (j->n == j->cap)
		return false;
	memmove(&j->e[i + 1], &j->e[i], (j->n - i) * sizeof(j->e[0]));
	j->e[i].seq = seq;
	j->e[i].old = old;
	j->e[i].new = new;
	j->n++;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_put);

void pptp_fix_journal_del(struct pptp_fix_journal *j, u32 seq)
{
	u32 i = pptp_fix_journal_first(j, seq);

	if (i == j->n || j->e[i].seq != seq)
		return;
	memmove(&j->e[i], &j->e[i + 1], (j->n - i - 1) * sizeof(j->e[0]));
	j->n--;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_del);

void pptp_fix_journal_trim(struct pptp_fix_journal *j, u32 ack)
{
	j->head = pptp_fix_journal_first(j, ack);
	if (j->head == j->n) {
		j->head = 0;
		j->n = 0;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_trim);

void pptp_fix_journal_compact(struct pptp_fix_journal *j)
{
	if (!j->head)
		return;
	memmove(&j->e[0], &j->e[j->head], (j->n - j->head) * sizeof(j->e[0]));
	j->n -= j->head;
	j->head = 0;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_compact);

/* The byte of @e at sequence number @at, old and new. */
static void entry_byte(const struct pptp_fix_jentry *e, u32 at, u8 *old, u8 *new)
{
	bool second = at != e->seq;

	*old = second ? e->old & 0xff : e->old >> 8;
	*new = second ? e->new & 0xff : e->new >> 8;
}

int pptp_fix_journal_apply(const struct pptp_fix_journal *j, u32 seq, u8 *data, u32 len,
			   bool write)
{
	unsigned int n = 0;
	u32 i, b;

	for (i = pptp_fix_journal_first(j, seq); i < j->n; i++) {
		const struct pptp_fix_jentry *e = &j->e[i];

		if (e->seq - seq >= len && e->seq + 1 - seq >= len)
			break;
		for (b = 0; b < 2; b++) {
			u32 off = e->seq + b - seq;
			u8 old, new;

			if (off >= len)
				continue;
			entry_byte(e, e->seq + b, &old, &new);
			if (old == new || data[off] == new)
				continue;
			if (data[off] != old)
				return -1;
			if (write)
				data[off] = new;
			n++;
		}
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_journal_apply);
