// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the per-connection engine (pptp_conn.c), the
 * code the module runs per segment, with the test host of
 * tests/model/engine_host.h.  Sanitizers (address, undefined) catch any
 * out-of-bounds read or undefined behaviour; the invariants abort.
 *
 * Input: a byte of options, then either
 *  - (options bit 7 clear) segments: [ctl][len][data...], ctl bit 0 the
 *    direction, bit 1 a retransmission of the direction's last segment
 *    position, bit 2 a gap (skip 1..16 bytes of sequence space), bit 3
 *    an ACK of everything the other direction sent before it;
 *  - (bit 7 set) eight bytes seeding the TCP model of
 *    tests/model/tcp_model.h: a random conversation needing translation,
 *    cut, lost, reordered, duplicated and retransmitted, whose receivers
 *    must reassemble the reference translation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../model/tcp_model.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant: %s\n", #c); abort(); } } while (0)

static void raw_segments(const u8 *data, size_t size)
{
	struct eh_host *h = calloc(1, sizeof(*h));
	u32 seq[2] = { 1000, 0xfffffff0 }, last[2] = { 1000, 0xfffffff0 };
	size_t pos = 1;
	unsigned int i;

	CHECK(h);
	eh_init(h, (data[0] & 7) + 1, (data[0] >> 3) & 1, data[0] & 0x40 ? 8 : 16384);
	eh_remap(h, 512, 6690);
	eh_remap(h, 1, 0x0102);
	while (pos + 2 <= size) {
		struct pptp_fix_seg_result res;
		u8 ctl = data[pos], dir = ctl & 1;
		u32 len = data[pos + 1], s;
		u8 *seg;

		pos += 2;
		if (len > size - pos)
			len = size - pos;
		s = ctl & 2 ? last[dir] : seq[dir];
		if (ctl & 4)
			s += 1 + (ctl >> 4);
		if (ctl & 8)
			pptp_fix_engine_ack(&h->e, !dir, seq[!dir]);
		seg = malloc(len ? len : 1);	/* exact size: ASan sees overreads */
		CHECK(seg);
		memcpy(seg, data + pos, len);
		pptp_fix_engine_segment(&h->e, &eh_ops, h, dir, s, seg, len, true, &res);
		/* A dropped segment is left as it came. */
		CHECK(!res.drop || !memcmp(seg, data + pos, len));
		CHECK(res.drop || res.written <= len);
		free(seg);
		CHECK(!h->err);
		for (i = 0; i < 2; i++)
			CHECK(h->e.jr[i].head <= h->e.jr[i].n && h->e.jr[i].n <= h->e.jr[i].cap);
		last[dir] = s;
		if (s + len - seq[dir] < 0x80000000U)
			seq[dir] = s + len;
		pos += len;
	}
	eh_end(h);
	CHECK(!h->err);
	free(h);
}

static void tcp_model(const u8 *data, size_t size)
{
	struct tcp_model *t = calloc(1, sizeof(*t));
	u64 seed = 0;
	const char *err;
	size_t i;

	CHECK(t);
	for (i = 1; i < size && i < 9; i++)
		seed = seed << 8 | data[i];
	tm_init(t, seed);
	err = tm_run(t);
	if (err)
		fprintf(stderr, "tcp model, seed %llu: %s\n", (unsigned long long)seed, err);
	CHECK(!err);
	free(t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 0x80)
		tcp_model(data, size);
	else
		raw_segments(data, size);
	return 0;
}
