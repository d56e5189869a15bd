// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "groupby.h"
#include "log.h"

#define CACHED_KEY_MAX 16

/* Adds dropped for want of memory, in every table: the caller cannot show
 * a true report after one, so analyze checks this once at the end. */
static uint64_t lost_adds;

struct groupby {
	struct hmap *map;
	/* The last short key and its aggregate: consecutive events mostly
	 * share their syscall and process, so this skips most hash lookups.
	 * Aggregates never move (hmap nodes are relinked, not copied). */
	struct agg *last;
	size_t last_klen;
	unsigned char last_key[CACHED_KEY_MAX];
	/* the caps: past them, new keys count under other */
	size_t key_bytes;
	struct agg other;
};

struct groupby *groupby__new(void)
{
	struct groupby *g = calloc(1, sizeof(*g));

	if (g && !(g->map = hmap__new(sizeof(struct agg)))) {
		free(g);
		return NULL;
	}
	return g;
}

void groupby__free(struct groupby *g)
{
	if (!g)
		return;
	hmap__free(g->map);
	free(g);
}

/* Inlined into groupby__add: it runs for every event of a counting view. */
static inline void agg_add(struct agg *a, uint64_t dur_ns, bool failed)
{
	uint64_t us = dur_ns / 1000;
	/* bcc's log2 slots: 0-1 us in slot 0, 2-3 in 1, 4-7 in 2... */
	int slot = us > 1 ? 63 - __builtin_clzll(us) : 0;

	if (slot > HIST_SLOTS - 1)
		slot = HIST_SLOTS - 1;
	if (!a->count || dur_ns < a->min_ns)
		a->min_ns = dur_ns;
	if (dur_ns > a->max_ns)
		a->max_ns = dur_ns;
	a->count++;
	a->errors += failed;
	a->total_ns += dur_ns;
	a->hist[slot]++;
}

/* Keys of 2, 4 and 8 bytes (syscall numbers, pids, pairs) compared inline:
 * a memcmp call was a fifth of --top's grouping time. */
static inline bool same_key(const void *a, const void *b, size_t klen)
{
	uint16_t a2, b2;
	uint32_t a4, b4;
	uint64_t a8, b8;

	switch (klen) {
	case 2:
		memcpy(&a2, a, 2);
		memcpy(&b2, b, 2);
		return a2 == b2;
	case 4:
		memcpy(&a4, a, 4);
		memcpy(&b4, b, 4);
		return a4 == b4;
	case 8:
		memcpy(&a8, a, 8);
		memcpy(&b8, b, 8);
		return a8 == b8;
	}
	return !memcmp(a, b, klen);
}

void agg__add(struct agg *a, uint64_t dur_ns, bool failed)
{
	agg_add(a, dur_ns, failed);
}

struct agg *groupby__add(struct groupby *g, const void *key, size_t klen, uint64_t dur_ns,
			 bool failed)
{
	struct agg *a;

	if (g->last && klen == g->last_klen && same_key(key, g->last_key, klen)) {
		a = g->last;
	} else if (hmap__count(g->map) >= GROUPBY_MAX_KEYS ||
		   g->key_bytes + klen > GROUPBY_MAX_KEY_BYTES) {
		/* Full: a key already held still counts as itself. */
		a = hmap__get(g->map, key, klen, false, NULL);
		if (!a)
			a = &g->other;
	} else {
		bool created = false;

		a = hmap__get(g->map, key, klen, true, &created);
		if (!a)
			__atomic_fetch_add(&lost_adds, 1, __ATOMIC_RELAXED); /* --serve's threads */
		if (created)
			g->key_bytes += klen;
		if (a && klen <= CACHED_KEY_MAX) {
			g->last = a;
			g->last_klen = klen;
			memcpy(g->last_key, key, klen);
		}
	}
	if (a)
		agg_add(a, dur_ns, failed);
	return a;
}

const struct agg *groupby__find(const struct groupby *g, const void *key, size_t klen)
{
	return hmap__get(g->map, key, klen, false, NULL);
}

static void agg_merge(struct agg *out, const struct agg *a)
{
	if (a->count && (!out->count || a->min_ns < out->min_ns))
		out->min_ns = a->min_ns;
	if (a->max_ns > out->max_ns)
		out->max_ns = a->max_ns;
	out->count += a->count;
	out->errors += a->errors;
	out->total_ns += a->total_ns;
	for (int k = 0; k < HIST_SLOTS; k++)
		out->hist[k] += a->hist[k];
}

void groupby__total(const struct groupby *g, struct agg *out)
{
	struct hmap_entry *e = hmap__entries(g->map, NULL);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; e && i < hmap__count(g->map); i++)
		agg_merge(out, e[i].value);
	free(e);
	agg_merge(out, &g->other);
}

const struct agg *groupby__other(const struct groupby *g)
{
	return g->other.count ? &g->other : NULL;
}

void groupby__warn_other(const struct groupby *g, const char *what)
{
	if (g->other.count)
		pr_warn("%s: more than %u distinct (or %u MiB of them): the %" PRIu64
			" calls of the others are counted as \"(other)\"",
			what, GROUPBY_MAX_KEYS, GROUPBY_MAX_KEY_BYTES >> 20, g->other.count);
}

uint64_t groupby__lost(void)
{
	return __atomic_load_n(&lost_adds, __ATOMIC_RELAXED);
}

size_t groupby__count(const struct groupby *g)
{
	return hmap__count(g->map);
}

static int by_key(const struct hmap_entry *x, const struct hmap_entry *y)
{
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

#define DESC(field) \
	static int by_##field(const void *a, const void *b) \
	{ \
		const struct hmap_entry *x = a, *y = b; \
		uint64_t u = ((const struct agg *)x->value)->field; \
		uint64_t v = ((const struct agg *)y->value)->field; \
		return u != v ? (u < v) - (u > v) : by_key(x, y); \
	}
DESC(count)
DESC(total_ns)
DESC(errors)
#undef DESC

static int by_key_only(const void *a, const void *b)
{
	return by_key(a, b);
}

struct hmap_entry *groupby__sorted(const struct groupby *g, enum groupby_order order)
{
	static int (*const cmps[])(const void *, const void *) = {
		[GROUPBY_BY_COUNT] = by_count,
		[GROUPBY_BY_TIME] = by_total_ns,
		[GROUPBY_BY_ERRORS] = by_errors,
		[GROUPBY_BY_KEY] = by_key_only,
	};

	return hmap__entries(g->map, cmps[order]);
}
