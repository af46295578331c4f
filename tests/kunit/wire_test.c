// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the PPTP wire-format layer (pptp_wire.c): framing and
 * validation of every control type, every invalid form, and the Call ID
 * field table cross-checked against the kernel's own packed wire structs.
 */
#include <kunit/test.h>
#include <linux/netfilter/nf_conntrack_pptp.h>

#include "pptp_fix_wire.h"
#include "pptp_fix_stream.h"
#include "msg_builder.h"

#define MSG_BUF_LEN (PPTP_FIX_MAX_MSG_LEN + 16)

/* Writes a valid header for @type with @length into @buf, body zeroed. */
static void build_msg(u8 *buf, u16 length, u16 type)
{
	memset(buf, 0, MSG_BUF_LEN);
	mb_header(buf, length, type);
}

/* RFC 2637 section 2: Length of each control message, header included. */
struct rfc_size_case {
	u16 type;
	u16 size;
	u8 sender;
};

static const struct rfc_size_case rfc_size_cases[] = {
	{ PPTP_FIX_SCCRQ, 156, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_SCCRP, 156, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_STOPCCRQ, 16, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_STOPCCRP, 16, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_ECHORQ, 16, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_ECHORP, 20, PPTP_FIX_ROLE_EITHER },
	{ PPTP_FIX_OCRQ, 168, PPTP_FIX_ROLE_PNS },
	{ PPTP_FIX_OCRP, 32, PPTP_FIX_ROLE_PAC },
	{ PPTP_FIX_ICRQ, 220, PPTP_FIX_ROLE_PAC },
	{ PPTP_FIX_ICRP, 24, PPTP_FIX_ROLE_PNS },
	{ PPTP_FIX_ICCN, 28, PPTP_FIX_ROLE_PAC },
	{ PPTP_FIX_CCRQ, 16, PPTP_FIX_ROLE_PNS },
	{ PPTP_FIX_CDN, 148, PPTP_FIX_ROLE_PAC },
	{ PPTP_FIX_WEN, 40, PPTP_FIX_ROLE_PAC },
	{ PPTP_FIX_SLI, 24, PPTP_FIX_ROLE_PNS },
};

static void rfc_size_desc(const struct rfc_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", pptp_fix_type_name(c->type));
}

KUNIT_ARRAY_PARAM(rfc_size, rfc_size_cases, rfc_size_desc);

/* Every type frames at exactly its RFC size, in a buffer of exactly it. */
static void wire_valid_at_rfc_size(struct kunit *test)
{
	const struct rfc_size_case *c = test->param_value;
	struct pptp_fix_frame f;
	u8 *buf;

	buf = kunit_kzalloc(test, c->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	build_msg(test->priv, c->size, c->type);
	memcpy(buf, test->priv, c->size);

	KUNIT_EXPECT_EQ(test, pptp_fix_frame(buf, c->size, &f), PPTP_FIX_FRAME_OK);
	KUNIT_EXPECT_EQ(test, f.length, c->size);
	KUNIT_EXPECT_EQ(test, f.ctrl_type, c->type);
	KUNIT_ASSERT_NOT_NULL(test, f.info);
	KUNIT_EXPECT_EQ(test, f.info->size, c->size);
	KUNIT_EXPECT_EQ(test, f.info->sender, c->sender);
	KUNIT_EXPECT_PTR_EQ(test, f.info, pptp_fix_type_info(c->type));
}

/* One byte less than the RFC size is refused, whatever the buffer. */
static void wire_short_for_type(struct kunit *test)
{
	const struct rfc_size_case *c = test->param_value;
	struct pptp_fix_frame f;

	build_msg(test->priv, c->size - 1, c->type);
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(test->priv, MSG_BUF_LEN, &f),
			PPTP_FIX_FRAME_SHORT_FOR_TYPE);
	KUNIT_EXPECT_NULL(test, f.info);
}

/* Length beyond the bytes at hand: a valid beginning, not yet a message. */
static void wire_length_beyond_buffer(struct kunit *test)
{
	const struct rfc_size_case *c = test->param_value;
	struct pptp_fix_frame f;

	build_msg(test->priv, c->size, c->type);
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(test->priv, c->size - 1, &f),
			PPTP_FIX_FRAME_NEED_MORE);
	KUNIT_EXPECT_EQ(test, f.length, c->size);
	KUNIT_EXPECT_EQ(test, f.ctrl_type, c->type);
}

struct invalid_case {
	const char *name;
	u16 length;
	u16 msg_type;
	u32 cookie;
	u16 ctrl_type;
	size_t avail;		/* bytes handed to the framer; 0 = whole buffer */
	enum pptp_fix_frame_result want;
};

#define GOOD_LEN	24
#define GOOD_TYPE	PPTP_FIX_SLI

static const struct invalid_case invalid_cases[] = {
	{ "length 0", 0, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 0, PPTP_FIX_FRAME_BAD_LENGTH },
	{ "length 11", 11, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 0, PPTP_FIX_FRAME_BAD_LENGTH },
	{ "length 12 below SLI", 12, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_SHORT_FOR_TYPE },
	{ "length max+1", PPTP_FIX_MAX_MSG_LEN + 1, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_LENGTH },
	{ "length 0xffff", 0xffff, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_LENGTH },
	{ "bad cookie", GOOD_LEN, 1, 0x1a2b3c4e, GOOD_TYPE, 0, PPTP_FIX_FRAME_BAD_COOKIE },
	{ "cookie byte-swapped", GOOD_LEN, 1, 0x4d3c2b1a, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_COOKIE },
	{ "msg type 0", GOOD_LEN, 0, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_MSG_TYPE },
	{ "msg type 2 (management)", GOOD_LEN, 2, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_MSG_TYPE },
	{ "msg type 0x0100 (swapped)", GOOD_LEN, 0x0100, PPTP_FIX_MAGIC, GOOD_TYPE, 0,
	  PPTP_FIX_FRAME_BAD_MSG_TYPE },
	{ "ctrl type 0", GOOD_LEN, 1, PPTP_FIX_MAGIC, 0, 0, PPTP_FIX_FRAME_BAD_CTRL_TYPE },
	{ "ctrl type 16", GOOD_LEN, 1, PPTP_FIX_MAGIC, 16, 0, PPTP_FIX_FRAME_BAD_CTRL_TYPE },
	{ "ctrl type 0xffff", GOOD_LEN, 1, PPTP_FIX_MAGIC, 0xffff, 0,
	  PPTP_FIX_FRAME_BAD_CTRL_TYPE },
	{ "ctrl type 0x0f00 (swapped SLI)", GOOD_LEN, 1, PPTP_FIX_MAGIC, 0x0f00, 0,
	  PPTP_FIX_FRAME_BAD_CTRL_TYPE },
	/* Errors are reported from the first bad byte on, not at 12 bytes. */
	{ "bad length seen with 2 bytes", 3, 1, PPTP_FIX_MAGIC, GOOD_TYPE, 2,
	  PPTP_FIX_FRAME_BAD_LENGTH },
	{ "bad msg type seen with 4 bytes", GOOD_LEN, 7, PPTP_FIX_MAGIC, GOOD_TYPE, 4,
	  PPTP_FIX_FRAME_BAD_MSG_TYPE },
	{ "bad cookie seen with 8 bytes", GOOD_LEN, 1, 0, GOOD_TYPE, 8,
	  PPTP_FIX_FRAME_BAD_COOKIE },
	{ "bad ctrl type seen with 10 bytes", GOOD_LEN, 1, PPTP_FIX_MAGIC, 99, 10,
	  PPTP_FIX_FRAME_BAD_CTRL_TYPE },
	/* A bad cookie cannot be judged on part of it. */
	{ "partial cookie waits", GOOD_LEN, 1, 0, GOOD_TYPE, 7, PPTP_FIX_FRAME_NEED_MORE },
};

static void invalid_desc(const struct invalid_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(invalid, invalid_cases, invalid_desc);

static void wire_invalid_forms(struct kunit *test)
{
	const struct invalid_case *c = test->param_value;
	u8 *buf = test->priv;
	struct pptp_fix_frame f;

	build_msg(buf, c->length, c->ctrl_type);
	pptp_fix_put16(buf + 2, c->msg_type);
	buf[4] = c->cookie >> 24;
	buf[5] = c->cookie >> 16;
	buf[6] = c->cookie >> 8;
	buf[7] = c->cookie;
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(buf, c->avail ?: MSG_BUF_LEN, &f), c->want);
	if (c->want != PPTP_FIX_FRAME_OK)
		KUNIT_EXPECT_NULL(test, f.info);
}

/* A header cut at every length below 12 asks for more and reads no further. */
static void wire_truncated_header(struct kunit *test)
{
	struct pptp_fix_frame f;
	size_t n;
	u8 *buf;

	for (n = 0; n < PPTP_FIX_HDR_LEN; n++) {
		/* An exact-size heap copy: KASAN sees any read past n. */
		buf = kunit_kzalloc(test, n ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		build_msg(test->priv, 24, PPTP_FIX_SLI);
		memcpy(buf, test->priv, n);
		KUNIT_EXPECT_EQ_MSG(test, pptp_fix_frame(buf, n, &f),
				    PPTP_FIX_FRAME_NEED_MORE, "cut at %zu", n);
		/* From 10 bytes on every header field has been checked. */
		if (n < PPTP_FIX_HDR_NEED) {
			KUNIT_EXPECT_NULL(test, f.info);
			KUNIT_EXPECT_EQ(test, f.length, 0);
		} else {
			KUNIT_EXPECT_PTR_EQ(test, f.info, pptp_fix_type_info(PPTP_FIX_SLI));
			KUNIT_EXPECT_EQ(test, f.length, 24);
		}
	}
}

/* Peers may pad a message beyond its RFC size, up to the documented cap. */
static void wire_padded_and_max_length(struct kunit *test)
{
	struct pptp_fix_frame f;

	build_msg(test->priv, 24 + 8, PPTP_FIX_SLI);
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(test->priv, MSG_BUF_LEN, &f), PPTP_FIX_FRAME_OK);
	KUNIT_EXPECT_EQ(test, f.length, 32);

	build_msg(test->priv, PPTP_FIX_MAX_MSG_LEN, PPTP_FIX_ICRQ);
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(test->priv, PPTP_FIX_MAX_MSG_LEN, &f),
			PPTP_FIX_FRAME_OK);
	KUNIT_EXPECT_EQ(test, f.length, PPTP_FIX_MAX_MSG_LEN);
}

/* Several messages in one buffer frame back to back, as a walker sees them. */
static void wire_coalesced_messages(struct kunit *test)
{
	static const u16 types[] = { PPTP_FIX_OCRP, PPTP_FIX_SLI, PPTP_FIX_ECHORQ,
				     PPTP_FIX_WEN };
	u8 *buf = test->priv, *one;
	struct pptp_fix_frame f;
	size_t off = 0, total = 0;
	unsigned int i;

	one = kunit_kzalloc(test, MSG_BUF_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, one);

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		u16 size = pptp_fix_type_info(types[i])->size;

		build_msg(one, size, types[i]);
		memcpy(buf + total, one, size);
		total += size;
	}
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		KUNIT_ASSERT_EQ(test, pptp_fix_frame(buf + off, total - off, &f),
				PPTP_FIX_FRAME_OK);
		KUNIT_EXPECT_EQ(test, f.ctrl_type, types[i]);
		off += f.length;
	}
	KUNIT_EXPECT_EQ(test, off, total);
	KUNIT_EXPECT_EQ(test, pptp_fix_frame(buf + off, 0, &f), PPTP_FIX_FRAME_NEED_MORE);
}

/*
 * The Call ID table, checked against the kernel's own packed structs in
 * <linux/netfilter/nf_conntrack_pptp.h>: an independent transcription of
 * RFC 2637 that has carried real traffic for twenty years.
 */
#define HDRS (sizeof(struct pptp_pkt_hdr) + sizeof(struct PptpControlHeader))
#define FIELD(s, m) ((unsigned int)(HDRS + offsetof(struct s, m)))

struct layout_case {
	u16 type;
	unsigned int struct_size;
	unsigned int n_cid;
	unsigned int off[2];
	u8 kind[2];
};

static const struct layout_case layout_cases[] = {
	{ PPTP_FIX_SCCRQ, sizeof(struct PptpStartSessionRequest), 0 },
	{ PPTP_FIX_SCCRP, sizeof(struct PptpStartSessionReply), 0 },
	{ PPTP_FIX_STOPCCRQ, sizeof(struct PptpStopSessionRequest), 0 },
	{ PPTP_FIX_STOPCCRP, sizeof(struct PptpStopSessionReply), 0 },
	{ PPTP_FIX_ECHORQ, sizeof(struct PptpEchoRequest), 0 },
	{ PPTP_FIX_ECHORP, sizeof(struct PptpEchoReply), 0 },
	{ PPTP_FIX_OCRQ, sizeof(struct PptpOutCallRequest), 1,
	  { FIELD(PptpOutCallRequest, callID) }, { PPTP_FIX_CID_OWN } },
	{ PPTP_FIX_OCRP, sizeof(struct PptpOutCallReply), 2,
	  { FIELD(PptpOutCallReply, callID), FIELD(PptpOutCallReply, peersCallID) },
	  { PPTP_FIX_CID_OWN, PPTP_FIX_CID_PEER } },
	{ PPTP_FIX_ICRQ, sizeof(struct PptpInCallRequest), 1,
	  { FIELD(PptpInCallRequest, callID) }, { PPTP_FIX_CID_OWN } },
	{ PPTP_FIX_ICRP, sizeof(struct PptpInCallReply), 2,
	  { FIELD(PptpInCallReply, callID), FIELD(PptpInCallReply, peersCallID) },
	  { PPTP_FIX_CID_OWN, PPTP_FIX_CID_PEER } },
	{ PPTP_FIX_ICCN, sizeof(struct PptpInCallConnected), 1,
	  { FIELD(PptpInCallConnected, peersCallID) }, { PPTP_FIX_CID_PEER } },
	{ PPTP_FIX_CCRQ, sizeof(struct PptpClearCallRequest), 1,
	  { FIELD(PptpClearCallRequest, callID) }, { PPTP_FIX_CID_OWN } },
	{ PPTP_FIX_CDN, sizeof(struct PptpCallDisconnectNotify), 1,
	  { FIELD(PptpCallDisconnectNotify, callID) }, { PPTP_FIX_CID_OWN } },
	{ PPTP_FIX_WEN, sizeof(struct PptpWanErrorNotify), 1,
	  { FIELD(PptpWanErrorNotify, peersCallID) }, { PPTP_FIX_CID_PEER } },
	{ PPTP_FIX_SLI, sizeof(struct PptpSetLinkInfo), 1,
	  { FIELD(PptpSetLinkInfo, peersCallID) }, { PPTP_FIX_CID_PEER } },
};

static void layout_desc(const struct layout_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", pptp_fix_type_name(c->type));
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_desc);

static void wire_table_matches_kernel_structs(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	const struct pptp_fix_type_info *info = pptp_fix_type_info(c->type);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, info);
	KUNIT_EXPECT_EQ(test, (unsigned int)info->size, (unsigned int)HDRS + c->struct_size);
	for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		if (i < c->n_cid) {
			KUNIT_EXPECT_EQ(test, (unsigned int)info->cid[i].offset, c->off[i]);
			KUNIT_EXPECT_EQ(test, info->cid[i].kind, c->kind[i]);
			/* Every Call ID field lies inside the RFC-size message. */
			KUNIT_EXPECT_LE(test, info->cid[i].offset + 2U, (unsigned int)info->size);
		} else {
			KUNIT_EXPECT_EQ(test, info->cid[i].kind, (u8)PPTP_FIX_CID_NONE);
		}
	}
}

/* The two RFC departures real peers force are flagged where they apply. */
static void wire_flags(struct kunit *test)
{
	u16 t;

	for (t = 1; t <= PPTP_FIX_CTRL_MAX; t++) {
		const struct pptp_fix_type_info *info = pptp_fix_type_info(t);

		KUNIT_EXPECT_EQ_MSG(test, !!(info->flags & PPTP_FIX_F_BOTH_WAYS),
				    t == PPTP_FIX_SLI, "%s", info->name);
		KUNIT_EXPECT_EQ_MSG(test, !!(info->flags & PPTP_FIX_F_CID_AMBIGUOUS),
				    t == PPTP_FIX_CDN, "%s", info->name);
	}
	KUNIT_EXPECT_NULL(test, pptp_fix_type_info(0));
	KUNIT_EXPECT_NULL(test, pptp_fix_type_info(16));
	KUNIT_EXPECT_NULL(test, pptp_fix_type_info(0xffff));
	KUNIT_EXPECT_STREQ(test, pptp_fix_type_name(0), "unknown");
	KUNIT_EXPECT_STREQ(test, pptp_fix_frame_result_name(PPTP_FIX_FRAME_NR_RESULTS),
			   "invalid result");
}

/* ->need holds every field the tracker and NAT read, within the RFC size. */
static void wire_need_covers_fields(struct kunit *test)
{
	u16 t;

	for (t = 1; t <= PPTP_FIX_CTRL_MAX; t++) {
		const struct pptp_fix_type_info *info = pptp_fix_type_info(t);
		unsigned int i, want = PPTP_FIX_HDR_NEED;

		for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++)
			if (info->cid[i].kind != PPTP_FIX_CID_NONE)
				want = max(want, info->cid[i].offset + 2U);
		if (info->result_off)
			want = max(want, info->result_off + 1U);
		KUNIT_EXPECT_EQ_MSG(test, (unsigned int)info->need, want, "%s", info->name);
		KUNIT_EXPECT_LE(test, (unsigned int)info->need, (unsigned int)PPTP_FIX_KEEP);
	}
	KUNIT_EXPECT_EQ(test, pptp_fix_type_info(PPTP_FIX_OCRP)->result_off, 16);
	KUNIT_EXPECT_EQ(test, pptp_fix_type_info(PPTP_FIX_STOPCCRP)->result_off, 12);
}

/*
 * The seed's own frames 791/798/799 (Call IDs 512 and 42143), as the PNS
 * sent them, read back field by field in network byte order.
 */
static void wire_seed_frames(struct kunit *test)
{
	u8 *buf = test->priv;
	const struct pptp_fix_type_info *info;
	struct pptp_fix_frame f;

	build_msg(buf, 168, PPTP_FIX_OCRQ);
	buf[12] = 0x02;		/* Call ID 512 */
	buf[13] = 0x00;
	KUNIT_ASSERT_EQ(test, pptp_fix_frame(buf, 168, &f), PPTP_FIX_FRAME_OK);
	info = f.info;
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(buf + info->cid[0].offset), 512);

	build_msg(buf, 32, PPTP_FIX_OCRP);
	buf[12] = 0xa4;		/* Call ID 42143 */
	buf[13] = 0x9f;
	buf[14] = 0x02;		/* Peer's Call ID 512 */
	buf[15] = 0x00;
	KUNIT_ASSERT_EQ(test, pptp_fix_frame(buf, 32, &f), PPTP_FIX_FRAME_OK);
	info = f.info;
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(buf + info->cid[0].offset), 42143);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(buf + info->cid[1].offset), 512);

	build_msg(buf, 24, PPTP_FIX_SLI);
	pptp_fix_put16(buf + 12, 42143);
	KUNIT_ASSERT_EQ(test, pptp_fix_frame(buf, 24, &f), PPTP_FIX_FRAME_OK);
	KUNIT_EXPECT_EQ(test, buf[12], 0xa4);
	KUNIT_EXPECT_EQ(test, buf[13], 0x9f);
	KUNIT_EXPECT_EQ(test, pptp_fix_get16(buf + f.info->cid[0].offset), 42143);
}

static int wire_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, MSG_BUF_LEN, GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static struct kunit_case wire_test_cases[] = {
	KUNIT_CASE_PARAM(wire_valid_at_rfc_size, rfc_size_gen_params),
	KUNIT_CASE_PARAM(wire_short_for_type, rfc_size_gen_params),
	KUNIT_CASE_PARAM(wire_length_beyond_buffer, rfc_size_gen_params),
	KUNIT_CASE_PARAM(wire_invalid_forms, invalid_gen_params),
	KUNIT_CASE(wire_truncated_header),
	KUNIT_CASE(wire_padded_and_max_length),
	KUNIT_CASE(wire_coalesced_messages),
	KUNIT_CASE_PARAM(wire_table_matches_kernel_structs, layout_gen_params),
	KUNIT_CASE(wire_flags),
	KUNIT_CASE(wire_need_covers_fields),
	KUNIT_CASE(wire_seed_frames),
	{}
};

static struct kunit_suite wire_test_suite = {
	.name = "pptp_fix_wire",
	.init = wire_test_init,
	.test_cases = wire_test_cases,
};

kunit_test_suite(wire_test_suite);
