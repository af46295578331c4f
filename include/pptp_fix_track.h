/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP session and call tracker: control-connection state, the calls on
 * it keyed by their Call ID pair, and which end is the PNS, all decided by
 * message semantics.  Pure code; see pptp_track.c.
 */
#ifndef _PPTP_FIX_TRACK_H
#define _PPTP_FIX_TRACK_H

#include "pptp_fix_stream.h"

/* Calls tracked per control connection, at most. */
#define PPTP_FIX_MAX_CALLS	8

enum pptp_fix_sess_state {
	PPTP_FIX_SESS_NONE = 0,
	PPTP_FIX_SESS_REQUESTED,	/* Start-Control-Connection-Request seen */
	PPTP_FIX_SESS_CONFIRMED,	/* ... and a successful Reply */
	PPTP_FIX_SESS_STOPREQ,		/* Stop-Control-Connection-Request seen */
};

enum pptp_fix_call_state {
	PPTP_FIX_CALL_FREE = 0,
	PPTP_FIX_CALL_OUT_REQ,		/* Outgoing-Call-Request: PNS ID known */
	PPTP_FIX_CALL_OUT_CONF,		/* Outgoing-Call-Reply, connected: up */
	PPTP_FIX_CALL_IN_REQ,		/* Incoming-Call-Request: PAC ID known */
	PPTP_FIX_CALL_IN_REP,		/* Incoming-Call-Reply, accepted */
	PPTP_FIX_CALL_IN_CONF,		/* Incoming-Call-Connected: up */
	PPTP_FIX_CALL_CLEAR_REQ,	/* Call-Clear-Request: GRE gone, await CDN */
};

#define PPTP_FIX_DIR_UNKNOWN	0xff

struct pptp_fix_call {
	u16 pns_id;		/* the PNS's Call ID, as the PNS sends it */
	u16 pac_id;		/* the PAC's Call ID, as the PAC sends it */
	u8 state;		/* enum pptp_fix_call_state */
	u8 up;			/* GRE expected for it */
};

struct pptp_fix_session {
	u8 state;		/* enum pptp_fix_sess_state */
	u8 pns_dir;		/* conntrack direction the PNS sends in */
	u8 max_calls;		/* <= PPTP_FIX_MAX_CALLS */
	struct pptp_fix_call calls[PPTP_FIX_MAX_CALLS];
};

/* How a message fitted the state; only PPTP_FIX_T_OK changes anything. */
enum pptp_fix_tverdict {
	PPTP_FIX_T_OK = 0,
	PPTP_FIX_T_WRONG_SIDE,		/* sent by the end that never sends it */
	PPTP_FIX_T_OUT_OF_STATE,	/* not valid in this session/call state */
	PPTP_FIX_T_UNKNOWN_CALL,	/* names no call on this connection */
	PPTP_FIX_T_DUPLICATE,		/* a new call with a Call ID in use */
	PPTP_FIX_T_NO_SLOT,		/* more calls than max_calls */
	PPTP_FIX_T_NR_VERDICTS,
};

/* Calls that went up or down because of one message (bit = slot). */
struct pptp_fix_track_out {
	u8 up;
	u8 down;
	u8 freed;		/* slots whose call ended: a new call may take them */
	s8 slot;		/* the call the message named, or -1 */
	struct pptp_fix_call gone[PPTP_FIX_MAX_CALLS];	/* down calls' IDs */
};

void pptp_fix_session_init(struct pptp_fix_session *ss, unsigned int max_calls);

/*
 * Tracks message @m, sent in conntrack direction @dir (0 or 1).  @m must
 * come from the stream walker: its type is valid and its first
 * min(Length, PPTP_FIX_KEEP) bytes are in m->keep.
 */
enum pptp_fix_tverdict pptp_fix_track(struct pptp_fix_session *ss, u8 dir,
				      const struct pptp_fix_msg *m,
				      struct pptp_fix_track_out *out);

/* The control connection is gone: every call goes down. */
void pptp_fix_session_end(struct pptp_fix_session *ss,
			  struct pptp_fix_track_out *out);

const char *pptp_fix_tverdict_name(enum pptp_fix_tverdict v);

#endif /* _PPTP_FIX_TRACK_H */
