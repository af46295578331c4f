// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the session and call tracker (pptp_track.c): every
 * message type in every session state, outgoing and incoming calls, a
 * PAC-opened connection, redial, both Call-Disconnect-Notify styles,
 * limits, and what never changes state.
 */
#include <kunit/test.h>

#include "pptp_fix_track.h"
#include "msg_builder.h"

#define PNS 0
#define PAC 1

struct track_ctx {
	struct pptp_fix_session ss;
	struct pptp_fix_track_out out;
	u8 buf[MB_MAX];
};

/* Sends @type from conntrack direction @dir through the tracker. */
static enum pptp_fix_tverdict send(struct track_ctx *t, u8 dir, u16 type, u16 own,
				   u16 peer, u8 result)
{
	struct pptp_fix_msg m = {};

	m.length = mb_build(t->buf, type, own, peer, result);
	m.ctrl_type = type;
	m.info = pptp_fix_type_info(type);
	m.keep = t->buf;
	m.nkeep = min_t(u16, m.length, PPTP_FIX_KEEP);
	return pptp_fix_track(&t->ss, dir, &m, &t->out);
}

static struct track_ctx *new_ctx(struct kunit *test, unsigned int max_calls)
{
	struct track_ctx *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	pptp_fix_session_init(&t->ss, max_calls);
	return t;
}

/* Start-Control-Connection from @pns (the PNS's conntrack direction). */
static void start_session(struct kunit *test, struct track_ctx *t, u8 pns)
{
	KUNIT_ASSERT_EQ(test, send(t, pns, PPTP_FIX_SCCRQ, 0, 0, 0), PPTP_FIX_T_OK);
	KUNIT_ASSERT_EQ(test, send(t, !pns, PPTP_FIX_SCCRP, 0, 0, 1), PPTP_FIX_T_OK);
	KUNIT_ASSERT_EQ(test, t->ss.state, (u8)PPTP_FIX_SESS_CONFIRMED);
}

/* The seed's call: PNS 512, PAC 42143, everything that names it. */
static void outgoing_call(struct kunit *test, u8 pns)
{
	struct track_ctx *t = new_ctx(test, 0);
	u8 pac = !pns;

	start_session(test, t, pns);
	KUNIT_EXPECT_EQ(test, t->ss.pns_dir, (u8)PPTP_FIX_DIR_UNKNOWN);
	KUNIT_EXPECT_EQ(test, send(t, pns, PPTP_FIX_OCRQ, 512, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->ss.pns_dir, pns);
	KUNIT_EXPECT_EQ(test, t->out.up, 0);
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_OCRP, 42143, 512, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].pns_id, 512);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].pac_id, 42143);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_OUT_CONF);

	/* Set-Link-Info both ways, WAN-Error-Notify, echoes: no change. */
	KUNIT_EXPECT_EQ(test, send(t, pns, PPTP_FIX_SLI, 0, 42143, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.slot, 0);
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_SLI, 0, 512, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_WEN, 0, 512, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, pns, PPTP_FIX_ECHORQ, 0, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_ECHORP, 0, 0, 0), PPTP_FIX_T_OK);
	/* Set-Link-Info naming the sender's own ID names no call. */
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_SLI, 0, 42143, 0), PPTP_FIX_T_UNKNOWN_CALL);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_OUT_CONF);

	/* Clear: GRE goes at Call-Clear-Request, the slot at the CDN. */
	KUNIT_EXPECT_EQ(test, send(t, pns, PPTP_FIX_CCRQ, 512, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.down, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, t->out.gone[0].pac_id, 42143);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_CLEAR_REQ);
	KUNIT_EXPECT_EQ(test, send(t, pac, PPTP_FIX_CDN, 42143, 0, 3), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.down, 0);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_FREE);
}

static void track_outgoing_call(struct kunit *test)
{
	outgoing_call(test, PNS);
}

/* The PAC opened TCP: it sends in the original direction. */
static void track_pac_opened_connection(struct kunit *test)
{
	outgoing_call(test, PAC);
}

static void track_incoming_call(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_ICRQ, 7, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->ss.pns_dir, PNS);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_ICRP, 9, 7, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, 0);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_IN_REP);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_ICCN, 0, 9, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].pns_id, 9);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].pac_id, 7);
	/* A second Incoming-Call-Connected is out of state, not a new call. */
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_ICCN, 0, 9, 0), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_CDN, 7, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.down, (u8)BIT(0));
}

static void track_incoming_call_refused(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_ICRQ, 7, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_ICRP, 9, 7, 3), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_FREE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_ICCN, 0, 9, 0), PPTP_FIX_T_UNKNOWN_CALL);
}

/* A redial on the same control connection, with the same Call ID. */
static void track_redial(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);
	int round;

	start_session(test, t, PNS);
	for (round = 0; round < 3; round++) {
		KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 512, 0, 0), PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 100 + round, 512, 1),
				PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(0));
		KUNIT_EXPECT_EQ(test, t->ss.calls[0].pac_id, 100 + round);
		KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_CCRQ, 512, 0, 0), PPTP_FIX_T_OK);
		KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_CDN, 100 + round, 0, 0), PPTP_FIX_T_OK);
	}
}

/* A failed Outgoing-Call-Reply frees the call; the next try works. */
static void track_outgoing_call_failed(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 5, 1, 4), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, 0);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].state, (u8)PPTP_FIX_CALL_FREE);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 6, 1, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(0));
}

/* Some servers put the PNS's Call ID in Call-Disconnect-Notify. */
static void track_cdn_with_pns_id(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	send(t, PNS, PPTP_FIX_OCRQ, 512, 0, 0);
	send(t, PAC, PPTP_FIX_OCRP, 42143, 512, 1);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_CDN, 512, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.down, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, t->out.gone[0].pns_id, 512);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_CDN, 512, 0, 0), PPTP_FIX_T_UNKNOWN_CALL);
}

/* Several calls at once; Stop-Control-Connection takes them all down. */
static void track_several_calls_and_stop(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0);
	send(t, PNS, PPTP_FIX_OCRQ, 2, 0, 0);
	/* Replies in the other order. */
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 20, 2, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(1));
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 10, 1, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.up, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_WEN, 0, 2, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.slot, 1);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_STOPCCRQ, 0, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_STOPCCRP, 0, 0, 1), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->out.down, (u8)(BIT(0) | BIT(1)));
	KUNIT_EXPECT_EQ(test, t->ss.state, (u8)PPTP_FIX_SESS_NONE);
	/* Messages after Stop are out of state. */
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 3, 0, 0), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_SLI, 0, 1, 0), PPTP_FIX_T_OUT_OF_STATE);
}

static void track_session_end(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 0);

	start_session(test, t, PNS);
	send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0);
	send(t, PAC, PPTP_FIX_OCRP, 10, 1, 1);
	send(t, PNS, PPTP_FIX_OCRQ, 2, 0, 0);	/* not up yet */
	pptp_fix_session_end(&t->ss, &t->out);
	KUNIT_EXPECT_EQ(test, t->out.down, (u8)BIT(0));
	KUNIT_EXPECT_EQ(test, t->out.gone[0].pac_id, 10);
	KUNIT_EXPECT_EQ(test, t->ss.calls[1].state, (u8)PPTP_FIX_CALL_FREE);
}

/* Nothing a bad message says changes the state. */
static void track_rejects_change_nothing(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 2);
	struct pptp_fix_session before;

	start_session(test, t, PNS);
	send(t, PNS, PPTP_FIX_OCRQ, 512, 0, 0);
	send(t, PAC, PPTP_FIX_OCRP, 42143, 512, 1);
	before = t->ss;
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 512, 0, 0), PPTP_FIX_T_DUPLICATE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRQ, 9, 0, 0), PPTP_FIX_T_WRONG_SIDE);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRP, 1, 512, 1), PPTP_FIX_T_WRONG_SIDE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 1, 512, 1), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_OCRP, 1, 77, 1), PPTP_FIX_T_UNKNOWN_CALL);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_WEN, 0, 77, 0), PPTP_FIX_T_UNKNOWN_CALL);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_CCRQ, 77, 0, 0), PPTP_FIX_T_UNKNOWN_CALL);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_SCCRQ, 0, 0, 0), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, send(t, PAC, PPTP_FIX_SCCRP, 0, 0, 1), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_STOPCCRP, 0, 0, 1), PPTP_FIX_T_OUT_OF_STATE);
	KUNIT_EXPECT_EQ(test, memcmp(&before, &t->ss, sizeof(before)), 0);

	/* The call limit: max_calls = 2. */
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 2, 0, 0), PPTP_FIX_T_NO_SLOT);
	KUNIT_EXPECT_STREQ(test, pptp_fix_tverdict_name(PPTP_FIX_T_NO_SLOT), "too many calls");
}

/* A slot only waiting for its CDN is reused when the table is full. */
static void track_clear_req_slot_reused(struct kunit *test)
{
	struct track_ctx *t = new_ctx(test, 1);

	start_session(test, t, PNS);
	send(t, PNS, PPTP_FIX_OCRQ, 1, 0, 0);
	send(t, PAC, PPTP_FIX_OCRP, 10, 1, 1);
	send(t, PNS, PPTP_FIX_CCRQ, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, send(t, PNS, PPTP_FIX_OCRQ, 2, 0, 0), PPTP_FIX_T_OK);
	KUNIT_EXPECT_EQ(test, t->ss.calls[0].pns_id, 2);
}

/*
 * Every type in every session state, naming no call: the verdict the RFC's
 * state machine gives.  O = ok, S = out of state, U = unknown call.
 */
struct state_case {
	u8 state;
	const char *want;	/* one letter per control type 1..15 */
};

static const struct state_case state_cases[] = {
	{ PPTP_FIX_SESS_NONE,      "OSSSOOSSSSSSSSS" },
	{ PPTP_FIX_SESS_REQUESTED, "OOOSOOSSSSSSSSS" },
	{ PPTP_FIX_SESS_CONFIRMED, "SSOSOOOUOUUUUUU" },
	{ PPTP_FIX_SESS_STOPREQ,   "SSOOOOSSSSSSSSS" },
};

static const char *const sess_names[] = { "none", "requested", "confirmed", "stopreq" };

static void state_desc(const struct state_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "session %s", sess_names[c->state]);
}

KUNIT_ARRAY_PARAM(state, state_cases, state_desc);

static void track_every_type_in_every_state(struct kunit *test)
{
	const struct state_case *c = test->param_value;
	u16 type;

	for (type = 1; type <= PPTP_FIX_CTRL_MAX; type++) {
		struct track_ctx *t = new_ctx(test, 0);
		enum pptp_fix_tverdict v, want;
		u8 dir = PNS;

		t->ss.state = c->state;
		if (pptp_fix_type_info(type)->sender == PPTP_FIX_ROLE_PAC)
			dir = PAC;
		v = send(t, dir, type, 33, 44, 1);
		want = c->want[type - 1] == 'O' ? PPTP_FIX_T_OK :
		       c->want[type - 1] == 'U' ? PPTP_FIX_T_UNKNOWN_CALL :
		       PPTP_FIX_T_OUT_OF_STATE;
		KUNIT_EXPECT_EQ_MSG(test, v, want, "%s: %s", pptp_fix_type_name(type),
				    pptp_fix_tverdict_name(v));
		kunit_kfree(test, t);
	}
}

static struct kunit_case track_test_cases[] = {
	KUNIT_CASE(track_outgoing_call),
	KUNIT_CASE(track_pac_opened_connection),
	KUNIT_CASE(track_incoming_call),
	KUNIT_CASE(track_incoming_call_refused),
	KUNIT_CASE(track_redial),
	KUNIT_CASE(track_outgoing_call_failed),
	KUNIT_CASE(track_cdn_with_pns_id),
	KUNIT_CASE(track_several_calls_and_stop),
	KUNIT_CASE(track_session_end),
	KUNIT_CASE(track_rejects_change_nothing),
	KUNIT_CASE(track_clear_req_slot_reused),
	KUNIT_CASE_PARAM(track_every_type_in_every_state, state_gen_params),
	{}
};

static struct kunit_suite track_test_suite = {
	.name = "pptp_fix_track",
	.test_cases = track_test_cases,
};

kunit_test_suite(track_test_suite);
