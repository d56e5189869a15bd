// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --calls: function calls (rec -m func --func-mode calls) as ftrace's
 * function_graph prints them, indented by nesting per thread, with the
 * thread's syscalls in between at their place in time:
 *
 *   TIME(s)    CPU  TID      DURATION     CALLS
 *   0.012345    1)  4242  |               tt_outer() {
 *   0.012346    1)  4242  |   0.512 us      tt_leaf();
 *   0.012350    1)  4242  |   2.003 us      write(1, "x", 1) = 1
 *   0.012399    1)  4242  |  54.100 us    }
 *
 * An entry whose own return comes next on its thread is one line ("f();"),
 * so each thread's entry waits until its next event is seen.
 *
 * With --flow SPEC, only the threads that handled that flow, over its time
 * (flow_threads.c): the trace is read twice.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "flow_threads.h"
#include "hmap.h"
#include "views.h"

#define CALLS_MAX_INDENT 64 /* deeper calls are shown at this indent */

struct thread {
	bool pending;              /* an entry not printed yet */
	struct tt_func_call entry; /* that entry */
	uint16_t depth;            /* probed calls open, for syscalls' indentation */
};

struct calls {
	struct report *r; /* lines are printed as events come */
	uint32_t tid; /* --tid, 0 for all */
	struct hmap *threads; /* tid -> struct thread */
	uint64_t lines;
	struct flow_threads *flow; /* --flow: whose calls, and when; NULL for all */
	size_t flow_nthreads;      /* threads that handled it */
};

static void calls_free(void *state);

static struct calls *calls_alloc(const struct view_opts *o, struct report *r, char *err,
				 size_t errlen)
{
	struct calls *s = calloc(1, sizeof(*s));

	if (!s || !(s->threads = hmap__new(sizeof(struct thread)))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	s->tid = o->tid;
	s->r = r;
	return s;
}

/* Before the first line: the columns, or the JSON array. */
static void calls_begin(struct report *r)
{
	if (r->j)
		json__arr_begin(r->j, "calls");
	else
		fprintf(r->f, "%-12s %4s %7s    %-12s  %s\n", "TIME(s)", "CPU", "TID", "DURATION", "CALLS");
}

static void *calls_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		       size_t errlen)
{
	struct calls *s = calls_alloc(o, r, err, errlen);

	(void)t;
	if (s)
		calls_begin(r);
	return s;
}

static void *flow_calls_new(struct tape *t, const struct view_opts *o, struct report *r,
			    char *err, size_t errlen)
{
	struct calls *s = calls_alloc(o, r, err, errlen);

	if (s && !(s->flow = flow_threads__new(t->st, o->flow))) {
		calls_free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

static void flow_calls_scan(void *state, struct tape *t, const struct tt_record *rec)
{
	struct calls *s = state;

	(void)t;
	flow_threads__scan(s->flow, rec);
}

/* The flow's threads and time, then the columns (none when no thread). */
static void flow_calls_scan_end(void *state, struct tape *t, struct report *r)
{
	struct calls *s = state;

	s->flow_nthreads = flow_threads__report(s->flow, t, r);
	if (s->flow_nthreads || r->j)
		calls_begin(r);
}

static const char *func_name(struct tape *t, uint32_t id, char *buf, size_t size)
{
	const struct tt_func *f = tape__func(t, id);
	FILE *m;

	if (f && !decode__needs_escape(f->name.data, f->name.len))
		return f->name.data;
	/* a symbol name from the trace, escaped for the terminal */
	buf[size - 1] = '\0'; /* fmemopen does not end a full buffer */
	if (f && (m = fmemopen(buf, size - 1, "w"))) {
		decode__plain(m, f->name.data, f->name.len);
		if (!fclose(m))
			return buf;
	}
	snprintf(buf, size, "func#%u", id);
	return buf;
}

/* One line: what is printed after the indentation is done by the caller. */
static void line_start(struct report *r, struct tape *t, uint64_t ts, uint16_t cpu, uint32_t tid,
		       uint64_t dur, bool has_dur, int depth)
{
	char d[32] = "";

	if (has_dur)
		snprintf(d, sizeof(d), "%.3f us", dur / 1000.0);
	/* A trace may claim any depth (up to 65535): indented as --tree does,
	 * no deeper than CALLS_MAX_INDENT levels. */
	fprintf(r->f, "%-12.6f %3u) %7u  | %12s  %*s", tape__offset(t, ts), cpu, tid, d,
		2 * (depth < CALLS_MAX_INDENT ? depth : CALLS_MAX_INDENT), "");
}

static void json_line(struct report *r, struct tape *t, const char *kind, uint64_t ts, uint32_t pid,
		      uint32_t tid, uint16_t cpu, int depth, const char *name, uint64_t dur, bool has_dur)
{
	json__obj_begin(r->j, NULL);
	json__double(r->j, "time", tape__offset(t, ts));
	json__uint(r->j, "pid", pid);
	json__uint(r->j, "tid", tid);
	json__uint(r->j, "cpu", cpu);
	json__str(r->j, "kind", kind);
	json__uint(r->j, "depth", depth);
	json__str(r->j, "name", name);
	if (has_dur)
		json__uint(r->j, "duration_ns", dur);
	json__obj_end(r->j);
}

/* The thread's waiting entry, as "f() {": something else happened inside it. */
static void flush_entry(struct calls *s, struct tape *t, struct report *r, struct thread *th)
{
	const struct tt_func_call *e = &th->entry;
	char buf[32];
	const char *name = func_name(t, e->func, buf, sizeof(buf));

	if (!th->pending)
		return;
	th->pending = false;
	s->lines++;
	if (r->j) {
		json_line(r, t, "entry", e->ts, e->pid, e->tid, e->cpu, e->depth, name, 0, false);
		return;
	}
	line_start(r, t, e->ts, e->cpu, e->tid, 0, false, e->depth);
	fprintf(r->f, "%s() {\n", name);
}

static void calls_func(struct calls *s, struct tape *t, struct report *r, const struct tt_func_call *c)
{
	struct thread *th = hmap__get(s->threads, &c->tid, sizeof(c->tid), true, NULL);
	char buf[32];
	const char *name = func_name(t, c->func, buf, sizeof(buf));

	if (!th)
		return;
	if (c->event == TT_FUNC_ENTRY) {
		flush_entry(s, t, r, th);
		th->entry = *c;
		th->pending = true;
		th->depth = c->depth + 1;
		return;
	}
	th->depth = c->depth;
	s->lines++;
	if (th->pending && th->entry.func == c->func && th->entry.depth == c->depth) {
		/* a leaf: entry and return on one line */
		th->pending = false;
		if (r->j) {
			json_line(r, t, "call", th->entry.ts, c->pid, c->tid, c->cpu, c->depth, name,
				  c->duration, true);
			return;
		}
		line_start(r, t, th->entry.ts, c->cpu, c->tid, c->duration, true, c->depth);
		fprintf(r->f, "%s();\n", name);
		return;
	}
	flush_entry(s, t, r, th);
	if (r->j) {
		json_line(r, t, "return", c->ts, c->pid, c->tid, c->cpu, c->depth, name, c->duration, true);
		return;
	}
	line_start(r, t, c->ts, c->cpu, c->tid, c->duration, true, c->depth);
	fprintf(r->f, "} /* %s */\n", name);
}

static void calls_syscall(struct calls *s, struct tape *t, struct report *r, const struct tt_syscall *sc)
{
	struct thread *th = hmap__get(s->threads, &sc->tid, sizeof(sc->tid), false, NULL);
	char buf[32];
	int depth = th ? th->depth : 0;

	if (!th)
		return; /* a thread with no probed call: its syscalls are not part of a tree */
	flush_entry(s, t, r, th);
	s->lines++;
	if (r->j) {
		json_line(r, t, "syscall", sc->ts, sc->pid, sc->tid, sc->cpu, depth,
			  decode__syscall_name(t->st, sc->nr, buf, sizeof(buf)), sc->duration,
			  !(sc->flags & TT_SYSCALL_NORETURN));
		return;
	}
	line_start(r, t, sc->ts, sc->cpu, sc->tid, sc->duration, !(sc->flags & TT_SYSCALL_NORETURN), depth);
	decode__syscall(r->f, t->st, sc);
	fputc('\n', r->f);
}

static void calls_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct calls *s = state;
	struct report *r = s->r;

	if (s->flow && !flow_threads__shows(s->flow, rec))
		return;
	if (rec->type == TT_REC_FUNC_CALL && (!s->tid || rec->func_call.tid == s->tid))
		calls_func(s, t, r, &rec->func_call);
	else if (rec->type == TT_REC_SYSCALL && (!s->tid || rec->syscall.tid == s->tid))
		calls_syscall(s, t, r, &rec->syscall);
}

static void calls_report(void *state, struct tape *t, struct report *r)
{
	struct calls *s = state;
	struct hmap_entry *e = hmap__entries(s->threads, NULL);

	/* Entries still open when the recording ended. */
	for (size_t i = 0; e && i < hmap__count(s->threads); i++)
		flush_entry(s, t, r, e[i].value);
	free(e);
	if (r->j) {
		json__arr_end(r->j);
		return;
	}
	if (s->flow && !s->flow_nthreads)
		return; /* the flow's header said why */
	if (!s->lines)
		fprintf(r->f, "no function calls in this trace%s (record with rec -m func "
			"--func-mode calls)\n", s->flow ? " by the flow's threads in its time" :
			s->tid ? " for that thread" : "");
}

static void calls_free(void *state)
{
	struct calls *s = state;

	if (s) {
		hmap__free(s->threads);
		flow_threads__free(s->flow);
	}
	free(s);
}

const struct view view_calls = {
	.name = "calls",
	.streams = true,
	.new = calls_new,
	.event = calls_event,
	.report = calls_report,
	.free = calls_free,
};

const struct view view_flow_calls = {
	.name = "calls",
	.streams = true,
	.new = flow_calls_new,
	.scan = flow_calls_scan,
	.scan_end = flow_calls_scan_end,
	.event = calls_event,
	.report = calls_report,
	.free = calls_free,
};
