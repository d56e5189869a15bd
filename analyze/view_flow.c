// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --flow 'SRC[:PORT] DST[:PORT]': the packets of one flow and the syscalls
 * their owning processes made on its sockets, in time order.
 *
 * A PACKET record names its socket's owner, not the socket's fd, so a
 * process's fd is tied to the flow by what the trace shows: a syscall that
 * names the flow's other end (connect, sendto, recvfrom, getpeername with
 * its address; accept/accept4 returning it), or an outgoing packet of the
 * flow that left while its owner thread was in a socket call on that fd
 * (connect, write, send..., close). From then on the process's calls on the
 * fd, and on its dups, are shown up to and including its close. Only
 * processes owning at least one packet of the flow are shown, and a socket
 * tied by an address only if a packet of the flow has that exact endpoint
 * (an end given without a port would otherwise take in every socket to its
 * host).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode.h"
#include "flow_spec.h"
#include "hmap.h"
#include "human.h"
#include "views.h"

#define NR_CLOSE 0x01 /* the fd is gone after it */
#define NR_DUP 0x02   /* returns another fd for the same socket */
#define NR_DUP2 0x04  /* args[1] is replaced by it */
#define NR_ACCEPT 0x08 /* returns a socket, with its peer's address */
#define NR_PEER 0x10  /* its sockaddr is the peer's (not bind's own) */
#define NR_SEND 0x20  /* a packet can leave the socket during it */

static const struct {
	const char *name;
	int8_t fd_arg;
	uint8_t flags;
} fd_calls[] = {
	{ "read", 0, 0 }, { "write", 0, NR_SEND }, { "readv", 0, 0 }, { "writev", 0, NR_SEND },
	{ "pread64", 0, 0 }, { "pwrite64", 0, NR_SEND }, { "preadv", 0, 0 }, { "preadv2", 0, 0 },
	{ "pwritev", 0, NR_SEND }, { "pwritev2", 0, NR_SEND }, { "sendfile", 0, NR_SEND },
	{ "sendto", 0, NR_SEND | NR_PEER }, { "recvfrom", 0, NR_PEER },
	{ "sendmsg", 0, NR_SEND }, { "recvmsg", 0, 0 }, { "sendmmsg", 0, NR_SEND },
	{ "recvmmsg", 0, 0 }, { "connect", 0, NR_SEND | NR_PEER }, { "shutdown", 0, NR_SEND },
	{ "getpeername", 0, NR_PEER }, { "getsockname", 0, 0 }, { "setsockopt", 0, 0 },
	{ "getsockopt", 0, 0 }, { "bind", 0, 0 }, { "listen", 0, 0 }, { "fcntl", 0, 0 },
	{ "ioctl", 0, 0 }, { "fstat", 0, 0 }, { "epoll_ctl", 2, 0 },
	{ "close", 0, NR_CLOSE | NR_SEND }, { "dup", 0, NR_DUP }, { "dup2", 0, NR_DUP | NR_DUP2 },
	{ "dup3", 0, NR_DUP | NR_DUP2 }, { "accept", -1, NR_ACCEPT | NR_PEER },
	{ "accept4", -1, NR_ACCEPT | NR_PEER },
};

struct nr_info {
	int8_t fd_arg; /* -1: none */
	uint8_t flags;
	bool known;
};

struct fd_key {
	uint32_t pid;
	int32_t fd;
};

/* A syscall kept with its strings (sockaddrs), which the tape reuses. */
struct kept_syscall {
	struct tt_syscall s;
	char *strs;
};

/* Why an fd was tied to the flow: by the peer address a syscall named
 * (to be confirmed by the packets), or by a packet sent during its call. */
struct tie {
	bool by_addr, confirmed;
	uint8_t family;
	uint16_t port;
	uint8_t addr[16];
};

struct item {
	uint64_t ts;
	size_t seq;
	bool is_packet;
	uint32_t tie; /* a syscall's: index in ties + 1 */
	union {
		struct tt_packet p;
		struct kept_syscall k;
	};
};

/* A thread's last socket call that can send, not yet tied to the flow. */
struct held {
	struct kept_syscall k;
	int32_t fd;
	bool valid;
};

struct flow {
	const struct flow_spec *spec;
	struct nr_info nrs[SYSCALL_MAX_NR];
	struct hmap *fds;    /* fd_key -> uint32_t: its tie (index + 1), 0 if none */
	struct tie *ties;
	size_t nties;
	struct hmap *held;   /* tid -> struct held */
	struct hmap *owners; /* pid -> bool: owns a packet of the flow */
	struct item *items;
	size_t n, cap;
	/* [direction: 0 end 0 -> end 1][0 seen leaving, 1 seen arriving] */
	uint64_t pkts[2][2], bytes[2][2];
};

static void flow_free(void *state);

static void *flow_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	struct flow *s = calloc(1, sizeof(*s));

	if (!o->flow) {
		free(s);
		snprintf(err, errlen, "--flow needs 'SRC[:PORT] DST[:PORT]'");
		errno = EINVAL;
		return NULL;
	}
	if (!s || !(s->fds = hmap__new(sizeof(uint32_t))) ||
	    !(s->held = hmap__new(sizeof(struct held))) || !(s->owners = hmap__new(sizeof(bool)))) {
		flow_free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	s->spec = o->flow;
	for (size_t i = 0; i < sizeof(fd_calls) / sizeof(fd_calls[0]); i++) {
		int nr = syscall_table__nr(t->st, fd_calls[i].name);

		if (nr >= 0 && nr < SYSCALL_MAX_NR)
			s->nrs[nr] = (struct nr_info){ fd_calls[i].fd_arg, fd_calls[i].flags, true };
	}
	return s;
}

static int keep_syscall(struct kept_syscall *k, const struct tt_syscall *sc)
{
	size_t len = 0;
	char *p;

	k->s = *sc;
	k->strs = NULL;
	for (int i = 0; i < sc->nstr; i++)
		len += sc->strs[i].value.len;
	if (!len)
		return 0;
	p = k->strs = malloc(len);
	if (!p)
		return -ENOMEM;
	for (int i = 0; i < sc->nstr; i++) {
		memcpy(p, sc->strs[i].value.data, sc->strs[i].value.len);
		k->s.strs[i].value.data = p;
		p += sc->strs[i].value.len;
	}
	return 0;
}

static struct item *new_item(struct flow *s, uint64_t ts)
{
	struct item *it;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct item *items = realloc(s->items, cap * sizeof(*items));

		if (!items)
			return NULL;
		s->items = items;
		s->cap = cap;
	}
	it = &s->items[s->n];
	memset(it, 0, sizeof(*it));
	it->ts = ts;
	it->seq = s->n++;
	return it;
}

static void add_syscall(struct flow *s, const struct kept_syscall *k, uint32_t tie)
{
	struct item *it = new_item(s, k->s.ts);

	if (it) {
		it->k = *k;
		it->tie = tie;
	} else {
		free(k->strs);
	}
}

static void add_live_syscall(struct flow *s, const struct tt_syscall *sc, uint32_t tie)
{
	struct kept_syscall k;

	if (!keep_syscall(&k, sc))
		add_syscall(s, &k, tie);
}

/* The fd's tie, 0 if it has none. */
static uint32_t fd_tie(struct flow *s, uint32_t pid, int32_t fd)
{
	struct fd_key key = { pid, fd };
	uint32_t *v = hmap__get(s->fds, &key, sizeof(key), false, NULL);

	return v ? *v : 0;
}

static void fd_set_tie(struct flow *s, uint32_t pid, int32_t fd, uint32_t tie)
{
	struct fd_key key = { pid, fd };
	uint32_t *v = hmap__get(s->fds, &key, sizeof(key), tie != 0, NULL);

	if (v)
		*v = tie;
}

/* A new tie (its index + 1), or 0 on ENOMEM. */
static uint32_t new_tie(struct flow *s, const struct tie *t)
{
	struct tie *ties = realloc(s->ties, (s->nties + 1) * sizeof(*ties));

	if (!ties)
		return 0;
	s->ties = ties;
	ties[s->nties] = *t;
	return ++s->nties;
}

/* Does a sockaddr the syscall carries name one of the flow's ends? Which
 * endpoint exactly goes into *t. */
static bool names_flow_end(const struct flow *s, const struct tt_syscall *sc, struct tie *t)
{
	for (int i = 0; i < sc->nstr; i++) {
		const struct tt_str *str = &sc->strs[i];
		struct sockaddr_storage ss = { 0 };
		uint8_t addr[16] = { 0 }, fam = 0;
		uint16_t port = 0;

		if (str->kind != TT_STR_SOCKADDR)
			continue;
		memcpy(&ss, str->value.data,
		       str->value.len < sizeof(ss) ? str->value.len : sizeof(ss));
		if (ss.ss_family == AF_INET && str->value.len >= sizeof(struct sockaddr_in)) {
			const struct sockaddr_in *in = (const void *)&ss;

			fam = 4;
			memcpy(addr, &in->sin_addr, 4);
			port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6 &&
			   str->value.len >= sizeof(struct sockaddr_in6)) {
			const struct sockaddr_in6 *in6 = (const void *)&ss;

			fam = 6;
			memcpy(addr, &in6->sin6_addr, 16);
			port = ntohs(in6->sin6_port);
			/* A dual-stack socket's IPv4 peer: its packets are IPv4. */
			if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
				fam = 4;
				memmove(addr, addr + 12, 4);
				memset(addr + 4, 0, 12);
			}
		}
		if (fam && (flow_spec__end_matches(s->spec, 0, fam, addr, port) ||
			    flow_spec__end_matches(s->spec, 1, fam, addr, port))) {
			*t = (struct tie){ .by_addr = true, .family = fam, .port = port };
			memcpy(t->addr, addr, 16);
			return true;
		}
	}
	return false;
}

static void hold(struct flow *s, const struct tt_syscall *sc, int32_t fd)
{
	struct held *h = hmap__get(s->held, &sc->tid, sizeof(sc->tid), true, NULL);

	if (!h)
		return;
	if (h->valid)
		free(h->k.strs);
	h->valid = !keep_syscall(&h->k, sc);
	h->fd = fd;
}

static void on_syscall(struct flow *s, const struct tt_syscall *sc)
{
	const struct nr_info *info = sc->nr < SYSCALL_MAX_NR ? &s->nrs[sc->nr] : NULL;
	struct tie t;
	uint32_t tie;
	int32_t fd;

	if (!info || !info->known)
		return;
	if ((info->flags & NR_ACCEPT) && sc->ret >= 0 && names_flow_end(s, sc, &t)) {
		tie = new_tie(s, &t);
		fd_set_tie(s, sc->pid, (int32_t)sc->ret, tie);
		add_live_syscall(s, sc, tie);
		return;
	}
	if (info->fd_arg < 0)
		return;
	fd = (int32_t)sc->args[info->fd_arg];
	tie = fd_tie(s, sc->pid, fd);
	if (!tie && (info->flags & NR_PEER) && names_flow_end(s, sc, &t)) {
		tie = new_tie(s, &t);
		fd_set_tie(s, sc->pid, fd, tie);
	}
	if (tie) {
		add_live_syscall(s, sc, tie);
		if ((info->flags & NR_DUP) && sc->ret >= 0)
			fd_set_tie(s, sc->pid, (int32_t)sc->ret, tie);
		if ((info->flags & NR_CLOSE) && sc->ret == 0)
			fd_set_tie(s, sc->pid, fd, 0);
		return;
	}
	tie = (info->flags & NR_DUP2) && sc->ret >= 0 ?
	      fd_tie(s, sc->pid, (int32_t)sc->args[1]) : 0;
	if (tie) {
		/* dup2 onto the flow's fd: that number is another file now. */
		add_live_syscall(s, sc, tie);
		fd_set_tie(s, sc->pid, (int32_t)sc->args[1], 0);
		return;
	}
	if (info->flags & NR_SEND)
		hold(s, sc, fd);
}

/* An outgoing packet sent while its owner thread was in a held call: that
 * call's fd is the flow's socket. */
static void tie_by_packet(struct flow *s, const struct tt_packet *p)
{
	struct tie t = { .confirmed = true };
	struct held *h;
	uint32_t tie;

	if (!(p->flags & TT_PACKET_OUTBOUND) || !(p->flags & TT_PACKET_OWNED) || !p->tid)
		return;
	h = hmap__get(s->held, &p->tid, sizeof(p->tid), false, NULL);
	if (!h || !h->valid || h->k.s.pid != p->pid || p->ts < h->k.s.ts ||
	    p->ts > h->k.s.ts + h->k.s.duration)
		return;
	h->valid = false;
	if (fd_tie(s, p->pid, h->fd) || !(tie = new_tie(s, &t))) {
		free(h->k.strs);
		return;
	}
	fd_set_tie(s, p->pid, h->fd, tie);
	add_syscall(s, &h->k, tie);
}

static void on_packet(struct flow *s, const struct tt_packet *p)
{
	const struct flow_spec *f = s->spec;
	struct item *it;
	int dir;

	if (!p->family || !flow_spec__matches(f, p->family, p->saddr, p->sport, p->daddr, p->dport))
		return;
	dir = !(flow_spec__end_matches(f, 0, p->family, p->saddr, p->sport) &&
		flow_spec__end_matches(f, 1, p->family, p->daddr, p->dport));
	s->pkts[dir][!(p->flags & TT_PACKET_OUTBOUND)]++;
	s->bytes[dir][!(p->flags & TT_PACKET_OUTBOUND)] += p->length;
	if (p->flags & TT_PACKET_OWNED) {
		bool *v = hmap__get(s->owners, &p->pid, sizeof(p->pid), true, NULL);

		if (v)
			*v = true;
		tie_by_packet(s, p);
	}
	it = new_item(s, p->ts);
	if (it) {
		it->is_packet = true;
		it->p = *p;
	}
}

static void flow_event(void *state, struct tape *t, const struct tt_record *rec)
{
	if (rec->type == TT_REC_PACKET)
		on_packet(state, &rec->packet);
	else if (rec->type == TT_REC_SYSCALL)
		on_syscall(state, &rec->syscall);
}

static int by_time(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* tcpdump's flags: S F R P and '.' for ACK. */
static void tcp_flags(uint8_t fl, char *buf)
{
	char *p = buf;

	if (fl & 0x02) *p++ = 'S';
	if (fl & 0x01) *p++ = 'F';
	if (fl & 0x04) *p++ = 'R';
	if (fl & 0x08) *p++ = 'P';
	if (fl & 0x10) *p++ = '.';
	*p = 0;
}

static void packet_ends(const struct tt_packet *p, char src[64], char dst[64])
{
	flow_spec__format(p->family, p->saddr, p->sport, src, 64);
	flow_spec__format(p->family, p->daddr, p->dport, dst, 64);
}

/* 12:00:01.123456 curl[1234/1240] packet out lo tcp 10.0.0.1:40000 > 10.0.0.2:80 [S] len 60 frame 1 */
static void print_packet(FILE *f, const struct tape *t, const struct tt_packet *p)
{
	char when[32], src[64], dst[64], fl[8];

	human__time(when, sizeof(when), tape__unix_ns(t, p->ts), HUMAN_TIME_CLOCK, t->utc);
	fprintf(f, "%s ", when);
	/* names from the trace are escaped: a process chose its comm */
	if (p->flags & TT_PACKET_OWNED) {
		decode__plain(f, p->comm, strnlen(p->comm, TT_COMM_SIZE));
		fprintf(f, "[%u/%u]%s", p->pid, p->tid,
			p->flags & TT_PACKET_LISTENER ? "(listener)" : "");
	} else {
		fprintf(f, "(no owner)");
	}
	packet_ends(p, src, dst);
	fprintf(f, " packet %s ", p->flags & TT_PACKET_OUTBOUND ? "out" : "in");
	decode__plain(f, p->ifname[0] ? p->ifname : "?",
		      p->ifname[0] ? strnlen(p->ifname, sizeof(p->ifname)) : 1);
	fprintf(f, " %s %s > %s", flow_spec__proto_name(p->ip_proto), src, dst);
	if (p->ip_proto == IPPROTO_TCP) {
		tcp_flags(p->tcp_flags, fl);
		fprintf(f, " [%s]", fl);
	}
	fprintf(f, " len %u", p->length);
	if (p->pcap_index)
		fprintf(f, " frame %u", p->pcap_index);
	fputc('\n', f);
}

static void json_packet(struct json *j, const struct tape *t, const struct tt_packet *p)
{
	char src[64], dst[64], fl[8];

	json__str(j, "type", "packet");
	json__double(j, "time", tape__unix_ns(t, p->ts) / 1e9);
	json__uint(j, "ts_ns", p->ts);
	json__str(j, "direction", p->flags & TT_PACKET_OUTBOUND ? "out" : "in");
	json__str(j, "ifname", p->ifname);
	json__uint(j, "ifindex", p->ifindex);
	json__str(j, "protocol", flow_spec__proto_name(p->ip_proto));
	packet_ends(p, src, dst);
	json__str(j, "src", src);
	json__str(j, "dst", dst);
	if (p->ip_proto == IPPROTO_TCP) {
		tcp_flags(p->tcp_flags, fl);
		json__str(j, "tcp_flags", fl);
	}
	json__uint(j, "length", p->length);
	json__bool(j, "owned", p->flags & TT_PACKET_OWNED);
	if (p->flags & TT_PACKET_OWNED) {
		json__uint(j, "pid", p->pid);
		json__uint(j, "tid", p->tid);
		json__strn(j, "comm", p->comm, strnlen(p->comm, TT_COMM_SIZE));
		json__bool(j, "listener", p->flags & TT_PACKET_LISTENER);
	}
	if (p->pcap_index)
		json__uint(j, "pcap_index", p->pcap_index);
}

static void json_syscall(struct json *j, struct tape *t, const struct tt_record *rec,
			 const struct nr_info *info)
{
	const struct tt_syscall *sc = &rec->syscall;
	char buf[32], *text = NULL;
	size_t len = 0;
	FILE *m;

	json__str(j, "type", "syscall");
	json__double(j, "time", tape__unix_ns(t, sc->ts) / 1e9);
	json__uint(j, "ts_ns", sc->ts);
	json__uint(j, "pid", sc->pid);
	json__uint(j, "tid", sc->tid);
	json__str(j, "comm", procs__comm(t->procs, sc->pid));
	json__str(j, "syscall", decode__syscall_name(t->st, sc->nr, buf, sizeof(buf)));
	if (info->fd_arg >= 0)
		json__int(j, "fd", (int32_t)sc->args[info->fd_arg]);
	json__int(j, "ret", sc->ret);
	if (syscall_failed(sc->ret))
		json__str(j, "errno", decode__errno_name(-sc->ret, buf, sizeof(buf)));
	json__uint(j, "duration_ns", sc->duration);
	m = open_memstream(&text, &len);
	if (m) {
		decode__event(m, t, rec);
		fclose(m);
		json__strn(j, "text", text, len && text[len - 1] == '\n' ? len - 1 : len);
	}
	free(text);
}

static void print_summary(struct flow *s, struct report *r, size_t nsys)
{
	const struct flow_spec *f = s->spec;
	char a[64], b[64];
	/* A packet between two local sockets is seen leaving and arriving: count it once. */
	uint64_t p0 = s->pkts[0][0] ? s->pkts[0][0] : s->pkts[0][1];
	uint64_t p1 = s->pkts[1][0] ? s->pkts[1][0] : s->pkts[1][1];
	uint64_t b0 = s->pkts[0][0] ? s->bytes[0][0] : s->bytes[0][1];
	uint64_t b1 = s->pkts[1][0] ? s->bytes[1][0] : s->bytes[1][1];

	flow_spec__format(f->family, f->end[0].addr, f->end[0].port, a, sizeof(a));
	flow_spec__format(f->family, f->end[1].addr, f->end[1].port, b, sizeof(b));
	if (r->j) {
		json__obj_begin(r->j, "flow");
		json__str(r->j, "a", a);
		json__str(r->j, "b", b);
		json__uint(r->j, "packets_a_to_b", p0);
		json__uint(r->j, "bytes_a_to_b", b0);
		json__uint(r->j, "packets_b_to_a", p1);
		json__uint(r->j, "bytes_b_to_a", b1);
		json__uint(r->j, "syscalls", nsys);
		json__obj_end(r->j);
		return;
	}
	fprintf(r->f, "\nFlow %s <-> %s: %llu packets (%llu B) %s > %s, %llu packets (%llu B) "
		"back; %zu syscalls on its sockets\n", a, b, (unsigned long long)p0,
		(unsigned long long)b0, a, b, (unsigned long long)p1, (unsigned long long)b1, nsys);
}

/* A tie by address holds if a packet of the flow has that endpoint. */
static void confirm_ties(struct flow *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct tt_packet *p = &s->items[i].p;

		if (!s->items[i].is_packet)
			continue;
		for (size_t k = 0; k < s->nties; k++) {
			struct tie *t = &s->ties[k];

			if (t->confirmed || t->family != p->family)
				continue;
			t->confirmed = (t->port == p->sport && !memcmp(t->addr, p->saddr, 16)) ||
				       (t->port == p->dport && !memcmp(t->addr, p->daddr, 16));
		}
	}
}

static void flow_report(void *state, struct tape *t, struct report *r)
{
	struct flow *s = state;
	size_t nsys = 0, npkt = 0;

	confirm_ties(s);
	/* Keep the syscalls of processes that own packets of the flow, on
	 * sockets whose tie holds. */
	for (size_t i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];

		if (it->is_packet) {
			npkt++;
		} else if (!hmap__get(s->owners, &it->k.s.pid, sizeof(it->k.s.pid), false, NULL) ||
			   !it->tie || !s->ties[it->tie - 1].confirmed) {
			free(it->k.strs);
			it->k.strs = NULL;
			it->ts = 0; /* dropped */
		} else {
			nsys++;
		}
	}
	qsort(s->items, s->n, sizeof(*s->items), by_time);
	print_summary(s, r, nsys);
	if (r->j)
		json__arr_begin(r->j, "events");
	else if (!npkt)
		fprintf(r->f, "No packets of this flow in the trace%s.\n",
			t->info.monitors & (1u << TT_MONITOR_PACKET) ? "" :
			" (the packet monitor was not recorded: rec -m packet)");
	else
		fputc('\n', r->f);
	for (size_t i = 0; i < s->n; i++) {
		const struct item *it = &s->items[i];
		struct tt_record rec = { .type = TT_REC_SYSCALL };

		if (!it->ts)
			continue;
		if (!it->is_packet)
			rec.syscall = it->k.s;
		if (r->j)
			json__obj_begin(r->j, NULL);
		if (r->j && it->is_packet)
			json_packet(r->j, t, &it->p);
		else if (r->j)
			json_syscall(r->j, t, &rec, &s->nrs[it->k.s.nr]);
		else if (it->is_packet)
			print_packet(r->f, t, &it->p);
		else
			decode__event(r->f, t, &rec);
		if (r->j)
			json__obj_end(r->j);
	}
	if (r->j)
		json__arr_end(r->j);
}

static void flow_free(void *state)
{
	struct flow *s = state;
	struct hmap_entry *e;

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!s->items[i].is_packet)
			free(s->items[i].k.strs);
	free(s->items);
	free(s->ties);
	if (s->held) {
		e = hmap__entries(s->held, NULL);
		for (size_t i = 0; e && i < hmap__count(s->held); i++) {
			struct held *h = e[i].value;

			if (h->valid)
				free(h->k.strs);
		}
		free(e);
	}
	hmap__free(s->fds);
	hmap__free(s->held);
	hmap__free(s->owners);
	free(s);
}

const struct view view_flow = {
	.name = "flow",
	.new = flow_new,
	.event = flow_event,
	.report = flow_report,
	.free = flow_free,
};
