// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "pptp_fix_conn": the per-connection engine (pptp_conn.c),
 * the very sequencing the module runs per segment, driven through the
 * test host of tests/model/engine_host.h.  Each case is a behaviour the
 * README promises or a defect found before (issue 11), then the TCP
 * model's property test over many random conversations.
 */
#include <kunit/test.h>
#include <linux/vmalloc.h>

#include "../model/tcp_model.h"

#define PNS	0
#define PAC	1

struct conn {
	struct eh_host h;
	u32 seq[2];
	u8 buf[MB_MAX * 4];
};

static struct conn *conn_new(struct kunit *test, unsigned int max_calls, u8 nat_dir, u32 jr_max)
{
	struct conn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	eh_init(&c->h, max_calls, nat_dir, jr_max);
	c->seq[PNS] = 1000;
	c->seq[PAC] = 0xffffff00;	/* wraps during the case */
	return c;
}

/* A segment at the direction's next position; advances it if it passed. */
static bool send(struct conn *c, u8 dir, u8 *data, u32 len)
{
	bool ok = eh_segment(&c->h, dir, c->seq[dir], data, len);

	if (ok)
		c->seq[dir] += len;
	return ok;
}

static bool send1(struct conn *c, u8 dir, u16 type, u16 own, u16 peer)
{
	return send(c, dir, c->buf, mb_build(c->buf, type, own, peer, 1));
}

static void session(struct kunit *test, struct conn *c)
{
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_SCCRQ, 0, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_SCCRP, 0, 0));
}

/*
 * The seed's call up, its PNS's 512 translated to 6690 (as if another
 * client held 512): both bytes differ.
 */
static void seed_call(struct kunit *test, struct conn *c)
{
	eh_remap(&c->h, 512, 6690);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 42143, 6690));
}

static void end(struct kunit *test, struct conn *c)
{
	eh_end(&c->h);
	KUNIT_EXPECT_NULL(test, c->h.err);
}

/*
 * Issue 11's load: a server writes Set-Link-Info back to back to a client
 * whose Call ID is translated, and TCP packs thousands into one segment.
 * Every one arrives with the client's own ID, and the counters say what
 * was written.
 */
static void conn_flood_one_segment(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	const unsigned int n = 3000;
	u8 *seg = kunit_kzalloc(test, n * 24, GFP_KERNEL);
	unsigned int i, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	eh_remap(&c->h, 512, 6690);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 6690);
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 42143, 6690));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 14), 512);
	for (i = 0; i < n; i++)
		mb_build(seg + 24 * i, PPTP_FIX_SLI, 0, 6690, 0);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, seg, n * 24));
	for (i = 0; i < n; i++)
		bad += pptp_fix_get16(seg + 24 * i + 12) != 512;
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_MSG_RW(PPTP_FIX_SLI, PAC)], (u64)n);
	/* OCRQ, OCRP and each SLI: one field, both bytes. */
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_FIELDS], (u64)n + 2);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_BYTES], 2 * ((u64)n + 2));
	end(test, c);
}

/*
 * One end's side of a call as one stream: the seed's from the PAC and
 * from the PNS (PNS behind masquerade, outgoing call), an incoming call's
 * from the PNS (its Incoming-Call-Reply gives the translated ID), and a
 * PAC behind a port forward (its Outgoing-Call-Reply gives it).
 */
enum split_kind { SPLIT_PAC, SPLIT_PNS, SPLIT_PNS_INCOMING, SPLIT_PAC_FORWARDED };

struct split_case {
	const char *name;
	enum split_kind kind;
	u16 nat;
};

static const struct split_case split_cases[] = {
	{ "PAC to PNS, both bytes translated (the seed's 6690)", SPLIT_PAC, 6690 },
	{ "PNS to PAC, high byte kept", SPLIT_PNS, 0x0280 },
	{ "PNS to PAC, incoming call, high byte kept", SPLIT_PNS_INCOMING, 0x0280 },
	{ "forwarded PAC to PNS, high byte kept", SPLIT_PAC_FORWARDED, 0xa480 },
};

static void split_desc(const struct split_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(split, split_cases, split_desc);

static u32 add(u8 *in, u8 *want, u32 len, u16 type, u16 own, u16 peer, u16 own_w, u16 peer_w)
{
	mb_build(want + len, type, own_w, peer_w, 1);
	return len + mb_build(in + len, type, own, peer, 1);
}

/* The stream of case @p into @in, and what the receiver must get. */
static u32 split_stream(const struct split_case *p, u8 *in, u8 *want)
{
	u16 t = p->nat;
	u32 len = 0;

	switch (p->kind) {
	case SPLIT_PAC:
		len = add(in, want, len, PPTP_FIX_OCRP, 42143, t, 42143, 512);
		len = add(in, want, len, PPTP_FIX_SLI, 0, t, 0, 512);
		len = add(in, want, len, PPTP_FIX_ECHORQ, 0, 0, 0, 0);
		len = add(in, want, len, PPTP_FIX_WEN, 0, t, 0, 512);
		len = add(in, want, len, PPTP_FIX_SLI, 0, t, 0, 512);
		/* A server sending the PNS's ID in Call-Disconnect-Notify. */
		len = add(in, want, len, PPTP_FIX_CDN, t, 0, 512, 0);
		break;
	case SPLIT_PNS:
		len = add(in, want, len, PPTP_FIX_OCRQ, 512, 0, t, 0);
		len = add(in, want, len, PPTP_FIX_SLI, 0, 42143, 0, 42143);
		len = add(in, want, len, PPTP_FIX_CCRQ, 512, 0, t, 0);
		break;
	case SPLIT_PNS_INCOMING:
		/* Cut between its Call ID and its Result Code too (issue 11). */
		len = add(in, want, len, PPTP_FIX_ICRP, 512, 42143, t, 42143);
		len = add(in, want, len, PPTP_FIX_SLI, 0, 42143, 0, 42143);
		len = add(in, want, len, PPTP_FIX_CCRQ, 512, 0, t, 0);
		break;
	case SPLIT_PAC_FORWARDED:
		len = add(in, want, len, PPTP_FIX_OCRP, 42143, 512, t, 512);
		len = add(in, want, len, PPTP_FIX_SLI, 0, 512, 0, 512);
		len = add(in, want, len, PPTP_FIX_WEN, 0, 512, 0, 512);
		len = add(in, want, len, PPTP_FIX_CDN, 42143, 0, t, 0);
		break;
	}
	return len;
}

/*
 * Every cut of the stream into two segments, and the first segment
 * retransmitted after the second: the receiver gets the translation.
 */
static void conn_every_split(struct kunit *test)
{
	const struct split_case *p = test->param_value;
	bool fwd = p->kind == SPLIT_PAC_FORWARDED;
	u8 dir = p->kind == SPLIT_PAC || fwd ? PAC : PNS;
	u8 *in = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u32 len, k;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, out);
	len = split_stream(p, in, want);
	for (k = 1; k < len; k++) {
		struct conn *c = conn_new(test, 8, fwd ? PAC : PNS, 16384);
		u32 at;

		eh_remap(&c->h, fwd ? 42143 : 512, p->nat);
		session(test, c);
		if (p->kind == SPLIT_PAC || fwd)
			KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
		if (p->kind == SPLIT_PNS_INCOMING)
			KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_ICRQ, 42143, 0));
		at = c->seq[dir];
		memcpy(out, in, len);
		KUNIT_ASSERT_TRUE(test, send(c, dir, out, k));
		KUNIT_ASSERT_TRUE(test, send(c, dir, out + k, len - k));
		KUNIT_EXPECT_EQ_MSG(test, memcmp(out, want, len), 0, "split at %u", k);
		/* The first segment again, with the sender's bytes. */
		memcpy(out, in, k);
		KUNIT_EXPECT_TRUE(test, eh_segment(&c->h, dir, at, out, k));
		KUNIT_EXPECT_EQ_MSG(test, memcmp(out, want, k), 0, "retransmission, split at %u",
				    k);
		KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);
		KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_STRADDLE_UNDONE], 0ULL);
		/* Made early exactly when the reply is cut between 14 and 16. */
		if (p->kind == SPLIT_PNS_INCOMING || fwd)
			KUNIT_EXPECT_EQ_MSG(test, c->h.cnt[PPTP_FIX_S_NAT_EARLY],
					    k >= 14 && k <= 16 ? 1ULL : 0ULL, "split at %u", k);
		end(test, c);
		kunit_kfree(test, c);
	}
}

/*
 * Issue 11, loss before the router: the Outgoing-Call-Reply is lost
 * upstream and the Set-Link-Info behind it arrives first.  It is dropped
 * (seg_hole), so that TCP resends both in order: the call goes up and the
 * Set-Link-Info is translated.
 */
static void conn_hole_ocrp_lost(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	u8 ocrp[32], sli[24];

	eh_remap(&c->h, 512, 6690);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	mb_build(ocrp, PPTP_FIX_OCRP, 42143, 6690, 1);
	mb_build(sli, PPTP_FIX_SLI, 0, 6690, 0);
	KUNIT_EXPECT_FALSE(test, eh_segment(&c->h, PAC, c->seq[PAC] + 32, sli, 24));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_SEG(PPTP_FIX_SEG_HOLE)], 1ULL);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(sli + 12), 6690);
	KUNIT_EXPECT_EQ(test, c->h.ups, 0U);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, ocrp, 32));
	KUNIT_ASSERT_TRUE(test, send(c, PAC, sli, 24));
	KUNIT_EXPECT_EQ(test, c->h.ups, 1U);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(sli + 12), 512);
	end(test, c);
}

/*
 * A Set-Link-Info split 12/12 whose first half is lost upstream: the
 * second half (holding the Peer's Call ID) does not leave untranslated.
 */
static void conn_hole_split_sli(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	u8 sli[24];

	seed_call(test, c);
	mb_build(sli, PPTP_FIX_SLI, 0, 6690, 0);
	KUNIT_EXPECT_FALSE(test, eh_segment(&c->h, PAC, c->seq[PAC] + 12, sli + 12, 12));
	KUNIT_ASSERT_TRUE(test, send(c, PAC, sli, 12));
	KUNIT_ASSERT_TRUE(test, send(c, PAC, sli + 12, 12));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(sli + 12), 512);
	end(test, c);
}

/*
 * Issue 11: a slot reused before its Call-Disconnect-Notify (max_calls=1,
 * a redial before the CDN) gets a mapping of its own: the old one is
 * released, the new call's ID checked and translated.
 */
static void conn_slot_reuse(struct kunit *test)
{
	struct conn *c = conn_new(test, 1, PNS, 16384);

	eh_remap(&c->h, 512, 0x0280);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 100, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 7, 100));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_CCRQ, 100, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 0x0280);
	KUNIT_EXPECT_EQ(test, c->h.releases, 1U);
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 8, 0x0280));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 14), 512);
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 0x0280));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 512);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);
	KUNIT_EXPECT_EQ(test, c->h.ups, 2U);
	end(test, c);
}

/*
 * Issue 11: call 1 is PNS 100 -> 6 / PAC 7, call 2 is PNS 200 -> 7 /
 * PAC 9.  An RFC-style Call-Disconnect-Notify with Call ID 7 (call 1's
 * PAC) is left alone and ends call 1, not call 2.
 */
static void conn_cdn_two_calls(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);

	eh_remap(&c->h, 100, 6);
	eh_remap(&c->h, 200, 7);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 100, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 7, 6));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 200, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 9, 7));
	KUNIT_EXPECT_EQ(test, c->h.ups, 2U);
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_CDN, 7, 0));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 7);
	KUNIT_EXPECT_EQ(test, c->h.downs, 1U);
	KUNIT_EXPECT_EQ(test, c->h.e.ss.calls[0].state, (u8)PPTP_FIX_CALL_FREE);
	KUNIT_EXPECT_EQ(test, c->h.e.ss.calls[1].state, (u8)PPTP_FIX_CALL_OUT_CONF);
	/* Call 2 still translates. */
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 7));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 200);
	end(test, c);
}

/*
 * A retransmission that changes a byte we rewrote is dropped whole; one
 * with the sender's bytes gets ours again, with new boundaries too.
 */
static void conn_retrans(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	u8 seg[48], again[32];
	u32 at;

	seed_call(test, c);
	mb_build(seg, PPTP_FIX_SLI, 0, 6690, 0);
	mb_build(seg + 24, PPTP_FIX_SLI, 0, 6690, 0);
	at = c->seq[PAC];
	KUNIT_ASSERT_TRUE(test, send(c, PAC, seg, 48));
	/* Bytes 6..37 again: the first SLI's ID and the second's. */
	mb_build(seg, PPTP_FIX_SLI, 0, 6690, 0);
	mb_build(seg + 24, PPTP_FIX_SLI, 0, 6690, 0);
	memcpy(again, seg + 6, 32);
	KUNIT_EXPECT_TRUE(test, eh_segment(&c->h, PAC, at + 6, again, 32));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(again + 6), 512);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(again + 30), 512);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_RETRANS_REWRITTEN], 4ULL);
	memcpy(again, seg + 6, 32);
	again[7] = 0x99;
	KUNIT_EXPECT_FALSE(test, eh_segment(&c->h, PAC, at + 6, again, 32));
	KUNIT_EXPECT_EQ(test, again[6], 6690 >> 8);	/* dropped: nothing written */
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_RETRANS_CHANGED], 1ULL);
	/* Acknowledged bytes are forgotten. */
	pptp_fix_engine_ack(&c->h.e, PNS, at + 48);
	KUNIT_EXPECT_EQ(test, c->h.e.jr[PAC].n, 0U);
	end(test, c);
}

/*
 * The journal's bound: new bytes are dropped while a direction holds
 * jr_max unacknowledged rewrites, retransmissions still pass, and an ACK
 * frees the room.  Without memory, the segment drops before anything
 * changes.
 */
static void conn_journal_full(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 8);
	u8 *seg = kunit_kzalloc(test, 24 * 40, GFP_KERNEL);
	unsigned int i;
	u32 at;

	KUNIT_ASSERT_NOT_NULL(test, seg);
	seed_call(test, c);
	for (i = 0; i < 40; i++)
		mb_build(seg + 24 * i, PPTP_FIX_SLI, 0, 6690, 0);
	pptp_fix_engine_ack(&c->h.e, PNS, c->seq[PAC]);
	at = c->seq[PAC];
	KUNIT_ASSERT_TRUE(test, send(c, PAC, seg, 24 * 10));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg + 24 * 9 + 12), 512);
	KUNIT_EXPECT_FALSE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 6690));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_JOURNAL_FULL], 1ULL);
	for (i = 0; i < 10; i++)
		mb_build(seg + 24 * i, PPTP_FIX_SLI, 0, 6690, 0);
	KUNIT_EXPECT_TRUE(test, eh_segment(&c->h, PAC, at, seg, 24 * 10));
	pptp_fix_engine_ack(&c->h.e, PNS, c->seq[PAC]);
	KUNIT_EXPECT_EQ(test, c->h.e.jr[PAC].n, 0U);
	c->h.fail_grow = true;
	KUNIT_EXPECT_TRUE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 6690));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 512);
	/* More room than the journal has, and no memory: dropped untouched. */
	for (i = 0; i < 40; i++)
		mb_build(seg + 24 * i, PPTP_FIX_SLI, 0, 6690, 0);
	pptp_fix_engine_ack(&c->h.e, PNS, c->seq[PAC]);
	KUNIT_EXPECT_FALSE(test, send(c, PAC, seg, 24 * 40));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg + 12), 6690);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_ALLOC_FAILED], 1ULL);
	c->h.fail_grow = false;
	KUNIT_EXPECT_TRUE(test, send(c, PAC, seg, 24 * 40));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg + 24 * 39 + 12), 512);
	end(test, c);
}

/*
 * Bytes that reached the receiver without passing the helper (a packet
 * conntrack found invalid, passed by the ruleset) are never resent: an
 * ACK of them gives the direction's framing up (acked_unseen) instead of
 * dropping its segments for good, and the next valid header resyncs.
 */
static void conn_acked_unseen(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	u8 sli[24];

	seed_call(test, c);
	/* 24 bytes went past us; the FIN's one alone changes nothing. */
	KUNIT_EXPECT_FALSE(test, pptp_fix_engine_ack(&c->h.e, PNS, c->seq[PAC] + 1));
	KUNIT_EXPECT_TRUE(test, pptp_fix_engine_ack(&c->h.e, PNS, c->seq[PAC] + 24));
	KUNIT_EXPECT_EQ(test, c->h.e.stream[PAC].state, (u8)PPTP_FIX_STREAM_LOST);
	c->seq[PAC] += 24;
	mb_build(sli, PPTP_FIX_SLI, 0, 6690, 0);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, sli, 24));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_SEG(PPTP_FIX_SEG_RESYNC)], 1ULL);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(sli + 12), 512);
	end(test, c);
}

/*
 * No free Call ID: the call is asked for once, not on every message
 * (each try probes up to 65,536 IDs in the module), and its fields are
 * counted as nat_unknown.  A refused reply from a translated PAC names no
 * call and is not counted.
 */
static void conn_exhausted_and_refused(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PNS, 16384);
	unsigned int i;

	c->h.exhausted = true;
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 42143, 512));
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 512));
	KUNIT_EXPECT_EQ(test, c->h.map_calls, 1U);
	KUNIT_EXPECT_EQ(test, c->h.maps, 0U);
	KUNIT_EXPECT_EQ(test, c->h.e.maps[0].failed, (u8)1);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 12ULL);
	end(test, c);

	/* A PAC behind a port forward refuses the call. */
	c = conn_new(test, 8, PAC, 16384);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf,
				     mb_build(c->buf, PPTP_FIX_OCRP, 7, 512, 2)));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);
	KUNIT_EXPECT_EQ(test, c->h.maps, c->h.releases);
	end(test, c);
}

/*
 * A forwarded PAC's Outgoing-Call-Reply cut after its Call ID: the
 * mapping is made before the Result Code is known.  A refusal then
 * frees it; a reply that answers nothing leaves it, and the real reply,
 * with another ID, replaces it.
 */
static void conn_early_map(struct kunit *test)
{
	struct conn *c = conn_new(test, 8, PAC, 16384);
	u32 len;

	eh_remap(&c->h, 7, 6690);
	eh_remap(&c->h, 8, 6691);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	len = mb_build(c->buf, PPTP_FIX_OCRP, 7, 512, 2);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf, 15));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 6690);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_EARLY], 1ULL);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf + 15, len - 15));
	KUNIT_EXPECT_EQ(test, c->h.maps, 1U);
	KUNIT_EXPECT_EQ(test, c->h.releases, 1U);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);

	/* Cut at 14, then a Peer's Call ID no call has: answers nothing. */
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 513, 0));
	len = mb_build(c->buf, PPTP_FIX_OCRP, 7, 999, 1);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf, 14));
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf + 14, len - 14));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_EARLY], 2ULL);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_VERDICT(PPTP_FIX_T_UNKNOWN_CALL)], 1ULL);
	KUNIT_EXPECT_EQ(test, c->h.ups, 0U);
	/* The call's own reply, whole, with another ID. */
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_OCRP, 8, 513));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 6691);
	KUNIT_EXPECT_EQ(test, c->h.ups, 1U);
	KUNIT_EXPECT_EQ(test, c->h.maps - c->h.releases, 1U);
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_SLI, 0, 513));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_SLI, 0, 6691));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 8);

	/* Two calls waiting and no Peer's Call ID byte yet: no guess. */
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 514, 0));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 515, 0));
	len = mb_build(c->buf, PPTP_FIX_OCRP, 9, 514, 1);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf, 14));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_EARLY], 2ULL);
	/* Its Peer's Call ID tells them apart. */
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf + 14, 2));
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_EARLY], 3ULL);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf + 16, len - 16));
	KUNIT_EXPECT_EQ(test, c->h.ups, 2U);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);
	end(test, c);

	/*
	 * The PNS clears before the cut reply is whole: the PAC's ID is
	 * never learned, and the early mapping stays for its CDN (found
	 * in review: it was replaced by a mapping of ID 0).
	 */
	c = conn_new(test, 8, PAC, 16384);
	eh_remap(&c->h, 7, 6690);
	session(test, c);
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_OCRQ, 512, 0));
	len = mb_build(c->buf, PPTP_FIX_OCRP, 7, 512, 1);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf, 15));
	KUNIT_ASSERT_TRUE(test, send1(c, PNS, PPTP_FIX_CCRQ, 512, 0));
	len = mb_build(c->buf, PPTP_FIX_OCRP, 7, 512, 1);
	KUNIT_ASSERT_TRUE(test, send(c, PAC, c->buf + 15, len - 15));
	KUNIT_ASSERT_TRUE(test, send1(c, PAC, PPTP_FIX_CDN, 7, 0));
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(c->buf + 12), 6690);
	KUNIT_EXPECT_EQ(test, c->h.map_calls, 1U);
	KUNIT_EXPECT_EQ(test, c->h.cnt[PPTP_FIX_S_NAT_UNKNOWN], 0ULL);
	end(test, c);
}

/* The journal by itself: order, lookup across the wrap, trim, apply. */
static void conn_journal(struct kunit *test)
{
	struct pptp_fix_jentry e[4];
	struct pptp_fix_journal j = { .e = e, .cap = 4 };
	u8 seg[8] = { 0x1a, 0x22, 0, 0x1a, 0x22, 0, 0x1a, 0x22 };

	KUNIT_EXPECT_TRUE(test, pptp_fix_journal_put(&j, 0xfffffffe, 6690, 512));
	KUNIT_EXPECT_TRUE(test, pptp_fix_journal_put(&j, 4, 6690, 512));
	/* Out of order (a guess replaced): kept sorted. */
	KUNIT_EXPECT_TRUE(test, pptp_fix_journal_put(&j, 1, 6690, 513));
	KUNIT_EXPECT_EQ(test, e[1].seq, 1U);
	KUNIT_EXPECT_TRUE(test, pptp_fix_journal_put(&j, 1, 6690, 512));
	KUNIT_EXPECT_EQ(test, j.n, 3U);
	KUNIT_EXPECT_NOT_NULL(test, pptp_fix_journal_find(&j, 4));
	KUNIT_EXPECT_NULL(test, pptp_fix_journal_find(&j, 5));
	/* Segment [0xfffffffe, +8): fields at 0, 3 and 6 of it. */
	KUNIT_EXPECT_EQ(test, pptp_fix_journal_apply(&j, 0xfffffffe, seg, 8, false), 6);
	seg[1] = 0x77;
	KUNIT_EXPECT_EQ(test, pptp_fix_journal_apply(&j, 0xfffffffe, seg, 8, false), -1);
	seg[1] = 0x22;
	KUNIT_EXPECT_EQ(test, pptp_fix_journal_apply(&j, 0xfffffffe, seg, 8, true), 6);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg), 512);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg + 3), 512);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(seg + 6), 512);
	/* Already ours: nothing to write. */
	KUNIT_EXPECT_EQ(test, pptp_fix_journal_apply(&j, 0xfffffffe, seg, 8, true), 0);
	/* Bytes before 3 acknowledged: the first two fields go. */
	pptp_fix_journal_trim(&j, 3);
	KUNIT_EXPECT_EQ(test, j.n - j.head, 1U);
	pptp_fix_journal_compact(&j);
	KUNIT_EXPECT_EQ(test, e[0].seq, 4U);
	pptp_fix_journal_del(&j, 4);
	KUNIT_EXPECT_EQ(test, j.n, 0U);
}

/*
 * The property test: random conversations needing translation through a
 * lossy, reordering, duplicating, retransmitting TCP (tests/model/).
 * The fuzzer runs the same model from its inputs.
 */
static void conn_tcp_model(struct kunit *test)
{
	struct tcp_model *t = vzalloc(sizeof(*t));
	unsigned int seed, bad = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (seed = 0; seed < 300; seed++) {
		const char *err;

		memset(t, 0, sizeof(*t));
		tm_init(t, seed);
		err = tm_run(t);
		if (err && !bad++)
			KUNIT_FAIL(test, "seed %u: %s", seed, err);
		cond_resched();
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	vfree(t);
}

static struct kunit_case conn_test_cases[] = {
	KUNIT_CASE(conn_flood_one_segment),
	KUNIT_CASE_PARAM(conn_every_split, split_gen_params),
	KUNIT_CASE(conn_hole_ocrp_lost),
	KUNIT_CASE(conn_hole_split_sli),
	KUNIT_CASE(conn_slot_reuse),
	KUNIT_CASE(conn_cdn_two_calls),
	KUNIT_CASE(conn_retrans),
	KUNIT_CASE(conn_journal_full),
	KUNIT_CASE(conn_acked_unseen),
	KUNIT_CASE(conn_exhausted_and_refused),
	KUNIT_CASE(conn_early_map),
	KUNIT_CASE(conn_journal),
	KUNIT_CASE(conn_tcp_model),
	{}
};

static struct kunit_suite conn_test_suite = {
	.name = "pptp_fix_conn",
	.test_cases = conn_test_cases,
};

kunit_test_suite(conn_test_suite);
