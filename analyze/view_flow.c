// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --flow 'SRC[:PORT] DST[:PORT]': the packets of one flow and the syscalls
 * their owning processes made on its sockets (flow_track.c says which), in
 * time order; first a Wireshark display filter for each of its processes
 * (tools/wireshark/tracetape.lua).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow_spec.h"
#include "flow_track.h"
#include "human.h"
#include "views.h"

#define MAX_PROCS 8

struct item {
	uint64_t ts;
	size_t seq;
	bool is_packet;
	uint32_t tie; /* a syscall's, for flow_track__keeps */
	union {
		struct tt_packet p;
		struct kept_syscall k;
	};
};

struct flow {
	const struct flow_spec *spec;
	struct flow_track *track;
	struct item *items;
	size_t n, cap;
	/* [direction: 0 end 0 -> end 1][0 seen leaving, 1 seen arriving] */
	uint64_t pkts[2][2], bytes[2][2];
	/* the processes owning its packets, and over which protocol, for
	 * their filters; more than MAX_PROCS are left out */
	struct {
		uint32_t pid;
		uint8_t proto;
		char comm[TT_COMM_SIZE];
	} procs[MAX_PROCS];
	int nprocs;
};

static void flow_free(void *state);

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

static void on_syscall(void *ctx, const struct tt_syscall *sc, uint32_t tie)
{
	struct flow *s = ctx;
	struct kept_syscall k;
	struct item *it;

	if (kept_syscall__init(&k, sc))
		return;
	it = new_item(s, k.s.ts);
	if (!it) {
		free(k.strs);
		return;
	}
	it->k = k;
	it->tie = tie;
}

static void note_process(struct flow *s, const struct tt_packet *p)
{
	for (int i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == p->pid && s->procs[i].proto == p->ip_proto)
			return;
	if (s->nprocs == MAX_PROCS)
		return;
	s->procs[s->nprocs].pid = p->pid;
	s->procs[s->nprocs].proto = p->ip_proto;
	memcpy(s->procs[s->nprocs++].comm, p->comm, TT_COMM_SIZE);
}

static void on_packet(void *ctx, const struct tt_packet *p)
{
	struct flow *s = ctx;
	const struct flow_spec *f = s->spec;
	struct item *it;
	int dir;

	dir = !(flow_spec__end_matches(f, 0, p->family, p->saddr, p->sport) &&
		flow_spec__end_matches(f, 1, p->family, p->daddr, p->dport));
	s->pkts[dir][!(p->flags & TT_PACKET_OUTBOUND)]++;
	s->bytes[dir][!(p->flags & TT_PACKET_OUTBOUND)] += p->length;
	if (p->flags & TT_PACKET_OWNED)
		note_process(s, p);
	it = new_item(s, p->ts);
	if (it) {
		it->is_packet = true;
		it->p = *p;
	}
}

static const struct flow_track_ops track_ops = {
	.syscall = on_syscall,
	.packet = on_packet,
};

static void *flow_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	struct flow *s;

	if (!o->flow) {
		snprintf(err, errlen, "--flow needs 'SRC[:PORT] DST[:PORT]'");
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->track = flow_track__new(t->st, o->flow, &track_ops, s))) {
		flow_free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	s->spec = o->flow;
	return s;
}

static void flow_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct flow *s = state;

	flow_track__event(s->track, rec);
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
	json__strn(j, "ifname", p->ifname, strnlen(p->ifname, sizeof(p->ifname)));
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

static void json_syscall(struct json *j, struct tape *t, const struct tt_record *rec, int fd_arg)
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
	json__str(j, "comm", procs__task_comm(t->procs, sc->pid, sc->tid));
	json__str(j, "syscall", decode__syscall_name(t->st, sc->nr, buf, sizeof(buf)));
	if (fd_arg >= 0)
		json__int(j, "fd", (int32_t)sc->args[fd_arg]);
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

	char filter[256];

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
		json__arr_begin(r->j, "wireshark_filters");
		for (int i = 0; i < s->nprocs; i++) {
			flow_spec__wireshark(filter, sizeof(filter), f->family, s->procs[i].proto,
					     &f->end[0], &f->end[1], s->procs[i].pid);
			json__obj_begin(r->j, NULL);
			json__uint(r->j, "pid", s->procs[i].pid);
			json__strn(r->j, "comm", s->procs[i].comm,
				   strnlen(s->procs[i].comm, TT_COMM_SIZE));
			json__str(r->j, "filter", filter);
			json__obj_end(r->j);
		}
		json__arr_end(r->j);
		json__obj_end(r->j);
		return;
	}
	fprintf(r->f, "\nFlow %s <-> %s: %llu packets (%llu B) %s > %s, %llu packets (%llu B) "
		"back; %zu syscalls on its sockets\n", a, b, (unsigned long long)p0,
		(unsigned long long)b0, a, b, (unsigned long long)p1, (unsigned long long)b1, nsys);
	/* names from the trace are escaped: a process chose its comm */
	for (int i = 0; i < s->nprocs; i++) {
		flow_spec__wireshark(filter, sizeof(filter), f->family, s->procs[i].proto,
				     &f->end[0], &f->end[1], s->procs[i].pid);
		fprintf(r->f, "Wireshark filter, ");
		decode__plain(r->f, s->procs[i].comm, strnlen(s->procs[i].comm, TT_COMM_SIZE));
		fprintf(r->f, "[%u]: %s\n", s->procs[i].pid, filter);
	}
}

static void flow_report(void *state, struct tape *t, struct report *r)
{
	struct flow *s = state;
	size_t nsys = 0, npkt = 0;

	/* Keep the syscalls of processes that own packets of the flow, on
	 * sockets whose tie holds. */
	for (size_t i = 0; i < s->n; i++) {
		struct item *it = &s->items[i];

		if (it->is_packet) {
			npkt++;
		} else if (!flow_track__keeps(s->track, it->k.s.pid, it->tie)) {
			free(it->k.strs);
			it->k.strs = NULL;
			it->ts = 0; /* dropped */
		} else {
			nsys++;
		}
	}
	if (s->n) /* qsort(NULL, 0, ...) is undefined */
		qsort(s->items, s->n, sizeof(*s->items), by_time);
	print_summary(s, r, nsys);
	if (r->j)
		json__arr_begin(r->j, "events");
	else if (!npkt)
		flow_track__say_no_packets(r->f, t);
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
			json_syscall(r->j, t, &rec, flow_track__fd_arg(s->track, it->k.s.nr));
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

	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!s->items[i].is_packet)
			free(s->items[i].k.strs);
	free(s->items);
	flow_track__free(s->track);
	free(s);
}

const struct view view_flow = {
	.name = "flow",
	.new = flow_new,
	.event = flow_event,
	.report = flow_report,
	.free = flow_free,
};
