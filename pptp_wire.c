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

#define CID(o, k) { .offset = (o), .kind = PPTP_FIX_CID_##k }

static const struct pptp_fix_type_info pptp_fix_types[PPTP_FIX_CTRL_MAX + 1] = {
	[PPTP_FIX_SCCRQ] = { "Start-Control-Connection-Request", 156,
			     PPTP_FIX_ROLE_EITHER, 0, {}, 0, 10 },
	[PPTP_FIX_SCCRP] = { "Start-Control-Connection-Reply", 156,
			     PPTP_FIX_ROLE_EITHER, 0, {}, 14, 15 },
	[PPTP_FIX_STOPCCRQ] = { "Stop-Control-Connection-Request", 16,
				PPTP_FIX_ROLE_EITHER, 0, {}, 0, 10 },
	[PPTP_FIX_STOPCCRP] = { "Stop-Control-Connection-Reply", 16,
				PPTP_FIX_ROLE_EITHER, 0, {}, 12, 13 },
	[PPTP_FIX_ECHORQ] = { "Echo-Request", 16, PPTP_FIX_ROLE_EITHER, 0, {}, 0, 10 },
	[PPTP_FIX_ECHORP] = { "Echo-Reply", 20, PPTP_FIX_ROLE_EITHER, 0, {}, 0, 10 },
	[PPTP_FIX_OCRQ] = { "Outgoing-Call-Request", 168, PPTP_FIX_ROLE_PNS, 0,
			    { CID(12, OWN) }, 0, 14 },
	[PPTP_FIX_OCRP] = { "Outgoing-Call-Reply", 32, PPTP_FIX_ROLE_PAC, 0,
			    { CID(12, OWN), CID(14, PEER) }, 16, 17 },
	[PPTP_FIX_ICRQ] = { "Incoming-Call-Request", 220, PPTP_FIX_ROLE_PAC, 0,
			    { CID(12, OWN) }, 0, 14 },
	[PPTP_FIX_ICRP] = { "Incoming-Call-Reply", 24, PPTP_FIX_ROLE_PNS, 0,
			    { CID(12, OWN), CID(14, PEER) }, 16, 17 },
	[PPTP_FIX_ICCN] = { "Incoming-Call-Connected", 28, PPTP_FIX_ROLE_PAC, 0,
			    { CID(12, PEER) }, 0, 14 },
	[PPTP_FIX_CCRQ] = { "Call-Clear-Request", 16, PPTP_FIX_ROLE_PNS, 0,
			    { CID(12, OWN) }, 0, 14 },
	[PPTP_FIX_CDN] = { "Call-Disconnect-Notify", 148, PPTP_FIX_ROLE_PAC,
			   PPTP_FIX_F_CID_AMBIGUOUS, { CID(12, OWN) }, 14, 15 },
	[PPTP_FIX_WEN] = { "WAN-Error-Notify", 40, PPTP_FIX_ROLE_PAC, 0,
			   { CID(12, PEER) }, 0, 14 },
	[PPTP_FIX_SLI] = { "Set-Link-Info", 24, PPTP_FIX_ROLE_PNS,
			   PPTP_FIX_F_BOTH_WAYS, { CID(12, PEER) }, 0, 14 },
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

	if (len < 2)
		return PPTP_FIX_FRAME_NEED_MORE;
	length = pptp_fix_get16(buf);
	if (length < PPTP_FIX_HDR_LEN || length > PPTP_FIX_MAX_MSG_LEN)
		return PPTP_FIX_FRAME_BAD_LENGTH;

	if (len < 4)
		return PPTP_FIX_FRAME_NEED_MORE;
	f->msg_type = pptp_fix_get16(buf + 2);
	if (f->msg_type != PPTP_FIX_MSG_CONTROL)
		return PPTP_FIX_FRAME_BAD_MSG_TYPE;

	/* A cookie is checked only once all four bytes are there. */
	if (len < 8)
		return PPTP_FIX_FRAME_NEED_MORE;
	if (pptp_fix_get32(buf + 4) != PPTP_FIX_MAGIC)
		return PPTP_FIX_FRAME_BAD_COOKIE;

	if (len < 10)
		return PPTP_FIX_FRAME_NEED_MORE;
	f->ctrl_type = pptp_fix_get16(buf + 8);
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
