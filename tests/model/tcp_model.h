/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TCP model around the per-connection engine, for the property test in
 * KUnit (pptp_fix_conn) and the fuzzer.
 *
 *   PNS ==dir 0==> router (engine) ==> PAC
 *   PNS <== router <==dir 1== PAC
 *
 * The translated end, per seed: the PNS (behind masquerade) or the PAC
 * (behind a port forward).  A random, causally valid PPTP conversation
 * is written up front: each message may be sent only once the sender has
 * received what it answers (its gate).  Calls are outgoing or incoming,
 * and need translation: the host maps the PNS's Call IDs 512, 513, ...
 * to 0x280, 0x283, ... (or the PAC's 40000, 40007, ... to 0x9c80,
 * 0x9c83, ...), keeping the high byte as the module does while the 256
 * IDs that share it are not all taken.  Each end's TCP then sends it in
 * random segments; segments are lost or reordered before the
 * router, lost or duplicated after it, retransmitted from the oldest
 * unacknowledged byte or from anywhere in flight with new boundaries, and
 * ACKs (which pass the router) are lost before or after it.  Sequence
 * numbers start anywhere, so they wrap.
 *
 * Invariant: what each receiver reassembles equals the reference
 * translation of what its peer sent, byte for byte; a byte received
 * twice is the same both times; every call goes up and down once; and
 * the conversation completes (a dropped segment's retransmission gets
 * through).  tm_run() returns NULL or what broke.
 *
 * Limitation of the model: the first segment of each direction reaches
 * the router (the engine takes it as the stream's start).
 */
#ifndef _PPTP_FIX_TCP_MODEL_H
#define _PPTP_FIX_TCP_MODEL_H

#include "engine_host.h"
#include "../kunit/msg_builder.h"

#define TM_PNS		0
#define TM_PAC		1
#define TM_MAXMSG	2048
#define TM_MAXLEN	(TM_MAXMSG * 40 + 8192)
#define TM_WINDOW	65536
#define TM_HELD		4

struct tm_dir {
	u8 snd[TM_MAXLEN];	/* what the sender wrote */
	u8 ref[TM_MAXLEN];	/* what the receiver must get */
	u8 rcv[TM_MAXLEN];
	u8 got[TM_MAXLEN];
	u32 len;
	u32 mend[TM_MAXMSG];	/* each message's end */
	u32 mgate[TM_MAXMSG];	/* ... sent once the other direction got this far */
	unsigned int nmsg;
	unsigned int ngated;	/* messages whose gate is open */
	u32 isn, snd_una, snd_nxt, rcv_nxt;
	struct {
		u32 off, len;
	} held[TM_HELD];
	unsigned int nheld;
};

struct tcp_model {
	struct tm_dir d[2];
	struct eh_host host;
	u64 rng;
	/* Per 256: */
	u32 loss_pre, loss_post, reorder, dup, ack_loss;
	u32 maxseg;
	unsigned int ncalls;
	bool dnat;		/* the PAC is translated, not the PNS */
	bool seen_first[2];
	const char *err;
};

static inline u32 tm_rand(struct tcp_model *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return (u32)((t->rng * 0x2545F4914F6CDD1DULL) >> 32);
}

static inline bool tm_chance(struct tcp_model *t, u32 per256)
{
	return (tm_rand(t) & 255) < per256;
}

/*
 * Appends a message to direction @dir: @own/@peer as sent, @own_r/@peer_r
 * as its receiver must see them; sent once the other direction got @gate.
 */
static inline void tm_add(struct tcp_model *t, u8 dir, u16 type, u16 own, u16 peer, u16 own_r,
			  u16 peer_r, u32 gate)
{
	struct tm_dir *d = &t->d[dir];
	u16 n;

	if (d->nmsg == TM_MAXMSG || d->len + PPTP_FIX_MAX_MSG_LEN > TM_MAXLEN)
		return;
	mb_build(d->ref + d->len, type, own_r, peer_r, 1);
	n = mb_build(d->snd + d->len, type, own, peer, 1);
	d->len += n;
	d->mend[d->nmsg] = d->len;
	d->mgate[d->nmsg] = gate;
	d->nmsg++;
}

/*
 * The conversation: a session, then calls, outgoing or incoming, with
 * traffic, some overlapping.  The translated end is the PNS (behind
 * masquerade) or, with t->dnat, the PAC (behind a port forward): each
 * end's Call ID as it sends it (_s) and as the other end sees it (_r).
 */
static inline void tm_script(struct tcp_model *t)
{
	struct tm_dir *c = &t->d[TM_PNS], *s = &t->d[TM_PAC];
	u32 open[PPTP_FIX_MAX_CALLS], nopen = 0, i, k, burst;
	u16 pns_s[PPTP_FIX_MAX_CALLS], pns_r[PPTP_FIX_MAX_CALLS];
	u16 pac_s[PPTP_FIX_MAX_CALLS], pac_r[PPTP_FIX_MAX_CALLS];

	tm_add(t, TM_PNS, PPTP_FIX_SCCRQ, 0, 0, 0, 0, 0);
	tm_add(t, TM_PAC, PPTP_FIX_SCCRP, 0, 0, 0, 0, c->len);
	for (i = 0; i < t->ncalls; i++) {
		/* How far the other end's stream must have got before an end
		 * may name the other's ID: its request or reply.
		 */
		u32 pns_known, pac_known;

		pns_s[i] = 512 + i;
		pac_s[i] = 40000 + 7 * i;
		/* As the module's choice: the high byte kept (see op_map_new()). */
		if (t->dnat) {
			pns_r[i] = pns_s[i];
			pac_r[i] = 0x9c80 + 3 * i;
			eh_remap(&t->host, pac_s[i], pac_r[i]);
		} else {
			pns_r[i] = 0x0280 + 3 * i;
			pac_r[i] = pac_s[i];
			eh_remap(&t->host, pns_s[i], pns_r[i]);
		}
		if (tm_rand(t) & 1) {
			tm_add(t, TM_PNS, PPTP_FIX_OCRQ, pns_s[i], 0, pns_r[i], 0, s->len);
			pns_known = c->len;
			tm_add(t, TM_PAC, PPTP_FIX_OCRP, pac_s[i], pns_r[i], pac_r[i], pns_s[i],
			       pns_known);
			pac_known = s->len;
		} else {
			/* A reply cut before its Result Code: map_early(). */
			tm_add(t, TM_PAC, PPTP_FIX_ICRQ, pac_s[i], 0, pac_r[i], 0, c->len);
			pac_known = s->len;
			tm_add(t, TM_PNS, PPTP_FIX_ICRP, pns_s[i], pac_r[i], pns_r[i], pac_s[i],
			       pac_known);
			pns_known = c->len;
			tm_add(t, TM_PAC, PPTP_FIX_ICCN, 0, pns_r[i], 0, pns_s[i], pns_known);
		}
		open[nopen++] = i;
		burst = tm_rand(t) & 1 ? tm_rand(t) % 600 : tm_rand(t) % 8;
		for (k = 0; k < burst; k++) {
			u32 j = open[tm_rand(t) % nopen];

			/* Room for the calls' clearing. */
			if (c->len > TM_MAXLEN - 4096 || s->len > TM_MAXLEN - 4096 ||
			    c->nmsg > TM_MAXMSG - 32 || s->nmsg > TM_MAXMSG - 32)
				break;

			switch (tm_rand(t) % 4) {
			case 0:
			case 1:
				tm_add(t, TM_PAC, PPTP_FIX_SLI, 0, pns_r[j], 0, pns_s[j],
				       j == i ? pns_known : 0);
				break;
			case 2:
				tm_add(t, TM_PAC, PPTP_FIX_WEN, 0, pns_r[j], 0, pns_s[j],
				       j == i ? pns_known : 0);
				break;
			default:
				tm_add(t, TM_PNS, PPTP_FIX_SLI, 0, pac_r[j], 0, pac_s[j],
				       j == i ? pac_known : 0);
				break;
			}
		}
		/* Sometimes the call ends before the next one starts. */
		if (tm_rand(t) & 1) {
			tm_add(t, TM_PNS, PPTP_FIX_CCRQ, pns_s[i], 0, pns_r[i], 0, s->len);
			tm_add(t, TM_PAC, PPTP_FIX_CDN, pac_s[i], 0, pac_r[i], 0, c->len);
			nopen--;
		}
	}
	while (nopen--) {
		i = open[nopen];
		tm_add(t, TM_PNS, PPTP_FIX_CCRQ, pns_s[i], 0, pns_r[i], 0, s->len);
		tm_add(t, TM_PAC, PPTP_FIX_CDN, pac_s[i], 0, pac_r[i], 0, c->len);
	}
}

static inline void tm_deliver(struct tcp_model *t, u8 dir, u32 off, const u8 *buf, u32 len)
{
	struct tm_dir *d = &t->d[dir];
	u32 i;

	for (i = 0; i < len; i++) {
		u32 p = off + i;

		if (p < d->rcv_nxt)
			continue;	/* acknowledged: a receiver drops it */
		if (d->got[p]) {
			if (d->rcv[p] != buf[i])
				t->err = "a byte arrived twice with different values";
			continue;
		}
		d->rcv[p] = buf[i];
		d->got[p] = 1;
	}
	while (d->rcv_nxt < d->len && d->got[d->rcv_nxt])
		d->rcv_nxt++;
	/* The ACK goes back through the router, then to the sender. */
	if (tm_chance(t, t->ack_loss))
		return;
	pptp_fix_engine_ack(&t->host.e, !dir, d->isn + d->rcv_nxt);
	if (tm_chance(t, t->ack_loss))
		return;
	if (d->rcv_nxt > d->snd_una)
		d->snd_una = d->rcv_nxt;
}

static inline void tm_router(struct tcp_model *t, u8 dir, u32 off, u32 len)
{
	struct tm_dir *d = &t->d[dir];
	u8 *buf = EH_ZALLOC(len);	/* exact size: ASan sees overreads */

	if (!buf) {
		t->err = "out of memory";
		return;
	}
	memcpy(buf, d->snd + off, len);
	t->seen_first[dir] = true;
	if (eh_segment(&t->host, dir, d->isn + off, buf, len) && !tm_chance(t, t->loss_post)) {
		tm_deliver(t, dir, off, buf, len);
		if (tm_chance(t, t->dup))
			tm_deliver(t, dir, off, buf, len);
	}
	EH_FREE(buf);
}

static inline void tm_send(struct tcp_model *t, u8 dir, u32 off, u32 len)
{
	struct tm_dir *d = &t->d[dir];

	if (t->seen_first[dir] && tm_chance(t, t->loss_pre))
		return;
	if (t->seen_first[dir] && d->nheld < TM_HELD && tm_chance(t, t->reorder)) {
		d->held[d->nheld].off = off;
		d->held[d->nheld].len = len;
		d->nheld++;
		return;
	}
	tm_router(t, dir, off, len);
}

static inline u32 tm_seglen(struct tcp_model *t, u32 room)
{
	u32 n = 1 + tm_rand(t) % t->maxseg;

	return n < room ? n : room;
}

static inline void tm_step(struct tcp_model *t, u8 dir)
{
	struct tm_dir *d = &t->d[dir];
	u32 avail = 0, r = tm_rand(t) % 16, off;
	unsigned int k;

	/* The peer's rcv_nxt only grows: resume where the last step stopped. */
	while (d->ngated < d->nmsg && d->mgate[d->ngated] <= t->d[!dir].rcv_nxt)
		d->ngated++;
	if (d->ngated)
		avail = d->mend[d->ngated - 1];
	if (d->nheld && r < 3) {
		k = tm_rand(t) % d->nheld;
		off = d->held[k].off;
		r = d->held[k].len;
		d->held[k] = d->held[--d->nheld];
		tm_router(t, dir, off, r);
	} else if (d->snd_nxt < avail && d->snd_nxt - d->snd_una < TM_WINDOW && r < 12) {
		off = d->snd_nxt;
		d->snd_nxt += tm_seglen(t, avail - off);
		tm_send(t, dir, off, d->snd_nxt - off);
	} else if (d->snd_una < d->snd_nxt) {
		/* From the oldest byte (a timeout), or anywhere in flight. */
		off = d->snd_una;
		if (tm_rand(t) & 1)
			off += tm_rand(t) % (d->snd_nxt - d->snd_una);
		tm_send(t, dir, off, tm_seglen(t, d->snd_nxt - off));
	}
}

/* Sets the model up from @seed; the buffers must be zeroed. */
static inline void tm_init(struct tcp_model *t, u64 seed)
{
	static const u32 rates[] = { 0, 0, 10, 25, 60 };
	static const u32 segs[] = { 1, 7, 30, 200, 1460, 65536 };

	t->rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	tm_rand(t);
	eh_init(&t->host, PPTP_FIX_MAX_CALLS, TM_PNS, tm_rand(t) & 1 ? 16384 : 32);
	t->loss_pre = rates[tm_rand(t) % 5];
	t->loss_post = rates[tm_rand(t) % 5];
	t->reorder = rates[tm_rand(t) % 5];
	t->dup = rates[tm_rand(t) % 5];
	t->ack_loss = rates[tm_rand(t) % 5];
	t->maxseg = segs[tm_rand(t) % 6];
	t->ncalls = 1 + tm_rand(t) % 3;
	t->dnat = tm_rand(t) & 1;
	if (t->dnat)
		t->host.e.nat_dir = TM_PAC;
	/* Sequence numbers anywhere, often just before the wrap. */
	t->d[0].isn = tm_rand(t) & 1 ? 0u - (tm_rand(t) % 4096) : tm_rand(t);
	t->d[1].isn = tm_rand(t) & 1 ? 0u - (tm_rand(t) % 4096) : tm_rand(t);
	tm_script(t);
}

static inline const char *tm_check(struct tcp_model *t)
{
	u8 dir;

	if (t->err)
		return t->err;
	if (t->host.err)
		return t->host.err;
	for (dir = 0; dir < 2; dir++) {
		if (t->d[dir].rcv_nxt != t->d[dir].len)
			return "the conversation stalled";
		if (memcmp(t->d[dir].rcv, t->d[dir].ref, t->d[dir].len))
			return "a receiver got other bytes than the reference translation";
	}
	if (t->host.ups != t->ncalls || t->host.downs != t->ncalls)
		return "a call did not go up and down exactly once";
	if (t->host.cnt[PPTP_FIX_S_NAT_UNKNOWN] || t->host.cnt[PPTP_FIX_S_RETRANS_CHANGED])
		return "a field without a mapping, or a changed retransmission";
	return NULL;
}

/* Runs the conversation to its end; NULL if every invariant held. */
static inline const char *tm_run(struct tcp_model *t)
{
	unsigned long steps;
	const char *err;

	for (steps = 0; steps < 2000000 && !t->err && !t->host.err; steps++) {
		if (t->d[0].rcv_nxt == t->d[0].len && t->d[1].rcv_nxt == t->d[1].len)
			break;
		tm_step(t, tm_rand(t) & 1);
	}
	err = tm_check(t);
	eh_end(&t->host);
	return err ? err : t->host.err;
}

#endif /* _PPTP_FIX_TCP_MODEL_H */
