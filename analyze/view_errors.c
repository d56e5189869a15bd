// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --errors: errno breakdown per syscall and per process. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "groupby.h"
#include "views.h"

struct errors {
	int n;
	struct groupby *calls;   /* nr: every call, for the share that failed */
	struct groupby *by_nr;   /* (nr, errno) */
	struct groupby *by_pid;  /* (pid, nr, errno) */
};

struct pid_nr_err {
	uint32_t pid;
	struct nr_errno ne;
};

static void *errors_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
			size_t errlen)
{
	struct errors *s = calloc(1, sizeof(*s));

	if (s) {
		s->n = o->top_n;
		s->calls = groupby__new();
		s->by_nr = groupby__new();
		s->by_pid = groupby__new();
		if (s->calls && s->by_nr && s->by_pid)
			return s;
		view_errors.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static void errors_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct errors *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	struct nr_errno k1;
	struct pid_nr_err k2;
	struct agg *a;

	if (rec->type != TT_REC_SYSCALL)
		return;
	groupby__add(s->calls, &sc->nr, sizeof(sc->nr), sc->duration, syscall_failed(sc->ret));
	if (!syscall_failed(sc->ret))
		return;
	k1 = nr_errno__make(sc->nr, (int32_t)-sc->ret);
	k2 = (struct pid_nr_err){ sc->pid, k1 };
	groupby__add(s->by_nr, &k1, sizeof(k1), sc->duration, true);
	a = groupby__add(s->by_pid, &k2, sizeof(k2), sc->duration, true);
	if (a && a->count == 1) /* a new row, named at the end */
		procs__hold(t->procs, sc->pid);
}

static void errors_report(void *state, struct tape *t, struct report *r)
{
	static const struct col nr_cols[] = {
		{ "syscall", "SYSCALL", COL_STR, 20 },
		{ "errno", "ERRNO", COL_STR },
		{ "count", "COUNT", COL_INT },
		{ "percent_of_calls", "% CALLS", COL_PCT },
		{ "message", "MESSAGE", COL_STR, 40 },
	};
	static const struct col pid_cols[] = {
		{ "pid", "PID", COL_INT },
		{ "comm", "COMM", COL_STR },
		{ "syscall", "SYSCALL", COL_STR, 20 },
		{ "errno", "ERRNO", COL_STR },
		{ "count", "COUNT", COL_INT },
	};
	struct errors *s = state;
	struct table *a = table__new("by_syscall", "Errors by syscall", nr_cols, 5);
	struct table *b = table__new("by_process", "Errors by process", pid_cols, 5);
	struct hmap_entry *e1 = groupby__sorted(s->by_nr, GROUPBY_BY_COUNT);
	struct hmap_entry *e2 = groupby__sorted(s->by_pid, GROUPBY_BY_COUNT);
	char buf[32];

	for (size_t i = 0; e1 && i < groupby__count(s->by_nr) && (int)i < s->n; i++) {
		const struct nr_errno *k = e1[i].key;
		const struct agg *calls = groupby__find(s->calls, &(uint16_t){ k->nr }, sizeof(uint16_t));
		uint64_t n = ((const struct agg *)e1[i].value)->count;

		table__row(a);
		table__str(a, decode__syscall_label(t, k->nr));
		table__str(a, decode__errno_name(k->err, buf, sizeof(buf)));
		table__int(a, n);
		table__num(a, calls ? 100.0 * n / calls->count : 0);
		table__str(a, strerror(k->err));
	}
	for (size_t i = 0; e2 && i < groupby__count(s->by_pid) && (int)i < s->n; i++) {
		const struct pid_nr_err *k = e2[i].key;

		table__row(b);
		table__int(b, k->pid);
		table__str(b, procs__comm(t->procs, k->pid));
		table__str(b, decode__syscall_label(t, k->ne.nr));
		table__str(b, decode__errno_name(k->ne.err, buf, sizeof(buf)));
		table__int(b, ((const struct agg *)e2[i].value)->count);
	}
	table__print(a, r);
	table__print(b, r);
	free(e1);
	free(e2);
	table__free(a);
	table__free(b);
}

static void errors_free(void *state)
{
	struct errors *s = state;

	if (!s)
		return;
	groupby__free(s->calls);
	groupby__free(s->by_nr);
	groupby__free(s->by_pid);
	free(s);
}

const struct view view_errors = {
	.name = "errors",
	.any_order = true,
	.new = errors_new,
	.event = errors_event,
	.report = errors_report,
	.free = errors_free,
};
