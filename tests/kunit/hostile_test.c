// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pptp_fix_hostile": the malformed-input catalogue.  Each
 * case brings a control connection to a stage (TCP only, session up, a
 * call up, stopped), sends something a hostile or broken peer could send,
 * in the segments a network could cut it into, and checks:
 *
 *  - the documented outcome: what the walker said of the segment (the
 *    glue counts it in seg_<note> and, if framing broke, lost_<reason>)
 *    and the tracker's verdict (passed_<reason> unless ok);
 *  - no state corruption: a case documented as changing nothing leaves
 *    the session and every call byte for byte as they were;
 *  - the legitimate session keeps working afterwards: a Set-Link-Info
 *    for the call and its clearing (or a new call) track as ok.
 *
 * The verdict of every case is "pass unchanged", except a segment beyond
 * a hole (seg_hole), which the engine drops so that TCP resends it in
 * order.  The engine's other drops are checked in the pptp_fix_conn
 * suite.
 * tests/e2e/hostile.sh injects the worst of these through a router while
 * a real tunnel runs.
 */
#include <kunit/test.h>

#include "pptp_fix_track.h"
#include "pptp_fix_nat.h"
#include "msg_builder.h"

#define PNS 0
#define PAC 1
#define HBUF 8192
#define NOTHING (-1)

enum stage { ST_TCP, ST_SESSION, ST_CALL, ST_STOPPED };

struct hctx {
	struct pptp_fix_stream st[2];
	struct pptp_fix_session ss;
	u32 seq[2];		/* next sequence number of each direction */
	/* The hostile segments' outcome, merged. */
	u8 note;		/* of the first hostile segment */
	u8 error;		/* first framing error */
	unsigned int nmsgs;
	int verdict;		/* of the first message reported, or NOTHING */
	u8 buf[HBUF];		/* the hostile bytes */
	u8 lbuf[MB_MAX];	/* a legitimate message */
};

/* Feeds @len bytes at @data as one segment of direction @dir at @seq. */
static void seg_at(struct kunit *test, struct hctx *h, u8 dir, u32 seq, const u8 *data,
		   u32 len, bool hostile)
{
	struct pptp_fix_track_out out;
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	u8 *copy;

	/* Exact size: KASAN sees a read past the segment. */
	copy = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, data, len);
	pptp_fix_walk_begin(&w, &h->st[dir], seq, copy, len);
	while (pptp_fix_walk_next(&w, &m)) {
		enum pptp_fix_tverdict v = pptp_fix_track(&h->ss, dir, &m, &out);

		if (!hostile)
			continue;
		if (h->verdict == NOTHING)
			h->verdict = v;
		h->nmsgs++;
	}
	if (hostile) {
		if (h->note == PPTP_FIX_SEG_NR_NOTES)
			h->note = w.note;
		if (!h->error)
			h->error = w.error;
	}
	kunit_kfree(test, copy);
}

/* The next segment of direction @dir. */
static void seg(struct kunit *test, struct hctx *h, u8 dir, const u8 *data, u32 len,
		bool hostile)
{
	seg_at(test, h, dir, h->seq[dir], data, len, hostile);
	h->seq[dir] += len;
}

static u32 msg(u8 *buf, u16 type, u16 own, u16 peer, u8 result)
{
	return mb_build(buf, type, own, peer, result);
}

/* A legitimate message, in a segment of its own; returns its verdict. */
static enum pptp_fix_tverdict legit(struct kunit *test, struct hctx *h, u8 dir, u16 type,
				    u16 own, u16 peer, u8 result)
{
	struct pptp_fix_track_out out;
	struct pptp_fix_walk w;
	struct pptp_fix_msg m;
	enum pptp_fix_tverdict v = PPTP_FIX_T_NR_VERDICTS;
	u32 len = msg(h->lbuf, type, own, peer, result);

	pptp_fix_walk_begin(&w, &h->st[dir], h->seq[dir], h->lbuf, len);
	while (pptp_fix_walk_next(&w, &m))
		v = pptp_fix_track(&h->ss, dir, &m, &out);
	h->seq[dir] += len;
	return v;
}

static void to_stage(struct kunit *test, struct hctx *h, enum stage st)
{
	if (st == ST_TCP)
		return;
	KUNIT_ASSERT_EQ(test, legit(test, h, PNS, PPTP_FIX_SCCRQ, 0, 0, 0), PPTP_FIX_T_OK);
	KUNIT_ASSERT_EQ(test, legit(test, h, PAC, PPTP_FIX_SCCRP, 0, 0, 1), PPTP_FIX_T_OK);
	if (st == ST_SESSION)
		return;
	KUNIT_ASSERT_EQ(test, legit(test, h, PNS, PPTP_FIX_OCRQ, 512, 0, 0), PPTP_FIX_T_OK);
	KUNIT_ASSERT_EQ(test, legit(test, h, PAC, PPTP_FIX_OCRP, 42143, 512, 1), PPTP_FIX_T_OK);
	if (st == ST_CALL)
		return;
	KUNIT_ASSERT_EQ(test, legit(test, h, PNS, PPTP_FIX_STOPCCRQ, 0, 0, 0), PPTP_FIX_T_OK);
	KUNIT_ASSERT_EQ(test, legit(test, h, PAC, PPTP_FIX_STOPCCRP, 0, 0, 1), PPTP_FIX_T_OK);
}

/* The legitimate session still works: what each stage allows next. */
static void carry_on(struct kunit *test, struct hctx *h, enum stage st)
{
	switch (st) {
	case ST_TCP:
		KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_SCCRQ, 0, 0, 0), PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_SCCRP, 0, 0, 1), PPTP_FIX_T_OK);
		fallthrough;
	case ST_SESSION:
		KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_OCRQ, 700, 0, 0),
				PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_OCRP, 7000, 700, 1),
				PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_SLI, 0, 700, 0), PPTP_FIX_T_OK);
		break;
	case ST_CALL:
		KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_SLI, 0, 512, 0), PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_SLI, 0, 42143, 0),
				PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_CCRQ, 512, 0, 0), PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_CDN, 42143, 0, 1),
				PPTP_FIX_T_OK);
		break;
	case ST_STOPPED:
		/* Stopped stays stopped: nothing hostile revived it. */
		KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_OCRQ, 700, 0, 0),
				PPTP_FIX_T_OUT_OF_STATE);
		break;
	}
}

struct hostile_case {
	const char *name;
	enum stage stage;
	/* Sends the hostile input with seg()/seg_at(..., true). */
	void (*send)(struct kunit *test, struct hctx *h);
	u8 note;		/* walker's note on the first hostile segment */
	u8 error;		/* framing error, PPTP_FIX_FRAME_OK if none */
	int verdict;		/* first message's verdict, or NOTHING reported */
	u8 nmsgs;		/* messages reported from the hostile bytes */
	bool changes;		/* documented to change state (else: byte for byte kept) */
	const char *counter;	/* what /proc/net/nf_pptp_fix counts */
};

/* Helpers for the senders. */
static void one(struct kunit *test, struct hctx *h, u8 dir, u16 type, u16 own, u16 peer,
		u8 result)
{
	u32 len = msg(h->buf, type, own, peer, result);

	seg(test, h, dir, h->buf, len, true);
}

/* A header with Length @length for @type, padded to @total bytes. */
static void header_len(struct kunit *test, struct hctx *h, u8 dir, u16 length, u16 type,
		       u32 total)
{
	memset(h->buf, 0, total);
	mb_header(h->buf, length, type);
	seg(test, h, dir, h->buf, total, true);
}

static void s_len0(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PAC, 0, PPTP_FIX_SLI, 24);
}

static void s_len8(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PAC, 8, PPTP_FIX_SLI, 24);
}

static void s_len11(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PNS, 11, PPTP_FIX_ECHORQ, 16);
}

static void s_below_type(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PAC, 20, PPTP_FIX_SLI, 20);
}

static void s_ocrq_below_type(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PNS, 16, PPTP_FIX_OCRQ, 16);
}

static void s_huge(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PAC, 0xffff, PPTP_FIX_SLI, 24);
}

static void s_1025(struct kunit *t, struct hctx *h)
{
	header_len(t, h, PNS, 1025, PPTP_FIX_ECHORQ, 64);
}

/* Length 1024 (our maximum) on an Echo-Request: a valid, padded message. */
static void s_1024(struct kunit *t, struct hctx *h)
{
	memset(h->buf, 0, 1024);
	mb_header(h->buf, 1024, PPTP_FIX_ECHORQ);
	seg(t, h, PNS, h->buf, 1024, true);
}

/* Length beyond the segment: the rest comes in the next ones. */
static void s_beyond_segment(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	seg(t, h, PAC, h->buf, 13, true);
	seg(t, h, PAC, h->buf + 13, len - 13, true);
}

/* A Length longer than the type, to 1024: the next message is its body. */
static void s_long_swallows(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	pptp_fix_put16(h->buf, 1024);
	memset(h->buf + len, 0, 1024 - len);
	/* A Call-Disconnect-Notify inside the body is not a message. */
	msg(h->buf + 100, PPTP_FIX_CDN, 42143, 0, 1);
	seg(t, h, PAC, h->buf, 1024, true);
}

static void corrupt_at(struct kunit *t, struct hctx *h, unsigned int off, u8 val)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	h->buf[off] = val;
	seg(t, h, PAC, h->buf, len, true);
}

static void s_cookie(struct kunit *t, struct hctx *h)
{
	corrupt_at(t, h, 7, 0x4e);
}

static void s_msgtype2(struct kunit *t, struct hctx *h)
{
	corrupt_at(t, h, 3, 2);
}

static void ctrl_type(struct kunit *t, struct hctx *h, u16 type)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	pptp_fix_put16(h->buf + 8, type);
	seg(t, h, PAC, h->buf, len, true);
}

static void s_ctrl0(struct kunit *t, struct hctx *h)
{
	ctrl_type(t, h, 0);
}

static void s_ctrl16(struct kunit *t, struct hctx *h)
{
	ctrl_type(t, h, 16);
}

static void s_ctrlffff(struct kunit *t, struct hctx *h)
{
	ctrl_type(t, h, 0xffff);
}

static void s_cid0(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRQ, 0, 0, 0);
}

static void s_cidffff(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRQ, 0xffff, 0, 0);
}

static void s_dup_ocrq(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRQ, 512, 0, 0);
}

static void s_ocrp_unknown(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_OCRP, 4000, 999, 1);
}

static void s_icrp_unknown(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_ICRP, 600, 999, 1);
}

static void s_iccn_unknown(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_ICCN, 0, 999, 0);
}

static void s_ccrq_unknown(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_CCRQ, 999, 0, 0);
}

static void s_sli_nocall(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_SLI, 0, 512, 0);
}

static void s_wen_nocall(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_WEN, 0, 512, 0);
}

static void s_cdn_nocall(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_CDN, 42143, 0, 1);
}

static void s_sccrq_again(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_SCCRQ, 0, 0, 0);
}

static void s_ocrq_after_stop(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRQ, 700, 0, 0);
}

static void s_sli_after_stop(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_SLI, 0, 512, 0);
}

static void s_ocrq_before_session(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRQ, 700, 0, 0);
}

static void s_ocrq_from_pac(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_OCRQ, 700, 0, 0);
}

static void s_ocrp_from_pns(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_OCRP, 700, 512, 1);
}

static void s_cdn_from_pns(struct kunit *t, struct hctx *h)
{
	one(t, h, PNS, PPTP_FIX_CDN, 512, 0, 1);
}

/* Seven bytes of garbage between two Set-Link-Infos in one segment. */
static void s_garbage_between(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	memset(h->buf + len, 0x5a, 7);
	len += 7;
	len += msg(h->buf + len, PPTP_FIX_SLI, 0, 512, 0);
	seg(t, h, PAC, h->buf, len, true);
}

/* A segment that ends inside a header, the rest in the next. */
static void s_ends_in_header(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	seg(t, h, PAC, h->buf, 5, true);
	seg(t, h, PAC, h->buf + 5, len - 5, true);
}

/* Every byte its own segment. */
static void s_one_byte_segments(struct kunit *t, struct hctx *h)
{
	u32 i, len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	for (i = 0; i < len; i++)
		seg(t, h, PAC, h->buf + i, 1, true);
}

/*
 * A retransmission of a Set-Link-Info with other bytes: a
 * Call-Disconnect-Notify in its place.  Nothing is read again.
 */
static void s_retrans_different(struct kunit *t, struct hctx *h)
{
	u32 seq = h->seq[PAC], len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	seg(t, h, PAC, h->buf, len, false);
	msg(h->buf, PPTP_FIX_CDN, 42143, 0, 1);
	seg_at(t, h, PAC, seq, h->buf, 16, true);
}

/* Overlapping: the old part differs, the new part is a valid message. */
static void s_overlap_different(struct kunit *t, struct hctx *h)
{
	u32 seq = h->seq[PAC], len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	seg(t, h, PAC, h->buf, len, false);
	memset(h->buf, 0xee, len);
	len += msg(h->buf + len, PPTP_FIX_WEN, 0, 512, 0);
	seg_at(t, h, PAC, seq, h->buf, len, true);
	h->seq[PAC] = seq + len;
}

/* Bytes lost before garbage: ignored until a header starts a segment. */
static void s_gap_garbage(struct kunit *t, struct hctx *h)
{
	memset(h->buf, 0x41, 40);
	h->seq[PAC] += 100;
	seg(t, h, PAC, h->buf, 40, true);
	/* Dropped: the sender's TCP resends from the hole. */
	h->seq[PAC] -= 140;
}

/*
 * Bytes lost before the router, then a segment starting with a whole
 * valid header: not walked either (the helper drops it), so that the
 * missing bytes, resent, are tracked first.
 */
static void s_gap_header(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	h->seq[PAC] += 100;
	seg(t, h, PAC, h->buf, len, true);
	h->seq[PAC] -= 100 + len;
}

/* A ninth call on a connection that allows eight. */
static void s_ninth_call(struct kunit *t, struct hctx *h)
{
	unsigned int i;

	for (i = 1; i < PPTP_FIX_MAX_CALLS; i++)
		KUNIT_ASSERT_EQ(t, legit(t, h, PNS, PPTP_FIX_OCRQ, 1000 + i, 0, 0), PPTP_FIX_T_OK);
	one(t, h, PNS, PPTP_FIX_OCRQ, 2000, 0, 0);
}

/* Echo-Reply nobody asked for: no state, tracked as ok. */
static void s_echo_unasked(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_ECHORP, 0, 0, 1);
}

/* Reserved fields and Result Code set to junk: not validated, not used. */
static void s_reserved_junk(struct kunit *t, struct hctx *h)
{
	u32 len = msg(h->buf, PPTP_FIX_SLI, 0, 512, 0);

	h->buf[10] = 0xff;
	h->buf[11] = 0xff;
	h->buf[14] = 0xff;
	h->buf[15] = 0xff;
	seg(t, h, PAC, h->buf, len, true);
}

/* Stop-Control-Connection-Reply nobody asked for. */
static void s_stopccrp_unasked(struct kunit *t, struct hctx *h)
{
	one(t, h, PAC, PPTP_FIX_STOPCCRP, 0, 0, 1);
}

/* An empty segment (a bare ACK that reached the helper). */
static void s_empty(struct kunit *t, struct hctx *h)
{
	seg(t, h, PAC, h->buf, 0, true);
}

#define OK	PPTP_FIX_FRAME_OK
#define IN	PPTP_FIX_SEG_INORDER
#define V(x)	PPTP_FIX_T_##x
#define F(x)	PPTP_FIX_FRAME_##x

static const struct hostile_case hostile_cases[] = {
	{ "Length 0", ST_CALL, s_len0, IN, F(BAD_LENGTH), NOTHING, 0, false, "lost_bad_length" },
	{ "Length 8 (< 12)", ST_CALL, s_len8, IN, F(BAD_LENGTH), NOTHING, 0, false,
	  "lost_bad_length" },
	{ "Length 11 on an Echo-Request", ST_CALL, s_len11, IN, F(BAD_LENGTH), NOTHING, 0, false,
	  "lost_bad_length" },
	{ "Set-Link-Info with Length 20 (< 24)", ST_CALL, s_below_type, IN, F(SHORT_FOR_TYPE),
	  NOTHING, 0, false, "lost_short_for_type" },
	{ "Outgoing-Call-Request with Length 16 (< 168)", ST_SESSION, s_ocrq_below_type, IN,
	  F(SHORT_FOR_TYPE), NOTHING, 0, false, "lost_short_for_type" },
	{ "Length 0xffff", ST_CALL, s_huge, IN, F(BAD_LENGTH), NOTHING, 0, false,
	  "lost_bad_length" },
	{ "Length 1025 (> 1024)", ST_CALL, s_1025, IN, F(BAD_LENGTH), NOTHING, 0, false,
	  "lost_bad_length" },
	{ "Length 1024 on an Echo-Request", ST_CALL, s_1024, IN, OK, V(OK), 1, false,
	  "msg_echorq_orig" },
	{ "Length beyond the segment", ST_CALL, s_beyond_segment, IN, OK, V(OK), 1, false,
	  "msg_sli_reply" },
	{ "Length 1024 on Set-Link-Info swallows a CDN", ST_CALL, s_long_swallows, IN, OK, V(OK),
	  1, false, "msg_sli_reply" },
	{ "bad Magic Cookie", ST_CALL, s_cookie, IN, F(BAD_COOKIE), NOTHING, 0, false,
	  "lost_bad_cookie" },
	{ "PPTP Message Type 2", ST_CALL, s_msgtype2, IN, F(BAD_MSG_TYPE), NOTHING, 0, false,
	  "lost_bad_msg_type" },
	{ "Control Message Type 0", ST_CALL, s_ctrl0, IN, F(BAD_CTRL_TYPE), NOTHING, 0, false,
	  "lost_bad_ctrl_type" },
	{ "Control Message Type 16", ST_CALL, s_ctrl16, IN, F(BAD_CTRL_TYPE), NOTHING, 0, false,
	  "lost_bad_ctrl_type" },
	{ "Control Message Type 0xffff", ST_CALL, s_ctrlffff, IN, F(BAD_CTRL_TYPE), NOTHING, 0,
	  false, "lost_bad_ctrl_type" },
	{ "Call ID 0 (pptpd's own)", ST_SESSION, s_cid0, IN, OK, V(OK), 1, true,
	  "msg_ocrq_orig" },
	{ "Call ID 0xffff", ST_SESSION, s_cidffff, IN, OK, V(OK), 1, true, "msg_ocrq_orig" },
	{ "duplicate Outgoing-Call-Request", ST_CALL, s_dup_ocrq, IN, OK, V(DUPLICATE), 1, false,
	  "passed_duplicate" },
	{ "Outgoing-Call-Reply for an unknown call", ST_CALL, s_ocrp_unknown, IN, OK,
	  V(UNKNOWN_CALL), 1, false, "passed_unknown_call" },
	{ "Incoming-Call-Reply for an unknown call", ST_CALL, s_icrp_unknown, IN, OK,
	  V(UNKNOWN_CALL), 1, false, "passed_unknown_call" },
	{ "Incoming-Call-Connected for an unknown call", ST_CALL, s_iccn_unknown, IN, OK,
	  V(UNKNOWN_CALL), 1, false, "passed_unknown_call" },
	{ "Call-Clear-Request for an unknown call", ST_CALL, s_ccrq_unknown, IN, OK,
	  V(UNKNOWN_CALL), 1, false, "passed_unknown_call" },
	{ "Set-Link-Info before any call", ST_SESSION, s_sli_nocall, IN, OK, V(UNKNOWN_CALL), 1,
	  false, "passed_unknown_call" },
	{ "WAN-Error-Notify before any call", ST_SESSION, s_wen_nocall, IN, OK, V(UNKNOWN_CALL),
	  1, false, "passed_unknown_call" },
	{ "Call-Disconnect-Notify before any call", ST_SESSION, s_cdn_nocall, IN, OK,
	  V(UNKNOWN_CALL), 1, false, "passed_unknown_call" },
	{ "second Start-Control-Connection-Request", ST_CALL, s_sccrq_again, IN, OK,
	  V(OUT_OF_STATE), 1, false, "passed_out_of_state" },
	{ "Outgoing-Call-Request after Stop", ST_STOPPED, s_ocrq_after_stop, IN, OK,
	  V(OUT_OF_STATE), 1, false, "passed_out_of_state" },
	{ "Set-Link-Info after Stop", ST_STOPPED, s_sli_after_stop, IN, OK, V(OUT_OF_STATE), 1,
	  false, "passed_out_of_state" },
	{ "Outgoing-Call-Request before the session", ST_TCP, s_ocrq_before_session,
	  PPTP_FIX_SEG_START, OK, V(OUT_OF_STATE), 1, false, "passed_out_of_state" },
	{ "Outgoing-Call-Request from the PAC", ST_CALL, s_ocrq_from_pac, IN, OK,
	  V(WRONG_SIDE), 1, false, "passed_wrong_side" },
	{ "Outgoing-Call-Reply from the PNS", ST_CALL, s_ocrp_from_pns, IN, OK, V(WRONG_SIDE),
	  1, false, "passed_wrong_side" },
	{ "Call-Disconnect-Notify from the PNS", ST_CALL, s_cdn_from_pns, IN, OK,
	  V(WRONG_SIDE), 1, false, "passed_wrong_side" },
	{ "garbage between two messages", ST_CALL, s_garbage_between, IN, F(BAD_LENGTH), V(OK),
	  1, false, "lost_bad_length" },
	{ "segment ends inside a header", ST_CALL, s_ends_in_header, IN, OK, V(OK), 1, false,
	  "msg_sli_reply" },
	{ "one-byte segments", ST_CALL, s_one_byte_segments, IN, OK, V(OK), 1, false,
	  "msg_sli_reply" },
	{ "retransmission with different bytes", ST_CALL, s_retrans_different,
	  PPTP_FIX_SEG_RETRANS, OK, NOTHING, 0, false, "seg_retrans" },
	{ "overlapping retransmission, different old bytes", ST_CALL, s_overlap_different,
	  PPTP_FIX_SEG_OVERLAP, OK, V(OK), 1, false, "seg_overlap" },
	{ "gap, then garbage", ST_CALL, s_gap_garbage, PPTP_FIX_SEG_HOLE, OK, NOTHING, 0,
	  false, "seg_hole" },
	{ "gap, then a valid header", ST_CALL, s_gap_header, PPTP_FIX_SEG_HOLE, OK, NOTHING, 0,
	  false, "seg_hole" },
	{ "a ninth call", ST_CALL, s_ninth_call, IN, OK, V(NO_SLOT), 1, true, "passed_no_slot" },
	{ "Echo-Reply nobody asked for", ST_CALL, s_echo_unasked, IN, OK, V(OK), 1, false,
	  "msg_echorp_reply" },
	{ "junk in Reserved fields", ST_CALL, s_reserved_junk, IN, OK, V(OK), 1, false,
	  "msg_sli_reply" },
	{ "Stop-Control-Connection-Reply nobody asked for", ST_CALL, s_stopccrp_unasked, IN, OK,
	  V(OUT_OF_STATE), 1, false, "passed_out_of_state" },
	{ "empty segment", ST_CALL, s_empty, PPTP_FIX_SEG_IGNORED, OK, NOTHING, 0, false,
	  "seg_ignored" },
};

static void hostile_desc(const struct hostile_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s: %s", c->name, c->counter);
}

KUNIT_ARRAY_PARAM(hostile, hostile_cases, hostile_desc);

static void hostile_input(struct kunit *test)
{
	const struct hostile_case *c = test->param_value;
	struct pptp_fix_session before;
	struct hctx *h;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	pptp_fix_session_init(&h->ss, PPTP_FIX_MAX_CALLS);
	h->seq[PNS] = 1000;
	h->seq[PAC] = 0xfffffff0;	/* wraps inside the test */
	to_stage(test, h, c->stage);
	before = h->ss;
	h->note = PPTP_FIX_SEG_NR_NOTES;
	h->verdict = NOTHING;

	c->send(test, h);

	KUNIT_EXPECT_EQ_MSG(test, h->note, c->note, "walker: %s",
			    pptp_fix_seg_note_name(h->note));
	KUNIT_EXPECT_EQ_MSG(test, h->error, c->error, "framing: %s",
			    pptp_fix_frame_result_name(h->error));
	KUNIT_EXPECT_EQ(test, h->verdict, c->verdict);
	KUNIT_EXPECT_EQ(test, h->nmsgs, (unsigned int)c->nmsgs);
	if (!c->changes)
		KUNIT_EXPECT_EQ(test, memcmp(&before, &h->ss, sizeof(before)), 0);
	if (c->stage == ST_CALL || c->stage == ST_STOPPED) {
		/* The legitimate call (if any) is as it was. */
		KUNIT_EXPECT_EQ(test, memcmp(&before.calls[0], &h->ss.calls[0],
					     sizeof(before.calls[0])), 0);
	}
	/* Whatever came, the next legitimate segment starts with a header. */
	carry_on(test, h, c->stage);
}

/*
 * Bounded resources: a PNS sending a thousand Outgoing-Call-Requests on
 * one connection gets max_calls tracked, the rest passed (passed_no_slot),
 * and the session's memory is the fixed struct.  Refusing one call frees
 * its slot for the next.
 */
static void ocrq_flood(struct kunit *test)
{
	struct hctx *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	unsigned int i, ok = 0, no_slot = 0, used = 0;

	KUNIT_ASSERT_NOT_NULL(test, h);
	pptp_fix_session_init(&h->ss, 4);
	to_stage(test, h, ST_SESSION);
	for (i = 0; i < 1000; i++) {
		enum pptp_fix_tverdict v = legit(test, h, PNS, PPTP_FIX_OCRQ, 3000 + i, 0, 0);

		ok += v == PPTP_FIX_T_OK;
		no_slot += v == PPTP_FIX_T_NO_SLOT;
	}
	KUNIT_EXPECT_EQ(test, ok, 4U);
	KUNIT_EXPECT_EQ(test, no_slot, 996U);
	for (i = 0; i < PPTP_FIX_MAX_CALLS; i++)
		used += h->ss.calls[i].state != PPTP_FIX_CALL_FREE;
	KUNIT_EXPECT_EQ(test, used, 4U);
	/* The PAC refuses the first: its slot takes the next request. */
	KUNIT_EXPECT_EQ(test, legit(test, h, PAC, PPTP_FIX_OCRP, 9000, 3000, 7), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_OCRQ, 5000, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, legit(test, h, PNS, PPTP_FIX_OCRQ, 5001, 0, 0), PPTP_FIX_T_NO_SLOT);
}

static struct kunit_case hostile_test_cases[] = {
	KUNIT_CASE_PARAM(hostile_input, hostile_gen_params),
	KUNIT_CASE(ocrq_flood),
	{}
};

static struct kunit_suite hostile_test_suite = {
	.name = "pptp_fix_hostile",
	.test_cases = hostile_test_cases,
};

kunit_test_suite(hostile_test_suite);
