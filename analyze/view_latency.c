// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --latency[=SYSCALL]: log2 histograms of syscall latency, printed as bcc's tools do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "groupby.h"
#include "views.h"

#define BAR_WIDTH 40

struct latency {
	int n;
	int only; /* the one syscall asked for, or -1 */
	struct groupby *by_nr;
};

static void *latency_new(struct tape *t, const struct view_opts *o, struct report *r,
			 char *err, size_t errlen)
{
	struct latency *s = calloc(1, sizeof(*s));

	if (!s || !(s->by_nr = groupby__new())) {
		free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	s->n = o->top_n;
	s->only = -1;
	if (o->latency_syscall) {
		s->only = syscall_table__nr(t->st, o->latency_syscall);
		if (s->only < 0) {
			snprintf(err, errlen, "--latency: '%s' is not a syscall of this trace's "
				 "architecture", o->latency_syscall);
			groupby__free(s->by_nr);
			free(s);
			errno = EINVAL;
			return NULL;
		}
	}
	return s;
}

static void latency_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct latency *s = state;
	const struct tt_syscall *sc = &rec->syscall;

	if (rec->type != TT_REC_SYSCALL || sc->flags & TT_SYSCALL_NORETURN)
		return;
	if (s->only >= 0 && sc->nr != s->only)
		return;
	groupby__add(s->by_nr, &sc->nr, sizeof(sc->nr), sc->duration, syscall_failed(sc->ret));
}

/* Slot k's range in us, as bcc's print_log2_hist names it. */
static void slot_range(int k, uint64_t *low, uint64_t *high)
{
	*low = (1ull << (k + 1)) >> 1;
	*high = (1ull << (k + 1)) - 1;
	if (*low == *high)
		(*low)--;
}

static void print_hist(FILE *f, const char *name, const struct agg *a)
{
	uint64_t max = 0, low, high;
	int first = HIST_SLOTS, last = -1;

	for (int k = 0; k < HIST_SLOTS; k++) {
		if (!a->hist[k])
			continue;
		if (first == HIST_SLOTS)
			first = k;
		last = k;
		if (a->hist[k] > max)
			max = a->hist[k];
	}
	fprintf(f, "\n%s: %llu calls, avg %llu us, max %llu us\n", name,
		(unsigned long long)a->count, (unsigned long long)(a->total_ns / a->count / 1000),
		(unsigned long long)(a->max_ns / 1000));
	fprintf(f, "%*s%-*s : count    distribution\n", 10, "usecs", 15, "");
	/* bcc starts at slot 0 so that the scale is plain to read. */
	for (int k = 0; k <= last && first < HIST_SLOTS; k++) {
		int stars = max ? (int)(a->hist[k] * BAR_WIDTH / max) : 0;

		slot_range(k, &low, &high);
		fprintf(f, "%10llu -> %-10llu : %-8llu |%-*.*s|\n", (unsigned long long)low,
			(unsigned long long)high, (unsigned long long)a->hist[k], BAR_WIDTH, stars,
			"****************************************");
	}
}

static void latency_report(void *state, struct tape *t, struct report *r)
{
	struct latency *s = state;
	struct hmap_entry *e = groupby__sorted(s->by_nr, GROUPBY_BY_COUNT);
	uint64_t low, high;

	if (r->j)
		json__arr_begin(r->j, "histograms");
	for (size_t i = 0; e && i < groupby__count(s->by_nr) && (int)i < s->n; i++) {
		const struct agg *a = e[i].value;
		const char *name = decode__syscall_label(t, *(const uint16_t *)e[i].key);

		if (!r->j) {
			print_hist(r->f, name, a);
			continue;
		}
		json__obj_begin(r->j, NULL);
		json__str(r->j, "syscall", name);
		json__uint(r->j, "calls", a->count);
		json__uint(r->j, "total_ns", a->total_ns);
		json__uint(r->j, "max_ns", a->max_ns);
		json__str(r->j, "unit", "usecs");
		json__arr_begin(r->j, "buckets");
		for (int k = 0; k < HIST_SLOTS; k++) {
			if (!a->hist[k])
				continue;
			slot_range(k, &low, &high);
			json__obj_begin(r->j, NULL);
			json__uint(r->j, "low", low);
			json__uint(r->j, "high", high);
			json__uint(r->j, "count", a->hist[k]);
			json__obj_end(r->j);
		}
		json__arr_end(r->j);
		json__obj_end(r->j);
	}
	if (r->j)
		json__arr_end(r->j);
	free(e);
}

static void latency_free(void *state)
{
	struct latency *s = state;

	if (s)
		groupby__free(s->by_nr);
	free(s);
}

const struct view view_latency = {
	.name = "latency",
	.any_order = true,
	.new = latency_new,
	.event = latency_event,
	.report = latency_report,
	.free = latency_free,
};
