// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * The threads that handled a flow are those owning its packets (a packet
 * names the thread that last used its socket) and those whose syscalls
 * flow_track ties to its sockets. Their calls are shown over the time from
 * the flow's first packet to its last; a call that overlaps that time is
 * shown whole. The end needs nothing ahead: the second reading goes on
 * until the outermost call open at the last packet returns. The start
 * does: the first reading notes, at the first packet, which outermost call
 * each thread had open, so that the second reading starts with its entry.
 *
 * Memory grows with the threads, sockets and endpoints seen, not with the
 * events.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow_threads.h"
#include "flow_track.h"
#include "hmap.h"
#include "json.h"

struct thread {
	uint32_t tid, pid;
	uint64_t packets;        /* of the flow, owned */
	uint64_t syscalls;       /* on the flow's sockets */
	char comm[TT_COMM_SIZE]; /* from its first packet of the flow */
	bool handled;            /* decided once the first reading is over */
	bool open;               /* an outermost probed call is open */
	uint64_t open_ts;        /* first reading: that call's entry */
	uint64_t from;           /* the entry of the call open at the first packet, 0 if none */
	bool shown;              /* second reading: the open call is shown */
};

/* Syscalls of a thread on one tie (flow_track__keeps decides at the end). */
struct thread_tie {
	uint32_t tid, pid, tie;
};

struct flow_threads {
	const struct flow_spec *spec;
	struct flow_track *track;
	struct hmap *threads; /* tid -> struct thread */
	struct hmap *tied;    /* struct thread_tie -> uint64_t syscalls */
	uint64_t first, last; /* the flow's first and last packet; first 0 before any */
};

static struct thread *thread(struct flow_threads *ft, uint32_t tid, bool create)
{
	struct thread *th = hmap__get(ft->threads, &tid, sizeof(tid), create, NULL);

	if (th)
		th->tid = tid;
	return th;
}

/* The first packet: the call each thread is in now is where it starts. */
static void note_starts(struct flow_threads *ft)
{
	struct hmap_entry *e = hmap__entries(ft->threads, NULL);

	for (size_t i = 0; e && i < hmap__count(ft->threads); i++) {
		struct thread *th = e[i].value;

		th->from = th->open ? th->open_ts : 0;
	}
	free(e);
}

static void on_packet(void *ctx, const struct tt_packet *p)
{
	struct flow_threads *ft = ctx;
	struct thread *th;

	if (!ft->first) {
		ft->first = p->ts;
		note_starts(ft);
	}
	if (p->ts > ft->last)
		ft->last = p->ts;
	if (!(p->flags & TT_PACKET_OWNED) || !p->tid || !(th = thread(ft, p->tid, true)))
		return;
	th->pid = p->pid;
	if (!th->packets++)
		memcpy(th->comm, p->comm, sizeof(th->comm));
}

static void on_syscall(void *ctx, const struct tt_syscall *sc, uint32_t tie)
{
	struct flow_threads *ft = ctx;
	struct thread_tie key = { sc->tid, sc->pid, tie };
	uint64_t *n = hmap__get(ft->tied, &key, sizeof(key), true, NULL);

	if (n)
		(*n)++;
}

static const struct flow_track_ops track_ops = {
	.syscall = on_syscall,
	.packet = on_packet,
};

struct flow_threads *flow_threads__new(const struct syscall_table *st,
				       const struct flow_spec *spec)
{
	struct flow_threads *ft = calloc(1, sizeof(*ft));

	if (!ft || !(ft->threads = hmap__new(sizeof(struct thread))) ||
	    !(ft->tied = hmap__new(sizeof(uint64_t))) ||
	    !(ft->track = flow_track__new(st, spec, &track_ops, ft))) {
		flow_threads__free(ft);
		return NULL;
	}
	ft->spec = spec;
	return ft;
}

void flow_threads__scan(struct flow_threads *ft, const struct tt_record *rec)
{
	const struct tt_func_call *c = &rec->func_call;
	struct thread *th;

	if (rec->type != TT_REC_FUNC_CALL) {
		flow_track__event(ft->track, rec);
		return;
	}
	if (c->depth || !(th = thread(ft, c->tid, true)))
		return;
	th->open = c->event == TT_FUNC_ENTRY;
	th->open_ts = c->ts;
}

static int by_tid(const void *a, const void *b)
{
	const struct thread *x = ((const struct hmap_entry *)a)->value;
	const struct thread *y = ((const struct hmap_entry *)b)->value;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Decide which threads handled the flow; the second reading starts afresh. */
static void decide(struct flow_threads *ft)
{
	struct hmap_entry *e = hmap__entries(ft->tied, NULL);

	for (size_t i = 0; e && i < hmap__count(ft->tied); i++) {
		const struct thread_tie *k = e[i].key;
		struct thread *th;

		if (!flow_track__keeps(ft->track, k->pid, k->tie) ||
		    !(th = thread(ft, k->tid, true)))
			continue;
		th->pid = k->pid;
		th->syscalls += *(uint64_t *)e[i].value;
	}
	free(e);
	e = hmap__entries(ft->threads, NULL);
	for (size_t i = 0; e && i < hmap__count(ft->threads); i++) {
		struct thread *th = e[i].value;

		th->handled = th->packets || th->syscalls;
		th->open = false;
	}
	free(e);
}

static void json_report(struct flow_threads *ft, struct tape *t, struct json *j,
			const struct hmap_entry *e, size_t n, const char *a, const char *b)
{
	json__obj_begin(j, "flow");
	json__str(j, "a", a);
	json__str(j, "b", b);
	if (ft->first) {
		json__double(j, "from", tape__offset(t, ft->first));
		json__double(j, "to", tape__offset(t, ft->last));
	}
	json__arr_begin(j, "threads");
	for (size_t i = 0; i < n; i++) {
		const struct thread *th = e[i].value;

		if (!th->handled)
			continue;
		json__obj_begin(j, NULL);
		json__uint(j, "tid", th->tid);
		json__uint(j, "pid", th->pid);
		if (th->comm[0])
			json__strn(j, "comm", th->comm, strnlen(th->comm, sizeof(th->comm)));
		else
			json__str(j, "comm", procs__comm(t->procs, th->pid));
		json__uint(j, "packets", th->packets);
		json__uint(j, "syscalls", th->syscalls);
		json__obj_end(j);
	}
	json__arr_end(j);
	json__obj_end(j);
}

/*
 * Flow 127.0.0.1:8080 <-> 127.0.0.1: the calls of 2 threads from 0.012345 s to 0.067890 s
 * (its first and last packet; a call that overlaps that time is shown whole)
 *       TID       PID  COMM              PACKETS  SYSCALLS
 *      4243      4242  server                 7         4
 */
static void text_report(struct flow_threads *ft, struct tape *t, FILE *f,
			const struct hmap_entry *e, size_t n, size_t nthreads, const char *a,
			const char *b)
{
	fprintf(f, "Flow %s <-> %s", a, b);
	if (!ft->first) {
		fputc('\n', f);
		flow_track__say_no_packets(f, t);
		return;
	}
	if (!nthreads) {
		fputs(": no thread owns a packet of it or made a syscall on its sockets\n", f);
		return;
	}
	fprintf(f, ": the calls of %zu thread%s from %.6f s to %.6f s\n(its first and last "
		"packet; a call that overlaps that time is shown whole)\n", nthreads,
		nthreads == 1 ? "" : "s", tape__offset(t, ft->first), tape__offset(t, ft->last));
	fprintf(f, "%10s %9s  %-16s %8s  %8s\n", "TID", "PID", "COMM", "PACKETS", "SYSCALLS");
	for (size_t i = 0; i < n; i++) {
		const struct thread *th = e[i].value;
		const char *comm = th->comm[0] ? th->comm : procs__comm(t->procs, th->pid);
		size_t len = strnlen(comm, TT_COMM_SIZE);

		if (!th->handled)
			continue;
		fprintf(f, "%10u %9u  ", th->tid, th->pid);
		/* a name the traced process chose: escaped */
		decode__plain(f, comm, len);
		fprintf(f, "%*s %8llu  %8llu\n", len < 16 ? (int)(16 - len) : 0, "",
			(unsigned long long)th->packets, (unsigned long long)th->syscalls);
	}
	fputc('\n', f);
}

size_t flow_threads__report(struct flow_threads *ft, struct tape *t, struct report *r)
{
	const struct flow_spec *s = ft->spec;
	struct hmap_entry *e;
	size_t n, nthreads = 0;
	char a[64], b[64];

	decide(ft);
	n = hmap__count(ft->threads);
	e = hmap__entries(ft->threads, by_tid);
	if (!e)
		n = 0;
	for (size_t i = 0; i < n; i++)
		nthreads += ((const struct thread *)e[i].value)->handled;
	flow_spec__format(s->family, s->end[0].addr, s->end[0].port, a, sizeof(a));
	flow_spec__format(s->family, s->end[1].addr, s->end[1].port, b, sizeof(b));
	if (r->j)
		json_report(ft, t, r->j, e, n, a, b);
	else
		text_report(ft, t, r->f, e, n, nthreads, a, b);
	free(e);
	return nthreads;
}

bool flow_threads__shows(struct flow_threads *ft, const struct tt_record *rec)
{
	const struct tt_func_call *c = &rec->func_call;
	const struct tt_syscall *sc = &rec->syscall;
	struct thread *th;
	bool shown;

	if (rec->type == TT_REC_SYSCALL) {
		th = thread(ft, sc->tid, false);
		if (!th || !th->handled)
			return false;
		/* Inside an outermost call, as that call; else if it overlaps. */
		if (th->open)
			return th->shown;
		return sc->ts <= ft->last && sc->ts + sc->duration >= ft->first;
	}
	if (rec->type != TT_REC_FUNC_CALL || !(th = thread(ft, c->tid, false)) || !th->handled)
		return false;
	if (c->depth)
		return th->shown;
	if (c->event == TT_FUNC_ENTRY) {
		th->open = true;
		th->shown = c->ts >= (th->from ? th->from : ft->first) && c->ts <= ft->last;
		return th->shown;
	}
	shown = th->shown;
	th->open = th->shown = false;
	return shown;
}

void flow_threads__free(struct flow_threads *ft)
{
	if (!ft)
		return;
	flow_track__free(ft->track);
	hmap__free(ft->threads);
	hmap__free(ft->tied);
	free(ft);
}
