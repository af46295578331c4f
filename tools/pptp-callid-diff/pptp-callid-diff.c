// SPDX-License-Identifier: GPL-2.0
/*
 * pptp-callid-diff - compare the PPTP Call IDs on both sides of a NAT router.
 *
 *   pptp-callid-diff [-p PORT] LAN.pcap WAN.pcap
 *
 * LAN.pcap and WAN.pcap are captures of the same PPTP calls taken on the
 * router's LAN and WAN interfaces (tcpdump -w, filter 'tcp port 1723 or
 * proto 47').  For each PPTP control connection found in both, prints one
 * line per control message: who sent it, its Call ID / Peer's Call ID on
 * the LAN and on the WAN, and a verdict (consistent, or MISMATCH with what
 * it means); then the GRE keys of each call on both sides.
 *
 * The control messages (RFC 2637 section 2) are framed here from the TCP
 * payload, by sequence number, not by Wireshark's PPTP dissector: that one
 * (4.0) reads only the first message of each TCP segment and does not
 * reassemble a message split across segments, the very cases a broken
 * router gets wrong.  The message names and where each type carries its
 * Call ID and Peer's Call ID come from the modules' own table
 * (pptp_wire.c).  The GRE key of a call is the Call ID half of the key of
 * enhanced GRE (RFC 2637 section 4.1).
 *
 * This is a C rewrite of the tshark + awk script it replaces, with the
 * same output byte for byte (tests/callid-diff/ compares them) but for
 * three points where the script was wrong or unspecified: the far end's
 * calls, and the other keys of a GRE MISMATCH, are listed in the order
 * first seen (awk's for-in order is unspecified); those other keys are
 * keys seen in packets only (the script also listed keys it had merely
 * looked up, with an empty count); and -p takes a decimal port even with
 * a leading 0 (tshark's filter read 01723 as octal).  Otherwise it keeps
 * the script's rules, limitations included:
 *
 *  - framing is deliberately lax, not pptp_fix_frame()'s: any Length of
 *    at least 12 behind the Magic Cookie is a message, whatever its PPTP
 *    Message Type and Control Message Type (shown as "type N"), so that
 *    what a router did to odd messages is shown, not hidden;
 *  - after a gap (bytes missing from the capture, a segment out of order,
 *    a retransmitted segment that also carries new bytes) the framing
 *    resynchronises only on a segment that begins with a header;
 *  - IPv4 and IPv6 (no extension headers) over Ethernet (VLAN tags too),
 *    Linux cooked captures (v1, v2), raw IP and BSD loopback; IPv4
 *    fragments are skipped (tshark would reassemble them), and so is IPv6
 *    GRE; addresses of IPv6 packets are shown empty, as tshark's ip.src;
 *  - the LAN and WAN connections are paired by the address they share
 *    (the far end), then by the Call IDs the far end announced, then by
 *    the client's port.
 *
 * Exit status: 0 all consistent, 1 a mismatch was found, 2 usage or read
 * error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "pptp_fix_wire.h"

#define PROG "pptp-callid-diff"
#define NO_ID -1		/* a Call ID field the message is too short for */

enum { LAN, WAN };

/* One end of a TCP connection: tshark's ip.src (empty for IPv6) and port. */
struct ep {
	char ip[16];
	unsigned int port;
};

struct msg {
	struct ep from;		/* the end that sent it */
	long frame;		/* frame that completed it */
	long start;		/* frame it started in */
	int mid;		/* not first in its TCP segment */
	int type;
	long cid, peer;		/* NO_ID if missing */
};

/* Growable array of longs (frame numbers, message indices). */
struct list {
	long *v;
	size_t n, cap;
};

/* One direction of a control connection. */
struct stream {
	struct ep from;
	int has_nxt;
	unsigned int nxt;
	unsigned char *buf;
	size_t blen, bcap;
	long bstart;
	int bmid;
	int resync;
	struct list lost;	/* frames where framing was lost */
	struct list msgs;	/* its messages, in order */
};

struct conn {
	struct ep a, b;		/* as first seen, for lookup */
	struct ep cl, sv;	/* client, server (the end on the PPTP port) */
	struct stream st[2];	/* indexed by which end sends */
	int nst;
	struct list msgs;	/* both directions, in order */
	int used;
};

/* GRE packets seen, by side, source and destination address and key. */
struct gre {
	int side;
	char src[16], dst[16];
	long key;
	long count;
};

/* Per LAN connection: the Call IDs translated, as the table shows them. */
struct idmap {
	long l, w;
	char by[80];	/* for fwd: the message that set it up */
};

struct pair {
	struct idmap *fwd, *rev;
	size_t nfwd, nrev;
	struct list pl;		/* LAN Call IDs, in order set up */
	struct list farid;	/* far end's Call IDs, in order announced */
};

static struct conn *conns[2];
static size_t nconn[2];
static struct msg *msgs;
static size_t nmsg, msgcap;
static struct gre *gres;
static size_t ngre, grecap;
static unsigned int port = 1723;
static const char *port_arg = "1723";

static long bad, ncmp;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(2);
	}
	return p;
}

static void list_add(struct list *l, long v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

static int ep_eq(const struct ep *x, const struct ep *y)
{
	return x->port == y->port && !strcmp(x->ip, y->ip);
}

static const char *ep_str(const struct ep *e, char *s, size_t n)
{
	snprintf(s, n, "%s:%u", e->ip, e->port);
	return s;
}

/* ----- Packets: the layers tshark would dissect, bounds-checked ----- */

struct pkt {
	int side;
	long frame;
	const unsigned char *l3;	/* network header */
	size_t cap;			/* its bytes captured */
	size_t len;			/* its bytes on the wire */
	int v6;
};

static unsigned int get16(const unsigned char *p)
{
	return pptp_fix_get16(p);
}

static void gre_count(int side, const char *src, const char *dst, long key)
{
	size_t i;

	for (i = 0; i < ngre; i++) {
		if (gres[i].side == side && gres[i].key == key &&
		    !strcmp(gres[i].src, src) && !strcmp(gres[i].dst, dst)) {
			gres[i].count++;
			return;
		}
	}
	if (ngre == grecap) {
		grecap = grecap ? 2 * grecap : 16;
		gres = xrealloc(gres, grecap * sizeof(*gres));
	}
	gres[ngre].side = side;
	snprintf(gres[ngre].src, sizeof(gres[ngre].src), "%s", src);
	snprintf(gres[ngre].dst, sizeof(gres[ngre].dst), "%s", dst);
	gres[ngre].key = key;
	gres[ngre].count = 1;
	ngre++;
}

/*
 * Enhanced GRE (RFC 2637 4.1): the Call ID half of the key, counted when
 * Wireshark's dissector would show gre.key.call_id: Key present, Protocol
 * Type PPP (0x880b) and a Version other than 0.
 */
static void gre_packet(const struct pkt *p, const unsigned char *g,
		       size_t cap, const char *src, const char *dst)
{
	unsigned int flags;
	size_t off = 4;

	if (cap < 4)
		return;
	flags = get16(g);
	if (!(flags & 0x2000) || get16(g + 2) != 0x880b || !(flags & 0x0007))
		return;
	if (flags & 0xc000)	/* Checksum or Routing: both 2-byte fields */
		off += 4;
	off += 2;		/* the key's Payload Length */
	if (cap < off + 2)
		return;
	gre_count(p->side, src, dst, get16(g + off));
}

static struct conn *conn_find(int side, const struct ep *a,
			      const struct ep *b)
{
	size_t i;

	for (i = 0; i < nconn[side]; i++) {
		struct conn *c = &conns[side][i];

		if ((ep_eq(&c->a, a) && ep_eq(&c->b, b)) ||
		    (ep_eq(&c->a, b) && ep_eq(&c->b, a)))
			return c;
	}
	return NULL;
}

static struct conn *conn_new(int side, const struct ep *a, const struct ep *b)
{
	struct conn *c;

	conns[side] = xrealloc(conns[side],
			       (nconn[side] + 1) * sizeof(*conns[side]));
	c = &conns[side][nconn[side]++];
	memset(c, 0, sizeof(*c));
	c->a = *a;
	c->b = *b;
	/* The end on the PPTP port is the responder. */
	if (b->port == port && a->port != port) {
		c->cl = *a;
		c->sv = *b;
	} else if (a->port == port && b->port != port) {
		c->cl = *b;
		c->sv = *a;
	} else {
		c->cl = *a;
		c->sv = *b;
	}
	return c;
}

static struct stream *stream_of(struct conn *c, const struct ep *from)
{
	int i;

	for (i = 0; i < c->nst; i++)
		if (ep_eq(&c->st[i].from, from))
			return &c->st[i];
	/* A connection has two ends, so at most two streams. */
	memset(&c->st[c->nst], 0, sizeof(c->st[0]));
	c->st[c->nst].from = *from;
	return &c->st[c->nst++];
}

static const struct stream *stream_from(const struct conn *c,
					const struct ep *from)
{
	int i;

	for (i = 0; i < c->nst; i++)
		if (ep_eq(&c->st[i].from, from))
			return &c->st[i];
	return NULL;
}

/* A whole message at the start of @m (@mlen bytes, all there). */
static void add_msg(struct conn *c, struct stream *s, const unsigned char *m,
		    size_t mlen, long frame)
{
	const struct pptp_fix_type_info *info;
	struct msg *x;
	int i;

	if (nmsg == msgcap) {
		msgcap = msgcap ? 2 * msgcap : 64;
		msgs = xrealloc(msgs, msgcap * sizeof(*msgs));
	}
	x = &msgs[nmsg];
	x->from = s->from;
	x->frame = frame;
	x->start = s->bstart;
	x->mid = s->bmid;
	x->type = get16(m + PPTP_FIX_OFF_CTRL_TYPE);
	x->cid = NO_ID;
	x->peer = NO_ID;
	info = pptp_fix_type_info(x->type);
	for (i = 0; info && i < PPTP_FIX_MAX_CID_FIELDS; i++) {
		const struct pptp_fix_cid_field *f = &info->cid[i];

		if (!f->offset || mlen < (size_t)f->offset + 2)
			continue;
		if (f->kind == PPTP_FIX_CID_OWN)
			x->cid = get16(m + f->offset);
		else
			x->peer = get16(m + f->offset);
	}
	list_add(&s->msgs, nmsg);
	list_add(&c->msgs, nmsg);
	nmsg++;
	s->bstart = frame;
	s->bmid = 1;
}

static void buf_append(struct stream *s, const unsigned char *d, size_t n)
{
	if (s->blen + n > s->bcap) {
		s->bcap = s->blen + n + 256;
		s->buf = xrealloc(s->buf, s->bcap);
	}
	if (n)
		memcpy(s->buf + s->blen, d, n);
	s->blen += n;
}

/*
 * One TCP segment of a control connection, with data or SYN: @data is the
 * @dlen bytes captured of its @tcplen bytes of payload.
 */
static void tcp_segment(const struct pkt *p, const struct ep *a,
			const struct ep *b, unsigned int seq, int syn,
			const unsigned char *data, size_t dlen, size_t tcplen)
{
	struct conn *c = conn_find(p->side, a, b);
	struct stream *s;
	size_t pos;
	long off;

	if (!c)
		c = conn_new(p->side, a, b);
	s = stream_of(c, a);
	if (syn) {
		s->has_nxt = 1;
		s->nxt = seq + 1;
		return;
	}
	if (!s->has_nxt) {
		s->has_nxt = 1;
		s->nxt = seq;
	}
	off = (long)(int)(seq - s->nxt);
	if (off < 0) {
		/* Retransmitted bytes: only what follows them is new. */
		if ((size_t)-off >= dlen)
			return;
		data += -off;
		dlen -= -off;
		off = 0;
	}
	if (off > 0 || dlen < tcplen) {
		/*
		 * Bytes missing from the capture: resynchronise on a header.
		 * (So is a retransmission that overlaps new data, as the
		 * script this replaces did: its new part is shorter than
		 * the segment.)
		 */
		list_add(&s->lost, p->frame);
		s->blen = 0;
		s->resync = 1;
	}
	s->nxt = seq + (unsigned int)tcplen;
	if (!s->blen) {
		s->bstart = p->frame;
		s->bmid = 0;
	}
	buf_append(s, data, dlen);
	pos = 0;
	while (s->blen - pos >= 8) {
		const unsigned char *m = s->buf + pos;
		size_t mlen = get16(m + PPTP_FIX_OFF_LENGTH);

		if (pptp_fix_get32(m + PPTP_FIX_OFF_COOKIE) != PPTP_FIX_MAGIC ||
		    mlen < PPTP_FIX_HDR_LEN) {
			if (!s->resync)
				list_add(&s->lost, p->frame);
			pos = s->blen;
			s->resync = 1;
			break;
		}
		s->resync = 0;
		if (s->blen - pos < mlen)
			break;
		add_msg(c, s, m, mlen, p->frame);
		pos += mlen;
	}
	if (pos) {
		memmove(s->buf, s->buf + pos, s->blen - pos);
		s->blen -= pos;
	}
}

static void ip_str(const unsigned char *a, char *s)
{
	snprintf(s, 16, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

/* The transport header at @t, @cap bytes of it captured, @len on the wire. */
static void transport(const struct pkt *p, int proto, const unsigned char *t,
		      size_t cap, size_t len, const char *src, const char *dst)
{
	struct ep a, b;
	size_t thl, tcplen, dlen;
	int syn;

	if (proto == 47) {
		if (!p->v6)
			gre_packet(p, t, cap < len ? cap : len, src, dst);
		return;
	}
	if (proto != 6 || cap < 20)
		return;
	thl = (size_t)(t[12] >> 4) * 4;
	if (thl < 20 || cap < thl || len < thl)
		return;
	snprintf(a.ip, sizeof(a.ip), "%s", src);
	snprintf(b.ip, sizeof(b.ip), "%s", dst);
	a.port = get16(t);
	b.port = get16(t + 2);
	if (a.port != port && b.port != port)
		return;
	tcplen = len - thl;
	syn = !!(t[13] & 0x02);
	if (!tcplen && !syn)
		return;
	dlen = (cap < len ? cap : len) - thl;
	tcp_segment(p, &a, &b, pptp_fix_get32(t + 4), syn, t + thl, dlen,
		    tcplen);
}

static void ipv4(const struct pkt *p)
{
	const unsigned char *h = p->l3;
	char src[16], dst[16];
	size_t hl, tot, cap;

	if (p->cap < 20 || (h[0] >> 4) != 4)
		return;
	hl = (size_t)(h[0] & 0x0f) * 4;
	tot = get16(h + 2);
	if (!tot)		/* TSO: the length the capture says */
		tot = p->len;
	if (hl < 20 || p->cap < hl || tot < hl)
		return;
	if (get16(h + 6) & 0x3fff)	/* a fragment */
		return;
	ip_str(h + 12, src);
	ip_str(h + 16, dst);
	cap = p->cap < tot ? p->cap : tot;
	transport(p, h[9], h + hl, cap - hl, tot - hl, src, dst);
}

static void ipv6(const struct pkt *p)
{
	const unsigned char *h = p->l3;
	size_t plen, cap;

	if (p->cap < 40 || (h[0] >> 4) != 6)
		return;
	plen = get16(h + 4);
	cap = p->cap - 40 < plen ? p->cap - 40 : plen;
	transport(p, h[6], h + 40, cap, plen, "", "");
}

static void network(struct pkt *p, unsigned int ethertype)
{
	if (ethertype == 0x0800) {
		ipv4(p);
	} else if (ethertype == 0x86dd) {
		p->v6 = 1;
		ipv6(p);
	}
}

static void packet(int side, long frame, int dlt, const unsigned char *d,
		   size_t cap, size_t len)
{
	struct pkt p = { .side = side, .frame = frame };
	unsigned int et;
	size_t off;

	switch (dlt) {
	case DLT_EN10MB:
		if (cap < 14)
			return;
		off = 14;
		et = get16(d + 12);
		while ((et == 0x8100 || et == 0x88a8) && cap >= off + 4) {
			et = get16(d + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (cap < 16)
			return;
		off = 16;
		et = get16(d + 14);
		break;
	case DLT_LINUX_SLL2:
		if (cap < 20)
			return;
		off = 20;
		et = get16(d);
		break;
	case DLT_NULL:
		if (cap < 4)
			return;
		off = 4;
		et = d[0] == 2 || d[3] == 2 ? 0x0800 : 0x86dd;
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (cap < 1)
			return;
		off = 0;
		et = d[0] >> 4 == 4 ? 0x0800 : 0x86dd;
		break;
	default:
		return;
	}
	if (cap < off || len < off)
		return;
	p.l3 = d + off;
	p.cap = cap - off;
	p.len = len - off;
	network(&p, et);
}

static int read_capture(int side, const char *file)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const unsigned char *d;
	long frame = 0;
	pcap_t *pc;
	int dlt, rc;

	pc = pcap_open_offline(file, err);
	if (!pc) {
		fprintf(stderr, PROG ": %s\n", err);
		fprintf(stderr, PROG ": could not read %s\n", file);
		return -1;
	}
	dlt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		size_t cap = h->caplen;

		if (cap > h->len)	/* never more than on the wire */
			cap = h->len;
		packet(side, ++frame, dlt, d, cap, h->len);
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, PROG ": %s: %s\n", file, pcap_geterr(pc));
		fprintf(stderr, PROG ": could not read %s\n", file);
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return 0;
}

/* ----- The comparison ----- */

/* Messages whose Call ID announces the sender's new call. */
static int is_setup(int t)
{
	return t == PPTP_FIX_OCRQ || t == PPTP_FIX_OCRP ||
	       t == PPTP_FIX_ICRQ || t == PPTP_FIX_ICRP;
}

static const char *name(int t, char *s, size_t n)
{
	const struct pptp_fix_type_info *info = pptp_fix_type_info(t);

	if (info)
		snprintf(s, n, "%s", info->name);
	else
		snprintf(s, n, "type %d", t);
	return s;
}

/* The far end a LAN connection and a WAN connection share, if any. */
static const struct ep *shared(const struct conn *i, const struct conn *j)
{
	if (ep_eq(&i->sv, &j->sv))
		return &i->sv;
	if (ep_eq(&i->cl, &j->cl))
		return &i->cl;
	if (ep_eq(&i->sv, &j->cl))
		return &i->sv;
	if (ep_eq(&i->cl, &j->sv))
		return &i->cl;
	return NULL;
}

/* The Call IDs that end @e announced in @c, in order, as " 1 2 3". */
static char *announced(const struct conn *c, const struct ep *e)
{
	size_t k, n = 0;
	char *s = xrealloc(NULL, 1);

	s[0] = '\0';
	for (k = 0; k < c->msgs.n; k++) {
		const struct msg *m = &msgs[c->msgs.v[k]];
		char id[16] = "";

		if (!ep_eq(&m->from, e) || !is_setup(m->type))
			continue;
		if (m->cid != NO_ID)
			snprintf(id, sizeof(id), "%ld", m->cid);
		s = xrealloc(s, n + strlen(id) + 2);
		n += sprintf(s + n, " %s", id);
	}
	return s;
}

static const struct ep *other(const struct conn *c, const struct ep *e)
{
	return ep_eq(&c->cl, e) ? &c->sv : &c->cl;
}

/* State of the pair being printed. */
static struct pair *pair;
static const struct ep *far, *near_w;

static struct idmap *map_get(struct idmap *m, size_t n, long k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (m[i].l == k)
			return &m[i];
	return NULL;
}

static struct idmap *map_set(struct idmap **m, size_t *n, long k, long v)
{
	struct idmap *e = map_get(*m, *n, k);

	if (!e) {
		*m = xrealloc(*m, (*n + 1) * sizeof(**m));
		e = &(*m)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->l = k;
	}
	e->w = v;
	return e;
}

/* The explanations, worded as the awk script did. */
static const struct {
	const char *why_not_back, *why_not_back_to, *why_overwritten;
	const char *why_far_changed, *why_untranslated, *why_types;
	const char *note_port, *gre_keyed, *gre_not_forwarded;
} txt = {
	.why_not_back =
		"the LAN host's Call ID %ld went out as %ld in %s; %s came back with Peer's Call ID %ld and reached the LAN host as %ld instead of %ld: not translated back. The LAN host gets a Call ID that is not its own (a Windows client resets the control connection: error 619, the seed's failure)",
	.why_not_back_to =
		"%s's %s %ld names the LAN host's call but was not translated back to %ld",
	.why_overwritten =
		"%s's Call ID is the far end's (%ld) on the WAN but reached the LAN host as %ld, the LAN host's own Call ID: overwritten%s",
	.why_far_changed =
		"%s's %s %ld was changed to %ld on the way to the LAN host, but no call of the LAN host is %ld on the WAN: the far end's Call IDs must pass unchanged",
	.why_untranslated =
		"%s's %s %ld left untranslated: the far end knows this call as %ld%s",
	.why_types =
		"a %s on the LAN, a %s on the WAN: a message was dropped or the framing differs",
	.note_port =
		", the connection's TCP port there, as Linux's nf_nat_pptp chooses",
	.gre_keyed =
		"it left the router keyed%s: the receiver drops GRE whose key is not its Call ID (no traffic through the tunnel)",
	.gre_not_forwarded =
		"the router did not forward it: no GRE expectation or key map for this call (no traffic through the tunnel)",
};

/* Why a line is a MISMATCH, one explanation a line. */
#define MAX_WHY 4
static char why[MAX_WHY][512];
static int nwhy, ok;

static void because(const char *fmt, ...)
{
	va_list ap;

	ok = 0;
	if (nwhy == MAX_WHY)
		return;
	va_start(ap, fmt);
	vsnprintf(why[nwhy++], sizeof(why[0]), fmt, ap);
	va_end(ap);
}

static void explain(const char *s)
{
	printf("      -> %s\n", s);
}

/*
 * Compare one field: @from_wan when the far end sent it; @what "Call ID"
 * or "Peer's Call ID".  Explains a mismatch.
 */
static void field(const char *tn, int from_wan, const char *what, long lv,
		  long wv)
{
	struct idmap *e;

	if (lv == NO_ID && wv == NO_ID)
		return;
	if (lv == NO_ID || wv == NO_ID) {
		because("%s's %s is missing on one side (message truncated?)",
			tn, what);
		return;
	}
	if (from_wan) {
		e = map_get(pair->rev, pair->nrev, wv);
		if (e) {
			long l = e->w;

			if (lv == l)
				return;
			if (lv == wv && !strcmp(what, "Peer's Call ID"))
				because(txt.why_not_back,
					l, wv, map_get(pair->fwd, pair->nfwd,
						       l)->by,
					tn, wv, lv, l);
			else if (lv == wv)
				because(txt.why_not_back_to,
					tn, what, wv, l);
			else
				because("%s's %s %ld was translated back to %ld instead of %ld",
					tn, what, wv, lv, l);
			return;
		}
		if (lv == wv)
			return;
		if (!strcmp(what, "Call ID") &&
		    map_get(pair->fwd, pair->nfwd, lv))
			because(txt.why_overwritten,
				tn, wv, lv,
				strcmp(tn, "Call-Disconnect-Notify") ? "" :
				" (Linux's nf_nat_pptp does this to every Call-Disconnect-Notify)");
		else
			because(txt.why_far_changed,
				tn, what, wv, lv, wv);
		return;
	}
	e = map_get(pair->fwd, pair->nfwd, lv);
	if (e) {
		if (wv == e->w)
			return;
		if (wv == lv)
			because(txt.why_untranslated,
				tn, what, lv, e->w,
				strcmp(tn, "Call-Clear-Request") ? "" :
				" (it cannot clear it)");
		else
			because("%s's %s %ld went out as %ld, but the call was set up as %ld",
				tn, what, lv, wv, e->w);
		return;
	}
	if (lv == wv)
		return;
	because("%s's %s %ld went out as %ld, but no call was set up with %ld",
		tn, what, lv, wv, lv);
}

static const char *ids(const struct msg *m, char *s, size_t n)
{
	char c[16] = "-", p[16] = "-";

	if (m->cid != NO_ID)
		snprintf(c, sizeof(c), "%ld", m->cid);
	if (m->peer != NO_ID)
		snprintf(p, sizeof(p), "%ld", m->peer);
	snprintf(s, n, "%s/%s", c, p);
	return s;
}

static const char *seginfo(const struct msg *m, char *s, size_t n)
{
	if (m->start != m->frame)
		snprintf(s, n, "split over frames %ld-%ld", m->start, m->frame);
	else if (m->mid)
		snprintf(s, n, "not first in its TCP segment (frame %ld)",
			 m->frame);
	else
		s[0] = '\0';
	return s;
}

static void frame_str(const struct msg *m, char *s, size_t n)
{
	if (m)
		snprintf(s, n, "%ld", m->frame);
	else
		snprintf(s, n, "-");
}

/* One table line: message @lm on the LAN, @wm on the WAN (either NULL). */
static void line(int from_wan, const struct msg *lm, const struct msg *wm)
{
	char tn[40], n2[40], note[160] = "", lf[24], wf[24], li[32] = "",
	     wi[32] = "", s[80];
	int t = lm ? lm->type : wm->type, k;

	name(t, tn, sizeof(tn));
	nwhy = 0;
	ok = 1;
	if (!lm || !wm) {
		because("only on the %s side: dropped by the router, or not captured",
			lm ? "LAN" : "WAN");
	} else if (lm->type != wm->type) {
		char n1[40];

		because(txt.why_types,
			name(lm->type, n1, sizeof(n1)),
			name(wm->type, n2, sizeof(n2)));
	} else {
		long lcid = lm->cid, wcid = wm->cid;

		if (is_setup(t) && !from_wan && lcid != NO_ID &&
		    wcid != NO_ID) {
			struct idmap *e = map_get(pair->fwd, pair->nfwd, lcid);

			if (!e || e->w != wcid)
				list_add(&pair->pl, lcid);
			e = map_set(&pair->fwd, &pair->nfwd, lcid, wcid);
			snprintf(e->by, sizeof(e->by), "%s (LAN frame %ld)",
				 tn, lm->frame);
			map_set(&pair->rev, &pair->nrev, wcid, lcid);
			if (lcid == wcid)
				snprintf(note, sizeof(note),
					 " (Call ID %ld kept)", lcid);
			else
				snprintf(note, sizeof(note),
					 " (Call ID %ld is %ld on the WAN%s)",
					 lcid, wcid,
					 (unsigned long)wcid == near_w->port ?
					 txt.note_port : "");
		} else {
			if (is_setup(t) && from_wan && wcid != NO_ID) {
				size_t i;

				for (i = 0; i < pair->farid.n; i++)
					if (pair->farid.v[i] == wcid)
						break;
				if (i == pair->farid.n)
					list_add(&pair->farid, wcid);
			}
			field(tn, from_wan, "Call ID", lcid, wcid);
		}
		field(tn, from_wan, "Peer's Call ID", lm->peer, wm->peer);
	}
	frame_str(lm, lf, sizeof(lf));
	frame_str(wm, wf, sizeof(wf));
	if (lm)
		ids(lm, li, sizeof(li));
	if (wm)
		ids(wm, wi, sizeof(wi));
	printf("  %5s %5s  %-7s  %-32s %13s %13s  %s%s\n", lf, wf,
	       from_wan ? "WAN>LAN" : "LAN>WAN", tn, li, wi,
	       ok ? "consistent" : "MISMATCH", ok ? note : "");
	if (!ok) {
		char e[120];

		bad++;
		for (k = 0; k < nwhy; k++)
			explain(why[k]);
		if (from_wan && wm && *seginfo(wm, s, sizeof(s))) {
			snprintf(e, sizeof(e), "on the WAN this message was %s",
				 s);
			explain(e);
		}
		if (!from_wan && lm && *seginfo(lm, s, sizeof(s))) {
			snprintf(e, sizeof(e), "on the LAN this message was %s",
				 s);
			explain(e);
		}
	}
	ncmp++;
}

static long gre_get(int side, const char *src, const char *dst, long key)
{
	size_t i;

	for (i = 0; i < ngre; i++)
		if (gres[i].side == side && gres[i].key == key &&
		    !strcmp(gres[i].src, src) && !strcmp(gres[i].dst, dst))
			return gres[i].count;
	return 0;
}

/*
 * The GRE of one call one way: @wk and @lk its key on the WAN and on the
 * LAN; @to_lan when it goes from the far end to the LAN host.  Packets
 * are from @src to @dst on the side they arrive at, the far end's (WAN)
 * or the LAN host's (LAN).
 */
static void gre_line(const char *what, long wk, long wc, long lk, long lc,
		     int to_lan, const char *src, const char *dst)
{
	const char *verdict;
	char wks[40], lks[40];
	size_t i, n = 0;
	char *o;

	if (wc + lc == 0) {
		verdict = "none captured";
	} else if ((to_lan ? lc : wc) > 0) {
		verdict = "consistent";
	} else {
		verdict = "MISMATCH";
		bad++;
	}
	snprintf(wks, sizeof(wks), "WAN key %ld x %ld", wk, wc);
	snprintf(lks, sizeof(lks), "LAN key %ld x %ld", lk, lc);
	printf("  %-34s %-22s %-22s %s\n", what, wks, lks, verdict);
	if (strcmp(verdict, "MISMATCH"))
		return;
	/* Other keys between the same addresses on the receiving side. */
	o = xrealloc(NULL, 1);
	o[0] = '\0';
	for (i = 0; i < ngre; i++) {
		const struct gre *g = &gres[i];

		if (g->side != (to_lan ? LAN : WAN) || strcmp(g->src, src) ||
		    strcmp(g->dst, dst) || g->key == (to_lan ? lk : wk))
			continue;
		o = xrealloc(o, n + 48);
		n += sprintf(o + n, " %ld x %ld", g->key, g->count);
	}
	if (n) {
		char *e = xrealloc(NULL, n + 160);

		sprintf(e, txt.gre_keyed,
			o);
		explain(e);
		free(e);
	} else {
		explain(txt.gre_not_forwarded);
	}
	free(o);
}

#define ROW "  %5s %5s  %-7s  %-32s %13s %13s  %s\n"

/* The table of one LAN connection @l paired with WAN connection @w. */
static void compare(struct conn *l, struct conn *w, struct pair *p)
{
	const struct ep *near_l;
	char b1[24], b2[24], b3[24], b4[24];
	const struct stream *sl, *sw;
	size_t k, seen[2] = { 0, 0 };
	int f;

	w->used = 1;
	pair = p;
	near_l = other(l, far);
	near_w = other(w, far);
	printf("\nPPTP control connection %s -> %s on the LAN, %s -> %s on the WAN\n",
	       ep_str(&l->cl, b1, sizeof(b1)), ep_str(&l->sv, b2, sizeof(b2)),
	       ep_str(&w->cl, b3, sizeof(b3)), ep_str(&w->sv, b4, sizeof(b4)));
	printf("LAN host %s (%s on the WAN), far end %s\n",
	       ep_str(near_l, b1, sizeof(b1)), ep_str(near_w, b2, sizeof(b2)),
	       ep_str(far, b3, sizeof(b3)));
	printf(ROW, "LAN", "WAN", "", "", "LAN", "WAN", "");
	printf(ROW, "frame", "frame", "dir", "message", "CallID/Peer",
	       "CallID/Peer", "verdict");
	for (k = 0; k < l->msgs.n; k++) {
		const struct msg *m = &msgs[l->msgs.v[k]];
		int from_wan = ep_eq(&m->from, far);
		const struct msg *wm = NULL;
		size_t idx = seen[from_wan]++;

		sw = stream_from(w, from_wan ? far : near_w);
		if (sw && idx < sw->msgs.n)
			wm = &msgs[sw->msgs.v[idx]];
		line(from_wan, m, wm);
	}
	for (f = 0; f < 2; f++) {
		sw = stream_from(w, f ? far : near_w);
		for (k = seen[f]; sw && k < sw->msgs.n; k++)
			line(f, NULL, &msgs[sw->msgs.v[k]]);
	}
	for (f = 0; f < 2; f++) {
		sl = stream_from(f ? w : l, f ? near_w : near_l);
		if (!sl || !sl->lost.n)
			continue;
		printf("  note: lost framing in the %s capture from the LAN host at frame(s)",
		       f ? "WAN" : "LAN");
		for (k = 0; k < sl->lost.n; k++)
			printf(" %ld", sl->lost.v[k]);
		printf("\n");
	}
	/* GRE of each call, both ways. */
	printf("  GRE (PPTP data) of the calls:\n");
	for (k = 0; k < p->pl.n; k++) {
		long lid = p->pl.v[k];
		long wid = map_get(p->fwd, p->nfwd, lid)->w;

		gre_line("far end -> LAN host (its Call ID)", wid,
			 gre_get(WAN, far->ip, near_w->ip, wid), lid,
			 gre_get(LAN, far->ip, near_l->ip, lid), 1,
			 far->ip, near_l->ip);
	}
	for (k = 0; k < p->farid.n; k++) {
		long fid = p->farid.v[k];

		gre_line("LAN host -> far end (its Call ID)", fid,
			 gre_get(WAN, near_w->ip, far->ip, fid), fid,
			 gre_get(LAN, near_l->ip, far->ip, fid), 0,
			 near_w->ip, far->ip);
	}
}

static void bad_usage(void)
{
	fprintf(stderr, "usage: pptp-callid-diff [-p PORT] LAN.pcap WAN.pcap\n");
	exit(2);
}

static void free_all(struct pair *pairs)
{
	size_t i, side;
	int k;

	for (side = 0; side < 2; side++) {
		for (i = 0; i < nconn[side]; i++) {
			struct conn *c = &conns[side][i];

			for (k = 0; k < c->nst; k++) {
				free(c->st[k].buf);
				free(c->st[k].lost.v);
				free(c->st[k].msgs.v);
			}
			free(c->msgs.v);
		}
		free(conns[side]);
	}
	for (i = 0; pairs && i < nconn[LAN]; i++) {
		free(pairs[i].fwd);
		free(pairs[i].rev);
		free(pairs[i].pl.v);
		free(pairs[i].farid.v);
	}
	free(pairs);
	free(msgs);
	free(gres);
}

int main(int argc, char **argv)
{
	struct pair *pairs;
	long empty = 0;
	size_t i, j;
	int opt;

	while ((opt = getopt(argc, argv, "+:p:h")) != -1) {
		switch (opt) {
		case 'p':
			port_arg = optarg;
			break;
		case ':':
			fprintf(stderr, "No arg for -%c option\n", optopt);
			bad_usage();
			break;
		case '?':
			fprintf(stderr, "Illegal option -%c\n", optopt);
			bad_usage();
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2)
		bad_usage();
	if (!*port_arg || strspn(port_arg, "0123456789") != strlen(port_arg))
		bad_usage();
	errno = 0;
	{
		unsigned long v = strtoul(port_arg, NULL, 10);

		if (errno || v > 65535) {
			fprintf(stderr, PROG ": port %s out of range\n",
				port_arg);
			exit(2);
		}
		port = v;
	}
	if (read_capture(LAN, argv[optind]) ||
	    read_capture(WAN, argv[optind + 1])) {
		free_all(NULL);
		exit(2);
	}
	if (!nconn[LAN] || !nconn[WAN]) {
		fprintf(stderr, PROG ": no PPTP control connection (tcp port %s) in the %s %s\n",
			port_arg, !nconn[LAN] ? "LAN" : "WAN", "capture");
		free_all(NULL);
		exit(2);
	}
	pairs = xrealloc(NULL, nconn[LAN] * sizeof(*pairs));
	memset(pairs, 0, nconn[LAN] * sizeof(*pairs));
	/*
	 * Pair each LAN connection with a WAN one sharing its far end: the
	 * one whose far end announced the same Call IDs, then the one with
	 * the same client port, then the first.  Connections without a
	 * control message (refused, say) are left out.
	 */
	for (i = 0; i < nconn[LAN]; i++) {
		struct conn *l = &conns[LAN][i], *best = NULL;
		const struct ep *bfar = NULL;
		int bscore = -1;
		char b1[24], b2[24];

		if (!l->msgs.n) {
			empty++;
			continue;
		}
		for (j = 0; j < nconn[WAN]; j++) {
			struct conn *w = &conns[WAN][j];
			const struct ep *e;
			char *fa, *fw;
			int score;

			if (w->used || !w->msgs.n)
				continue;
			e = shared(l, w);
			if (!e)
				continue;
			fa = announced(l, e);
			fw = announced(w, e);
			score = 2 * (*fa && !strcmp(fa, fw)) +
				(other(l, e)->port == other(w, e)->port);
			free(fa);
			free(fw);
			if (score > bscore) {
				best = w;
				bscore = score;
				bfar = e;
			}
		}
		if (!best && nconn[LAN] == 1 && nconn[WAN] == 1 &&
		    conns[WAN][0].msgs.n) {
			best = &conns[WAN][0];
			bfar = &best->sv;
			printf("(the two connections share no address: taking %s as %s)\n",
			       ep_str(&l->cl, b1, sizeof(b1)), "the LAN host");
		}
		if (!best) {
			printf("LAN connection %s -> %s: no matching connection in the %s\n",
			       ep_str(&l->cl, b1, sizeof(b1)),
			       ep_str(&l->sv, b2, sizeof(b2)), "WAN capture");
			bad++;
			continue;
		}
		far = bfar;
		compare(l, best, &pairs[i]);
	}
	if (empty)
		printf("(%ld LAN connection(s) without a control message left out)\n",
		       empty);
	printf("\n" PROG ": %ld control messages compared, %ld mismatch%s\n",
	       ncmp, bad, bad == 1 ? "" : "es");
	free_all(pairs);
	return bad ? 1 : 0;
}
