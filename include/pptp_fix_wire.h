/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP control-message wire format (RFC 2637, section 2): framing,
 * validation and the table of Call ID fields.
 *
 * Pure code: no skbs, no allocation, no kernel state; it compiles unchanged
 * in userspace so that it can be fuzzed.  All multi-byte fields are read
 * byte by byte in network order, so no alignment or host byte order is
 * assumed.
 */
#ifndef _PPTP_FIX_WIRE_H
#define _PPTP_FIX_WIRE_H

#include "pptp_fix_types.h"

/*
 * Field offsets from a message's start.  The header every message of
 * RFC 2637 section 2 begins with: Length(2) PPTP Message Type(2) Magic
 * Cookie(4) Control Message Type(2) Reserved0(2).
 */
#define PPTP_FIX_OFF_LENGTH		0
#define PPTP_FIX_OFF_MSG_TYPE		2
#define PPTP_FIX_OFF_COOKIE		4
#define PPTP_FIX_OFF_CTRL_TYPE		8
#define PPTP_FIX_HDR_LEN		12
/* The header bytes that validate it and name the message. */
#define PPTP_FIX_HDR_NEED		(PPTP_FIX_OFF_CTRL_TYPE + 2)
/*
 * The body's Call ID fields (RFC 2637 2.7-2.15): each call message's first
 * field, a Call ID or a Peer's Call ID, and the replies' Peer's Call ID.
 */
#define PPTP_FIX_OFF_CID1		12
#define PPTP_FIX_OFF_CID2		14
/* Result Codes (one byte) of the replies that carry one. */
#define PPTP_FIX_OFF_SCCRP_RESULT	14
#define PPTP_FIX_OFF_STOPCCRP_RESULT	12
#define PPTP_FIX_OFF_CALL_RESULT	16	/* Outgoing- and Incoming-Call-Reply */
#define PPTP_FIX_OFF_CDN_RESULT		14

#define PPTP_FIX_MSG_CONTROL	1
#define PPTP_FIX_MAGIC		0x1A2B3C4DU

/*
 * The largest Length we accept.  The largest RFC 2637 message is
 * Incoming-Call-Request (220 bytes); real peers pad some messages, none
 * to anywhere near this.  A larger Length is far more likely garbage than
 * a message, and trusting it would make a stream walker skip that many
 * bytes of the connection unparsed.
 */
#define PPTP_FIX_MAX_MSG_LEN	1024

enum pptp_fix_ctrl_type {
	PPTP_FIX_SCCRQ = 1,	/* Start-Control-Connection-Request */
	PPTP_FIX_SCCRP = 2,	/* Start-Control-Connection-Reply */
	PPTP_FIX_STOPCCRQ = 3,	/* Stop-Control-Connection-Request */
	PPTP_FIX_STOPCCRP = 4,	/* Stop-Control-Connection-Reply */
	PPTP_FIX_ECHORQ = 5,	/* Echo-Request */
	PPTP_FIX_ECHORP = 6,	/* Echo-Reply */
	PPTP_FIX_OCRQ = 7,	/* Outgoing-Call-Request */
	PPTP_FIX_OCRP = 8,	/* Outgoing-Call-Reply */
	PPTP_FIX_ICRQ = 9,	/* Incoming-Call-Request */
	PPTP_FIX_ICRP = 10,	/* Incoming-Call-Reply */
	PPTP_FIX_ICCN = 11,	/* Incoming-Call-Connected */
	PPTP_FIX_CCRQ = 12,	/* Call-Clear-Request */
	PPTP_FIX_CDN = 13,	/* Call-Disconnect-Notify */
	PPTP_FIX_WEN = 14,	/* WAN-Error-Notify */
	PPTP_FIX_SLI = 15,	/* Set-Link-Info */
	PPTP_FIX_CTRL_MAX = PPTP_FIX_SLI,
};

/* Which end of the control connection RFC 2637 says sends a message. */
enum pptp_fix_role {
	PPTP_FIX_ROLE_EITHER = 0,
	PPTP_FIX_ROLE_PNS,	/* the client: PPTP Network Server */
	PPTP_FIX_ROLE_PAC,	/* the server: PPTP Access Concentrator */
};

/*
 * What a Call ID field names, relative to the message's sender.  Stating it
 * this way keeps the table direction-free: Set-Link-Info's Peer's Call ID is
 * the receiver's ID whichever side sends it.
 */
enum pptp_fix_cid_kind {
	PPTP_FIX_CID_NONE = 0,
	PPTP_FIX_CID_OWN,	/* "Call ID": the sender's own ID */
	PPTP_FIX_CID_PEER,	/* "Peer's Call ID": the receiver's ID */
};

/*
 * RFC 2637 has Set-Link-Info sent by the PNS only, but RAS servers (the
 * seed's frame 818) send it too: accept it from both ends.
 */
#define PPTP_FIX_F_BOTH_WAYS	BIT(0)
/*
 * Call-Disconnect-Notify's Call ID is the PAC's own per RFC 2637 2.13, but
 * some servers put the PNS's Call ID there.  A consumer must decide by
 * value, not by the table alone.
 */
#define PPTP_FIX_F_CID_AMBIGUOUS	BIT(1)

#define PPTP_FIX_MAX_CID_FIELDS	2

struct pptp_fix_cid_field {
	u8 offset;		/* from the start of the message; 0 = unused */
	u8 kind;		/* enum pptp_fix_cid_kind */
};

struct pptp_fix_type_info {
	const char *name;	/* RFC 2637 name */
	u16 size;		/* RFC 2637 Length, header included */
	u8 sender;		/* enum pptp_fix_role */
	u8 flags;		/* PPTP_FIX_F_* */
	struct pptp_fix_cid_field cid[PPTP_FIX_MAX_CID_FIELDS];
	u8 result_off;		/* Result Code's offset; 0 = none */
	u8 need;		/* bytes that hold every field above */
};

/* Returns the table row of @ctrl_type, or NULL if it is not 1..15. */
const struct pptp_fix_type_info *pptp_fix_type_info(u16 ctrl_type);

/* Short name of a control type for log lines; "unknown" outside 1..15. */
const char *pptp_fix_type_name(u16 ctrl_type);

enum pptp_fix_frame_result {
	PPTP_FIX_FRAME_OK = 0,
	/*
	 * Not an error: the bytes seen so far are a valid beginning, but the
	 * header or the message is not complete.  ->length is set once the
	 * whole header has been checked.
	 */
	PPTP_FIX_FRAME_NEED_MORE,
	PPTP_FIX_FRAME_BAD_LENGTH,	/* Length < 12 or > PPTP_FIX_MAX_MSG_LEN */
	PPTP_FIX_FRAME_BAD_MSG_TYPE,	/* PPTP Message Type != 1 */
	PPTP_FIX_FRAME_BAD_COOKIE,	/* Magic Cookie != 0x1A2B3C4D */
	PPTP_FIX_FRAME_BAD_CTRL_TYPE,	/* Control Message Type not 1..15 */
	PPTP_FIX_FRAME_SHORT_FOR_TYPE,	/* Length below the type's RFC size */
	PPTP_FIX_FRAME_NR_RESULTS,
};

struct pptp_fix_frame {
	u16 length;		/* Length field; 0 until the header is complete */
	u16 msg_type;		/* PPTP Message Type */
	u16 ctrl_type;		/* Control Message Type */
	const struct pptp_fix_type_info *info;	/* NULL until known good */
};

/*
 * Frame the message that starts at @buf, given @len bytes of it.
 *
 * Every header field present in @buf is validated as soon as it is there,
 * so a stream walker learns of garbage from the first bad byte, not only
 * once 12 bytes have arrived.  No byte past @len is read.
 */
enum pptp_fix_frame_result pptp_fix_frame(const u8 *buf, size_t len,
					  struct pptp_fix_frame *f);

/* Human-readable reason for a framing result, for log lines and tests. */
const char *pptp_fix_frame_result_name(enum pptp_fix_frame_result r);

static inline u16 pptp_fix_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 pptp_fix_get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void pptp_fix_put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

#endif /* _PPTP_FIX_WIRE_H */
