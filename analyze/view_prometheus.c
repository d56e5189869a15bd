// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --format prometheus: the text exposition format (version 0.0.4), for
 * node_exporter's textfile collector: syscalls by name, comm and container,
 * errors by errno, latency histograms, lost events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "decode.h"
#include "groupby.h"
#include "utf8.h"
#include "views.h"

struct prom {
	struct groupby *calls;  /* struct call_key */
	struct groupby *errors; /* struct nr_errno */
	struct groupby *lat;    /* nr: the histograms */
};

struct call_key {
	uint16_t nr;
	char comm[TT_COMM_SIZE];
	char container[CONTAINER_ID_SIZE];
};

static void *prom_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	struct prom *s = calloc(1, sizeof(*s));

	if (s) {
		s->calls = groupby__new();
		s->errors = groupby__new();
		s->lat = groupby__new();
		if (s->calls && s->errors && s->lat)
			return s;
		view_prometheus.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static void prom_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct prom *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	const struct container *c;
	struct call_key k = { 0 };
	bool failed;

	if (rec->type != TT_REC_SYSCALL)
		return;
	failed = syscall_failed(sc->ret);
	k.nr = sc->nr;
	snprintf(k.comm, sizeof(k.comm), "%s", procs__comm(t->procs, sc->pid));
	c = tape__proc_container(t, sc->pid);
	if (c)
		snprintf(k.container, sizeof(k.container), "%s", c->id);
	groupby__add(s->calls, &k, sizeof(k), sc->duration, failed);
	groupby__add(s->lat, &sc->nr, sizeof(sc->nr), sc->duration, failed);
	if (failed) {
		struct nr_errno ek = nr_errno__make(sc->nr, (int32_t)-sc->ret);

		groupby__add(s->errors, &ek, sizeof(ek), 0, true);
	}
}

/* A label value: backslash, double quote and newline escaped. */
/*
 * A label value: the format takes UTF-8 with \\, \" and \n its only
 * escapes, and a parser drops the whole file at a raw control byte or
 * invalid UTF-8. So a traced string is first made such text (its other
 * bytes as \xHH, a backslash as \\: utf8__escape_next), then escaped.
 */
static void label(FILE *f, const char *name, const char *v, bool first)
{
	size_t n = strlen(v);

	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (size_t i = 0; i < n;) {
		char buf[5];
		size_t len, used;
		const char *p = utf8__escape_next(v + i, n - i, "", buf, &len, &used);

		for (size_t k = 0; k < len; k++) {
			if (p[k] == '\\' || p[k] == '"')
				fputc('\\', f);
			fputc(p[k], f);
		}
		i += used;
	}
	fputc('"', f);
}

static void prom_report(void *state, struct tape *t, struct report *r)
{
	struct prom *s = state;
	FILE *f = r->f;
	struct hmap_entry *e;
	char buf[32];

	fputs("# HELP tracetape_syscalls_total Completed syscalls recorded, by syscall, process name and container.\n"
	      "# TYPE tracetape_syscalls_total counter\n", f);
	e = groupby__sorted(s->calls, GROUPBY_BY_KEY);
	for (size_t i = 0; e && i < groupby__count(s->calls); i++) {
		const struct call_key *k = e[i].key;

		fputs("tracetape_syscalls_total{", f);
		label(f, "syscall", decode__syscall_label(t, k->nr), true);
		label(f, "comm", k->comm, false);
		label(f, "container", k->container, false);
		fprintf(f, "} %llu\n", (unsigned long long)((const struct agg *)e[i].value)->count);
	}
	free(e);

	fputs("# HELP tracetape_syscall_errors_total Syscalls that returned an error, by syscall and errno.\n"
	      "# TYPE tracetape_syscall_errors_total counter\n", f);
	e = groupby__sorted(s->errors, GROUPBY_BY_KEY);
	for (size_t i = 0; e && i < groupby__count(s->errors); i++) {
		const struct nr_errno *k = e[i].key;

		fputs("tracetape_syscall_errors_total{", f);
		label(f, "syscall", decode__syscall_label(t, k->nr), true);
		label(f, "errno", decode__errno_name(k->err, buf, sizeof(buf)), false);
		fprintf(f, "} %llu\n", (unsigned long long)((const struct agg *)e[i].value)->count);
	}
	free(e);

	/* The log2 microsecond slots of the group-by, as cumulative buckets. */
	fputs("# HELP tracetape_syscall_duration_seconds Syscall latency, by syscall.\n"
	      "# TYPE tracetape_syscall_duration_seconds histogram\n", f);
	e = groupby__sorted(s->lat, GROUPBY_BY_KEY);
	for (size_t i = 0; e && i < groupby__count(s->lat); i++) {
		const struct agg *a = e[i].value;
		const char *name = decode__syscall_label(t, *(const uint16_t *)e[i].key);
		uint64_t cum = 0;
		int last = 0;

		for (int k = 0; k < HIST_SLOTS; k++)
			if (a->hist[k])
				last = k;
		for (int k = 0; k <= last; k++) {
			cum += a->hist[k];
			fputs("tracetape_syscall_duration_seconds_bucket{", f);
			label(f, "syscall", name, true);
			fprintf(f, ",le=\"%g\"} %llu\n", (double)(2ull << k) / 1e6, (unsigned long long)cum);
		}
		fputs("tracetape_syscall_duration_seconds_bucket{", f);
		label(f, "syscall", name, true);
		fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)a->count);
		fputs("tracetape_syscall_duration_seconds_sum{", f);
		label(f, "syscall", name, true);
		fprintf(f, "} %.9f\n", a->total_ns / 1e9);
		fputs("tracetape_syscall_duration_seconds_count{", f);
		label(f, "syscall", name, true);
		fprintf(f, "} %llu\n", (unsigned long long)a->count);
	}
	free(e);

	fputs("# HELP tracetape_lost_events_total Events the kernel could not deliver, by monitor.\n"
	      "# TYPE tracetape_lost_events_total counter\n", f);
	for (int m = 0; m < TT_MONITOR__COUNT; m++) {
		fputs("tracetape_lost_events_total{", f);
		label(f, "monitor", tt_monitor__name(m), true);
		fprintf(f, "} %llu\n", (unsigned long long)t->lost_events[m]);
	}
}

static void prom_free(void *state)
{
	struct prom *s = state;

	if (!s)
		return;
	groupby__free(s->calls);
	groupby__free(s->errors);
	groupby__free(s->lat);
	free(s);
}

const struct view view_prometheus = {
	.name = "format prometheus",
	.streams = true, /* no header on top: the file is metrics only */
	.new = prom_new,
	.event = prom_event,
	.report = prom_report,
	.free = prom_free,
};
