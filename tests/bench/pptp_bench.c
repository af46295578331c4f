// SPDX-License-Identifier: GPL-2.0
/*
 * pptp_bench - load generators for the benchmarks (scripts/bench): a PPTP
 * (RFC 2637) PNS client simulator and PAC server simulator speaking real
 * control messages over TCP, each with a GRE sender and receiver on a raw
 * socket.  One epoll loop each; commands come on standard input, one per
 * line, and each is answered with one line on standard output.
 *
 *   pptp_bench pac --addr IP [--port N]
 *	start: "ready"
 *	stats			"stats conns C calls K collisions X mismatch M
 *				 gre_ok G gre_bad B rx R tx T"
 *	gre SECS		GRE to every active call's PNS for SECS seconds:
 *				"gre sent S ms T"
 *	seg N			N = 1: one message per write, else as many
 *				as are queued
 *	reset			zero the counters (not conns/calls)
 *	quit			reset every connection and exit
 *
 *   pptp_bench pns --pac IP [--port N] --src IP [--hosts H] --conns N
 *		    [--base-id ID] [--timeout SECS] [--wait]
 *	with --wait: "ready", then nothing until the command "go"
 *	start: N control connections from H source addresses (SRC, SRC+1,
 *	...), each Start-Control-Connection and one Outgoing-Call:
 *				"up U failed F ms T"
 *	msgs SECS WIN SEG	for SECS, every connection keeps WIN requests in
 *				flight: Echo-Request and Set-Link-Info in turn;
 *				the PAC answers Echo-Reply, Set-Link-Info, and
 *				WAN-Error-Notify after every 4th; SEG = 1: one
 *				message per write, else as many as are queued:
 *				"msgs sent S recv R ms T mismatch M"
 *	calls SECS NCONN	on the first NCONN connections, in a loop:
 *				Call-Clear-Request, Call-Disconnect-Notify,
 *				Outgoing-Call-Request (a new Call ID),
 *				Outgoing-Call-Reply: "calls cycles C ms T mismatch M"
 *	gre SECS NCALLS		GRE to the PAC on the first NCALLS calls,
 *				round robin: "gre sent S ms T"
 *	stats			"stats up U gre_ok G gre_bad B mismatch M
 *				 ocrp=.. sli=.. wen=.. cdn=.."
 *	reset, quit		as for the PAC
 *
 * Host h's connection j uses Call IDs BASE + j + k * STRIDE (k = 0, 1, ...
 * for its successive calls; STRIDE a power of two above the connections
 * per host), so that a host's calls never share an ID while every host
 * uses the same ones: behind one NAT, only a helper that translates keeps
 * them apart at the PAC.
 *
 * Checks: the PAC counts a collision when a new call's PNS Call ID is in
 * use by another active call from the same address, and a mismatch when a
 * Call ID field names another call than the connection's (Set-Link-Info's
 * Peer's Call ID, Call-Clear-Request's Call ID); the PNS counts a
 * mismatch when Outgoing-Call-Reply's Peer's Call ID, Set-Link-Info's or
 * WAN-Error-Notify's Peer's Call ID is not its own, or Call-Disconnect-
 * Notify's Call ID not the PAC's (RFC 2637 2.13).  GRE receivers count
 * packets whose key is, or is not, a Call ID of an active call of theirs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * The control messages, their RFC sizes and the Call ID offsets: the
 * project's own wire table (pptp_wire.c, linked in), not a copy.
 */
#include "../../include/pptp_fix_wire.h"

#define RXBUF		2048
#define TXBUF		2048
#define MAXMSG		220
#define GRE_BATCH	64
#define GRE_PAYLOAD	24
#define GRE_PKT		(20 + 8 + GRE_PAYLOAD)
#define EV_STDIN	((u64)-1)
#define EV_RAW		((u64)-2)
#define EV_LISTEN	((u64)-3)

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static u16 get16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "pptp_bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* A connection's byte buffers, common to both roles. */
struct buf {
	int fd;
	u32 ev;			/* epoll events registered */
	u16 rxlen;
	u16 txlen;
	u16 txoff;
	u16 txmsgs;		/* message boundaries queued, for one-per-write */
	u16 txcut[TXBUF / 16];
	u8 rx[RXBUF];
	u8 tx[TXBUF];
};

static int epfd;
static int one_per_write = 1;
static int raw_fd;
static u64 now;

static void ev_set(struct buf *b, u64 key, u32 ev)
{
	struct epoll_event e = { .events = ev, .data.u64 = key };

	if (b->ev == ev)
		return;
	if (epoll_ctl(epfd, b->ev ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, b->fd, &e))
		die("epoll_ctl: %s", strerror(errno));
	b->ev = ev;
}

static u8 *msg_new(struct buf *b, int type)
{
	u16 len = pptp_fix_type_info(type)->size;
	u8 *p;

	if (b->txlen + len > TXBUF)
		return NULL;
	p = b->tx + b->txlen;
	memset(p, 0, len);
	put16(p, len);
	put16(p + PPTP_FIX_OFF_MSG_TYPE, PPTP_FIX_MSG_CONTROL);
	put32(p + PPTP_FIX_OFF_COOKIE, PPTP_FIX_MAGIC);
	put16(p + PPTP_FIX_OFF_CTRL_TYPE, type);
	b->txlen += len;
	b->txcut[b->txmsgs++] = b->txlen;
	return p;
}

static int tx_room(const struct buf *b, int len)
{
	return b->txlen + len <= TXBUF && b->txmsgs < TXBUF / 16;
}

/* Writes what is queued: 0, or -1 when the connection is dead. */
static int flush(struct buf *b)
{
	unsigned int i = 0;

	while (b->txoff < b->txlen) {
		u16 end = b->txlen;
		ssize_t n;

		if (one_per_write) {
			while (b->txcut[i] <= b->txoff)
				i++;
			end = b->txcut[i];
		}
		n = write(b->fd, b->tx + b->txoff, end - b->txoff);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			return -1;
		}
		b->txoff += n;
	}
	if (b->txoff == b->txlen) {
		b->txoff = 0;
		b->txlen = 0;
		b->txmsgs = 0;
	}
	return 0;
}

/* Reads what is there: 0, or -1 when the connection is dead or closed. */
static int fill(struct buf *b)
{
	ssize_t n;

	if (b->rxlen == RXBUF)
		return 0;
	n = read(b->fd, b->rx + b->rxlen, RXBUF - b->rxlen);
	if (n == 0)
		return -1;
	if (n < 0)
		return errno == EAGAIN ? 0 : -1;
	b->rxlen += n;
	return 0;
}

/*
 * The next whole message in @b's receive buffer at *@off: its type, or 0
 * when none is complete, or -1 on a framing error.
 */
static int next_msg(struct buf *b, unsigned int *off, const u8 **msg)
{
	const u8 *p = b->rx + *off;
	unsigned int avail = b->rxlen - *off;
	struct pptp_fix_frame f;

	switch (pptp_fix_frame(p, avail, &f)) {
	case PPTP_FIX_FRAME_OK:
		break;
	case PPTP_FIX_FRAME_NEED_MORE:
		/* ->length is set once the header is valid: too long, at once. */
		return f.length > MAXMSG ? -1 : 0;
	default:
		return -1;
	}
	if (f.length > MAXMSG)
		return -1;
	*msg = p;
	*off += f.length;
	return f.ctrl_type;
}

static void rx_consume(struct buf *b, unsigned int off)
{
	memmove(b->rx, b->rx + off, b->rxlen - off);
	b->rxlen -= off;
}

static void hard_close(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void nofile(unsigned int n)
{
	struct rlimit r = { n, n };

	if (setrlimit(RLIMIT_NOFILE, &r))
		die("setrlimit(%u): %s", n, strerror(errno));
}

static int raw_socket(void)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_GRE);
	int on = 1, sz = 4 << 20;

	if (fd < 0)
		die("raw socket: %s", strerror(errno));
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)))
		die("IP_HDRINCL: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	return fd;
}

/* An enhanced GRE packet (RFC 2637 4.1) with its IPv4 header. */
static void gre_build(u8 *p, u32 src, u32 dst, u16 key)
{
	memset(p, 0, GRE_PKT);
	p[0] = 0x45;
	put16(p + 2, GRE_PKT);
	p[8] = 64;
	p[9] = IPPROTO_GRE;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 20, 0x2001);		/* key present, version 1 */
	put16(p + 22, 0x880B);
	put16(p + 24, GRE_PAYLOAD);
	put16(p + 26, key);
	p[28] = 0xff;
	p[29] = 0x03;
	p[31] = 0x21;
}

/* GRE sender: packets @pkts[0..@n) round robin, GRE_BATCH per system call. */
struct gre_tx {
	u8 (*pkts)[GRE_PKT];
	unsigned int n;
	unsigned int next;
	u64 sent;
	u64 start;
	u64 deadline;
	int on;
};

static void gre_tx_start(struct gre_tx *g, unsigned int n, double secs)
{
	free(g->pkts);
	g->pkts = calloc(n ? n : 1, GRE_PKT);
	if (!g->pkts)
		die("out of memory");
	g->n = n;
	g->next = 0;
	g->sent = 0;
	g->start = now_ns();
	g->deadline = g->start + (u64)(secs * 1e9);
	g->on = n > 0;
}

/* One batch; returns true while the run goes on. */
static int gre_tx_batch(struct gre_tx *g)
{
	struct mmsghdr mm[GRE_BATCH];
	struct iovec iov[GRE_BATCH];
	struct sockaddr_in sin[GRE_BATCH];
	unsigned int i;
	int r;

	for (i = 0; i < GRE_BATCH; i++) {
		u8 *p = g->pkts[g->next];

		g->next = (g->next + 1) % g->n;
		iov[i].iov_base = p;
		iov[i].iov_len = GRE_PKT;
		memset(&sin[i], 0, sizeof(sin[i]));
		sin[i].sin_family = AF_INET;
		memcpy(&sin[i].sin_addr, p + 16, 4);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_name = &sin[i];
		mm[i].msg_hdr.msg_namelen = sizeof(sin[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	r = sendmmsg(raw_fd, mm, GRE_BATCH, 0);
	if (r > 0)
		g->sent += r;
	now = now_ns();
	if (now < g->deadline)
		return 1;
	g->on = 0;
	reply("gre sent %llu ms %llu", (unsigned long long)g->sent,
	      (unsigned long long)((now - g->start) / 1000000));
	return 0;
}

/* GRE receiver: calls @valid(key, dst) on each packet. */
static u64 gre_ok, gre_bad;

static void gre_rx(int (*valid)(u16 key, u32 dst))
{
	struct mmsghdr mm[GRE_BATCH];
	struct iovec iov[GRE_BATCH];
	static u8 bufs[GRE_BATCH][128];
	int i, r, rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		for (i = 0; i < GRE_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = sizeof(bufs[i]);
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		r = recvmmsg(raw_fd, mm, GRE_BATCH, MSG_DONTWAIT, NULL);
		if (r <= 0)
			return;
		for (i = 0; i < r; i++) {
			const u8 *p = bufs[i];
			unsigned int ihl = (p[0] & 15) * 4, len = mm[i].msg_len;
			u32 dst;

			if (len < ihl + 8 || (get16(p + ihl) & 0x2007) != 0x2001 ||
			    get16(p + ihl + 2) != 0x880B)
				continue;
			memcpy(&dst, p + 16, 4);
			if (valid(get16(p + ihl + 6), dst))
				gre_ok++;
			else
				gre_bad++;
		}
		if (r < GRE_BATCH)
			return;
	}
}

/* Command lines on standard input: read once per readiness, then taken whole. */
static char cmdline[256];
static unsigned int cmdlen;
static int cmd_eof;

static void read_cmds(void)
{
	ssize_t n = read(0, cmdline + cmdlen, sizeof(cmdline) - 1 - cmdlen);

	if (n <= 0)
		cmd_eof = 1;
	else
		cmdlen += n;
	if (cmdlen == sizeof(cmdline) - 1 && !memchr(cmdline, '\n', cmdlen))
		cmdlen = 0;
}

/* The next whole command line, or "quit" at end of input, or NULL. */
static char *next_cmd(void)
{
	char *nl = memchr(cmdline, '\n', cmdlen);

	if (!nl)
		return cmd_eof ? "quit" : NULL;
	*nl = 0;
	return cmdline;
}

static void cmd_done(void)
{
	char *nl = memchr(cmdline, 0, cmdlen);
	unsigned int used;

	if (!nl)
		return;
	used = nl - cmdline + 1;
	memmove(cmdline, cmdline + used, cmdlen - used);
	cmdlen -= used;
}

static void setup_common(void)
{
	struct epoll_event e = { .events = EPOLLIN, .data.u64 = EV_STDIN };

	signal(SIGPIPE, SIG_IGN);
	nofile(65536);
	epfd = epoll_create1(0);
	if (epfd < 0)
		die("epoll: %s", strerror(errno));
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &e))
		die("epoll stdin: %s", strerror(errno));
	raw_fd = raw_socket();
	e.data.u64 = EV_RAW;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, raw_fd, &e))
		die("epoll raw: %s", strerror(errno));
}

static u32 parse_ip(const char *s)
{
	struct in_addr a;

	if (!s || inet_pton(AF_INET, s, &a) != 1)
		die("bad address %s", s ? s : "(none)");
	return a.s_addr;
}

/* ---------------------------------------------------------------- PAC */

struct pconn {
	struct buf b;
	u32 src;		/* the PNS's address as seen here */
	u16 pns_id;		/* its Call ID, from Outgoing-Call-Request */
	u16 pac_id;		/* ours for that call */
	u8 call;		/* a call is up */
	u8 hashed;
	u32 sli;
	struct pconn *hnext;	/* active calls by (src, pns_id) */
};

#define PHASH		65536
static struct pconn *phash[PHASH];
static u8 pac_used[65536 / 8];
static u16 pac_next = 1;
static struct pconn **pconns;
static unsigned int npconns, cap_pconns;
static u64 p_calls, p_collisions, p_mismatch, p_rx, p_tx;
static u32 pac_addr;
static struct gre_tx pgre;

static unsigned int phash_of(u32 src, u16 id)
{
	return (src * 2654435761u ^ id) % PHASH;
}

static int bit(const u8 *map, u16 i)
{
	return map[i / 8] & (1 << (i % 8));
}

static void bit_set(u8 *map, u16 i, int on)
{
	if (on)
		map[i / 8] |= 1 << (i % 8);
	else
		map[i / 8] &= ~(1 << (i % 8));
}

static void pac_call_end(struct pconn *c)
{
	struct pconn **pp;

	if (!c->call)
		return;
	if (c->hashed) {
		for (pp = &phash[phash_of(c->src, c->pns_id)]; *pp; pp = &(*pp)->hnext)
			if (*pp == c) {
				*pp = c->hnext;
				break;
			}
		c->hashed = 0;
	}
	bit_set(pac_used, c->pac_id, 0);
	c->call = 0;
	p_calls--;
}

static void pac_call_start(struct pconn *c, u16 pns_id)
{
	struct pconn *o, **head = &phash[phash_of(c->src, pns_id)];
	unsigned int tries;

	for (o = *head; o; o = o->hnext)
		if (o->src == c->src && o->pns_id == pns_id) {
			p_collisions++;
			break;
		}
	c->pns_id = pns_id;
	c->hnext = *head;
	*head = c;
	c->hashed = 1;
	for (tries = 0; tries < 65536; tries++) {
		u16 id = pac_next++;

		if (id == 0 || id == 0xffff || bit(pac_used, id))
			continue;
		c->pac_id = id;
		bit_set(pac_used, id, 1);
		break;
	}
	c->call = 1;
	p_calls++;
}

static void pac_close(unsigned int i)
{
	struct pconn *c = pconns[i];

	pac_call_end(c);
	hard_close(c->b.fd);
	free(c);
	pconns[i] = NULL;
}

/* Handles whole messages while there is room for the answers. */
static int pac_handle(struct pconn *c)
{
	unsigned int off = 0;
	const u8 *m;
	u8 *r;
	int t;

	while (tx_room(&c->b, 2 * MAXMSG)) {
		t = next_msg(&c->b, &off, &m);
		if (t < 0)
			return -1;
		if (!t)
			break;
		p_rx++;
		switch (t) {
		case PPTP_FIX_SCCRQ:
			r = msg_new(&c->b, PPTP_FIX_SCCRP);
			put16(r + 12, 0x0100);	/* Protocol Version 1.0 */
			r[14] = 1;
			put32(r + 16, 1);
			put32(r + 20, 1);
			break;
		case PPTP_FIX_OCRQ:
			if (c->call) {
				p_mismatch++;
				pac_call_end(c);
			}
			pac_call_start(c, get16(m + PPTP_FIX_OFF_CID1));
			r = msg_new(&c->b, PPTP_FIX_OCRP);
			put16(r + PPTP_FIX_OFF_CID1, c->pac_id);
			put16(r + PPTP_FIX_OFF_CID2, c->pns_id);
			r[16] = 1;
			put32(r + 20, 64000);
			put16(r + 24, 64);
			break;
		case PPTP_FIX_CCRQ:
			if (!c->call || get16(m + PPTP_FIX_OFF_CID1) != c->pns_id)
				p_mismatch++;
			r = msg_new(&c->b, PPTP_FIX_CDN);
			put16(r + PPTP_FIX_OFF_CID1, c->pac_id);
			r[14] = 4;
			pac_call_end(c);
			break;
		case PPTP_FIX_ECHORQ:
			r = msg_new(&c->b, PPTP_FIX_ECHORP);
			memcpy(r + 12, m + 12, 4);
			r[16] = 1;
			break;
		case PPTP_FIX_SLI:
			if (!c->call || get16(m + PPTP_FIX_OFF_CID1) != c->pac_id)
				p_mismatch++;
			r = msg_new(&c->b, PPTP_FIX_SLI);
			put16(r + PPTP_FIX_OFF_CID1, c->pns_id);
			put32(r + 16, 0xffffffff);
			put32(r + 20, 0xffffffff);
			if (++c->sli % 4 == 0) {
				r = msg_new(&c->b, PPTP_FIX_WEN);
				put16(r + PPTP_FIX_OFF_CID1, c->pns_id);
				p_tx++;
			}
			break;
		case PPTP_FIX_STOPCCRQ:
			r = msg_new(&c->b, PPTP_FIX_STOPCCRP);
			r[12] = 1;
			pac_call_end(c);
			break;
		default:
			continue;
		}
		p_tx++;
	}
	rx_consume(&c->b, off);
	return flush(&c->b);
}

static void pac_update(unsigned int i)
{
	struct pconn *c = pconns[i];
	u32 ev = 0;

	if (c->b.rxlen < RXBUF && tx_room(&c->b, 2 * MAXMSG))
		ev |= EPOLLIN;
	if (c->b.txlen)
		ev |= EPOLLOUT;
	ev_set(&c->b, i, ev);
}

static void pac_accept(int ls)
{
	struct sockaddr_in sin;
	socklen_t sl;
	int fd, on = 1;
	unsigned int i;

	for (;;) {
		struct pconn *c;

		sl = sizeof(sin);
		fd = accept4(ls, (struct sockaddr *)&sin, &sl, SOCK_NONBLOCK);
		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->b.fd = fd;
		c->src = sin.sin_addr.s_addr;
		for (i = 0; i < npconns && pconns[i]; i++)
			;
		if (i == npconns) {
			if (npconns == cap_pconns) {
				cap_pconns = cap_pconns ? 2 * cap_pconns : 1024;
				pconns = realloc(pconns, cap_pconns * sizeof(*pconns));
				if (!pconns)
					die("out of memory");
			}
			npconns++;
		}
		pconns[i] = c;
		pac_update(i);
	}
}

static int pac_valid(u16 key, u32 dst)
{
	return dst == pac_addr && bit(pac_used, key);
}

static void pac_gre(double secs)
{
	unsigned int i, n = 0;

	gre_tx_start(&pgre, p_calls, secs);
	for (i = 0; i < npconns && n < p_calls; i++)
		if (pconns[i] && pconns[i]->call)
			gre_build(pgre.pkts[n++], pac_addr, pconns[i]->src, pconns[i]->pns_id);
	pgre.n = n;
	if (!n)
		reply("gre sent 0 ms 0");
}

/* One command; true for "quit". */
static int pac_cmd(const char *cmd)
{
	unsigned int i, live = 0;
	double secs;

	if (!strcmp(cmd, "quit")) {
		for (i = 0; i < npconns; i++)
			if (pconns[i])
				pac_close(i);
		return 1;
	} else if (!strcmp(cmd, "stats")) {
		for (i = 0; i < npconns; i++)
			live += !!pconns[i];
		printf("stats conns %u calls %llu collisions %llu mismatch %llu",
		       live, (unsigned long long)p_calls, (unsigned long long)p_collisions,
		       (unsigned long long)p_mismatch);
		reply(" gre_ok %llu gre_bad %llu rx %llu tx %llu",
		      (unsigned long long)gre_ok, (unsigned long long)gre_bad,
		      (unsigned long long)p_rx, (unsigned long long)p_tx);
	} else if (!strcmp(cmd, "reset")) {
		p_collisions = 0;
		p_mismatch = 0;
		gre_ok = 0;
		gre_bad = 0;
		p_rx = 0;
		p_tx = 0;
		reply("reset");
	} else if (sscanf(cmd, "seg %d", &one_per_write) == 1) {
		reply("seg %d", one_per_write);
	} else if (sscanf(cmd, "gre %lf", &secs) == 1) {
		pac_gre(secs);
	} else {
		reply("error unknown command %s", cmd);
	}
	return 0;
}

static int pac_main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(1723) };
	struct epoll_event evs[256];
	int i, n, ls, on = 1;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--addr") && i + 1 < argc)
			pac_addr = parse_ip(argv[++i]);
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			sin.sin_port = htons(atoi(argv[++i]));
		else
			die("pac: unknown argument %s", argv[i]);
	}
	sin.sin_addr.s_addr = pac_addr;
	setup_common();
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sin, sizeof(sin)) || listen(ls, 65535))
		die("listen: %s", strerror(errno));
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u64 = EV_LISTEN };

		epoll_ctl(epfd, EPOLL_CTL_ADD, ls, &e);
	}
	reply("ready");
	for (;;) {
		n = epoll_wait(epfd, evs, 256, pgre.on ? 0 : 1000);
		now = now_ns();
		for (i = 0; i < n; i++) {
			u64 k = evs[i].data.u64;
			char *cmd;

			if (k == EV_LISTEN) {
				pac_accept(ls);
			} else if (k == EV_RAW) {
				gre_rx(pac_valid);
			} else if (k == EV_STDIN) {
				read_cmds();
				while ((cmd = next_cmd())) {
					if (pac_cmd(cmd))
						return 0;
					cmd_done();
				}
			} else {
				struct pconn *c = pconns[k];

				if (!c)
					continue;
				if (((evs[i].events & EPOLLOUT) && flush(&c->b)) ||
				    ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) &&
				     fill(&c->b)) ||
				    pac_handle(c)) {
					pac_close(k);
					continue;
				}
				pac_update(k);
			}
		}
		if (pgre.on)
			gre_tx_batch(&pgre);
	}
}

/* ---------------------------------------------------------------- PNS */

enum { N_IDLE, N_CONNECTING, N_SCCRQ, N_OCRQ, N_UP, N_CCRQ, N_FAILED };
enum { M_NONE, M_SETUP, M_MSGS, M_CALLS, M_DRAIN_MSGS, M_DRAIN_CALLS };

struct nconn {
	struct buf b;
	u32 src;
	u16 own;
	u16 pac;
	u8 state;
	u16 outstanding;
	u32 seq;
	u32 sli_rx;
};

static struct nconn *nconns;
static unsigned int n_conns, n_hosts = 1, n_up, n_failed, n_pending, n_next;
static u32 src_base, pns_pac, pns_port = 1723;
static u16 base_id = 512, stride;
static u8 (*host_ids)[65536 / 8];	/* per host, its Call IDs in use */
static int mode;
static unsigned int m_win, m_nconn;
static u64 m_start, m_deadline, m_sent, m_recv, m_cycles, drain_deadline;
static u64 mm_ocrp, mm_sli, mm_wen, mm_cdn;
static struct gre_tx ngre;

static unsigned int host_of(u32 addr)
{
	return ntohl(addr) - ntohl(src_base);
}

static u64 n_mismatch(void)
{
	return mm_ocrp + mm_sli + mm_wen + mm_cdn;
}

static void pns_fail(unsigned int i)
{
	struct nconn *c = &nconns[i];

	if (c->state == N_FAILED)
		return;
	if (c->state == N_UP)
		n_up--;
	else if (mode == M_SETUP && c->state != N_IDLE)
		n_pending--;
	bit_set(host_ids[host_of(c->src)], c->own, 0);
	c->state = N_FAILED;
	n_failed++;
	hard_close(c->b.fd);
	c->b.fd = -1;
}

static void pns_connect(unsigned int i)
{
	struct nconn *c = &nconns[i];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int on = 1;

	c->b.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->b.fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(c->b.fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	setsockopt(c->b.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof(on));
	sin.sin_addr.s_addr = c->src;
	if (bind(c->b.fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind: %s", strerror(errno));
	sin.sin_addr.s_addr = pns_pac;
	sin.sin_port = htons(pns_port);
	c->state = N_CONNECTING;
	n_pending++;
	if (connect(c->b.fd, (struct sockaddr *)&sin, sizeof(sin)) && errno != EINPROGRESS) {
		pns_fail(i);
		return;
	}
	c->b.ev = 0;
	ev_set(&c->b, i, EPOLLOUT);
}

static void send_ocrq(struct nconn *c)
{
	u8 *r = msg_new(&c->b, PPTP_FIX_OCRQ);

	put16(r + PPTP_FIX_OFF_CID1, c->own);
	put16(r + 14, c->seq++);	/* Call Serial Number */
	put32(r + 16, 300);
	put32(r + 20, 100000000);
	put32(r + 24, 3);
	put32(r + 28, 3);
	put16(r + 32, 64);
	bit_set(host_ids[host_of(c->src)], c->own, 1);
	c->state = N_OCRQ;
}

static void send_ccrq(struct nconn *c)
{
	u8 *r = msg_new(&c->b, PPTP_FIX_CCRQ);

	put16(r + PPTP_FIX_OFF_CID1, c->own);
	c->state = N_CCRQ;
}

/* Keeps the connection's window of requests full in the msgs mode. */
static void pns_refill(struct nconn *c)
{
	while (c->outstanding < m_win && tx_room(&c->b, MAXMSG)) {
		u8 *r;

		if (c->seq++ & 1) {
			r = msg_new(&c->b, PPTP_FIX_SLI);
			put16(r + PPTP_FIX_OFF_CID1, c->pac);
			put32(r + 16, 0xffffffff);
			put32(r + 20, 0xffffffff);
		} else {
			r = msg_new(&c->b, PPTP_FIX_ECHORQ);
			put32(r + 12, c->seq);
		}
		c->outstanding++;
		m_sent++;
	}
}

static int measuring(void)
{
	return now < m_deadline;
}

static int pns_handle(unsigned int i)
{
	struct nconn *c = &nconns[i];
	unsigned int off = 0;
	const u8 *m;
	int t;

	while (tx_room(&c->b, 2 * MAXMSG)) {
		t = next_msg(&c->b, &off, &m);
		if (t < 0)
			return -1;
		if (!t)
			break;
		switch (t) {
		case PPTP_FIX_SCCRP:
			if (c->state != N_SCCRQ || m[14] != 1)
				return -1;
			send_ocrq(c);
			break;
		case PPTP_FIX_OCRP:
			if (c->state != N_OCRQ || m[16] != 1)
				return -1;
			if (get16(m + PPTP_FIX_OFF_CID2) != c->own)
				mm_ocrp++;
			c->pac = get16(m + PPTP_FIX_OFF_CID1);
			c->state = N_UP;
			if (mode == M_CALLS || mode == M_DRAIN_CALLS) {
				if (measuring())
					m_cycles++;
				if (mode == M_CALLS && now < m_deadline)
					send_ccrq(c);
				else
					n_up++;
			} else {
				n_up++;
				n_pending--;
			}
			break;
		case PPTP_FIX_CDN:
			if (c->state != N_CCRQ)
				return -1;
			if (get16(m + PPTP_FIX_OFF_CID1) != c->pac)
				mm_cdn++;
			bit_set(host_ids[host_of(c->src)], c->own, 0);
			c->own += stride;
			if (c->own == 0 || c->own == 0xffff)
				c->own += stride;
			send_ocrq(c);
			break;
		case PPTP_FIX_ECHORP:
		case PPTP_FIX_SLI:
			if (t == PPTP_FIX_SLI && get16(m + PPTP_FIX_OFF_CID1) != c->own)
				mm_sli++;
			if (c->outstanding)
				c->outstanding--;
			if (measuring())
				m_recv++;
			if (mode == M_MSGS && now < m_deadline)
				pns_refill(c);
			break;
		case PPTP_FIX_WEN:
			if (get16(m + PPTP_FIX_OFF_CID1) != c->own)
				mm_wen++;
			if (measuring())
				m_recv++;
			break;
		default:
			break;
		}
	}
	rx_consume(&c->b, off);
	return flush(&c->b);
}

static void pns_update(unsigned int i)
{
	struct nconn *c = &nconns[i];
	u32 ev = 0;

	if (c->b.rxlen < RXBUF && tx_room(&c->b, 2 * MAXMSG))
		ev |= EPOLLIN;
	if (c->b.txlen)
		ev |= EPOLLOUT;
	ev_set(&c->b, i, ev);
}

static int pns_valid(u16 key, u32 dst)
{
	unsigned int h = host_of(dst);

	return h < n_hosts && bit(host_ids[h], key);
}

static void pns_event(unsigned int i, u32 events)
{
	struct nconn *c = &nconns[i];

	if (c->state == N_FAILED)
		return;
	if (c->state == N_CONNECTING) {
		int err = 0;
		socklen_t l = sizeof(err);

		getsockopt(c->b.fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err || (events & (EPOLLERR | EPOLLHUP))) {
			pns_fail(i);
			return;
		}
		{
			u8 *r = msg_new(&c->b, PPTP_FIX_SCCRQ);

			put16(r + 12, 0x0100);	/* Protocol Version 1.0 */
			put32(r + 16, 1);
			put32(r + 20, 1);
			put16(r + 24, 1);
		}
		c->state = N_SCCRQ;
	}
	if (((events & EPOLLOUT) && flush(&c->b)) ||
	    ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && fill(&c->b)) ||
	    pns_handle(i)) {
		pns_fail(i);
		return;
	}
	pns_update(i);
}

/* One command; true for "quit". */
static int pns_cmd(const char *cmd)
{
	unsigned int i, a, b;
	double secs;

	if (!strcmp(cmd, "quit")) {
		for (i = 0; i < n_conns; i++)
			if (nconns[i].b.fd >= 0)
				hard_close(nconns[i].b.fd);
		return 1;
	} else if (sscanf(cmd, "msgs %lf %u %u", &secs, &a, &b) == 3) {
		one_per_write = b == 1;
		mode = M_MSGS;
		m_win = a;
		m_sent = 0;
		m_recv = 0;
		m_start = now_ns();
		m_deadline = m_start + (u64)(secs * 1e9);
		now = m_start;
		for (i = 0; i < n_conns; i++)
			if (nconns[i].state == N_UP) {
				pns_refill(&nconns[i]);
				if (flush(&nconns[i].b))
					pns_fail(i);
				else
					pns_update(i);
			}
	} else if (sscanf(cmd, "calls %lf %u", &secs, &a) == 2) {
		one_per_write = 1;
		mode = M_CALLS;
		m_nconn = a;
		m_cycles = 0;
		m_start = now_ns();
		m_deadline = m_start + (u64)(secs * 1e9);
		now = m_start;
		for (i = 0; i < n_conns && i < m_nconn; i++)
			if (nconns[i].state == N_UP) {
				n_up--;
				send_ccrq(&nconns[i]);
				if (flush(&nconns[i].b))
					pns_fail(i);
				else
					pns_update(i);
			}
	} else if (sscanf(cmd, "gre %lf %u", &secs, &a) == 2) {
		unsigned int n = 0;

		gre_tx_start(&ngre, a, secs);
		for (i = 0; i < n_conns && n < a; i++)
			if (nconns[i].state == N_UP)
				gre_build(ngre.pkts[n++], nconns[i].src, pns_pac, nconns[i].pac);
		ngre.n = n;
		ngre.on = n > 0;
		if (!n)
			reply("gre sent 0 ms 0");
	} else if (!strcmp(cmd, "stats")) {
		printf("stats up %u gre_ok %llu gre_bad %llu mismatch %llu",
		       n_up, (unsigned long long)gre_ok, (unsigned long long)gre_bad,
		       (unsigned long long)n_mismatch());
		reply(" ocrp=%llu sli=%llu wen=%llu cdn=%llu", (unsigned long long)mm_ocrp,
		      (unsigned long long)mm_sli, (unsigned long long)mm_wen,
		      (unsigned long long)mm_cdn);
	} else if (!strcmp(cmd, "reset")) {
		gre_ok = 0;
		gre_bad = 0;
		mm_ocrp = 0;
		mm_sli = 0;
		mm_wen = 0;
		mm_cdn = 0;
		reply("reset");
	} else {
		reply("error unknown command %s", cmd);
	}
	return 0;
}

/* Ends a timed mode once every connection is back at rest. */
static void pns_modes(void)
{
	unsigned int i, busy = 0;
	u64 ms = (m_deadline - m_start) / 1000000;

	if (mode == M_SETUP) {
		if ((n_pending || n_next < n_conns) && now < drain_deadline)
			return;
		for (i = 0; i < n_conns; i++)
			if (nconns[i].state != N_UP && nconns[i].state != N_FAILED)
				pns_fail(i);
		reply("up %u failed %u ms %llu", n_up, n_failed,
		      (unsigned long long)((now - m_start) / 1000000));
		mode = M_NONE;
		return;
	}
	if ((mode == M_MSGS || mode == M_CALLS) && now >= m_deadline) {
		mode = mode == M_MSGS ? M_DRAIN_MSGS : M_DRAIN_CALLS;
		drain_deadline = now + 10000000000ull;
	}
	if (mode == M_DRAIN_MSGS) {
		for (i = 0; i < n_conns; i++)
			busy += nconns[i].state == N_UP && nconns[i].outstanding;
		if (busy && now < drain_deadline)
			return;
		reply("msgs sent %llu recv %llu ms %llu mismatch %llu",
		      (unsigned long long)m_sent, (unsigned long long)m_recv,
		      (unsigned long long)ms, (unsigned long long)n_mismatch());
		mode = M_NONE;
	} else if (mode == M_DRAIN_CALLS) {
		for (i = 0; i < n_conns && i < m_nconn; i++)
			busy += nconns[i].state == N_OCRQ || nconns[i].state == N_CCRQ;
		if (busy && now < drain_deadline)
			return;
		reply("calls cycles %llu ms %llu mismatch %llu",
		      (unsigned long long)m_cycles, (unsigned long long)ms,
		      (unsigned long long)n_mismatch());
		mode = M_NONE;
	}
}

static int pns_main(int argc, char **argv)
{
	struct epoll_event evs[256];
	unsigned int i, per_host, max_pending = 256;
	double timeout = 120;
	int n, j, wait = 0;

	for (j = 2; j < argc; j++) {
		if (!strcmp(argv[j], "--pac") && j + 1 < argc)
			pns_pac = parse_ip(argv[++j]);
		else if (!strcmp(argv[j], "--port") && j + 1 < argc)
			pns_port = atoi(argv[++j]);
		else if (!strcmp(argv[j], "--src") && j + 1 < argc)
			src_base = parse_ip(argv[++j]);
		else if (!strcmp(argv[j], "--hosts") && j + 1 < argc)
			n_hosts = atoi(argv[++j]);
		else if (!strcmp(argv[j], "--conns") && j + 1 < argc)
			n_conns = atoi(argv[++j]);
		else if (!strcmp(argv[j], "--base-id") && j + 1 < argc)
			base_id = atoi(argv[++j]);
		else if (!strcmp(argv[j], "--timeout") && j + 1 < argc)
			timeout = atof(argv[++j]);
		else if (!strcmp(argv[j], "--wait"))
			wait = 1;
		else
			die("pns: unknown argument %s", argv[j]);
	}
	if (!pns_pac || !src_base || !n_conns || !n_hosts)
		die("pns: --pac, --src and --conns are needed");
	setup_common();
	per_host = (n_conns + n_hosts - 1) / n_hosts;
	for (stride = 1; stride < per_host; stride <<= 1)
		;
	nconns = calloc(n_conns, sizeof(*nconns));
	host_ids = calloc(n_hosts, sizeof(*host_ids));
	if (!nconns || !host_ids)
		die("out of memory");
	for (i = 0; i < n_conns; i++) {
		unsigned int h = i % n_hosts, k = i / n_hosts;

		nconns[i].src = htonl(ntohl(src_base) + h);
		nconns[i].own = base_id + k;
		nconns[i].seq = i;
		nconns[i].b.fd = -1;
	}
	if (wait) {
		char line[8] = "", ch = 0;
		unsigned int l = 0;

		reply("ready");
		/* Byte by byte: what follows is read_cmds()'s. */
		while (read(0, &ch, 1) == 1 && ch != '\n')
			if (l < sizeof(line) - 1)
				line[l++] = ch;
		line[l] = 0;
		if (strcmp(line, "go"))
			return 1;
	}
	mode = M_SETUP;
	m_start = now_ns();
	drain_deadline = m_start + (u64)(timeout * 1e9);
	for (;;) {
		while (mode == M_SETUP && n_next < n_conns && n_pending < max_pending)
			pns_connect(n_next++);
		if (mode == M_SETUP && n_next < n_conns)
			drain_deadline = now_ns() + (u64)(timeout * 1e9);
		n = epoll_wait(epfd, evs, 256, ngre.on ? 0 : 10);
		now = now_ns();
		for (j = 0; j < n; j++) {
			u64 k = evs[j].data.u64;
			char *cmd;

			if (k == EV_RAW) {
				gre_rx(pns_valid);
			} else if (k == EV_STDIN) {
				read_cmds();
				while ((cmd = next_cmd())) {
					if (pns_cmd(cmd))
						return 0;
					cmd_done();
				}
			} else {
				pns_event(k, evs[j].events);
			}
		}
		if (ngre.on)
			gre_tx_batch(&ngre);
		if (mode != M_NONE)
			pns_modes();
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "pac"))
		return pac_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "pns"))
		return pns_main(argc, argv);
	fprintf(stderr, "usage: pptp_bench pac|pns ... (see the source's header)\n");
	return 2;
}
