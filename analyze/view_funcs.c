// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * --funcs: calls and latency per function (rec -m func), per process with
 * --per-process; --latency=FUNCTION: one function's log2 histogram. Both
 * modes of the recording feed them: returns of FUNC_CALL records (calls
 * mode) and FUNC_STATS records (count mode).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "functab.h"
#include "hmap.h"
#include "log.h"
#include "views.h"

#define BAR_WIDTH 40
#define TT_MAX_FUNCS_SEEN 65536 /* function ids are dense from 0 */

struct funcs_key {
	uint32_t pid; /* 0 unless --per-process */
	uint32_t func;
};

struct funcs {
	int n;
	bool per_process;
	const char *only; /* --latency=NAME */
	bool known;       /* only is in the trace's function table */
	struct hmap *aggs; /* funcs_key -> struct func_agg */
};

static void *funcs_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		       size_t errlen)
{
	struct funcs *s = calloc(1, sizeof(*s));

	(void)t;
	(void)r;
	if (!s || !(s->aggs = hmap__new(sizeof(struct func_agg)))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	s->n = o->top_n;
	s->per_process = o->per_process;
	s->only = o->latency_syscall;
	return s;
}

static void funcs_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct funcs *s = state;
	struct funcs_key k = { 0 };
	struct func_agg *a;
	bool created;

	if (rec->type == TT_REC_FUNC_CALL && rec->func_call.event == TT_FUNC_RETURN) {
		k.func = rec->func_call.func;
		k.pid = s->per_process ? rec->func_call.pid : 0;
	} else if (rec->type == TT_REC_FUNC_STATS) {
		k.func = rec->func_stats.func;
		k.pid = s->per_process ? rec->func_stats.pid : 0;
	} else {
		return;
	}
	if (s->only) {
		const struct tt_func *f = tape__func(t, k.func);

		if (!f || strcmp(f->name.data, s->only))
			return;
	}
	a = hmap__get(s->aggs, &k, sizeof(k), true, &created);
	if (!a)
		return;
	if (created && s->per_process) /* a new row, named at the end */
		procs__hold(t->procs, k.pid);
	if (rec->type == TT_REC_FUNC_STATS)
		func_agg__add_stats(a, &rec->func_stats);
	else
		func_agg__add(a, rec->func_call.duration);
}

static int by_calls(const void *x, const void *y)
{
	const struct hmap_entry *a = x, *b = y;
	const struct func_agg *fa = a->value, *fb = b->value;

	if (fa->count != fb->count)
		return fa->count < fb->count ? 1 : -1;
	return memcmp(a->key, b->key, sizeof(struct funcs_key));
}

static const char *module_name(const struct tt_func *f)
{
	const char *slash = strrchr(f->module.data, '/');

	return slash ? slash + 1 : f->module.data;
}

static const char *probe_name(uint8_t probe)
{
	switch (probe) {
	case TT_PROBE_FENTRY: return "fentry";
	case TT_PROBE_KPROBE: return "kprobe";
	case TT_PROBE_UPROBE: return "uprobe";
	default: return "?";
	}
}

static void funcs_report(void *state, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "pid", "PID", COL_INT },
		{ "comm", "COMM", COL_STR, 16 },
		{ "function", "FUNCTION", COL_STR, 40 },
		{ "module", "MODULE", COL_STR, 24 },
		{ "probe", "PROBE", COL_STR },
		{ "calls", "CALLS", COL_INT },
		{ "avg_ns", "AVG", COL_DUR },
		{ "p50_ns", "P50<=", COL_DUR },
		{ "p99_ns", "P99<=", COL_DUR },
		{ "max_ns", "MAX", COL_DUR },
		{ "total_ns", "TOTAL", COL_DUR },
	};
	struct funcs *s = state;
	size_t n = hmap__count(s->aggs);
	struct hmap_entry *e = hmap__entries(s->aggs, by_calls);
	int skip = s->per_process ? 0 : 2;
	struct table *tb = table__new("functions", "Functions (rec -m func)", cols + skip,
				      sizeof(cols) / sizeof(cols[0]) - skip);

	if (!tb) {
		free(e);
		return;
	}
	for (size_t i = 0; i < n && (int)i < s->n; i++) {
		const struct funcs_key *k = e[i].key;
		const struct func_agg *a = e[i].value;
		const struct tt_func *f = tape__func(t, k->func);
		char id[32];

		snprintf(id, sizeof(id), "#%u", k->func);
		table__row(tb);
		if (s->per_process) {
			table__int(tb, k->pid);
			table__str(tb, procs__comm(t->procs, k->pid));
		}
		table__str(tb, f ? f->name.data : id);
		table__str(tb, f ? module_name(f) : "");
		table__str(tb, f ? probe_name(f->probe) : "");
		table__int(tb, a->count);
		table__int(tb, a->count ? a->total_ns / a->count : 0);
		table__int(tb, func_agg__percentile(a, 50));
		table__int(tb, func_agg__percentile(a, 99));
		table__int(tb, a->max_ns);
		table__int(tb, a->total_ns);
	}
	table__print(tb, r);
	if (!r->j && !n)
		fprintf(r->f, "no function calls in this trace (record with rec -m func --func ...)\n");
	table__free(tb);
	free(e);
}

/* --latency=FUNCTION: the histogram in bcc's funclatency layout (nsecs). */
static void latency_report(void *state, struct tape *t, struct report *r)
{
	struct funcs *s = state;
	struct func_agg sum = { 0 };
	struct hmap_entry *e = hmap__entries(s->aggs, NULL);
	uint64_t max = 0;
	int last = -1;

	for (uint32_t id = 0; !s->known && id < TT_MAX_FUNCS_SEEN && tape__func(t, id); id++)
		s->known = !strcmp(tape__func(t, id)->name.data, s->only);
	if (!s->known) {
		free(e);
		if (r->j)
			json__str(r->j, "error", "no such syscall or function");
		pr_warn("--latency: '%s' is neither a syscall of this trace's architecture nor a "
			"function in its function table", s->only);
		return;
	}
	for (size_t i = 0; e && i < hmap__count(s->aggs); i++) {
		const struct func_agg *a = e[i].value;
		struct tt_func_stats st = { .count = a->count, .total_ns = a->total_ns, .max_ns = a->max_ns };

		memcpy(st.hist, a->hist, sizeof(st.hist));
		func_agg__add_stats(&sum, &st);
	}
	free(e);
	for (int k = 0; k < TT_FUNC_BUCKETS; k++) {
		if (sum.hist[k])
			last = k;
		if (sum.hist[k] > max)
			max = sum.hist[k];
	}
	if (r->j) {
		json__str(r->j, "function", s->only);
		json__uint(r->j, "calls", sum.count);
		json__uint(r->j, "total_ns", sum.total_ns);
		json__uint(r->j, "max_ns", sum.max_ns);
		json__str(r->j, "unit", "nsecs");
		json__arr_begin(r->j, "buckets");
		for (int k = 0; k <= last; k++) {
			if (!sum.hist[k])
				continue;
			json__obj_begin(r->j, NULL);
			json__uint(r->j, "low", k ? 1ull << k : 0);
			json__uint(r->j, "high", (2ull << k) - 1);
			json__uint(r->j, "count", sum.hist[k]);
			json__obj_end(r->j);
		}
		json__arr_end(r->j);
		return;
	}
	if (!sum.count) {
		fprintf(r->f, "no returns of the function %s in this trace\n", s->only);
		return;
	}
	fprintf(r->f, "\n%s: %llu calls, avg %llu ns, max %llu ns\n", s->only,
		(unsigned long long)sum.count, (unsigned long long)(sum.total_ns / sum.count),
		(unsigned long long)sum.max_ns);
	fprintf(r->f, "%*s%-*s : count    distribution\n", 10, "nsecs", 15, "");
	for (int k = 0; k <= last; k++) {
		int stars = max ? (int)(sum.hist[k] * BAR_WIDTH / max) : 0;

		fprintf(r->f, "%10llu -> %-10llu : %-8llu |%-*.*s|\n",
			(unsigned long long)(k ? 1ull << k : 0), (unsigned long long)((2ull << k) - 1),
			(unsigned long long)sum.hist[k], BAR_WIDTH, stars,
			"****************************************");
	}
}

static int funcs_status(void *state, const struct view_opts *o)
{
	const struct funcs *s = state;

	(void)o;
	return s->only && !s->known ? EXIT_FAIL : 0;
}

static void funcs_free(void *state)
{
	struct funcs *s = state;

	if (s)
		hmap__free(s->aggs);
	free(s);
}

const struct view view_funcs = {
	.name = "funcs",
	.any_order = true,
	.new = funcs_new,
	.event = funcs_event,
	.report = funcs_report,
	.free = funcs_free,
};

const struct view view_func_latency = {
	.name = "latency",
	.any_order = true,
	.new = funcs_new,
	.event = funcs_event,
	.report = latency_report,
	.free = funcs_free,
	.status = funcs_status,
};
