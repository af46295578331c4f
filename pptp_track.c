// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP session and call tracker, RFC 2637 sections 2 and 3.
 *
 * Roles come from message semantics, not from who opened TCP: the first
 * message only one end may send (Outgoing-Call-Request, Incoming-Call-
 * Request, ...) tells which conntrack direction is the PNS.  Calls are
 * kept in slots keyed by their Call ID pair:
 *
 *   outgoing:  OCRQ (PNS ID) -> OUT_REQ -> OCRP connected (PAC ID) -> OUT_CONF, up
 *   incoming:  ICRQ (PAC ID) -> IN_REQ -> ICRP accepted (PNS ID) -> IN_REP
 *              -> ICCN -> IN_CONF, up
 *   clearing:  CCRQ -> CLEAR_REQ (down, slot kept: CDN still names the call)
 *              CDN -> free (down);  StopCCRP or session end -> all down
 *
 * A failed reply frees its slot, so the next call (a redial) starts clean.
 * A message that does not fit changes nothing and says why
 * (enum pptp_fix_tverdict): it is the caller's to count, log and pass.
 *
 * Call-Disconnect-Notify carries the PAC's Call ID per RFC 2637 2.13; some
 * servers send the PNS's: the PAC's is tried first, then the PNS's.
 *
 * Limitation: at most PPTP_FIX_MAX_CALLS calls per control connection.
 */
#include "include/pptp_fix_track.h"

#define RESULT_OK		1	/* Result Code "Connected"/"OK" */

#define ST(s)		BIT(PPTP_FIX_CALL_##s)
/* States in which each of a call's IDs is known. */
#define PNS_KNOWN	(ST(OUT_REQ) | ST(OUT_CONF) | ST(IN_REP) | ST(IN_CONF) | \
			 ST(CLEAR_REQ))
#define PAC_KNOWN	(ST(OUT_CONF) | ST(IN_REQ) | ST(IN_REP) | ST(IN_CONF) | \
			 ST(CLEAR_REQ))

static const char *const pptp_fix_tverdicts[PPTP_FIX_T_NR_VERDICTS] = {
	[PPTP_FIX_T_OK] = "ok",
	[PPTP_FIX_T_WRONG_SIDE] = "sent by the wrong end",
	[PPTP_FIX_T_OUT_OF_STATE] = "out of state",
	[PPTP_FIX_T_UNKNOWN_CALL] = "unknown call",
	[PPTP_FIX_T_DUPLICATE] = "duplicate Call ID",
	[PPTP_FIX_T_NO_SLOT] = "too many calls",
};

const char *pptp_fix_tverdict_name(enum pptp_fix_tverdict v)
{
	if ((unsigned int)v >= PPTP_FIX_T_NR_VERDICTS)
		return "invalid verdict";
	return pptp_fix_tverdicts[v];
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_tverdict_name);

void pptp_fix_session_init(struct pptp_fix_session *ss, unsigned int max_calls)
{
	memset(ss, 0, sizeof(*ss));
	ss->pns_dir = PPTP_FIX_DIR_UNKNOWN;
	if (!max_calls || max_calls > PPTP_FIX_MAX_CALLS)
		max_calls = PPTP_FIX_MAX_CALLS;
	ss->max_calls = max_calls;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_session_init);

/* The slot of the call whose PNS (@pns) or PAC ID is @id, in @states. */
static int find_call(const struct pptp_fix_session *ss, bool pns, u16 id,
		     unsigned long states)
{
	unsigned int i;

	for (i = 0; i < ss->max_calls; i++) {
		const struct pptp_fix_call *c = &ss->calls[i];

		if (!(states & BIT(c->state)) || c->state == PPTP_FIX_CALL_FREE)
			continue;
		if ((pns ? c->pns_id : c->pac_id) == id)
			return i;
	}
	return -1;
}

/* A free slot, else one only waiting for its Call-Disconnect-Notify. */
static int new_slot(struct pptp_fix_session *ss)
{
	unsigned int j;

	for (j = 0; j < ss->max_calls; j++)
		if (ss->calls[j].state == PPTP_FIX_CALL_FREE)
			return j;
	for (j = 0; j < ss->max_calls; j++)
		if (ss->calls[j].state == PPTP_FIX_CALL_CLEAR_REQ)
			return j;
	return -1;
}

static void call_down(struct pptp_fix_session *ss, int slot, bool free,
		      struct pptp_fix_track_out *out)
{
	struct pptp_fix_call *c = &ss->calls[slot];

	if (c->up) {
		out->down |= BIT(slot);
		out->gone[slot] = *c;
		c->up = 0;
	}
	if (free && c->state != PPTP_FIX_CALL_FREE) {
		out->freed |= BIT(slot);
		memset(c, 0, sizeof(*c));
	}
}

static void call_up(struct pptp_fix_session *ss, int slot, u8 state,
		    struct pptp_fix_track_out *out)
{
	ss->calls[slot].state = state;
	ss->calls[slot].up = 1;
	out->up |= BIT(slot);
}

/* Result for a message naming a call not in @want but maybe in another state. */
static enum pptp_fix_tverdict miss(const struct pptp_fix_session *ss, bool pns,
				   u16 id)
{
	return find_call(ss, pns, id, pns ? PNS_KNOWN : PAC_KNOWN) < 0 ?
	       PPTP_FIX_T_UNKNOWN_CALL : PPTP_FIX_T_OUT_OF_STATE;
}

static enum pptp_fix_tverdict track_call(struct pptp_fix_session *ss, u8 dir,
					 const struct pptp_fix_msg *m,
					 struct pptp_fix_track_out *out)
{
	u16 cid = pptp_fix_get16(m->keep + PPTP_FIX_OFF_CID1);
	u16 peer = m->nkeep >= PPTP_FIX_OFF_CID2 + 2 ?
		   pptp_fix_get16(m->keep + PPTP_FIX_OFF_CID2) : 0;
	int slot;

	if (ss->state != PPTP_FIX_SESS_CONFIRMED)
		return PPTP_FIX_T_OUT_OF_STATE;

	switch (m->ctrl_type) {
	case PPTP_FIX_OCRQ:
		if (find_call(ss, true, cid, PNS_KNOWN) >= 0)
			return PPTP_FIX_T_DUPLICATE;
		slot = new_slot(ss);
		if (slot < 0)
			return PPTP_FIX_T_NO_SLOT;
		call_down(ss, slot, true, out);
		ss->calls[slot].pns_id = cid;
		ss->calls[slot].state = PPTP_FIX_CALL_OUT_REQ;
		break;
	case PPTP_FIX_OCRP:
		slot = find_call(ss, true, peer, ST(OUT_REQ));
		if (slot < 0)
			return miss(ss, true, peer);
		if (m->keep[PPTP_FIX_OFF_CALL_RESULT] != RESULT_OK) {
			call_down(ss, slot, true, out);
			break;
		}
		ss->calls[slot].pac_id = cid;
		call_up(ss, slot, PPTP_FIX_CALL_OUT_CONF, out);
		break;
	case PPTP_FIX_ICRQ:
		if (find_call(ss, false, cid, PAC_KNOWN) >= 0)
			return PPTP_FIX_T_DUPLICATE;
		slot = new_slot(ss);
		if (slot < 0)
			return PPTP_FIX_T_NO_SLOT;
		call_down(ss, slot, true, out);
		ss->calls[slot].pac_id = cid;
		ss->calls[slot].state = PPTP_FIX_CALL_IN_REQ;
		break;
	case PPTP_FIX_ICRP:
		slot = find_call(ss, false, peer, ST(IN_REQ));
		if (slot < 0)
			return miss(ss, false, peer);
		if (m->keep[PPTP_FIX_OFF_CALL_RESULT] != RESULT_OK) {
			call_down(ss, slot, true, out);
			break;
		}
		ss->calls[slot].pns_id = cid;
		ss->calls[slot].state = PPTP_FIX_CALL_IN_REP;
		break;
	case PPTP_FIX_ICCN:
		slot = find_call(ss, true, cid, ST(IN_REP));
		if (slot < 0)
			return miss(ss, true, cid);
		call_up(ss, slot, PPTP_FIX_CALL_IN_CONF, out);
		break;
	case PPTP_FIX_CCRQ:
		slot = find_call(ss, true, cid, PNS_KNOWN & ~ST(CLEAR_REQ));
		if (slot < 0)
			return miss(ss, true, cid);
		call_down(ss, slot, false, out);
		ss->calls[slot].state = PPTP_FIX_CALL_CLEAR_REQ;
		break;
	case PPTP_FIX_CDN:
		slot = find_call(ss, false, cid, PAC_KNOWN);
		if (slot < 0)
			slot = find_call(ss, true, cid, PNS_KNOWN);
		if (slot < 0)
			return PPTP_FIX_T_UNKNOWN_CALL;
		out->slot = slot;
		call_down(ss, slot, true, out);
		return PPTP_FIX_T_OK;
	case PPTP_FIX_WEN:
		slot = find_call(ss, true, cid, PNS_KNOWN);
		if (slot < 0)
			return PPTP_FIX_T_UNKNOWN_CALL;
		break;
	default: /* PPTP_FIX_SLI: the receiver's ID */
		if (ss->pns_dir == PPTP_FIX_DIR_UNKNOWN) {
			slot = find_call(ss, true, cid, PNS_KNOWN);
			if (slot < 0)
				slot = find_call(ss, false, cid, PAC_KNOWN);
		} else {
			bool to_pns = dir != ss->pns_dir;

			slot = find_call(ss, to_pns, cid, to_pns ? PNS_KNOWN : PAC_KNOWN);
		}
		if (slot < 0)
			return PPTP_FIX_T_UNKNOWN_CALL;
		break;
	}
	out->slot = slot;
	return PPTP_FIX_T_OK;
}

static enum pptp_fix_tverdict track_session(struct pptp_fix_session *ss,
					    const struct pptp_fix_msg *m,
					    struct pptp_fix_track_out *out)
{
	unsigned int i;

	switch (m->ctrl_type) {
	case PPTP_FIX_SCCRQ:
		/* Both ends may ask at once (RFC 2637 3.1.3): stay requested. */
		if (ss->state != PPTP_FIX_SESS_NONE &&
		    ss->state != PPTP_FIX_SESS_REQUESTED)
			return PPTP_FIX_T_OUT_OF_STATE;
		ss->state = PPTP_FIX_SESS_REQUESTED;
		break;
	case PPTP_FIX_SCCRP:
		if (ss->state != PPTP_FIX_SESS_REQUESTED)
			return PPTP_FIX_T_OUT_OF_STATE;
		ss->state = m->keep[PPTP_FIX_OFF_SCCRP_RESULT] == RESULT_OK ?
			    PPTP_FIX_SESS_CONFIRMED : PPTP_FIX_SESS_NONE;
		break;
	case PPTP_FIX_STOPCCRQ:
		if (ss->state == PPTP_FIX_SESS_NONE)
			return PPTP_FIX_T_OUT_OF_STATE;
		ss->state = PPTP_FIX_SESS_STOPREQ;
		break;
	case PPTP_FIX_STOPCCRP:
		if (ss->state != PPTP_FIX_SESS_STOPREQ)
			return PPTP_FIX_T_OUT_OF_STATE;
		/* Whatever the result, the connection is going away. */
		ss->state = PPTP_FIX_SESS_NONE;
		for (i = 0; i < ss->max_calls; i++)
			call_down(ss, i, true, out);
		break;
	default: /* Echo-Request, Echo-Reply: no state */
		break;
	}
	return PPTP_FIX_T_OK;
}

enum pptp_fix_tverdict pptp_fix_track(struct pptp_fix_session *ss, u8 dir,
				      const struct pptp_fix_msg *m,
				      struct pptp_fix_track_out *out)
{
	const struct pptp_fix_type_info *info = m->info;
	enum pptp_fix_tverdict v;
	bool learned = false;

	out->up = 0;
	out->down = 0;
	out->freed = 0;
	out->slot = -1;

	if (info->sender != PPTP_FIX_ROLE_EITHER &&
	    !(info->flags & PPTP_FIX_F_BOTH_WAYS)) {
		u8 pns_dir = info->sender == PPTP_FIX_ROLE_PNS ? dir : !dir;

		if (ss->pns_dir == PPTP_FIX_DIR_UNKNOWN) {
			/* Roles are fixed by the first message that shows them. */
			if (ss->state == PPTP_FIX_SESS_CONFIRMED) {
				ss->pns_dir = pns_dir;
				learned = true;
			}
		} else if (ss->pns_dir != pns_dir) {
			return PPTP_FIX_T_WRONG_SIDE;
		}
	}

	if (m->ctrl_type >= PPTP_FIX_OCRQ)
		v = track_call(ss, dir, m, out);
	else
		v = track_session(ss, m, out);
	/* ... that is accepted: a stray WAN-Error-Notify teaches nothing. */
	if (v != PPTP_FIX_T_OK && learned)
		ss->pns_dir = PPTP_FIX_DIR_UNKNOWN;
	return v;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_track);

void pptp_fix_session_end(struct pptp_fix_session *ss,
			  struct pptp_fix_track_out *out)
{
	unsigned int i;

	out->up = 0;
	out->down = 0;
	out->freed = 0;
	out->slot = -1;
	for (i = 0; i < ss->max_calls; i++)
		call_down(ss, i, true, out);
	ss->state = PPTP_FIX_SESS_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_session_end);
