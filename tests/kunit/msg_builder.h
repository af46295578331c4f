/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Builds RFC 2637 control messages for the KUnit suites: the type's RFC
 * size, a valid header, the Call ID fields from the wire table and the
 * result code where the type has one.
 */
#ifndef _PPTP_FIX_MSG_BUILDER_H
#define _PPTP_FIX_MSG_BUILDER_H

#include "pptp_fix_wire.h"

#define MB_MAX	PPTP_FIX_MAX_MSG_LEN

/* A valid header for @type with Length @length; the body is left as is. */
static inline void mb_header(u8 *buf, u16 length, u16 type)
{
	pptp_fix_put16(buf, length);
	pptp_fix_put16(buf + 2, PPTP_FIX_MSG_CONTROL);
	buf[4] = 0x1a;
	buf[5] = 0x2b;
	buf[6] = 0x3c;
	buf[7] = 0x4d;
	pptp_fix_put16(buf + 8, type);
}

/*
 * Writes message @type into @buf: @own goes in the "Call ID" field, @peer
 * in the "Peer's Call ID" field, @result in the Result Code.  Returns its
 * length.
 */
static inline u16 mb_build(u8 *buf, u16 type, u16 own, u16 peer, u8 result)
{
	const struct pptp_fix_type_info *info = pptp_fix_type_info(type);
	unsigned int i;

	memset(buf, 0, info->size);
	mb_header(buf, info->size, type);
	for (i = 0; i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		const struct pptp_fix_cid_field *f = &info->cid[i];

		if (f->kind == PPTP_FIX_CID_OWN)
			pptp_fix_put16(buf + f->offset, own);
		else if (f->kind == PPTP_FIX_CID_PEER)
			pptp_fix_put16(buf + f->offset, peer);
	}
	if (info->result_off)
		buf[info->result_off] = result;
	return info->size;
}

#endif /* _PPTP_FIX_MSG_BUILDER_H */
