// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP control-message wire format, RFC 2637 section 2.
 *
 * The type table is the RFC's: Length per type (header included), the end
 * that sends it, and where each Call ID field is.  Two departures from the
 * RFC that real peers force on us are flagged, not hidden: Set-Link-Info is
 * sent by both ends, and Call-Disconnect-Notify's Call ID is sometimes the
 * PNS's instead of the PAC's.
 *
 * Limitations: only control messages (PPTP Message Type 1) are framed; the
 * RFC defines no other type and PPTP_FIX_FRAME_BAD_MSG_TYPE reports them.
 * Reserved fields are not checked: peers fill them with junk.
 */
#include "include/pptp_fix_wire.h"

#define CID(n, k)	{ .offset = PPTP_FIX_OFF_CID##n, .kind = PPTP_FIX_CID_##k }
/*
 * ->need is where the last field the table names ends: a message's Call
 * IDs end two bytes after their offset, a Result Code one byte after
 * (KUnit's wire suite recomputes every one).
 */
#define AFTER_CID(n)	(PPTP_FIX_OFF_CID##n + 2)
#define AFTER_RESULT(o)	(PPTP_FIX_OFF_##o##_RESULT + 1)

static const struct pptp_fix_type_info pptp_fix_types[PPTP_FIX_CTRL_MAX + 1] = {
	[PPTP_FIX_SCCRQ] = {
		.name = "Start-Control-Connection-Request", .size = 156,
		.sender = PPTP_FIX_ROLE_EITHER,
		.need = PPTP_FIX_HDR_NEED,
	},
	[PPTP_FIX_SCCRP] = {
		.name = "Start-Control-Connection-Reply", .size = 156,
		.sender = PPTP_FIX_ROLE_EITHER,
		.result_off = PPTP_FIX_OFF_SCCRP_RESULT, .need = AFTER_RESULT(SCCRP),
	},
	[PPTP_FIX_STOPCCRQ] = {
		.name = "Stop-Control-Connection-Request", .size = 16,
		.sender = PPTP_FIX_ROLE_EITHER,
		.need = PPTP_FIX_HDR_NEED,
	},
	[PPTP_FIX_STOPCCRP] = {
		.name = "Stop-Control-Connection-Reply", .size = 16,
		.sender = PPTP_FIX_ROLE_EITHER,
		.result_off = PPTP_FIX_OFF_STOPCCRP_RESULT, .need = AFTER_RESULT(STOPCCRP),
	},
	[PPTP_FIX_ECHORQ] = {
		.name = "Echo-Request", .size = 16,
		.sender = PPTP_FIX_ROLE_EITHER,
		.need = PPTP_FIX_HDR_NEED,
	},
	[PPTP_FIX_ECHORP] = {
		.name = "Echo-Reply", .size = 20,
		.sender = PPTP_FIX_ROLE_EITHER,
		.need = PPTP_FIX_HDR_NEED,
	},
	[PPTP_FIX_OCRQ] = {
		.name = "Outgoing-Call-Request", .size = 168,
		.sender = PPTP_FIX_ROLE_PNS,
		.cid = { CID(1, OWN) }, .need = AFTER_CID(1),
	},
	[PPTP_FIX_OCRP] = {
		.name = "Outgoing-Call-Reply", .size = 32,
		.sender = PPTP_FIX_ROLE_PAC,
		.cid = { CID(1, OWN), CID(2, PEER) },
		.result_off = PPTP_FIX_OFF_CALL_RESULT, .need = AFTER_RESULT(CALL),
	},
	[PPTP_FIX_ICRQ] = {
		.name = "Incoming-Call-Request", .size = 220,
		.sender = PPTP_FIX_ROLE_PAC,
		.cid = { CID(1, OWN) }, .need = AFTER_CID(1),
	},
	[PPTP_FIX_ICRP] = {
		.name = "Incoming-Call-Reply", .size = 24,
		.sender = PPTP_FIX_ROLE_PNS,
		.cid = { CID(1, OWN), CID(2, PEER) },
		.result_off = PPTP_FIX_OFF_CALL_RESULT, .need = AFTER_RESULT(CALL),
	},
	[PPTP_FIX_ICCN] = {
		.name = "Incoming-Call-Connected", .size = 28,
		.sender = PPTP_FIX_ROLE_PAC,
		.cid = { CID(1, PEER) }, .need = AFTER_CID(1),
	},
	[PPTP_FIX_CCRQ] = {
		.name = "Call-Clear-Request", .size = 16,
		.sender = PPTP_FIX_ROLE_PNS,
		.cid = { CID(1, OWN) }, .need = AFTER_CID(1),
	},
	[PPTP_FIX_CDN] = {
		.name = "Call-Disconnect-Notify", .size = 148,
		.sender = PPTP_FIX_ROLE_PAC, .flags = PPTP_FIX_F_CID_AMBIGUOUS,
		.cid = { CID(1, OWN) },
		.result_off = PPTP_FIX_OFF_CDN_RESULT, .need = AFTER_RESULT(CDN),
	},
	[PPTP_FIX_WEN] = {
		.name = "WAN-Error-Notify", .size = 40,
		.sender = PPTP_FIX_ROLE_PAC,
		.cid = { CID(1, PEER) }, .need = AFTER_CID(1),
	},
	[PPTP_FIX_SLI] = {
		.name = "Set-Link-Info", .size = 24,
		.sender = PPTP_FIX_ROLE_PNS, .flags = PPTP_FIX_F_BOTH_WAYS,
		.cid = { CID(1, PEER) }, .need = AFTER_CID(1),
	},
};

const struct pptp_fix_type_info *pptp_fix_type_info(u16 ctrl_type)
{
	if (ctrl_type == 0 || ctrl_type > PPTP_FIX_CTRL_MAX)
		return NULL;
	return &pptp_fix_types[ctrl_type];
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_type_info);

const char *pptp_fix_type_name(u16 ctrl_type)
{
	const struct pptp_fix_type_info *info = pptp_fix_type_info(ctrl_type);

	return info ? info->name : "unknown";
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_type_name);

static const char *const pptp_fix_frame_results[PPTP_FIX_FRAME_NR_RESULTS] = {
	[PPTP_FIX_FRAME_OK] = "ok",
	[PPTP_FIX_FRAME_NEED_MORE] = "incomplete",
	[PPTP_FIX_FRAME_BAD_LENGTH] = "bad length",
	[PPTP_FIX_FRAME_BAD_MSG_TYPE] = "bad message type",
	[PPTP_FIX_FRAME_BAD_COOKIE] = "bad magic cookie",
	[PPTP_FIX_FRAME_BAD_CTRL_TYPE] = "bad control type",
	[PPTP_FIX_FRAME_SHORT_FOR_TYPE] = "length below type size",
};

const char *pptp_fix_frame_result_name(enum pptp_fix_frame_result r)
{
	if ((unsigned int)r >= PPTP_FIX_FRAME_NR_RESULTS)
		return "invalid result";
	return pptp_fix_frame_results[r];
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_frame_result_name);

enum pptp_fix_frame_result pptp_fix_frame(const u8 *buf, size_t len,
					  struct pptp_fix_frame *f)
{
	const struct pptp_fix_type_info *info;
	u16 length;

	f->length = 0;
	f->msg_type = 0;
	f->ctrl_type = 0;
	f->info = NULL;

	if (len < PPTP_FIX_OFF_LENGTH + 2)
		return PPTP_FIX_FRAME_NEED_MORE;
	length = pptp_fix_get16(buf + PPTP_FIX_OFF_LENGTH);
	if (length < PPTP_FIX_HDR_LEN || length > PPTP_FIX_MAX_MSG_LEN)
		return PPTP_FIX_FRAME_BAD_LENGTH;

	if (len < PPTP_FIX_OFF_MSG_TYPE + 2)
		return PPTP_FIX_FRAME_NEED_MORE;
	f->msg_type = pptp_fix_get16(buf + PPTP_FIX_OFF_MSG_TYPE);
	if (f->msg_type != PPTP_FIX_MSG_CONTROL)
		return PPTP_FIX_FRAME_BAD_MSG_TYPE;

	/* A cookie is checked only once all four bytes are there. */
	if (len < PPTP_FIX_OFF_COOKIE + 4)
		return PPTP_FIX_FRAME_NEED_MORE;
	if (pptp_fix_get32(buf + PPTP_FIX_OFF_COOKIE) != PPTP_FIX_MAGIC)
		return PPTP_FIX_FRAME_BAD_COOKIE;

	if (len < PPTP_FIX_HDR_NEED)
		return PPTP_FIX_FRAME_NEED_MORE;
	f->ctrl_type = pptp_fix_get16(buf + PPTP_FIX_OFF_CTRL_TYPE);
	info = pptp_fix_type_info(f->ctrl_type);
	if (!info)
		return PPTP_FIX_FRAME_BAD_CTRL_TYPE;
	if (length < info->size)
		return PPTP_FIX_FRAME_SHORT_FOR_TYPE;

	f->info = info;
	f->length = length;
	if (len < length)
		return PPTP_FIX_FRAME_NEED_MORE;
	return PPTP_FIX_FRAME_OK;
}
EXPORT_SYMBOL_IF_KUNIT(pptp_fix_frame);
