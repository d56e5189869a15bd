// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * A PACKET record names its socket's owner, not the socket's fd, so a
 * process's fd is tied to the flow by what the trace shows: a syscall that
 * names the flow's other end (connect, sendto, recvfrom, getpeername with
 * its address; accept/accept4 returning it), or an outgoing packet of the
 * flow that left while its owner thread was in a socket call on that fd
 * (connect, write, send..., close). From then on the process's calls on the
 * fd, and on its dups, belong to the flow up to and including its close.
 * Only processes owning at least one packet of the flow keep them, and a
 * socket tied by an address only if a packet of the flow has that exact
 * endpoint (an end given without a port would otherwise take in every
 * socket to its host): flow_track__keeps decides at the end.
 *
 * Memory grows with the processes, sockets and endpoints seen, not with
 * the events.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fdtable.h"
#include "flow_track.h"
#include "hmap.h"

/* An endpoint as packets carry it (the hmap key of the ones seen). */
struct endpoint {
	uint8_t family;
	uint8_t pad;
	uint16_t port;
	uint8_t addr[16];
};

/* Why an fd was tied to the flow: by the peer address a syscall named
 * (to be confirmed by the packets), or by a packet sent during its call. */
struct tie {
	bool by_addr, confirmed;
	struct endpoint end;
};

/* A thread's last socket call that can send, not yet tied to the flow. */
struct held {
	struct kept_syscall k;
	int32_t fd;
	bool valid;
};

struct flow_track {
	const struct flow_spec *spec;
	const struct flow_track_ops *ops;
	void *ctx;
	struct syscall_fds nrs[SYSCALL_MAX_NR]; /* by number, from the syscall table */
	struct fdtable *fds; /* each fd's tie (index + 1) as its mark, 0 if none */
	struct tie *ties;
	size_t nties;
	struct hmap *held;   /* tid -> struct held */
	struct hmap *owners; /* pid -> bool: owns a packet of the flow */
	struct hmap *ends;   /* struct endpoint -> bool: an end of a packet of the flow */
};

int kept_syscall__init(struct kept_syscall *k, const struct tt_syscall *sc)
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

struct flow_track *flow_track__new(const struct syscall_table *st, const struct flow_spec *spec,
				   const struct flow_track_ops *ops, void *ctx)
{
	struct flow_track *ft = calloc(1, sizeof(*ft));

	if (!ft || !(ft->fds = fdtable__new(st)) ||
	    !(ft->held = hmap__new(sizeof(struct held))) ||
	    !(ft->owners = hmap__new(sizeof(bool))) || !(ft->ends = hmap__new(sizeof(bool)))) {
		flow_track__free(ft);
		return NULL;
	}
	ft->spec = spec;
	ft->ops = ops;
	ft->ctx = ctx;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		syscall_table__fds(st, nr, &ft->nrs[nr]);
	return ft;
}

/* The fd's tie, 0 if it has none. */
static uint32_t fd_tie(struct flow_track *ft, uint32_t pid, int32_t fd)
{
	return fdtable__mark(ft->fds, pid, fd);
}

static void fd_set_tie(struct flow_track *ft, uint32_t pid, int32_t fd, uint32_t tie)
{
	fdtable__set_mark(ft->fds, pid, fd, tie);
}

/* A new tie (its index + 1), or 0 on ENOMEM. */
static uint32_t new_tie(struct flow_track *ft, const struct tie *t)
{
	struct tie *ties = realloc(ft->ties, (ft->nties + 1) * sizeof(*ties));

	if (!ties)
		return 0;
	ft->ties = ties;
	ties[ft->nties] = *t;
	return ++ft->nties;
}

/* Does a sockaddr the syscall carries name one of the flow's ends? Which
 * endpoint exactly goes into *t. */
static bool names_flow_end(const struct flow_track *ft, const struct tt_syscall *sc, struct tie *t)
{
	for (int i = 0; i < sc->nstr; i++) {
		const struct tt_str *str = &sc->strs[i];
		struct sockaddr_storage ss = { 0 };
		struct endpoint e = { 0 };

		if (str->kind != TT_STR_SOCKADDR)
			continue;
		memcpy(&ss, str->value.data,
		       str->value.len < sizeof(ss) ? str->value.len : sizeof(ss));
		if (ss.ss_family == AF_INET && str->value.len >= sizeof(struct sockaddr_in)) {
			const struct sockaddr_in *in = (const void *)&ss;

			e.family = 4;
			memcpy(e.addr, &in->sin_addr, 4);
			e.port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6 &&
			   str->value.len >= sizeof(struct sockaddr_in6)) {
			const struct sockaddr_in6 *in6 = (const void *)&ss;

			e.family = 6;
			memcpy(e.addr, &in6->sin6_addr, 16);
			e.port = ntohs(in6->sin6_port);
			/* A dual-stack socket's IPv4 peer: its packets are IPv4. */
			if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
				e.family = 4;
				memmove(e.addr, e.addr + 12, 4);
				memset(e.addr + 4, 0, 12);
			}
		}
		if (e.family && (flow_spec__end_matches(ft->spec, 0, e.family, e.addr, e.port) ||
				 flow_spec__end_matches(ft->spec, 1, e.family, e.addr, e.port))) {
			*t = (struct tie){ .by_addr = true, .end = e };
			return true;
		}
	}
	return false;
}

static void hold(struct flow_track *ft, const struct tt_syscall *sc, int32_t fd)
{
	struct held *h = hmap__get(ft->held, &sc->tid, sizeof(sc->tid), true, NULL);

	if (!h)
		return;
	if (h->valid)
		free(h->k.strs);
	h->valid = !kept_syscall__init(&h->k, sc);
	h->fd = fd;
}

/* The calls on the flow's fds, before the fd tables take the call in
 * (flow_track__event): a close's or dup2's fd still has its tie. */
static void on_syscall(struct flow_track *ft, const struct tt_syscall *sc)
{
	const struct syscall_fds *fds = sc->nr < SYSCALL_MAX_NR ? &ft->nrs[sc->nr] : NULL;
	struct tie t;
	uint32_t tie;
	int32_t fd;

	if (!fds || fds->arg < 0)
		return;
	fd = (int32_t)sc->args[fds->arg];
	tie = fd_tie(ft, sc->pid, fd);
	if (!tie && (fds->roles & SYSCALL_FD_PEER) && names_flow_end(ft, sc, &t)) {
		tie = new_tie(ft, &t);
		fd_set_tie(ft, sc->pid, fd, tie);
	}
	if (tie) {
		ft->ops->syscall(ft->ctx, sc, tie); /* a dup's new fd takes the tie */
		return;
	}
	tie = (fds->roles & SYSCALL_FD_DUP2) && sc->ret >= 0 ?
	      fd_tie(ft, sc->pid, (int32_t)sc->args[1]) : 0;
	if (tie) {
		/* dup2 onto the flow's fd: that number is another file now. */
		ft->ops->syscall(ft->ctx, sc, tie);
		return;
	}
	if (fds->roles & SYSCALL_FD_SEND)
		hold(ft, sc, fd);
}

/* An accepted socket whose peer is an end of the flow, once the fd tables
 * have it. */
static void on_accepted(struct flow_track *ft, const struct tt_syscall *sc)
{
	const struct syscall_fds *fds = sc->nr < SYSCALL_MAX_NR ? &ft->nrs[sc->nr] : NULL;
	struct tie t;
	uint32_t tie;

	if (fds && (fds->roles & SYSCALL_FD_ACCEPT) && sc->ret >= 0 &&
	    names_flow_end(ft, sc, &t) && (tie = new_tie(ft, &t))) {
		fdtable__set_result_mark(ft->fds, sc, tie);
		ft->ops->syscall(ft->ctx, sc, tie);
	}
}

/* An outgoing packet sent while its owner thread was in a held call: that
 * call's fd is the flow's socket. */
static void tie_by_packet(struct flow_track *ft, const struct tt_packet *p)
{
	struct tie t = { .confirmed = true };
	struct held *h;
	uint32_t tie;

	if (!(p->flags & TT_PACKET_OUTBOUND) || !(p->flags & TT_PACKET_OWNED) || !p->tid)
		return;
	h = hmap__get(ft->held, &p->tid, sizeof(p->tid), false, NULL);
	if (!h || !h->valid || h->k.s.pid != p->pid || p->ts < h->k.s.ts ||
	    p->ts > h->k.s.ts + h->k.s.duration)
		return;
	h->valid = false;
	if (!fd_tie(ft, p->pid, h->fd) && (tie = new_tie(ft, &t))) {
		fd_set_tie(ft, p->pid, h->fd, tie);
		ft->ops->syscall(ft->ctx, &h->k.s, tie);
	}
	free(h->k.strs);
}

static void note_end(struct flow_track *ft, uint8_t family, const uint8_t *addr, uint16_t port)
{
	struct endpoint e = { .family = family, .port = port };
	bool *v;

	memcpy(e.addr, addr, sizeof(e.addr));
	v = hmap__get(ft->ends, &e, sizeof(e), true, NULL);
	if (v)
		*v = true;
}

static void on_packet(struct flow_track *ft, const struct tt_packet *p)
{
	if (!p->family ||
	    !flow_spec__matches(ft->spec, p->family, p->saddr, p->sport, p->daddr, p->dport))
		return;
	note_end(ft, p->family, p->saddr, p->sport);
	note_end(ft, p->family, p->daddr, p->dport);
	if (p->flags & TT_PACKET_OWNED) {
		bool *v = hmap__get(ft->owners, &p->pid, sizeof(p->pid), true, NULL);

		if (v)
			*v = true;
		tie_by_packet(ft, p);
	}
	ft->ops->packet(ft->ctx, p);
}

void flow_track__event(struct flow_track *ft, const struct tt_record *rec)
{
	fdtable__advance(ft->fds, tt_record__ts(rec)); /* the fds calls returned by now */
	if (rec->type == TT_REC_PACKET) {
		on_packet(ft, &rec->packet);
		return;
	}
	if (rec->type == TT_REC_SYSCALL)
		on_syscall(ft, &rec->syscall);
	fdtable__update(ft->fds, rec); /* a syscall, fork, exec or exit */
	if (rec->type == TT_REC_SYSCALL)
		on_accepted(ft, &rec->syscall);
}

bool flow_track__keeps(struct flow_track *ft, uint32_t pid, uint32_t tie)
{
	struct tie *t;

	if (!tie || tie > ft->nties || !hmap__get(ft->owners, &pid, sizeof(pid), false, NULL))
		return false;
	t = &ft->ties[tie - 1];
	if (!t->confirmed)
		t->confirmed = hmap__get(ft->ends, &t->end, sizeof(t->end), false, NULL) != NULL;
	return t->confirmed;
}

int flow_track__fd_arg(const struct flow_track *ft, int nr)
{
	return nr >= 0 && nr < SYSCALL_MAX_NR ? ft->nrs[nr].arg : -1;
}

void flow_track__say_no_packets(FILE *f, const struct tape *t)
{
	fprintf(f, "No packets of this flow in the trace%s.\n",
		t->info.monitors & (1u << TT_MONITOR_PACKET) ? "" :
		" (the packet monitor was not recorded: rec -m packet)");
}

void flow_track__free(struct flow_track *ft)
{
	struct hmap_entry *e;

	if (!ft)
		return;
	free(ft->ties);
	if (ft->held) {
		e = hmap__entries(ft->held, NULL);
		for (size_t i = 0; e && i < hmap__count(ft->held); i++) {
			struct held *h = e[i].value;

			if (h->valid)
				free(h->k.strs);
		}
		free(e);
	}
	fdtable__free(ft->fds);
	hmap__free(ft->held);
	hmap__free(ft->owners);
	hmap__free(ft->ends);
	free(ft);
}
