// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the Call ID translation planner (pptp_nat.c): every row
 * of the rewrite table for a PNS behind masquerade and for a PAC behind a
 * port forward, Call-Disconnect-Notify in both styles, unknown and kept
 * IDs, and the choice of translated IDs.
 */
#include <kunit/test.h>

#include "pptp_fix_nat.h"
#include "pptp_fix_stream.h"
#include "msg_builder.h"

#define NONE 0xffffffff

struct plan_case {
	const char *name;
	u16 type;
	enum pptp_fix_nat_dir dir;
	u16 own, peer;			/* the fields as they arrive at the router */
	u32 want12, want14;		/* new value at 12 / 14, NONE = untouched */
	unsigned int unknown;
};

/*
 * PNS behind masquerade: its Call ID 512 is 6690 outside; the PAC's is
 * 42143 (the seed's IDs, with the TCP source port the kernel's helper
 * would have used as the translated ID).
 */
static const struct pptp_fix_nat_map pns_maps[] = {
	{ .orig = 512, .nat = 6690, .far = 42143, .far_known = 1, .used = 1 },
};

static const struct plan_case pns_cases[] = {
	{ "OCRQ out", PPTP_FIX_OCRQ, PPTP_FIX_NAT_OUT, 512, 0, 6690, NONE },
	{ "ICRP out", PPTP_FIX_ICRP, PPTP_FIX_NAT_OUT, 512, 42143, 6690, NONE },
	{ "CCRQ out", PPTP_FIX_CCRQ, PPTP_FIX_NAT_OUT, 512, 0, 6690, NONE },
	{ "SLI out (names the PAC)", PPTP_FIX_SLI, PPTP_FIX_NAT_OUT, 0, 42143, NONE, NONE },
	{ "OCRP in", PPTP_FIX_OCRP, PPTP_FIX_NAT_IN, 42143, 6690, NONE, 512 },
	{ "ICRQ in (names the PAC)", PPTP_FIX_ICRQ, PPTP_FIX_NAT_IN, 42143, 0, NONE, NONE },
	{ "ICCN in", PPTP_FIX_ICCN, PPTP_FIX_NAT_IN, 0, 6690, 512, NONE },
	{ "WEN in", PPTP_FIX_WEN, PPTP_FIX_NAT_IN, 0, 6690, 512, NONE },
	{ "SLI in (the seed's frame 818)", PPTP_FIX_SLI, PPTP_FIX_NAT_IN, 0, 6690, 512, NONE },
	{ "CDN in, RFC style", PPTP_FIX_CDN, PPTP_FIX_NAT_IN, 42143, 0, NONE, NONE },
	{ "CDN in, PNS style", PPTP_FIX_CDN, PPTP_FIX_NAT_IN, 6690, 0, 512, NONE },
	{ "SLI in, unknown ID", PPTP_FIX_SLI, PPTP_FIX_NAT_IN, 0, 999, NONE, NONE, 1 },
	{ "OCRQ out, unknown ID", PPTP_FIX_OCRQ, PPTP_FIX_NAT_OUT, 77, 0, NONE, NONE, 1 },
	{ "Echo-Request out", PPTP_FIX_ECHORQ, PPTP_FIX_NAT_OUT, 512, 6690, NONE, NONE },
	{ "SCCRP in", PPTP_FIX_SCCRP, PPTP_FIX_NAT_IN, 6690, 6690, NONE, NONE },
};

/* PAC behind a port forward: its Call ID 42143 is 7000 outside. */
static const struct pptp_fix_nat_map pac_maps[] = {
	{ .orig = 42143, .nat = 7000, .far = 512, .far_known = 1, .used = 1 },
};

static const struct plan_case pac_cases[] = {
	{ "OCRP out", PPTP_FIX_OCRP, PPTP_FIX_NAT_OUT, 42143, 512, 7000, NONE },
	{ "ICRQ out", PPTP_FIX_ICRQ, PPTP_FIX_NAT_OUT, 42143, 0, 7000, NONE },
	{ "CDN out", PPTP_FIX_CDN, PPTP_FIX_NAT_OUT, 42143, 0, 7000, NONE },
	{ "CDN out, PNS style", PPTP_FIX_CDN, PPTP_FIX_NAT_OUT, 512, 0, NONE, NONE },
	{ "CDN out, neither", PPTP_FIX_CDN, PPTP_FIX_NAT_OUT, 99, 0, NONE, NONE, 1 },
	{ "WEN out (names the PNS)", PPTP_FIX_WEN, PPTP_FIX_NAT_OUT, 0, 512, NONE, NONE },
	{ "SLI out (names the PNS)", PPTP_FIX_SLI, PPTP_FIX_NAT_OUT, 0, 512, NONE, NONE },
	{ "OCRQ in (names the PNS)", PPTP_FIX_OCRQ, PPTP_FIX_NAT_IN, 512, 0, NONE, NONE },
	{ "ICRP in", PPTP_FIX_ICRP, PPTP_FIX_NAT_IN, 512, 7000, NONE, 42143 },
	{ "CCRQ in (names the PNS)", PPTP_FIX_CCRQ, PPTP_FIX_NAT_IN, 512, 0, NONE, NONE },
	{ "SLI in, sent by the PNS", PPTP_FIX_SLI, PPTP_FIX_NAT_IN, 0, 7000, 42143, NONE },
	{ "ICCN out (names the PNS)", PPTP_FIX_ICCN, PPTP_FIX_NAT_OUT, 0, 512, NONE, NONE },
};

static void plan_desc(const struct plan_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(pns_plan, pns_cases, plan_desc);
KUNIT_ARRAY_PARAM(pac_plan, pac_cases, plan_desc);

static void run_plan(struct kunit *test, const struct pptp_fix_nat_map *maps,
		     unsigned int nmaps)
{
	const struct plan_case *c = test->param_value;
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	struct pptp_fix_msg m = {};
	unsigned int n, i, unknown;
	u8 *buf;

	buf = kunit_kzalloc(test, MB_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	m.length = mb_build(buf, c->type, c->own, c->peer, 1);
	m.ctrl_type = c->type;
	m.info = pptp_fix_type_info(c->type);
	m.keep = buf;
	m.nkeep = min_t(u16, m.length, PPTP_FIX_KEEP);
	/* Fields the builder leaves out of a type stay as built. */
	if (c->own)
		pptp_fix_put16(buf + 12, c->own);

	n = pptp_fix_nat_plan(&m, c->dir, maps, nmaps, rw, &unknown);
	KUNIT_EXPECT_EQ(test, unknown, c->unknown);
	KUNIT_EXPECT_EQ(test, n, (unsigned int)(c->want12 != NONE) + (c->want14 != NONE));
	for (i = 0; i < n; i++) {
		u32 want = rw[i].off == 12 ? c->want12 : c->want14;

		KUNIT_EXPECT_EQ(test, (u32)rw[i].new, want);
		KUNIT_EXPECT_EQ(test, rw[i].old, pptp_fix_get16(buf + rw[i].off));
	}
}

static void nat_plan_pns_behind_nat(struct kunit *test)
{
	run_plan(test, pns_maps, ARRAY_SIZE(pns_maps));
}

static void nat_plan_pac_behind_nat(struct kunit *test)
{
	run_plan(test, pac_maps, ARRAY_SIZE(pac_maps));
}

/* CDN whose Call ID is both a translated ID and the far end's own. */
static void nat_plan_cdn_ambiguous(struct kunit *test)
{
	static const struct pptp_fix_nat_map maps[] = {
		{ .orig = 1, .nat = 42143, .far = 42143, .far_known = 1, .used = 1 },
	};
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	struct pptp_fix_msg m = {};
	unsigned int unknown;
	u8 buf[148];

	m.length = mb_build(buf, PPTP_FIX_CDN, 42143, 0, 1);
	m.ctrl_type = PPTP_FIX_CDN;
	m.info = pptp_fix_type_info(PPTP_FIX_CDN);
	m.keep = buf;
	m.nkeep = PPTP_FIX_KEEP;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan(&m, PPTP_FIX_NAT_IN, maps, 1, rw, &unknown), 0U);
}

/*
 * The same across calls: call 1 is PNS 100 -> 6 / PAC 7, call 2 PNS
 * 200 -> 7 / PAC 9.  A CDN with 7 is call 1's PAC's own ID: not call 2's.
 */
static void nat_plan_cdn_two_calls(struct kunit *test)
{
	static const struct pptp_fix_nat_map maps[] = {
		{ .orig = 100, .nat = 6, .far = 7, .far_known = 1, .used = 1 },
		{ .orig = 200, .nat = 7, .far = 9, .far_known = 1, .used = 1 },
	};
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	struct pptp_fix_msg m = {};
	unsigned int unknown;
	u8 buf[148];

	m.length = mb_build(buf, PPTP_FIX_CDN, 7, 0, 1);
	m.ctrl_type = PPTP_FIX_CDN;
	m.info = pptp_fix_type_info(PPTP_FIX_CDN);
	m.keep = buf;
	m.nkeep = PPTP_FIX_KEEP;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan(&m, PPTP_FIX_NAT_IN, maps, 2, rw, &unknown), 0U);
	/* A server's PNS-style CDN with call 1's translated 6 is still rewritten. */
	pptp_fix_put16(buf + 12, 6);
	KUNIT_ASSERT_EQ(test, pptp_fix_nat_plan(&m, PPTP_FIX_NAT_IN, maps, 2, rw, &unknown), 1U);
	KUNIT_EXPECT_EQ(test, rw[0].new, 100);
}

/* A kept ID (orig == nat) needs no rewrite; unused slots are ignored. */
static void nat_plan_kept_id(struct kunit *test)
{
	static const struct pptp_fix_nat_map maps[] = {
		{ .orig = 6690, .nat = 1, .used = 0 },
		{ .orig = 512, .nat = 512, .used = 1 },
	};
	struct pptp_fix_rewrite rw[PPTP_FIX_MAX_CID_FIELDS];
	struct pptp_fix_msg m = {};
	unsigned int unknown;
	u8 buf[24];

	m.length = mb_build(buf, PPTP_FIX_SLI, 0, 512, 1);
	m.ctrl_type = PPTP_FIX_SLI;
	m.info = pptp_fix_type_info(PPTP_FIX_SLI);
	m.keep = buf;
	m.nkeep = PPTP_FIX_KEEP;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan(&m, PPTP_FIX_NAT_IN, maps, 2, rw, &unknown), 0U);
	KUNIT_EXPECT_EQ(test, unknown, 0U);
	pptp_fix_put16(buf + 12, 1);
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan(&m, PPTP_FIX_NAT_IN, maps, 2, rw, &unknown), 0U);
	KUNIT_EXPECT_EQ(test, unknown, 1U);
}

/*
 * A segment ends after the first byte of a Call ID: planned when exactly
 * one mapping starts with that byte, never on a guess.
 */
static void nat_plan_straddle(struct kunit *test)
{
	static const struct pptp_fix_nat_map maps[] = {
		{ .orig = 512, .nat = 6690, .used = 1 },	/* 0x0200 / 0x1a22 */
		{ .orig = 7000, .nat = 6700, .used = 1 },	/* 0x1b58 / 0x1a2c */
		{ .orig = 513, .nat = 9000, .used = 1 },	/* 0x0201 / 0x2328 */
	};
	struct pptp_fix_rewrite rw;
	struct pptp_fix_msg m = {};
	u8 *buf = kunit_kzalloc(test, MB_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	m.length = mb_build(buf, PPTP_FIX_SLI, 0, 9000, 1);
	m.ctrl_type = PPTP_FIX_SLI;
	m.info = pptp_fix_type_info(PPTP_FIX_SLI);
	m.keep = buf;
	m.nkeep = 13;	/* byte 12 in, byte 13 not yet */
	/* 0x23: only 9000 starts so. */
	KUNIT_ASSERT_EQ(test, pptp_fix_nat_plan_straddle(&m, PPTP_FIX_NAT_IN, maps, 3, &rw), 1U);
	KUNIT_EXPECT_EQ(test, rw.off, 12);
	KUNIT_EXPECT_EQ(test, rw.old, 9000);
	KUNIT_EXPECT_EQ(test, rw.new, 513);
	/* 0x1a: 6690 and 6700 both start so: no guess. */
	buf[12] = 0x1a;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan_straddle(&m, PPTP_FIX_NAT_IN, maps, 3, &rw), 0U);
	/* Going out, the same SLI names the far end: nothing. */
	buf[12] = 0x02;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan_straddle(&m, PPTP_FIX_NAT_OUT, maps, 3, &rw), 0U);
	/* Not the first byte of a field. */
	m.nkeep = 14;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_plan_straddle(&m, PPTP_FIX_NAT_IN, maps, 3, &rw), 0U);
	/* An OCRQ cut after its Call ID's first byte, going out. */
	m.length = mb_build(buf, PPTP_FIX_OCRQ, 7000, 0, 1);
	m.ctrl_type = PPTP_FIX_OCRQ;
	m.info = pptp_fix_type_info(PPTP_FIX_OCRQ);
	m.nkeep = 13;
	KUNIT_ASSERT_EQ(test, pptp_fix_nat_plan_straddle(&m, PPTP_FIX_NAT_OUT, maps, 3, &rw), 1U);
	KUNIT_EXPECT_EQ(test, rw.new, 6700);
}

struct used_ids {
	u16 id[8];
	unsigned int n;
	bool all;
};

static bool in_use(void *ctx, u16 id)
{
	struct used_ids *u = ctx;
	unsigned int i;

	if (u->all)
		return true;
	for (i = 0; i < u->n; i++)
		if (u->id[i] == id)
			return true;
	return false;
}

static void nat_choose(struct kunit *test)
{
	struct used_ids u = { .id = { 512, 513, 1 }, .n = 3 };

	/* Free: kept. */
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(600, 1, 16, in_use, &u), 600);
	/* Windows XP's 0 for every call: the first keeps it. */
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(0, 1, 16, in_use, &u), 0);
	/* Taken: the first free from the hint, never the TCP port. */
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(512, 512, 16, in_use, &u), 514);
	/* Probing wraps past 0xffff and 0, which are never chosen. */
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(512, 0xfffe, 16, in_use, &u), 0xfffe);
	u.id[3] = 0xfffe;
	u.n = 4;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(512, 0xfffe, 16, in_use, &u), 2);
	/* Exhausted. */
	u.all = true;
	KUNIT_EXPECT_EQ(test, pptp_fix_nat_choose(512, 9, 100, in_use, &u), -1);
}

static struct kunit_case nat_test_cases[] = {
	KUNIT_CASE_PARAM(nat_plan_pns_behind_nat, pns_plan_gen_params),
	KUNIT_CASE_PARAM(nat_plan_pac_behind_nat, pac_plan_gen_params),
	KUNIT_CASE(nat_plan_cdn_ambiguous),
	KUNIT_CASE(nat_plan_cdn_two_calls),
	KUNIT_CASE(nat_plan_kept_id),
	KUNIT_CASE(nat_plan_straddle),
	KUNIT_CASE(nat_choose),
	{}
};

static struct kunit_suite nat_test_suite = {
	.name = "pptp_fix_nat",
	.test_cases = nat_test_cases,
};

kunit_test_suite(nat_test_suite);
