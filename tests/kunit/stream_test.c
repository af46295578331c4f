// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the stream walker (pptp_stream.c): every message of a
 * direction found once, whatever the segmentation; retransmissions change
 * nothing; gaps and garbage never make it parse off a boundary.
 */
#include <kunit/test.h>

#include "pptp_fix_stream.h"
#include "msg_builder.h"

#define MAX_MSGS	16
#define STREAM_BUF	2048

struct seen {
	unsigned int n;
	u16 type[MAX_MSGS];
	u32 seq[MAX_MSGS];
	u8 keep[MAX_MSGS][PPTP_FIX_KEEP];
	u16 nkeep[MAX_MSGS];
};

struct stream_ctx {
	u8 buf[STREAM_BUF];	/* the byte stream of one direction */
	u32 len;
	u32 start[MAX_MSGS];	/* offset of each message in buf */
	u16 type[MAX_MSGS];
	unsigned int nmsgs;
	struct seen ref;
};

static void add_msg(struct stream_ctx *c, u16 type, u16 own, u16 peer)
{
	c->start[c->nmsgs] = c->len;
	c->type[c->nmsgs++] = type;
	c->len += mb_build(c->buf + c->len, type, own, peer, 1);
}

/* Feeds buf[off, off+len) as the segment with sequence number isn + off. */
static u8 feed(struct kunit *test, struct pptp_fix_stream *s, struct seen *seen,
	       const struct stream_ctx *c, u32 isn, u32 off, u32 len)
{
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	u8 *seg;

	/* An exact-size copy, so that KASAN sees any read past the segment. */
	seg = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	memcpy(seg, c->buf + off, len);
	pptp_fix_walk_begin(&w, s, isn + off, seg, len);
	while (pptp_fix_walk_next(&w, &m)) {
		unsigned int i = seen->n++;

		KUNIT_ASSERT_LT(test, i, (unsigned int)MAX_MSGS);
		seen->type[i] = m.ctrl_type;
		seen->seq[i] = m.seq;
		seen->nkeep[i] = m.nkeep;
		memcpy(seen->keep[i], m.keep, m.nkeep);
		/* The offset into this segment agrees with the sequence number. */
		KUNIT_EXPECT_EQ(test, (u32)(w.seq + m.seg_off), m.seq);
		/* The kept bytes are the stream's bytes at that position. */
		KUNIT_EXPECT_EQ(test, memcmp(m.keep, c->buf + (m.seq - isn), m.nkeep), 0);
		KUNIT_EXPECT_PTR_EQ(test, m.info, pptp_fix_type_info(m.ctrl_type));
	}
	kunit_kfree(test, seg);
	return w.note;
}

static void expect_same(struct kunit *test, const struct seen *a, const struct seen *b,
			u32 split)
{
	unsigned int i;

	KUNIT_ASSERT_EQ_MSG(test, a->n, b->n, "split at %u", split);
	for (i = 0; i < a->n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, a->type[i], b->type[i], "split %u msg %u", split, i);
		KUNIT_EXPECT_EQ_MSG(test, a->seq[i], b->seq[i], "split %u msg %u", split, i);
		KUNIT_EXPECT_EQ(test, a->nkeep[i], b->nkeep[i]);
		KUNIT_EXPECT_EQ(test, memcmp(a->keep[i], b->keep[i], a->nkeep[i]), 0);
	}
}

/* A realistic PNS-side sequence, then the reference walk in one segment. */
static struct stream_ctx *make_ctx(struct kunit *test, u32 isn)
{
	struct stream_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct pptp_fix_stream s = {};

	KUNIT_ASSERT_NOT_NULL(test, c);
	add_msg(c, PPTP_FIX_SCCRP, 0, 0);
	add_msg(c, PPTP_FIX_OCRP, 42143, 512);
	add_msg(c, PPTP_FIX_SLI, 0, 512);
	add_msg(c, PPTP_FIX_ECHORQ, 0, 0);
	add_msg(c, PPTP_FIX_WEN, 0, 512);
	add_msg(c, PPTP_FIX_CDN, 42143, 0);
	KUNIT_EXPECT_EQ(test, feed(test, &s, &c->ref, c, isn, 0, c->len),
			(u8)PPTP_FIX_SEG_START);
	return c;
}

static void stream_coalesced(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 1000);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, c->ref.n, c->nmsgs);
	for (i = 0; i < c->nmsgs; i++) {
		KUNIT_EXPECT_EQ(test, c->ref.type[i], c->type[i]);
		KUNIT_EXPECT_EQ(test, c->ref.seq[i], 1000 + c->start[i]);
		KUNIT_EXPECT_EQ(test, c->ref.nkeep[i], (u16)pptp_fix_type_info(c->type[i])->need);
	}
}

/* Each message in a segment of its own: every type, alone. */
static void stream_every_type_alone(struct kunit *test)
{
	struct stream_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	u16 t;

	KUNIT_ASSERT_NOT_NULL(test, c);
	for (t = 1; t <= PPTP_FIX_CTRL_MAX; t++) {
		c->len = 0;
		c->nmsgs = 0;
		add_msg(c, t, 1, 2);
		seen.n = 0;
		s.state = PPTP_FIX_STREAM_NEW;
		feed(test, &s, &seen, c, 7, 0, c->len);
		KUNIT_EXPECT_EQ(test, seen.n, 1U);
		KUNIT_EXPECT_EQ(test, seen.type[0], t);
		KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_SYNC);
		KUNIT_EXPECT_EQ(test, s.next_seq, 7 + c->len);
	}
}

/* Two segments split at every byte offset find the same messages. */
static void stream_split_every_offset(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 0xfffffff0);	/* wraps too */
	u32 k;

	for (k = 1; k < c->len; k++) {
		struct pptp_fix_stream s = {};
		struct seen seen = {};

		feed(test, &s, &seen, c, 0xfffffff0, 0, k);
		KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 0xfffffff0, k, c->len - k),
				(u8)PPTP_FIX_SEG_INORDER);
		expect_same(test, &c->ref, &seen, k);
	}
}

/* One byte per segment. */
static void stream_bytewise(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 5);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	u32 k;

	for (k = 0; k < c->len; k++)
		feed(test, &s, &seen, c, 5, k, 1);
	expect_same(test, &c->ref, &seen, 1);
}

/* One segment handed over in chunks of every size finds the same messages. */
static void stream_chunked_segment(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 77);
	u32 size;

	for (size = 1; size <= 64; size++) {
		struct pptp_fix_stream s = {};
		struct seen seen = {};
		struct pptp_fix_walk w;
		struct pptp_fix_msg m;

		pptp_fix_walk_start(&w, &s, 77, c->len, c->buf, PPTP_FIX_HDR_LEN);
		while (w.pos < w.len) {
			u32 off = w.pos, n = min(size, w.len - off);

			pptp_fix_walk_chunk(&w, c->buf + off, off, n);
			while (pptp_fix_walk_next(&w, &m)) {
				seen.type[seen.n] = m.ctrl_type;
				seen.seq[seen.n] = m.seq;
				seen.nkeep[seen.n] = m.nkeep;
				memcpy(seen.keep[seen.n], m.keep, m.nkeep);
				seen.n++;
			}
			KUNIT_ASSERT_GT(test, w.pos, off);
		}
		expect_same(test, &c->ref, &seen, size);
	}
}

/* A message cut inside its Call ID: the partial view has what arrived. */
static void stream_partial_message(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 50);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	struct pptp_fix_msg m;

	feed(test, &s, &seen, c, 50, 0, c->start[2] + 13);	/* SLI's byte 12 in */
	KUNIT_ASSERT_TRUE(test, pptp_fix_stream_partial(&s, &m));
	KUNIT_EXPECT_EQ(test, m.ctrl_type, (u16)PPTP_FIX_SLI);
	KUNIT_EXPECT_EQ(test, m.nkeep, 13);
	KUNIT_EXPECT_EQ(test, m.seq, 50 + c->start[2]);
	KUNIT_EXPECT_EQ(test, m.keep[12], c->buf[c->start[2] + 12]);
	/* Reported once complete, then no partial message is left. */
	feed(test, &s, &seen, c, 50, c->start[2] + 13, 1);
	KUNIT_EXPECT_EQ(test, seen.type[seen.n - 1], (u16)PPTP_FIX_SLI);
	KUNIT_EXPECT_FALSE(test, pptp_fix_stream_partial(&s, &m));
	/* Fewer than 10 bytes: the type is not known yet. */
	feed(test, &s, &seen, c, 50, c->start[2] + 14, c->start[3] + 5 - c->start[2] - 14);
	KUNIT_EXPECT_FALSE(test, pptp_fix_stream_partial(&s, &m));
}

/* The same segment again changes nothing and reports nothing. */
static void stream_retransmission(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 100);
	struct pptp_fix_stream s = {}, before;
	struct seen seen = {};
	u32 half = c->start[2] + 5;	/* inside Set-Link-Info */

	feed(test, &s, &seen, c, 100, 0, half);
	before = s;
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 100, 0, half),
			(u8)PPTP_FIX_SEG_RETRANS);
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 100, c->start[1], 10),
			(u8)PPTP_FIX_SEG_RETRANS);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &s, sizeof(s)), 0);
	/* Overlapping old and new bytes: only the new ones are walked. */
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 100, c->start[1], c->len - c->start[1]),
			(u8)PPTP_FIX_SEG_OVERLAP);
	expect_same(test, &c->ref, &seen, half);
}

/*
 * A segment lost before us: the next one, even starting with a header, is
 * beyond a hole and changes nothing; the missing bytes, resent, are
 * walked first, then the rest, each message once.
 */
static void stream_gap_hole(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 1);
	struct pptp_fix_stream s = {}, before;
	struct seen seen = {};

	feed(test, &s, &seen, c, 1, 0, c->start[2]);		/* SCCRP, OCRP */
	before = s;
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, c->start[3], c->len - c->start[3]),
			(u8)PPTP_FIX_SEG_HOLE);
	KUNIT_EXPECT_EQ(test, seen.n, 2U);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &s, sizeof(s)), 0);
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, c->start[2], c->len - c->start[2]),
			(u8)PPTP_FIX_SEG_INORDER);
	expect_same(test, &c->ref, &seen, c->len);
	KUNIT_EXPECT_EQ(test, s.next_seq, 1 + c->len);
}

/*
 * A reordered segment (here not starting at a header) is beyond a hole:
 * the stream waits for the missing bytes and never parses the tail as a
 * header.
 */
static void stream_reorder_mid_message(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 1);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	u32 mid = c->start[1] + 7;	/* inside Outgoing-Call-Reply's header */

	feed(test, &s, &seen, c, 1, 0, c->start[1] + 3);
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, mid, c->start[2] - mid),
			(u8)PPTP_FIX_SEG_HOLE);
	KUNIT_EXPECT_EQ(test, seen.n, 1U);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_SYNC);
	/* The missing bytes arrive, then everything after, in order. */
	mid = c->start[1] + 3;
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, mid, c->len - mid),
			(u8)PPTP_FIX_SEG_INORDER);
	expect_same(test, &c->ref, &seen, mid);
}

/* Garbage at a boundary: lost until a later segment starts with a header. */
static void stream_garbage_lost_then_resync(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 1);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	u8 junk[40];

	feed(test, &s, &seen, c, 1, 0, c->start[1]);
	memcpy(junk, c->buf + c->start[1], sizeof(junk));
	junk[5] ^= 0xff;	/* bad cookie */
	pptp_fix_walk_begin(&w, &s, 1 + c->start[1], junk, sizeof(junk));
	KUNIT_EXPECT_FALSE(test, pptp_fix_walk_next(&w, &m));
	KUNIT_EXPECT_EQ(test, w.error, (u8)PPTP_FIX_FRAME_BAD_COOKIE);
	KUNIT_EXPECT_EQ(test, w.error_seq, 1 + c->start[1]);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_LOST);

	/* A later segment not starting with a header is not parsed. */
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, c->start[2] + 1, 10),
			(u8)PPTP_FIX_SEG_IGNORED);
	KUNIT_EXPECT_EQ(test, seen.n, 1U);
	/* The next header after everything seen resyncs. */
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, c->start[3], c->len - c->start[3]),
			(u8)PPTP_FIX_SEG_RESYNC);
	KUNIT_EXPECT_EQ(test, seen.n, 1U + c->nmsgs - 3);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_SYNC);
}

/* Lost: an old header (a retransmission) must not resync backwards. */
static void stream_lost_ignores_old_header(struct kunit *test)
{
	struct stream_ctx *c = make_ctx(test, 1);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	u8 junk[16] = { 0, 16, 0, 9 };	/* bad message type */
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;

	feed(test, &s, &seen, c, 1, 0, c->start[2]);
	pptp_fix_walk_begin(&w, &s, 1 + c->start[2], junk, sizeof(junk));
	KUNIT_EXPECT_FALSE(test, pptp_fix_walk_next(&w, &m));
	KUNIT_EXPECT_EQ(test, w.error, (u8)PPTP_FIX_FRAME_BAD_MSG_TYPE);
	KUNIT_EXPECT_EQ(test, feed(test, &s, &seen, c, 1, c->start[1], c->start[2] - c->start[1]),
			(u8)PPTP_FIX_SEG_RETRANS);
	KUNIT_EXPECT_EQ(test, seen.n, 2U);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_LOST);
}

/*
 * A segment ending right after the 10 header bytes of a type that needs
 * no more (found by the fuzzer): reported in that segment, not later.
 */
static void stream_report_at_header_end(struct kunit *test)
{
	struct stream_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct pptp_fix_stream s = {};
	struct seen seen = {};
	struct pptp_fix_msg m;

	KUNIT_ASSERT_NOT_NULL(test, c);
	add_msg(c, PPTP_FIX_SCCRQ, 0, 0);
	feed(test, &s, &seen, c, 1, 0, 10);
	KUNIT_EXPECT_EQ(test, seen.n, 1U);
	KUNIT_EXPECT_EQ(test, seen.type[0], (u16)PPTP_FIX_SCCRQ);
	KUNIT_EXPECT_FALSE(test, pptp_fix_stream_partial(&s, &m));
	feed(test, &s, &seen, c, 1, 10, c->len - 10);
	KUNIT_EXPECT_EQ(test, seen.n, 1U);
	KUNIT_EXPECT_EQ(test, s.got, 0);
}

/* Each framing error is reported with its reason, from a tiny first segment. */
static void stream_bad_first_bytes(struct kunit *test)
{
	static const u8 bad_len[] = { 0, 5 };
	struct pptp_fix_stream s = {};
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;

	pptp_fix_walk_begin(&w, &s, 9, bad_len, sizeof(bad_len));
	KUNIT_EXPECT_EQ(test, w.note, (u8)PPTP_FIX_SEG_START);
	KUNIT_EXPECT_FALSE(test, pptp_fix_walk_next(&w, &m));
	KUNIT_EXPECT_EQ(test, w.error, (u8)PPTP_FIX_FRAME_BAD_LENGTH);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_LOST);
	KUNIT_EXPECT_EQ(test, s.next_seq, 11U);
	KUNIT_EXPECT_STREQ(test, pptp_fix_seg_note_name(PPTP_FIX_SEG_RESYNC), "resync");
	KUNIT_EXPECT_STREQ(test, pptp_fix_seg_note_name(PPTP_FIX_SEG_HOLE), "beyond a hole");
}

static struct kunit_case stream_test_cases[] = {
	KUNIT_CASE(stream_coalesced),
	KUNIT_CASE(stream_every_type_alone),
	KUNIT_CASE(stream_split_every_offset),
	KUNIT_CASE(stream_bytewise),
	KUNIT_CASE(stream_chunked_segment),
	KUNIT_CASE(stream_partial_message),
	KUNIT_CASE(stream_retransmission),
	KUNIT_CASE(stream_gap_hole),
	KUNIT_CASE(stream_reorder_mid_message),
	KUNIT_CASE(stream_garbage_lost_then_resync),
	KUNIT_CASE(stream_lost_ignores_old_header),
	KUNIT_CASE(stream_bad_first_bytes),
	KUNIT_CASE(stream_report_at_header_end),
	{}
};

static struct kunit_suite stream_test_suite = {
	.name = "pptp_fix_stream",
	.test_cases = stream_test_cases,
};

kunit_test_suite(stream_test_suite);
