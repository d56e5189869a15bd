// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --slow: calls over their category's threshold, by syscall, and the slowest. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "groupby.h"
#include "views.h"

struct slow_call {
	uint64_t duration;
	char *line; /* the event line, without its newline */
};

struct slow {
	struct slow_thresholds th;
	struct groupby *by_nr; /* slow calls only */
	struct groupby *calls; /* every call, for the share */
	struct slow_call *worst; /* the n slowest, slowest first */
	int n, nworst;
};

static void *slow_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	struct slow *s = calloc(1, sizeof(*s));

	if (s) {
		s->th = o->slow;
		s->n = o->top_n;
		s->by_nr = groupby__new();
		s->calls = groupby__new();
		s->worst = calloc(o->top_n, sizeof(*s->worst));
		if (s->by_nr && s->calls && s->worst)
			return s;
		view_slow.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

/* Keep the n slowest calls: a sorted array, as n is small. */
static void keep_worst(struct slow *s, struct tape *t, const struct tt_record *rec)
{
	uint64_t d = rec->syscall.duration;
	size_t len = 0;
	char *line = NULL;
	FILE *m;
	int i;

	if (s->nworst == s->n && d <= s->worst[s->n - 1].duration)
		return;
	m = open_memstream(&line, &len);
	if (!m)
		return;
	decode__event(m, t, rec);
	fclose(m);
	if (len && line[len - 1] == '\n')
		line[len - 1] = 0;
	if (s->nworst == s->n)
		free(s->worst[--s->nworst].line);
	for (i = s->nworst; i > 0 && s->worst[i - 1].duration < d; i--)
		s->worst[i] = s->worst[i - 1];
	s->worst[i] = (struct slow_call){ d, line };
	s->nworst++;
}

static void slow_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct slow *s = state;
	const struct tt_syscall *sc = &rec->syscall;
	enum syscall_category cat;

	if (rec->type != TT_REC_SYSCALL || sc->flags & TT_SYSCALL_NORETURN)
		return;
	groupby__add(s->calls, &sc->nr, sizeof(sc->nr), sc->duration, false);
	cat = syscall_table__category(t->st, sc->nr);
	if (!slow_thresholds__is_slow(&s->th, cat, sc->duration))
		return;
	groupby__add(s->by_nr, &sc->nr, sizeof(sc->nr), sc->duration, syscall_failed(sc->ret));
	keep_worst(s, t, rec);
}

static void slow_report(void *state, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "syscall", "SYSCALL", COL_STR, 20 },
		{ "category", "CATEGORY", COL_STR },
		{ "threshold_ns", "OVER", COL_DUR },
		{ "slow_calls", "SLOW", COL_INT },
		{ "calls", "OF CALLS", COL_INT },
		{ "slow_total_ns", "SLOW TIME", COL_DUR },
		{ "max_ns", "MAX", COL_DUR },
	};
	struct slow *s = state;
	struct table *tb = table__new("by_syscall", "Slow calls by syscall", cols, 7);
	struct hmap_entry *e = groupby__sorted(s->by_nr, GROUPBY_BY_TIME);

	for (size_t i = 0; e && i < groupby__count(s->by_nr); i++) {
		uint16_t nr = *(const uint16_t *)e[i].key;
		const struct agg *a = e[i].value;
		enum syscall_category cat = syscall_table__category(t->st, nr);

		table__row(tb);
		table__str(tb, decode__syscall_label(t, nr));
		table__str(tb, syscall_category__name(cat));
		table__int(tb, s->th.ns[cat]);
		table__int(tb, a->count);
		table__int(tb, groupby__find(s->calls, &nr, sizeof(nr))->count);
		table__int(tb, a->total_ns);
		table__int(tb, a->max_ns);
	}
	table__print(tb, r);
	if (r->j) {
		json__arr_begin(r->j, "slowest");
		for (int i = 0; i < s->nworst; i++) {
			json__obj_begin(r->j, NULL);
			json__uint(r->j, "duration_ns", s->worst[i].duration);
			json__str(r->j, "text", s->worst[i].line);
			json__obj_end(r->j);
		}
		json__arr_end(r->j);
	} else {
		fprintf(r->f, "\nSlowest calls\n");
		for (int i = 0; i < s->nworst; i++)
			fprintf(r->f, "%s\n", s->worst[i].line);
	}
	table__free(tb);
	free(e);
}

static void slow_free(void *state)
{
	struct slow *s = state;

	if (!s)
		return;
	for (int i = 0; s->worst && i < s->nworst; i++)
		free(s->worst[i].line);
	free(s->worst);
	groupby__free(s->by_nr);
	groupby__free(s->calls);
	free(s);
}

const struct view view_slow = {
	.name = "slow",
	.new = slow_new,
	.event = slow_event,
	.report = slow_report,
	.free = slow_free,
};
