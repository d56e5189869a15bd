// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * Top talkers. Each socket sees its packets from its own side: a packet
 * between two local sockets is counted out for the sender and in for the
 * receiver, under each one's remote endpoint.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "flow_spec.h"
#include "hmap.h"
#include "talkers.h"

struct traffic {
	uint64_t pkts[2], bytes[2]; /* [0] out, [1] in */
};

struct by_proc {
	struct traffic tr;
	char comm[TT_COMM_SIZE + 1]; /* a trace's 16 bytes may have no NUL */
};

struct remote_key {
	uint8_t family, proto;
	uint16_t port;
	uint8_t addr[16];
};

struct talkers {
	struct hmap *procs;   /* pid -> struct by_proc */
	struct hmap *remotes; /* struct remote_key -> struct traffic */
	uint64_t packets;
};

struct talkers *talkers__new(void)
{
	struct talkers *tk = calloc(1, sizeof(*tk));

	if (tk && (tk->procs = hmap__new(sizeof(struct by_proc))) &&
	    (tk->remotes = hmap__new(sizeof(struct traffic))))
		return tk;
	talkers__free(tk);
	return NULL;
}

void talkers__free(struct talkers *tk)
{
	if (!tk)
		return;
	hmap__free(tk->procs);
	hmap__free(tk->remotes);
	free(tk);
}

static void count(struct traffic *tr, const struct tt_packet *p)
{
	int in = !(p->flags & TT_PACKET_OUTBOUND);

	tr->pkts[in]++;
	tr->bytes[in] += p->length;
}

void talkers__packet(struct talkers *tk, const struct tt_packet *p)
{
	uint32_t pid = p->flags & TT_PACKET_OWNED ? p->pid : 0;
	struct by_proc *bp = hmap__get(tk->procs, &pid, sizeof(pid), true, NULL);
	struct remote_key k = { .family = p->family, .proto = p->ip_proto };
	bool out = p->flags & TT_PACKET_OUTBOUND;
	struct traffic *tr;

	tk->packets++;
	if (bp) {
		count(&bp->tr, p);
		if (pid && !bp->comm[0])
			memcpy(bp->comm, p->comm, strnlen(p->comm, TT_COMM_SIZE));
	}
	if (!p->family)
		return;
	memcpy(k.addr, out ? p->daddr : p->saddr, 16);
	k.port = out ? p->dport : p->sport;
	tr = hmap__get(tk->remotes, &k, sizeof(k), true, NULL);
	if (tr)
		count(tr, p);
}

static const struct traffic *traffic_of(const struct hmap_entry *e, bool procs)
{
	return procs ? &((const struct by_proc *)e->value)->tr : e->value;
}

static uint64_t total(const struct traffic *tr)
{
	return tr->bytes[0] + tr->bytes[1];
}

static int by_bytes(const struct hmap_entry *a, const struct hmap_entry *b, bool procs)
{
	uint64_t x = total(traffic_of(a, procs)), y = total(traffic_of(b, procs));

	if (x != y)
		return x > y ? -1 : 1;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return memcmp(a->key, b->key, a->klen); /* the same order on every run */
}

static int procs_by_bytes(const void *a, const void *b)
{
	return by_bytes(a, b, true);
}

static int remotes_by_bytes(const void *a, const void *b)
{
	return by_bytes(a, b, false);
}

static void traffic_cells(struct table *tb, const struct traffic *tr)
{
	table__int(tb, tr->pkts[0]);
	table__int(tb, tr->bytes[0]);
	table__int(tb, tr->pkts[1]);
	table__int(tb, tr->bytes[1]);
}

static void report_procs(struct talkers *tk, struct report *r, int n)
{
	static const struct col cols[] = {
		{ "pid", "PID", COL_INT },
		{ "comm", "COMM", COL_STR },
		{ "packets_out", "PKTS OUT", COL_INT },
		{ "bytes_out", "BYTES OUT", COL_BYTES },
		{ "packets_in", "PKTS IN", COL_INT },
		{ "bytes_in", "BYTES IN", COL_BYTES },
	};
	struct table *tb = table__new("talkers_by_process", "Top talkers by process (socket owner)",
				      cols, 6);
	struct hmap_entry *e = hmap__entries(tk->procs, procs_by_bytes);

	for (size_t i = 0; e && i < hmap__count(tk->procs) && (int)i < n; i++) {
		const struct by_proc *bp = e[i].value;
		uint32_t pid = *(const uint32_t *)e[i].key;

		table__row(tb);
		if (pid)
			table__int(tb, pid);
		else
			table__none(tb);
		table__str(tb, pid ? bp->comm : "(no owner)");
		traffic_cells(tb, &bp->tr);
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

static void report_remotes(struct talkers *tk, struct report *r, int n)
{
	static const struct col cols[] = {
		{ "proto", "PROTO", COL_STR },
		{ "remote", "REMOTE ENDPOINT", COL_STR, 47 },
		{ "packets_out", "PKTS OUT", COL_INT },
		{ "bytes_out", "BYTES OUT", COL_BYTES },
		{ "packets_in", "PKTS IN", COL_INT },
		{ "bytes_in", "BYTES IN", COL_BYTES },
	};
	struct table *tb = table__new("talkers_by_remote", "Top talkers by remote endpoint", cols, 6);
	struct hmap_entry *e = hmap__entries(tk->remotes, remotes_by_bytes);
	char buf[64];

	for (size_t i = 0; e && i < hmap__count(tk->remotes) && (int)i < n; i++) {
		const struct remote_key *k = e[i].key;

		table__row(tb);
		table__str(tb, flow_spec__proto_name(k->proto));
		flow_spec__format(k->family, k->addr, k->port, buf, sizeof(buf));
		table__str(tb, buf);
		traffic_cells(tb, e[i].value);
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

void talkers__report(struct talkers *tk, struct tape *t, struct report *r, int n)
{
	if (!tk->packets)
		return;
	report_procs(tk, r, n);
	report_remotes(tk, r, n);
}
