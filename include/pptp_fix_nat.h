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
 * The byte rewrites of one direction, by TCP sequence number: written
 * into every segment that carries them (new, retransmitted, or holding
 * the second byte of a split Call ID), where the byte still holds its old
 * value.  The last PPTP_FIX_RWLOG are kept.
 */
#define PPTP_FIX_RWLOG	16

struct pptp_fix_rwbyte {
	u32 seq;
	u8 old;
	u8 new;
	u8 used;
};

struct pptp_fix_rwlog {
	struct pptp_fix_rwbyte e[PPTP_FIX_RWLOG];
	u8 next;
};

/* Remembers the rewrites @rw of the message starting at @seq. */
void pptp_fix_rwlog_add(struct pptp_fix_rwlog *log, u32 seq,
			const struct pptp_fix_rewrite *rw, unsigned int n);

/*
 * The rewrites @rw are the decision for message @m's Call ID fields: any
 * earlier entry for those fields (a guess made on a first byte) goes.
 * Returns how many earlier entries were not confirmed.
 */
unsigned int pptp_fix_rwlog_set(struct pptp_fix_rwlog *log, const struct pptp_fix_msg *m,
				const struct pptp_fix_rewrite *rw, unsigned int n);

/*
 * The first remembered byte at or after entry @from that falls in the
 * segment [@seq, @seq + @len): returns its index and sets *@off, or -1.
 */
int pptp_fix_rwlog_next(const struct pptp_fix_rwlog *log, u32 seq, u32 len,
			int from, u32 *off);

/* What to do with a logged rewrite, given the byte a segment carries there. */
enum pptp_fix_rw_action {
	PPTP_FIX_RW_WRITE = 0,	/* the byte we read then: write ours */
	PPTP_FIX_RW_DONE,	/* already ours */
	PPTP_FIX_RW_CHANGED,	/* neither: a retransmission changed it */
};

enum pptp_fix_rw_action pptp_fix_rwbyte_action(const struct pptp_fix_rwbyte *e, u8 byte);

/*
 * Applies the log to a segment's bytes in place; returns bytes written,
 * or -1, writing nothing, if a byte is PPTP_FIX_RW_CHANGED.
 */
int pptp_fix_rwlog_apply(const struct pptp_fix_rwlog *log, u32 seq, u8 *data, u32 len);

/*
 * Chooses the Call ID the far end will see for the translated end's
 * @orig: @orig itself when @in_use says it is free, else the first free
 * one probing from @hint, skipping 0 and 0xffff.  Returns -1 when
 * @max_probes candidates are all taken.
 */
int pptp_fix_nat_choose(u16 orig, u16 hint, unsigned int max_probes,
			bool (*in_use)(void *ctx, u16 id), void *ctx);

#endif /* _PPTP_FIX_NAT_H */
