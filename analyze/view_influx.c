// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --format influx: InfluxDB line protocol, one point per second of the
 * recording and series: "syscalls" (tags syscall, comm, container; fields
 * count, errors, time_ns), "errors" (tags syscall, errno; fields count,
 * message) and "lost" (tag monitor; field count), timestamps in Unix ns.
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

struct influx {
	struct groupby *calls;  /* struct call_key */
	struct groupby *errors; /* struct err_key */
};

struct call_key {
	int64_t sec; /* Unix seconds: keys sort by time first */
	uint16_t nr;
	char comm[TT_COMM_SIZE];
	char container[CONTAINER_ID_SIZE];
};

/* No padding (8 + 8 bytes): it is built without a memset. */
struct err_key {
	int64_t sec; /* first, as in call_key */
	struct nr_errno ne;
};

static void *influx_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
			size_t errlen)
{
	struct influx *s = calloc(1, sizeof(*s));

	if (s) {
		s->calls = groupby__new();
		s->errors = groupby__new();
		if (s->calls && s->errors)
			return s;
		view_influx.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static int64_t unix_sec(const struct tape *t, uint64_t ts)
{
	int64_t ns = tape__unix_ns(t, ts);

	return ns / 1000000000 - (ns % 1000000000 < 0);
}

static void influx_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct influx *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	const struct container *c;
	struct call_key k;
	bool failed;

	if (rec->type != TT_REC_SYSCALL)
		return;
	memset(&k, 0, sizeof(k)); /* the padding is part of the key */
	failed = syscall_failed(sc->ret);
	k.sec = unix_sec(t, sc->ts);
	k.nr = sc->nr;
	snprintf(k.comm, sizeof(k.comm), "%s", procs__comm(t->procs, sc->pid));
	c = tape__proc_container(t, sc->pid);
	if (c)
		snprintf(k.container, sizeof(k.container), "%s", c->id);
	groupby__add(s->calls, &k, sizeof(k), sc->duration, failed);
	if (failed) {
		struct err_key ek = { k.sec, nr_errno__make(sc->nr, (int32_t)-sc->ret) };

		groupby__add(s->errors, &ek, sizeof(ek), 0, true);
	}
}

/* A tag key or value: commas, equals signs and spaces escaped. An empty
 * value is not allowed: the tag is left out instead. */
/*
 * A tag value: line protocol has no way to write a newline there, and
 * wants UTF-8. A traced string is first made text without control bytes
 * and valid UTF-8 (its other bytes as \xHH, a backslash as \\:
 * utf8__escape_next), then commas, equal signs and spaces are escaped.
 */
static void tag(FILE *f, const char *name, const char *v)
{
	size_t n = strlen(v);

	if (!n)
		return;
	fprintf(f, ",%s=", name);
	for (size_t i = 0; i < n;) {
		char buf[5];
		size_t len, used;
		const char *p = utf8__escape_next(v + i, n - i, "", buf, &len, &used);

		for (size_t k = 0; k < len; k++) {
			if (p[k] == ',' || p[k] == '=' || p[k] == ' ')
				fputc('\\', f);
			fputc(p[k], f);
		}
		i += used;
	}
}

/* A string field value: double quotes and backslashes escaped. */
static void str_field(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",%s=\"", name);
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			fputc('\\', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static int cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)((const struct hmap_entry *)a)->key;
	int64_t y = *(const int64_t *)((const struct hmap_entry *)b)->key;

	return x < y ? -1 : x > y;
}

/* Entries of g, in time order (series in key order within a second). */
static struct hmap_entry *by_time(const struct groupby *g)
{
	struct hmap_entry *e = groupby__sorted(g, GROUPBY_BY_KEY);

	if (e)
		qsort(e, groupby__count(g), sizeof(*e), cmp_time);
	return e;
}

static void influx_report(void *state, struct tape *t, struct report *r)
{
	struct influx *s = state;
	struct hmap_entry *e = by_time(s->calls);
	FILE *f = r->f;
	char buf[32];

	for (size_t i = 0; e && i < groupby__count(s->calls); i++) {
		const struct call_key *k = e[i].key;
		const struct agg *a = e[i].value;

		fputs("syscalls", f);
		tag(f, "syscall", decode__syscall_label(t, k->nr));
		tag(f, "comm", k->comm);
		tag(f, "container", k->container);
		fprintf(f, " count=%llui,errors=%llui,time_ns=%llui %lld000000000\n",
			(unsigned long long)a->count, (unsigned long long)a->errors,
			(unsigned long long)a->total_ns, (long long)k->sec);
	}
	free(e);
	e = by_time(s->errors);
	for (size_t i = 0; e && i < groupby__count(s->errors); i++) {
		const struct err_key *k = e[i].key;

		fputs("errors", f);
		tag(f, "syscall", decode__syscall_label(t, k->ne.nr));
		tag(f, "errno", decode__errno_name(k->ne.err, buf, sizeof(buf)));
		fprintf(f, " count=%llui", (unsigned long long)((const struct agg *)e[i].value)->count);
		str_field(f, "message", strerror(k->ne.err));
		fprintf(f, " %lld000000000\n", (long long)k->sec);
	}
	free(e);
	/* Losses: one point per monitor at the end of the recording. */
	for (int m = 0; m < TT_MONITOR__COUNT; m++) {
		if (!t->events)
			break;
		fputs("lost", f);
		tag(f, "monitor", tt_monitor__name(m));
		fprintf(f, " count=%llui %lld000000000\n", (unsigned long long)t->lost_events[m],
			(long long)unix_sec(t, t->last_ts));
	}
}

static void influx_free(void *state)
{
	struct influx *s = state;

	if (!s)
		return;
	groupby__free(s->calls);
	groupby__free(s->errors);
	free(s);
}

const struct view view_influx = {
	.name = "format influx",
	.streams = true, /* no header on top: the output is points only */
	.new = influx_new,
	.event = influx_event,
	.report = influx_report,
	.free = influx_free,
};
