// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --connections: the TCP connections and UDP/ICMP flows of the PACKET
 * records, one row per pair of endpoints (both sides of a local connection
 * are one row), with the process owning each end; then a Wireshark display
 * filter for each connection and process (tools/wireshark/tracetape.lua).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_spec.h"
#include "hmap.h"
#include "views.h"

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
#define MAX_PROCS 8 /* a connection's processes given a filter; more are left out */

/* The pair, in canonical order (see canonical()), so both directions meet. */
struct conn_key {
	uint8_t family, proto;
	struct flow_end a, b;
};

struct conn {
	struct conn_key key;
	uint32_t pid[2];        /* the owner of a and of b, 0 if none seen */
	char comm[2][TT_COMM_SIZE];
	bool by_listener[2];    /* that owner is a listener's (handshake) */
	/* [direction: 0 a->b, 1 b->a][0 seen leaving, 1 seen arriving] */
	uint64_t pkts[2][2], bytes[2][2];
	/* every process seen owning its packets (an end's can change: a
	 * listener's, then the accepting process's), for their filters */
	uint32_t procs[MAX_PROCS];
	char proc_comm[MAX_PROCS][TT_COMM_SIZE];
	int nprocs;
	uint64_t first, last;
	bool b_first;           /* b sent the first packet: the report shows b as A */
	char states[48];
	uint8_t last_state;
};

struct connections {
	int n;
	struct hmap *conns;
};

static void *connections_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
			     size_t errlen)
{
	struct connections *s = calloc(1, sizeof(*s));

	if (s && (s->conns = hmap__new(sizeof(struct conn)))) {
		s->n = o->top_n;
		return s;
	}
	free(s);
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

/* The key with the endpoints in canonical order, so both directions meet. */
static void canonical(const struct tt_packet *p, struct conn_key *k, bool *swapped)
{
	struct flow_end src = { .port = p->sport }, dst = { .port = p->dport };

	memcpy(src.addr, p->saddr, 16);
	memcpy(dst.addr, p->daddr, 16);
	memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->proto = p->ip_proto;
	*swapped = memcmp(&src, &dst, sizeof(src)) > 0;
	k->a = *swapped ? dst : src;
	k->b = *swapped ? src : dst;
}

enum { ST_NONE, ST_SYN, ST_SYNACK, ST_EST, ST_FIN, ST_RST };
static const char *const state_names[] = { "", "SYN", "SYN-ACK", "EST", "FIN", "RST" };

/* TCP states as the packets show them (not the kernel's socket states). */
static void note_state(struct conn *c, uint8_t flags)
{
	uint8_t st;
	size_t len = strlen(c->states);

	if (flags & TCP_RST)
		st = ST_RST;
	else if (flags & TCP_FIN)
		st = ST_FIN;
	else if ((flags & TCP_SYN) && (flags & TCP_ACK))
		st = ST_SYNACK;
	else if (flags & TCP_SYN)
		st = ST_SYN;
	else
		st = ST_EST;
	if (st == c->last_state || (st == ST_EST && c->last_state >= ST_FIN))
		return;
	c->last_state = st;
	snprintf(c->states + len, sizeof(c->states) - len, "%s%s", len ? ">" : "", state_names[st]);
}

static void note_process(struct conn *c, const struct tt_packet *p)
{
	for (int i = 0; i < c->nprocs; i++)
		if (c->procs[i] == p->pid)
			return;
	if (c->nprocs == MAX_PROCS)
		return;
	c->procs[c->nprocs] = p->pid;
	memcpy(c->proc_comm[c->nprocs++], p->comm, TT_COMM_SIZE);
}

static void connections_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct connections *s = state;
	const struct tt_packet *p = &rec->packet;
	struct conn_key k;
	struct conn *c;
	bool swapped, created;
	int dir, side, owner_end;

	if (rec->type != TT_REC_PACKET || !p->family)
		return;
	canonical(p, &k, &swapped);
	c = hmap__get(s->conns, &k, sizeof(k), true, &created);
	if (!c)
		return;
	if (created) {
		c->key = k;
		c->first = p->ts;
		c->b_first = swapped;
	}
	c->last = p->ts;
	dir = swapped; /* 0: a -> b */
	side = p->flags & TT_PACKET_OUTBOUND ? 0 : 1;
	c->pkts[dir][side]++;
	c->bytes[dir][side] += p->length;
	/* An outgoing packet's owner holds its source end, an incoming one's
	 * its destination. */
	owner_end = (p->flags & TT_PACKET_OUTBOUND) ? dir : !dir;
	/*
	 * An end shows the process that reads and writes it, as ss -p would:
	 * the owner of its latest packets. That is the listener's during the
	 * handshake, the accepting process's once it has used the socket (an
	 * accepted socket starts with its listener's owner), and the new
	 * holder's after a socket changed hands. A handshake packet never
	 * takes an end back from the accepted socket's owner.
	 */
	if ((p->flags & TT_PACKET_OWNED) &&
	    (!c->pid[owner_end] || !(p->flags & TT_PACKET_LISTENER) || c->by_listener[owner_end])) {
		c->pid[owner_end] = p->pid;
		memcpy(c->comm[owner_end], p->comm, TT_COMM_SIZE);
		c->by_listener[owner_end] = p->flags & TT_PACKET_LISTENER;
	}
	if (p->flags & TT_PACKET_OWNED)
		note_process(c, p);
	if (p->ip_proto == 6)
		note_state(c, p->tcp_flags);
}

/* Packets and bytes one way: as sent when we saw them leave (a local
 * sender), else as received (a remote sender); a packet between two local
 * sockets is seen both ways and must count once. */
static uint64_t one_way(const uint64_t v[2][2], const uint64_t pkts[2][2], int dir)
{
	return pkts[dir][0] ? v[dir][0] : v[dir][1];
}

static void format_end(const struct conn_key *k, const struct flow_end *e, char *buf, size_t size)
{
	flow_spec__format(k->family, e->addr, k->proto == 6 || k->proto == 17 ? e->port : 0, buf,
			  size);
}

static void format_owner(const struct conn *c, int end, char *buf, size_t size)
{
	if (c->pid[end])
		snprintf(buf, size, "%u/%.*s", c->pid[end], TT_COMM_SIZE, c->comm[end]);
	else
		snprintf(buf, size, "-");
}

static uint64_t conn_bytes(const struct conn *c)
{
	return one_way(c->bytes, c->pkts, 0) + one_way(c->bytes, c->pkts, 1);
}

static int by_bytes(const void *x, const void *y)
{
	const struct conn *a = ((const struct hmap_entry *)x)->value;
	const struct conn *b = ((const struct hmap_entry *)y)->value;
	uint64_t ba = conn_bytes(a), bb = conn_bytes(b);

	if (ba != bb)
		return ba > bb ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

static void connections_report(void *state, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "proto", "PROTO", COL_STR },
		{ "a", "ENDPOINT A", COL_STR, 46 },
		{ "a_process", "PROCESS A", COL_STR, 24 },
		{ "b", "ENDPOINT B", COL_STR, 46 },
		{ "b_process", "PROCESS B", COL_STR, 24 },
		{ "states", "STATES", COL_STR, 30 },
		{ "packets_a_to_b", "PKTS A>B", COL_INT },
		{ "bytes_a_to_b", "BYTES A>B", COL_BYTES },
		{ "packets_b_to_a", "PKTS B>A", COL_INT },
		{ "bytes_b_to_a", "BYTES B>A", COL_BYTES },
		{ "first_ns", "FIRST", COL_SEC }, /* ns since the recording began */
		{ "last_ns", "LAST", COL_SEC },
	};
	static const struct col fcols[] = {
		{ "process", "PROCESS", COL_STR, 24 },
		{ "filter", "FILTER", COL_STR },
	};
	struct connections *s = state;
	struct table *tb = table__new("connections", "Connections (A sent the first packet seen)",
				      cols, sizeof(cols) / sizeof(cols[0]));
	struct table *ft = table__new("wireshark_filters",
				      "Wireshark display filters, by connection and process "
				      "(with tools/wireshark/tracetape.lua)",
				      fcols, sizeof(fcols) / sizeof(fcols[0]));
	char filter[256];
	size_t n = hmap__count(s->conns);
	struct hmap_entry *e = hmap__entries(s->conns, NULL);
	char buf[2][64];

	if (e)
		qsort(e, n, sizeof(*e), by_bytes);
	for (size_t i = 0; e && i < n; i++) {
		const struct conn *c = e[i].value;
		/* Key ends (0 = a, 1 = b) in the order shown: the sender of the
		 * first packet first. */
		int first = c->b_first, second = !first;
		const struct flow_end *ends[2] = { &c->key.a, &c->key.b };

		table__row(tb);
		table__str(tb, flow_spec__proto_name(c->key.proto));
		format_end(&c->key, ends[first], buf[0], sizeof(buf[0]));
		table__str(tb, buf[0]);
		format_owner(c, first, buf[1], sizeof(buf[1]));
		table__str(tb, buf[1]);
		format_end(&c->key, ends[second], buf[0], sizeof(buf[0]));
		table__str(tb, buf[0]);
		format_owner(c, second, buf[1], sizeof(buf[1]));
		table__str(tb, buf[1]);
		table__str(tb, c->states);
		table__int(tb, one_way(c->pkts, c->pkts, first));
		table__int(tb, one_way(c->bytes, c->pkts, first));
		table__int(tb, one_way(c->pkts, c->pkts, second));
		table__int(tb, one_way(c->bytes, c->pkts, second));
		table__int(tb, c->first - t->info.start_ns);
		table__int(tb, c->last - t->info.start_ns);
		for (int k = 0; k < c->nprocs; k++) {
			table__row(ft);
			snprintf(buf[1], sizeof(buf[1]), "%u/%.*s", c->procs[k], TT_COMM_SIZE,
				 c->proc_comm[k]);
			table__str(ft, buf[1]);
			flow_spec__wireshark(filter, sizeof(filter), c->key.family, c->key.proto,
					     ends[first], ends[second], c->procs[k]);
			table__str(ft, filter);
		}
	}
	if (!n && !r->j)
		fprintf(r->f, "No packets in this trace (record with rec -m packet).\n");
	else
		table__print(tb, r);
	if (n)
		table__print(ft, r);
	free(e);
	table__free(tb);
	table__free(ft);
}

static void connections_free(void *state)
{
	struct connections *s = state;

	if (!s)
		return;
	hmap__free(s->conns);
	free(s);
}

const struct view view_connections = {
	.name = "connections",
	.any_order = false,
	.new = connections_new,
	.event = connections_event,
	.report = connections_report,
	.free = connections_free,
};
