// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* The default view: top syscalls, processes, files and errors on one screen. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "decode.h"
#include "groupby.h"
#include "talkers.h"
#include "views.h"

struct top {
	int n;
	struct groupby *by_nr, *by_pid, *by_path, *by_error;
	struct groupby *by_signal; /* struct signal_key: the signal monitor's events */
	struct talkers *talkers;
};

struct signal_key {
	int32_t signo, code, event; /* enum tt_signal_event */
};
_Static_assert(sizeof(struct signal_key) == 3 * sizeof(int32_t), "struct signal_key has padding");

static void *top_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		     size_t errlen)
{
	struct top *s = calloc(1, sizeof(*s));

	if (!s)
		goto nomem;
	s->n = o->top_n;
	s->by_nr = groupby__new();
	s->by_pid = groupby__new();
	s->by_path = groupby__new();
	s->by_error = groupby__new();
	s->by_signal = groupby__new();
	s->talkers = talkers__new();
	if (!s->by_nr || !s->by_pid || !s->by_path || !s->by_error || !s->by_signal || !s->talkers)
		goto nomem;
	return s;
nomem:
	view_top.free(s);
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static void top_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct top *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	struct syscall_fds fds;
	struct agg *a;
	bool failed;

	if (rec->type == TT_REC_PACKET)
		talkers__packet(s->talkers, &rec->packet);
	if (rec->type == TT_REC_SIGNAL) {
		struct signal_key k = { rec->signal.signo, rec->signal.code, rec->signal.event };

		groupby__add(s->by_signal, &k, sizeof(k), 0, false);
		return;
	}
	if (rec->type != TT_REC_SYSCALL)
		return;
	failed = syscall_failed(sc->ret);
	groupby__add(s->by_nr, &sc->nr, sizeof(sc->nr), sc->duration, failed);
	a = groupby__add(s->by_pid, &sc->pid, sizeof(sc->pid), sc->duration, failed);
	if (a && a->count == 1) /* a new row, named at the end */
		procs__hold(t->procs, sc->pid);
	if (failed) {
		struct nr_errno k = nr_errno__make(sc->nr, (int32_t)-sc->ret);

		groupby__add(s->by_error, &k, sizeof(k), sc->duration, true);
	}
	/* Top files: the paths that opens name. */
	if (syscall_table__fds(t->st, sc->nr, &fds) && (fds.roles & SYSCALL_FD_OPEN)) {
		for (int i = 0; i < sc->nstr; i++)
			if (sc->strs[i].kind == TT_STR_PATH) {
				groupby__add(s->by_path, sc->strs[i].value.data,
					     sc->strs[i].value.len, sc->duration, failed);
				break;
			}
	}
}

static void report_syscalls(struct top *s, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "syscall", "SYSCALL", COL_STR, 20 },
		{ "calls", "CALLS", COL_INT },
		{ "errors", "ERRORS", COL_INT },
		{ "total_ns", "TOTAL", COL_DUR },
		{ "avg_ns", "AVG", COL_DUR },
		{ "max_ns", "MAX", COL_DUR },
	};
	struct table *tb = table__new("syscalls", "Top syscalls (by time)", cols, 6);
	struct hmap_entry *e = groupby__sorted(s->by_nr, GROUPBY_BY_TIME);

	for (size_t i = 0; e && i < groupby__count(s->by_nr) && (int)i < s->n; i++) {
		const struct agg *a = e[i].value;

		table__row(tb);
		table__str(tb, decode__syscall_label(t, *(const uint16_t *)e[i].key));
		table__int(tb, a->count);
		table__int(tb, a->errors);
		table__int(tb, a->total_ns);
		table__int(tb, a->total_ns / a->count);
		table__int(tb, a->max_ns);
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

/* A string as text shows it: C-quoted when it holds anything odd, else bare. */
static char *shown(const char *s, size_t len, bool raw)
{
	char *out = NULL;
	size_t n = 0;
	FILE *m;

	if (raw)
		return strndup(s, len);
	m = open_memstream(&out, &n);
	if (!m)
		return NULL;
	decode__cmdline(m, s, len);
	fclose(m);
	return out;
}

static void report_procs(struct top *s, struct tape *t, struct report *r)
{
	struct col cols[] = {
		{ "pid", "PID", COL_INT },
		{ "comm", "COMM", COL_STR },
		{ "syscalls", "SYSCALLS", COL_INT },
		{ "errors", "ERRORS", COL_INT },
		{ "time_ns", "TIME", COL_DUR },
		{ "container", "CONTAINER", COL_STR, 16, COL_CLIP_END },
		{ "command", "COMMAND", COL_STR, 48, COL_CLIP_END },
	};
	bool with_container = tape__any_container(t);
	struct table *tb;
	struct hmap_entry *e = groupby__sorted(s->by_pid, GROUPBY_BY_TIME);
	char cbuf[CONTAINER_ID_SIZE];

	/* A container column only when the trace has containers; it takes its
	 * width from the command's, so that lines stay within 100 columns. */
	if (!with_container)
		cols[5] = cols[6];
	else
		cols[6].maxw -= cols[5].maxw + 2;
	tb = table__new("processes", "Top processes (by time in syscalls)", cols,
			with_container ? 7 : 6);

	for (size_t i = 0; e && i < groupby__count(s->by_pid) && (int)i < s->n; i++) {
		const struct agg *a = e[i].value;
		uint32_t pid = *(const uint32_t *)e[i].key;
		const struct proc *p = procs__find(t->procs, pid);
		char *cmd = p && p->argv ? shown(p->argv, p->argv_len, false) : NULL;
		table__row(tb);
		table__int(tb, pid);
		table__str(tb, procs__comm(t->procs, pid));
		table__int(tb, a->count);
		table__int(tb, a->errors);
		table__int(tb, a->total_ns);
		if (with_container) {
			const char *id = tape__proc_container_id(t, pid, r->j, cbuf, sizeof(cbuf));

			table__str(tb, id ? id : "");
		}
		table__str(tb, cmd ? cmd : "");
		free(cmd);
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

static void report_files(struct top *s, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "opens", "OPENS", COL_INT },
		{ "errors", "ERRORS", COL_INT },
		{ "time_ns", "TIME", COL_DUR },
		{ "path", "PATH", COL_STR, 72 },
	};
	struct table *tb = table__new("files", "Top files (by opens)", cols, 4);
	struct hmap_entry *e = groupby__sorted(s->by_path, GROUPBY_BY_COUNT);
	const struct agg *other;

	for (size_t i = 0; e && i < groupby__count(s->by_path) && (int)i < s->n; i++) {
		const struct agg *a = e[i].value;
		char *path = shown(e[i].key, e[i].klen, r->j);

		table__row(tb);
		table__int(tb, a->count);
		table__int(tb, a->errors);
		table__int(tb, a->total_ns);
		table__str(tb, path);
		free(path);
	}
	other = groupby__other(s->by_path);
	if (other) {
		/* the paths past the table's caps, all in one row */
		table__row(tb);
		table__int(tb, other->count);
		table__int(tb, other->errors);
		table__int(tb, other->total_ns);
		table__str(tb, "(other)");
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

static void report_errors(struct top *s, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "syscall", "SYSCALL", COL_STR, 20 },
		{ "errno", "ERRNO", COL_STR },
		{ "count", "COUNT", COL_INT },
		{ "message", "MESSAGE", COL_STR, 40 },
	};
	struct table *tb = table__new("errors", "Top errors", cols, 4);
	struct hmap_entry *e = groupby__sorted(s->by_error, GROUPBY_BY_COUNT);
	char buf[32];

	for (size_t i = 0; e && i < groupby__count(s->by_error) && (int)i < s->n; i++) {
		const struct nr_errno *k = e[i].key;

		table__row(tb);
		table__str(tb, decode__syscall_label(t, k->nr));
		table__str(tb, decode__errno_name(k->err, buf, sizeof(buf)));
		table__int(tb, ((const struct agg *)e[i].value)->count);
		table__str(tb, strerror(k->err));
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

/* Signals sent and delivered, by signal and si_code: only when the trace
 * has any (the signal monitor is off, or nothing was signalled). */
static void report_signals(struct top *s, struct report *r)
{
	static const struct col cols[] = {
		{ "signal", "SIGNAL", COL_STR },
		{ "si_code", "SI_CODE", COL_STR },
		{ "event", "EVENT", COL_STR },
		{ "count", "COUNT", COL_INT },
	};
	struct table *tb;
	struct hmap_entry *e;
	char buf[32];

	if (!groupby__count(s->by_signal))
		return;
	tb = table__new("signals", "Top signals", cols, 4);
	e = groupby__sorted(s->by_signal, GROUPBY_BY_COUNT);
	for (size_t i = 0; e && i < groupby__count(s->by_signal) && (int)i < s->n; i++) {
		const struct signal_key *k = e[i].key;

		table__row(tb);
		table__str(tb, decode__signal_name(k->signo, buf, sizeof(buf)));
		table__str(tb, decode__si_code(k->signo, k->code, buf, sizeof(buf)));
		table__str(tb, k->event == TT_SIGNAL_DELIVER ? "delivered" : "sent");
		table__int(tb, ((const struct agg *)e[i].value)->count);
	}
	table__print(tb, r);
	table__free(tb);
	free(e);
}

static void top_report(void *state, struct tape *t, struct report *r)
{
	struct top *s = state;

	groupby__warn_other(s->by_pid, "--top: processes");
	groupby__warn_other(s->by_path, "--top: files opened");
	groupby__warn_other(s->by_error, "--top: errors (syscall, errno)");
	report_syscalls(s, t, r);
	report_procs(s, t, r);
	report_files(s, t, r);
	report_errors(s, t, r);
	report_signals(s, r);
	talkers__report(s->talkers, t, r, s->n);
}

static void top_free(void *state)
{
	struct top *s = state;

	if (!s)
		return;
	groupby__free(s->by_nr);
	groupby__free(s->by_pid);
	groupby__free(s->by_path);
	groupby__free(s->by_error);
	groupby__free(s->by_signal);
	talkers__free(s->talkers);
	free(s);
}

const struct view view_top = {
	.name = "top",
	.any_order = true,
	.new = top_new,
	.event = top_event,
	.report = top_report,
	.free = top_free,
};
