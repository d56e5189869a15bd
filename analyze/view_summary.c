// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --summary: strace -c's table, for the whole trace or per process. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "groupby.h"
#include "hmap.h"
#include "views.h"

struct summary {
	bool per_process;
	struct groupby *all;    /* by syscall number */
	struct hmap *per_pid;   /* pid -> struct groupby * */
};

static void *summary_new(struct tape *t, const struct view_opts *o, struct report *r,
			 char *err, size_t errlen)
{
	struct summary *s = calloc(1, sizeof(*s));

	if (s) {
		s->per_process = o->per_process;
		s->all = groupby__new();
		s->per_pid = hmap__new(sizeof(struct groupby *));
		if (s->all && s->per_pid)
			return s;
		view_summary.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static void summary_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct summary *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	bool failed;

	if (rec->type != TT_REC_SYSCALL)
		return;
	failed = syscall_failed(sc->ret);
	groupby__add(s->all, &sc->nr, sizeof(sc->nr), sc->duration, failed);
	if (s->per_process) {
		struct groupby **g = hmap__get(s->per_pid, &sc->pid, sizeof(sc->pid), true, NULL);

		if (g && !*g) {
			*g = groupby__new();
			procs__hold(t->procs, sc->pid); /* named at the end */
		}
		if (g && *g)
			groupby__add(*g, &sc->nr, sizeof(sc->nr), sc->duration, failed);
	}
}

/* One strace -c table: sorted by time, then the total row. */
static void print_table(const struct groupby *g, struct tape *t, struct report *r,
			const char *key)
{
	static const struct col cols[] = {
		{ "percent_time", "% time", COL_PCT, .minw = 6 },
		{ "total_ns", "seconds", COL_SEC, .minw = 11 },
		{ "usecs_per_call", "usecs/call", COL_USEC, .minw = 11 },
		{ "calls", "calls", COL_INT, .minw = 9 },
		{ "errors", "errors", COL_INT, .flags = COL_BLANK0, .minw = 9 },
		{ "syscall", "syscall", COL_STR, .minw = 16 },
	};
	struct table *tb = table__new(key, NULL, cols, 6);
	struct hmap_entry *e = groupby__sorted(g, GROUPBY_BY_TIME);
	struct agg total;

	groupby__total(g, &total);
	table__set_dashes(tb, true);
	for (size_t i = 0; e && i < groupby__count(g); i++) {
		const struct agg *a = e[i].value;

		table__row(tb);
		table__num(tb, total.total_ns ? 100.0 * a->total_ns / total.total_ns : 0);
		table__int(tb, a->total_ns);
		table__int(tb, a->total_ns / a->count);
		table__int(tb, a->count);
		table__int(tb, a->errors);
		table__str(tb, decode__syscall_label(t, *(const uint16_t *)e[i].key));
	}
	/* JSON has the total as its own member, not as a row that is not a syscall. */
	if (!r->j) {
		table__rule(tb);
		table__row(tb);
		table__num(tb, 100);
		table__int(tb, total.total_ns);
		table__int(tb, total.count ? total.total_ns / total.count : 0);
		table__int(tb, total.count);
		table__int(tb, total.errors);
		table__str(tb, "total");
	}
	table__print(tb, r);
	if (r->j) {
		json__obj_begin(r->j, "total");
		json__int(r->j, "total_ns", total.total_ns);
		json__int(r->j, "calls", total.count);
		json__int(r->j, "errors", total.errors);
		json__obj_end(r->j);
	}
	table__free(tb);
	free(e);
}

static int by_pid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)((const struct hmap_entry *)a)->key;
	uint32_t y = *(const uint32_t *)((const struct hmap_entry *)b)->key;

	return (x > y) - (x < y);
}

static void summary_report(void *state, struct tape *t, struct report *r)
{
	struct summary *s = state;
	struct hmap_entry *e;

	if (r->j)
		json__obj_begin(r->j, "summary");
	else
		fputc('\n', r->f);
	if (!s->per_process) {
		print_table(s->all, t, r, "syscalls");
		if (r->j)
			json__obj_end(r->j);
		return;
	}
	e = hmap__entries(s->per_pid, by_pid);
	if (r->j)
		json__arr_begin(r->j, "processes");
	for (size_t i = 0; e && i < hmap__count(s->per_pid); i++) {
		uint32_t pid = *(const uint32_t *)e[i].key;
		struct groupby *g = *(struct groupby **)e[i].value;

		if (!g)
			continue;
		if (r->j) {
			json__obj_begin(r->j, NULL);
			json__uint(r->j, "pid", pid);
			json__str(r->j, "comm", procs__comm(t->procs, pid));
		} else {
			const char *comm = procs__comm(t->procs, pid);

			fprintf(r->f, "%sProcess %u (", i ? "\n" : "", pid);
			decode__plain(r->f, comm, strlen(comm));
			fputs(")\n", r->f);
		}
		print_table(g, t, r, "syscalls");
		if (r->j)
			json__obj_end(r->j);
	}
	if (r->j) {
		json__arr_end(r->j);
		json__obj_end(r->j);
	}
	free(e);
}

static void summary_free(void *state)
{
	struct summary *s = state;
	struct hmap_entry *e;

	if (!s)
		return;
	e = s->per_pid ? hmap__entries(s->per_pid, NULL) : NULL;
	for (size_t i = 0; e && i < hmap__count(s->per_pid); i++)
		groupby__free(*(struct groupby **)e[i].value);
	free(e);
	hmap__free(s->per_pid);
	groupby__free(s->all);
	free(s);
}

const struct view view_summary = {
	.name = "summary",
	.any_order = true,
	.new = summary_new,
	.event = summary_event,
	.report = summary_report,
	.free = summary_free,
};
