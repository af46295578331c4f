// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP control-stream walker (RFC 2637 over TCP, RFC 9293 sequence space).
 *
 * TCP owes PPTP no message boundaries: a peer's messages arrive coalesced,
 * split anywhere (inside a header, inside a Call ID), retransmitted with
 * the same or other boundaries.  The walker follows one direction of the
 * byte stream by sequence number and reports each message once, as soon as
 * the bytes the tracker and NAT need (PPTP_FIX_KEEP) are known.
 *
 * Rules, one per kind of segment (enum pptp_fix_seg_note):
 *  - in order: walked from the stored position;
 *  - entirely old (a retransmission): nothing walked, nothing changes, so
 *    the same bytes never advance any state twice;
 *  - partly old: only the new bytes are walked;
 *  - beyond a hole (bytes lost before us, or reordered): nothing walked,
 *    nothing changes (PPTP_FIX_SEG_HOLE); the caller drops it, so that the
 *    sender's TCP resends it after the missing bytes and every message is
 *    walked exactly once, in order;
 *  - framing error (a bad field at a message boundary): the direction is
 *    lost, nothing more is parsed until a segment past everything seen so
 *    far starts with a whole valid header (Length, type, cookie, control
 *    type and the type's size all check), which resynchronises it there.
 * So no byte is ever parsed at a position the walker is not sure is a
 * message boundary, except after a resync, whose header checks (a 32-bit
 * cookie among them) make a false boundary implausible.
 *
 * Limitation: after a framing error, messages before the resync point are
 * never seen.
 */
#include "include/pptp_fix_stream.h"

static const char *const pptp_fix_seg_notes[PPTP_FIX_SEG_NR_NOTES] = {
	[PPTP_FIX_SEG_INORDER] = "in order",
	[PPTP_FIX_SEG_START] = "start",
	[PPTP_FIX_SEG_RETRANS] = "retransmission",
	[PPTP_FIX_SEG_OVERLAP] = "partial retransmission",
	[PPTP_FIX_SEG_RESYNC] = "resync",
	[PPTP_FIX_SEG_IGNORED] = "ignored",
	[PPTP_FIX_SEG_HOLE] = "beyond a hole",
};

const char *pptp_fix_seg_note_name(enum pptp_fix_seg_note n)
{
	if ((unsigned int)n >= PPTP_FIX_SEG_NR_NOTES)
		return "invalid note";
	return pptp_fix_seg_notes[n];
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_seg_note_name);

/* Sequence-space comparison: a is after b. */
static bool seq_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

/* A whole, valid header at @data: the only place a resync may happen. */
static bool header_at(const u8 *data, u32 len)
{
	struct pptp_fix_frame f;
	enum pptp_fix_frame_result r = pptp_fix_frame(data, len, &f);

	return r == PPTP_FIX_FRAME_OK ||
	       (r == PPTP_FIX_FRAME_NEED_MORE && f.length);
}

static void stream_restart(struct pptp_fix_stream *s, u32 seq)
{
	s->state = PPTP_FIX_STREAM_SYNC;
	s->next_seq = seq;
	s->msg_len = 0;
	s->got = 0;
	s->reported = 0;
}

void pptp_fix_walk_start(struct pptp_fix_walk *w, struct pptp_fix_stream *s,
			 u32 seq, u32 len, const u8 *head, u32 head_len)
{
	u32 end = seq + len;

	w->s = s;
	w->chunk = NULL;
	w->chunk_off = 0;
	w->chunk_len = 0;
	w->len = len;
	w->pos = len;		/* nothing to walk unless decided below */
	w->seq = seq;
	w->note = PPTP_FIX_SEG_IGNORED;
	w->error = PPTP_FIX_FRAME_OK;
	w->error_seq = 0;
	if (!len)
		return;

	switch (s->state) {
	case PPTP_FIX_STREAM_NEW:
		/*
		 * The first payload of a direction we saw from its SYN starts
		 * at a boundary; a tiny first segment may hold part of a
		 * header, so only a bad field refuses it.
		 */
		stream_restart(s, seq);
		w->note = PPTP_FIX_SEG_START;
		w->pos = 0;
		return;
	case PPTP_FIX_STREAM_SYNC:
		if (seq_after(seq, s->next_seq)) {
			w->note = PPTP_FIX_SEG_HOLE;
			return;
		}
		if (!seq_after(end, s->next_seq)) {
			w->note = PPTP_FIX_SEG_RETRANS;
			return;
		}
		w->pos = s->next_seq - seq;
		w->note = w->pos ? PPTP_FIX_SEG_OVERLAP : PPTP_FIX_SEG_INORDER;
		return;
	default:
		/* Lost: next_seq is the end of everything seen so far. */
		if (!seq_after(end, s->next_seq)) {
			w->note = PPTP_FIX_SEG_RETRANS;
			return;
		}
		if (!seq_after(s->next_seq, seq) && header_at(head, head_len)) {
			stream_restart(s, seq);
			w->note = PPTP_FIX_SEG_RESYNC;
			w->pos = 0;
			return;
		}
		s->next_seq = end;
		return;
	}
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_walk_start);

void pptp_fix_walk_chunk(struct pptp_fix_walk *w, const u8 *data, u32 off,
			 u32 len)
{
	w->chunk = data;
	w->chunk_off = off;
	w->chunk_len = len;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_walk_chunk);

void pptp_fix_walk_begin(struct pptp_fix_walk *w, struct pptp_fix_stream *s,
			 u32 seq, const u8 *data, u32 len)
{
	pptp_fix_walk_start(w, s, seq, len, data, len);
	pptp_fix_walk_chunk(w, data, 0, len);
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_walk_begin);

static void walk_lose(struct pptp_fix_walk *w, enum pptp_fix_frame_result r)
{
	struct pptp_fix_stream *s = w->s;

	w->error = r;
	w->error_seq = s->next_seq - s->got;
	s->state = PPTP_FIX_STREAM_LOST;
	s->next_seq = w->seq + w->len;
	s->msg_len = 0;
	s->got = 0;
	s->reported = 0;
	w->pos = w->len;
}

bool pptp_fix_stream_partial(const struct pptp_fix_stream *s, struct pptp_fix_msg *m)
{
	if (s->state != PPTP_FIX_STREAM_SYNC || !s->msg_len || s->reported)
		return false;
	m->ctrl_type = pptp_fix_get16(s->keep + PPTP_FIX_OFF_CTRL_TYPE);
	m->info = pptp_fix_type_info(m->ctrl_type);
	m->length = s->msg_len;
	m->nkeep = s->got;
	m->keep = s->keep;
	m->seq = s->next_seq - s->got;
	m->seg_off = 0;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_stream_partial);

bool pptp_fix_walk_next(struct pptp_fix_walk *w, struct pptp_fix_msg *m)
{
	struct pptp_fix_stream *s = w->s;

	while (w->pos < w->len) {
		u32 end = w->chunk_off + w->chunk_len, avail, want, n;
		const u8 *p;

		if (s->state != PPTP_FIX_STREAM_SYNC)
			return false;
		/* The bytes at pos have not been handed over (yet). */
		if (w->pos < w->chunk_off || w->pos >= end)
			return false;
		avail = end - w->pos;
		p = w->chunk + (w->pos - w->chunk_off);

		/*
		 * Until the Length is known, take no more than the 10 bytes
		 * that validate the header: no message is shorter, so bytes of
		 * the next message are never taken into this one.
		 */
		want = s->msg_len ? s->need : PPTP_FIX_HDR_NEED;

		if (s->got < want) {
			n = want - s->got;
			if (n > avail)
				n = avail;
			memcpy(s->keep + s->got, p, n);
		} else {
			/* The rest of the message: skipped, not copied. */
			n = s->msg_len - s->got;
			if (n > avail)
				n = avail;
		}
		s->got += n;
		s->next_seq += n;
		w->pos += n;

		if (!s->msg_len) {
			struct pptp_fix_frame f;
			enum pptp_fix_frame_result r;

			r = pptp_fix_frame(s->keep, s->got, &f);
			if (r != PPTP_FIX_FRAME_NEED_MORE && r != PPTP_FIX_FRAME_OK) {
				walk_lose(w, r);
				return false;
			}
			s->msg_len = f.length;
			if (!s->msg_len)
				continue;
			/* The header may already hold all the type needs. */
			s->need = f.info->need;
			want = s->need;
		}

		if (!s->reported && s->got >= want) {
			u32 start = s->next_seq - s->got;

			m->ctrl_type = pptp_fix_get16(s->keep + PPTP_FIX_OFF_CTRL_TYPE);
			m->info = pptp_fix_type_info(m->ctrl_type);
			m->length = s->msg_len;
			m->nkeep = want;
			m->keep = s->keep;
			m->seq = start;
			m->seg_off = (s32)(start - w->seq);
			s->reported = 1;
			if (s->got == s->msg_len) {
				s->got = 0;
				s->msg_len = 0;
				s->reported = 0;
			}
			return true;
		}
		if (s->got == s->msg_len) {
			s->got = 0;
			s->msg_len = 0;
			s->reported = 0;
		}
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_walk_next);
