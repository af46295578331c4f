// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the skb glue of nf_conntrack_pptp_fix: the payload the
 * helper hands the engine (pptp_fix_skb_payload()), from real skbs,
 * linear and paged, with the payload at an offset, is the whole segment
 * in one piece, writable without touching a clone when asked, and a walk
 * over it finds every message.
 */
#include <kunit/test.h>
#include <linux/skbuff.h>
#include <linux/mm.h>

#include "nf_conntrack_pptp_fix.h"
#include "msg_builder.h"

#define HDR 40		/* stands for the IP and TCP headers before the payload */

struct found {
	unsigned int n;
	u16 type[8];
	u32 seq[8];
};

static void on_msg(void *ctx, const struct pptp_fix_msg *m)
{
	struct found *f = ctx;

	if (f->n < ARRAY_SIZE(f->type)) {
		f->type[f->n] = m->ctrl_type;
		f->seq[f->n] = m->seq;
	}
	f->n++;
}

/* The helper's way: the payload in one piece, then the engine's walk. */
static void walk_skb(struct kunit *test, struct sk_buff *skb, u32 seq, bool writable,
		     struct pptp_fix_stream *s, struct pptp_fix_walk *w, struct found *f)
{
	struct pptp_fix_msg m;
	u8 *data = pptp_fix_skb_payload(skb, HDR, writable);

	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_EXPECT_GE(test, skb_headlen(skb), skb->len);
	pptp_fix_walk_begin(w, s, seq, data, skb->len - HDR);
	while (pptp_fix_walk_next(w, &m))
		on_msg(f, &m);
}

/* SCCRQ + OCRQ + SLI: 348 bytes, more than one 256-byte chunk. */
static u32 payload(u8 *buf)
{
	u32 len = 0;

	len += mb_build(buf + len, PPTP_FIX_SCCRQ, 0, 0, 0);
	len += mb_build(buf + len, PPTP_FIX_OCRQ, 512, 0, 0);
	len += mb_build(buf + len, PPTP_FIX_SLI, 0, 42143, 0);
	return len;
}

/* An skb with HDR header bytes, then the payload; @linear bytes of the
 * payload in the linear area, the rest in a page fragment.
 */
static struct sk_buff *make_skb(struct kunit *test, const u8 *pl, u32 len, u32 linear)
{
	struct sk_buff *skb = alloc_skb(HDR + linear, GFP_KERNEL);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	memset(skb_put(skb, HDR), 0xee, HDR);
	skb_put_data(skb, pl, linear);
	if (linear < len) {
		page = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), pl + linear, len - linear);
		skb_add_rx_frag(skb, 0, page, 0, len - linear, PAGE_SIZE);
	}
	return skb;
}

static void check_walk(struct kunit *test, u32 linear)
{
	u8 *pl = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct pptp_fix_stream s = {};
	struct pptp_fix_walk w;
	struct found f = {};
	struct sk_buff *skb;
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, pl);
	len = payload(pl);
	skb = make_skb(test, pl, len, min(linear, len));
	KUNIT_EXPECT_EQ(test, skb->len, HDR + len);
	walk_skb(test, skb, 1000, linear & 1, &s, &w, &f);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + HDR, pl, len), 0);
	KUNIT_EXPECT_EQ_MSG(test, f.n, 3U, "linear part %u", linear);
	KUNIT_EXPECT_EQ(test, f.type[0], (u16)PPTP_FIX_SCCRQ);
	KUNIT_EXPECT_EQ(test, f.type[1], (u16)PPTP_FIX_OCRQ);
	KUNIT_EXPECT_EQ(test, f.type[2], (u16)PPTP_FIX_SLI);
	KUNIT_EXPECT_EQ(test, f.seq[2], 1000U + 156 + 168);
	KUNIT_EXPECT_EQ(test, s.next_seq, 1000U + len);
	KUNIT_EXPECT_EQ(test, w.note, (u8)PPTP_FIX_SEG_START);
	kfree_skb(skb);
}

static void skb_linear(struct kunit *test)
{
	check_walk(test, 1024);
}

/* The linear/paged boundary at every offset of the first 40 bytes and
 * around each message boundary.
 */
static void skb_paged_every_split(struct kunit *test)
{
	static const u32 around[] = { 150, 155, 156, 157, 168, 320, 324, 330, 347 };
	unsigned int i;
	u32 k;

	for (k = 0; k < 40; k++)
		check_walk(test, k);
	for (i = 0; i < ARRAY_SIZE(around); i++)
		check_walk(test, around[i]);
}

/* The same segment twice through the skb walk: the second finds nothing. */
static void skb_retransmission(struct kunit *test)
{
	u8 *pl = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct pptp_fix_stream s = {};
	struct pptp_fix_walk w;
	struct found f = {};
	struct sk_buff *skb;
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, pl);
	len = payload(pl);
	skb = make_skb(test, pl, len, 100);
	walk_skb(test, skb, 7, false, &s, &w, &f);
	walk_skb(test, skb, 7, true, &s, &w, &f);
	KUNIT_EXPECT_EQ(test, f.n, 3U);
	KUNIT_EXPECT_EQ(test, w.note, (u8)PPTP_FIX_SEG_RETRANS);
	kfree_skb(skb);
}

/* A payload cut short mid-header: nothing read past the skb, state kept. */
static void skb_short_payload(struct kunit *test)
{
	u8 *pl = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct pptp_fix_stream s = {};
	struct pptp_fix_walk w;
	struct found f = {};
	struct sk_buff *skb;

	KUNIT_ASSERT_NOT_NULL(test, pl);
	payload(pl);
	skb = make_skb(test, pl, 7, 3);
	walk_skb(test, skb, 1, false, &s, &w, &f);
	KUNIT_EXPECT_EQ(test, f.n, 0U);
	KUNIT_EXPECT_EQ(test, s.got, 7);
	KUNIT_EXPECT_EQ(test, s.state, (u8)PPTP_FIX_STREAM_SYNC);
	kfree_skb(skb);
}

/* Written in place, a clone of the skb keeps its bytes. */
static void skb_writable_clone(struct kunit *test)
{
	u8 *pl = kunit_kzalloc(test, 512, GFP_KERNEL);
	struct sk_buff *skb, *clone;
	const u8 *p;
	u8 *data, b;
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, pl);
	len = payload(pl);
	skb = make_skb(test, pl, len, 100);
	clone = skb_clone(skb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, clone);
	data = pptp_fix_skb_payload(clone, HDR, true);
	KUNIT_ASSERT_NOT_NULL(test, data);
	data[156 + 12] ^= 0xff;
	p = skb_header_pointer(skb, HDR + 156 + 12, 1, &b);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, *p, pl[156 + 12]);
	kfree_skb(clone);
	kfree_skb(skb);
}

static struct kunit_case skb_test_cases[] = {
	KUNIT_CASE(skb_linear),
	KUNIT_CASE(skb_paged_every_split),
	KUNIT_CASE(skb_retransmission),
	KUNIT_CASE(skb_short_payload),
	KUNIT_CASE(skb_writable_clone),
	{}
};

static struct kunit_suite skb_test_suite = {
	.name = "pptp_fix_skb",
	.test_cases = skb_test_cases,
};

kunit_test_suite(skb_test_suite);
