/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP control-stream walker: finds every message in one direction of a
 * TCP control connection, whatever the segmentation, by TCP sequence
 * number.
 *
 * Pure code (no skbs, no allocation); see pptp_stream.c for the rules on
 * retransmission, gaps and garbage.
 */
#ifndef _PPTP_FIX_STREAM_H
#define _PPTP_FIX_STREAM_H

#include "pptp_fix_wire.h"

/*
 * Room for the bytes of each message the tracker and the NAT planner need
 * (the type's ->need: header, Call IDs, Result Code; 17 at most).
 */
#define PPTP_FIX_KEEP	20

enum pptp_fix_stream_state {
	PPTP_FIX_STREAM_NEW = 0,	/* no payload seen in this direction yet */
	PPTP_FIX_STREAM_SYNC,		/* next_seq is a known position */
	PPTP_FIX_STREAM_LOST,		/* framing lost: wait for a header */
};

struct pptp_fix_stream {
	u32 next_seq;	/* sequence number of the first byte not consumed */
	u16 msg_len;	/* Length of the message in progress; 0 = unknown */
	u16 got;	/* bytes of the message in progress consumed */
	u8 state;	/* enum pptp_fix_stream_state */
	u8 reported;	/* the message in progress was reported */
	u8 need;	/* its type's ->need, once known */
	u8 keep[PPTP_FIX_KEEP];	/* its first bytes */
};

/* What happened to a segment, beside the messages found in it. */
enum pptp_fix_seg_note {
	PPTP_FIX_SEG_INORDER = 0,	/* walked from where the last one ended */
	PPTP_FIX_SEG_START,		/* first segment of the direction */
	PPTP_FIX_SEG_RETRANS,		/* entirely seen before: nothing walked */
	PPTP_FIX_SEG_OVERLAP,		/* partly seen before: the rest walked */
	PPTP_FIX_SEG_RESYNC,		/* framing regained at this segment */
	PPTP_FIX_SEG_IGNORED,		/* not at a known position, no header */
	PPTP_FIX_SEG_HOLE,		/* beyond bytes not seen yet: nothing walked */
	PPTP_FIX_SEG_NR_NOTES,
};

/*
 * A message whose first ->need bytes (every field the tracker and the NAT
 * use) have just become known.  Each message is reported once, in the
 * segment that completes those bytes; the rest may still be in flight.
 */
struct pptp_fix_msg {
	const struct pptp_fix_type_info *info;
	u16 ctrl_type;
	u16 length;
	u16 nkeep;		/* valid bytes in keep[] */
	const u8 *keep;		/* the message's first bytes */
	u32 seq;		/* sequence number of its first byte */
	s32 seg_off;		/* its first byte's offset in this segment:
				 * negative if it began in an earlier one
				 */
};

struct pptp_fix_walk {
	struct pptp_fix_stream *s;
	const u8 *chunk;	/* bytes [chunk_off, chunk_off + chunk_len) */
	u32 chunk_off;
	u32 chunk_len;
	u32 len;		/* payload bytes in the segment */
	u32 pos;		/* next segment offset to consume */
	u32 seq;		/* sequence number of the segment's first byte */
	u8 note;		/* enum pptp_fix_seg_note */
	u8 error;		/* enum pptp_fix_frame_result when framing broke */
	u32 error_seq;		/* where it broke */
};

/*
 * Starts walking a segment of @len payload bytes with sequence number @seq,
 * given its first @head_len bytes at @head (PPTP_FIX_HDR_LEN of them are
 * enough).  Decides, from the stream's state, which bytes are new (see
 * enum pptp_fix_seg_note) and changes the state only for those.  The
 * bytes are then handed over with pptp_fix_walk_chunk(), from w->pos on.
 */
void pptp_fix_walk_start(struct pptp_fix_walk *w, struct pptp_fix_stream *s,
			 u32 seq, u32 len, const u8 *head, u32 head_len);

/* Hands over segment bytes [@off, @off + @len); @off must be w->pos. */
void pptp_fix_walk_chunk(struct pptp_fix_walk *w, const u8 *data, u32 off,
			 u32 len);

/* Both of the above, for a segment whose bytes are all at @data. */
void pptp_fix_walk_begin(struct pptp_fix_walk *w, struct pptp_fix_stream *s,
			 u32 seq, const u8 *data, u32 len);

/*
 * Finds the next message in the bytes handed over.  Returns true and fills
 * @m, or false once they are consumed.  When framing breaks, the stream
 * enters PPTP_FIX_STREAM_LOST, w->error says why, and the walk ends
 * (w->pos == w->len).
 */
bool pptp_fix_walk_next(struct pptp_fix_walk *w, struct pptp_fix_msg *m);

/*
 * The message in progress at the end of the bytes walked so far, not yet
 * reported, whose type is known: its first m->nkeep bytes.  For a Call ID
 * that straddles two segments.  Returns false if there is none.
 */
bool pptp_fix_stream_partial(const struct pptp_fix_stream *s, struct pptp_fix_msg *m);

const char *pptp_fix_seg_note_name(enum pptp_fix_seg_note n);

#endif /* _PPTP_FIX_STREAM_H */
