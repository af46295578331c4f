/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP Call ID translation planner: which bytes of a control message to
 * rewrite, from the control connection's call mappings.  Pure code; see
 * pptp_nat.c.
 */
#ifndef _PPTP_FIX_NAT_H
#define _PPTP_FIX_NAT_H

#include "pptp_fix_stream.h"

/*
 * One call's mapping.  The translated end is the one behind the NAT (the
 * PNS behind masquerade, or a PAC behind a port forward); the far end
 * sees its Call ID as @nat.
 */
struct pptp_fix_nat_map {
	u16 orig;	/* the translated end's own Call ID */
	u16 nat;	/* that ID as the far end sees it */
	u16 far;	/* the far end's Call ID for the same call */
	u8 far_known;
	u8 used;
	u8 failed;	/* no free ID: not tried again until the slot frees */
};

struct pptp_fix_rewrite {
	u8 off;		/* of the Call ID field, from the message start */
	u16 old;
	u16 new;
};

enum pptp_fix_nat_dir {
	PPTP_FIX_NAT_OUT = 0,	/* sent by the translated end */
	PPTP_FIX_NAT_IN,	/* sent to the translated end */
};

/*
 * Plans the rewrites of message @m travelling @dir: every Call ID field
 * that names the translated end and whose value a mapping in @maps knows
 * (->orig going out, ->nat coming in) gets the other value.  Returns how
 * many rewrites it wrote to @rw (room for PPTP_FIX_MAX_CID_FIELDS); a
 * field naming the translated end that no mapping knows counts in
 * *@unknown.
 */
unsigned int pptp_fix_nat_plan(const struct pptp_fix_msg *m, enum pptp_fix_nat_dir dir,
			       const struct pptp_fix_nat_map *maps, unsigned int nmaps,
			       struct pptp_fix_rewrite *rw, unsigned int *unknown);

/*
 * For a message known up to m->nkeep bytes whose last known byte is the
 * first of a Call ID field naming the translated end: plans that field's
 * rewrite if exactly one mapping's value starts with that byte.  Returns
 * 1 with the whole old and new values in @rw (the first byte can be
 * rewritten now; the second only if it turns out to match), else 0.
 */
unsigned int pptp_fix_nat_plan_straddle(const struct pptp_fix_msg *m,
					enum pptp_fix_nat_dir dir,
					const struct pptp_fix_nat_map *maps,
					unsigned int nmaps, struct pptp_fix_rewrite *rw);

/*
 * The journal of one direction: every Call ID field the helper rewrote in
 * bytes the receiver has not acknowledged yet, by TCP sequence number,
 * so that a retransmission (with any boundaries) carries the same bytes.
 * Entries e[head, n) are in sequence order; the storage (cap entries) is
 * the caller's.
 */
struct pptp_fix_jentry {
	u32 seq;	/* of the field's first byte */
	u16 old;	/* the value the sender wrote */
	u16 new;	/* the value the receiver gets */
};

struct pptp_fix_journal {
	struct pptp_fix_jentry *e;
	u32 head;
	u32 n;
	u32 cap;
};

/* Index of the first entry with a byte at or after @seq (n if none). */
u32 pptp_fix_journal_first(const struct pptp_fix_journal *j, u32 seq);

/* The entry of the field starting at @seq, or NULL. */
const struct pptp_fix_jentry *pptp_fix_journal_find(const struct pptp_fix_journal *j, u32 seq);

/*
 * Records (or replaces) the field at @seq.  Returns false, changing
 * nothing, when a new entry finds no room (n == cap).
 */
bool pptp_fix_journal_put(struct pptp_fix_journal *j, u32 seq, u16 old, u16 new);

void pptp_fix_journal_del(struct pptp_fix_journal *j, u32 seq);

/* The receiver acknowledged every byte before @ack: forget those fields. */
void pptp_fix_journal_trim(struct pptp_fix_journal *j, u32 ack);

/* Moves the entries to the start of the storage. */
void pptp_fix_journal_compact(struct pptp_fix_journal *j);

/*
 * The journal's bytes in segment [@seq, @seq + @len) at @data: each must
 * hold its old value (written with @write) or its new one.  Returns the
 * bytes that held the old value, or -1, writing nothing, if one holds
 * neither (a retransmission that changes what we rewrote).  Call it once
 * without @write to check, then with it.
 */
int pptp_fix_journal_apply(const struct pptp_fix_journal *j, u32 seq, u8 *data, u32 len,
			   bool write);

/*
 * Chooses the Call ID the far end will see for the translated end's
 * @orig: @orig itself when @in_use says it is free, else the first free
 * one probing from @hint, skipping 0 and 0xffff.  Returns -1 when
 * @max_probes candidates are all taken.
 */
int pptp_fix_nat_choose(u16 orig, u16 hint, unsigned int max_probes,
			bool (*in_use)(void *ctx, u16 id), void *ctx);

#endif /* _PPTP_FIX_NAT_H */
