/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-connection engine: one PPTP control connection's sequencing of
 * stream walker, tracker, Call ID mappings and rewrites, one TCP segment
 * at a time.  Pure code; see pptp_conn.c.
 */
#ifndef _PPTP_FIX_CONN_H
#define _PPTP_FIX_CONN_H

#include "pptp_fix_nat.h"
#include "pptp_fix_track.h"

/*
 * Counters, per netns in the module (/proc/net/nf_pptp_fix): per
 * message type and direction seen, rewritten and dropped; per tracker
 * verdict, framing error and segment note; then the totals.
 */
#define PPTP_FIX_S_MSG(type, dir)	((type) * 2 + (dir))
#define PPTP_FIX_S_MSG_RW(type, dir)	(PPTP_FIX_S_MSG(PPTP_FIX_CTRL_MAX + 1, 0) + \
					 PPTP_FIX_S_MSG(type, dir))
#define PPTP_FIX_S_MSG_DROP(type, dir)	(PPTP_FIX_S_MSG_RW(PPTP_FIX_CTRL_MAX + 1, 0) + \
					 PPTP_FIX_S_MSG(type, dir))
#define PPTP_FIX_S_VERDICT(v)		(PPTP_FIX_S_MSG_DROP(PPTP_FIX_CTRL_MAX + 1, 0) + (v))
#define PPTP_FIX_S_FRAME(r)		(PPTP_FIX_S_VERDICT(PPTP_FIX_T_NR_VERDICTS) + (r))
#define PPTP_FIX_S_SEG(n)		(PPTP_FIX_S_FRAME(PPTP_FIX_FRAME_NR_RESULTS) + (n))
enum {
	PPTP_FIX_S_CALLS_UP = PPTP_FIX_S_SEG(PPTP_FIX_SEG_NR_NOTES),
	PPTP_FIX_S_CALLS_DOWN,
	PPTP_FIX_S_KEYMAP_BUSY,
	PPTP_FIX_S_EXPECT_FAILED,
	PPTP_FIX_S_ALLOC_FAILED,	/* state or journal memory; journal: dropped */
	PPTP_FIX_S_NAT_FIELDS,		/* Call ID fields rewritten in packets */
	PPTP_FIX_S_NAT_BYTES,		/* bytes rewritten in packets */
	PPTP_FIX_S_NAT_UNKNOWN,		/* fields naming the translated end, no mapping */
	PPTP_FIX_S_NAT_STRADDLE,	/* a Call ID's first byte rewritten on a guess */
	PPTP_FIX_S_NAT_STRADDLE_UNDONE,	/* ... which turned out wrong */
	PPTP_FIX_S_NAT_UNSUPPORTED,	/* NATed control connections not translated */
	PPTP_FIX_S_ID_KEPT,
	PPTP_FIX_S_ID_CHANGED,
	PPTP_FIX_S_ID_EXHAUSTED,
	PPTP_FIX_S_ID_COLLISION,	/* untranslated call with an ID in use */
	PPTP_FIX_S_MANGLE_FAILED,	/* dropped: the packet could not be written */
	PPTP_FIX_S_RETRANS_CHANGED,	/* dropped: a retransmission changed a rewritten byte */
	PPTP_FIX_S_RETRANS_REWRITTEN,	/* bytes rewritten in retransmissions */
	PPTP_FIX_S_JOURNAL_FULL,	/* dropped: too many unacknowledged rewrites */
	PPTP_FIX_S_ACKED_UNSEEN,	/* ACKs of bytes never seen: framing given up */
	PPTP_FIX_S_NAT_EARLY,		/* a reply's mapping made before its Result Code */
	PPTP_FIX_S_NR,
};

/* One control connection, both directions. */
struct pptp_fix_engine {
	struct pptp_fix_stream stream[2];
	struct pptp_fix_session ss;
	/*
	 * The conntrack direction the end whose Call IDs are translated
	 * sends in (the one behind the NAT), or PPTP_FIX_DIR_UNKNOWN.
	 */
	u8 nat_dir;
	struct pptp_fix_nat_map maps[PPTP_FIX_MAX_CALLS];
	struct pptp_fix_journal jr[2];
	u32 jr_max;	/* entries a journal may hold before segments drop */
};

/* What the engine needs from its host (the module, a test, the fuzzer). */
struct pptp_fix_engine_ops {
	/*
	 * The translated end's ID @own of the call in @slot appeared: return
	 * the ID the far end will see (with @translate, else @own itself,
	 * registered), or -1 if none is free.
	 */
	int (*map_new)(void *ctx, unsigned int slot, u16 own, bool translate);
	/* The mapping of @slot (made by map_new) is gone. */
	void (*map_release)(void *ctx, unsigned int slot);
	/* A call went up: expect its GRE. */
	void (*call_up)(void *ctx, unsigned int slot);
	/* A call went down; @gone holds its IDs, its mapping is still there. */
	void (*call_down)(void *ctx, unsigned int slot, const struct pptp_fix_call *gone);
	void (*count)(void *ctx, unsigned int counter, unsigned int n);
	/* Field @off of message @m (in @dir) is rewritten @old -> @new: a trace. */
	void (*rewrite)(void *ctx, u8 dir, const struct pptp_fix_msg *m, unsigned int off,
			u16 old, u16 new);
	/* A rate-limited log line; @m may be NULL. */
	void (*log)(void *ctx, u8 dir, const char *what, const struct pptp_fix_msg *m,
		    const char *why);
	/* realloc(): NULL, keeping @p, on failure. */
	void *(*grow)(void *ctx, void *p, size_t bytes);
};

struct pptp_fix_seg_result {
	bool drop;		/* the segment must not leave */
	const char *why;	/* ... because */
	u32 written;		/* bytes of @data changed */
	u32 last_off;		/* offset of one of them */
	u16 seen[PPTP_FIX_CTRL_MAX + 1];	/* messages reported, per type */
};

void pptp_fix_engine_init(struct pptp_fix_engine *e, unsigned int max_calls, u8 nat_dir,
			  u32 jr_max);

/*
 * True if a segment may be rewritten: NATed with the NAT module there
 * (@nat).  The caller then passes @data writable.
 */
static inline bool pptp_fix_engine_writes(const struct pptp_fix_engine *e, bool nat)
{
	return nat && e->nat_dir != PPTP_FIX_DIR_UNKNOWN;
}

/*
 * One TCP segment of @len payload bytes with sequence number @seq, sent
 * in conntrack direction @dir, all at @data.  With
 * pptp_fix_engine_writes(), Call ID fields are rewritten in @data in
 * place.  If @res->drop, nothing changed state or @data: the caller
 * drops the segment.
 */
void pptp_fix_engine_segment(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
			     void *ctx, u8 dir, u32 seq, u8 *data, u32 len, bool nat,
			     struct pptp_fix_seg_result *res);

/*
 * An ACK sent in @dir: the other direction's bytes before @ack arrived.
 * Returns true if they include bytes the engine never saw: that
 * direction's framing is then given up until the next valid header.
 */
bool pptp_fix_engine_ack(struct pptp_fix_engine *e, u8 dir, u32 ack);

/*
 * True if an ACK sent in @dir matters: the other direction has rewrites
 * it could free, or bytes beyond what the engine saw.  A hint, read
 * without the lock; pptp_fix_engine_ack() decides under it.
 */
static inline bool pptp_fix_engine_wants_ack(const struct pptp_fix_engine *e, u8 dir, u32 ack)
{
	return e->jr[!dir].n != 0 ||
	       (e->stream[!dir].state == PPTP_FIX_STREAM_SYNC &&
		(s32)(ack - e->stream[!dir].next_seq) > 1);
}

/* The connection is gone: every call goes down, every mapping goes. */
void pptp_fix_engine_end(struct pptp_fix_engine *e, const struct pptp_fix_engine_ops *ops,
			 void *ctx);

/*
 * The Call ID of the PNS (@pns) or PAC of call @c in @slot as it travels
 * in @dir: translated if it is the translated end's and mapped.
 */
u16 pptp_fix_engine_wire_id(const struct pptp_fix_engine *e, unsigned int slot,
			    const struct pptp_fix_call *c, bool pns, u8 dir);

/* The translated end is the PNS (or nothing is translated). */
static inline bool pptp_fix_engine_t_is_pns(const struct pptp_fix_engine *e)
{
	return e->nat_dir == PPTP_FIX_DIR_UNKNOWN || e->nat_dir == e->ss.pns_dir;
}

#endif /* _PPTP_FIX_CONN_H */
