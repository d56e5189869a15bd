// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "functab.h"

#define TT_MAX_FUNC_ID 65536 /* ids accepted in a function table (rec uses fewer than 4096) */

struct functab {
	struct tt_func *v; /* by id; name.data NULL for ids not seen */
	uint32_t n;
	int count;
};

struct functab *functab__new(void)
{
	return calloc(1, sizeof(struct functab));
}

void functab__free(struct functab *ft)
{
	if (!ft)
		return;
	for (uint32_t i = 0; i < ft->n; i++) {
		free((char *)ft->v[i].name.data);
		free((char *)ft->v[i].module.data);
	}
	free(ft->v);
	free(ft);
}

static char *dup_bytes(const struct tt_bytes *b)
{
	char *s = malloc(b->len + 1);

	if (s) {
		memcpy(s, b->data, b->len);
		s[b->len] = 0;
	}
	return s;
}

int functab__note(struct functab *ft, const struct tt_func *f)
{
	struct tt_func *slot;

	if (f->id >= TT_MAX_FUNC_ID)
		return -EINVAL;
	if (f->id >= ft->n) {
		uint32_t n = f->id + 1 > 2 * ft->n ? f->id + 1 : 2 * ft->n;
		struct tt_func *v = realloc(ft->v, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + ft->n, 0, (n - ft->n) * sizeof(*v));
		ft->v = v;
		ft->n = n;
	}
	slot = &ft->v[f->id];
	if (slot->name.data)
		return 0;
	*slot = *f;
	slot->name.data = dup_bytes(&f->name);
	slot->module.data = dup_bytes(&f->module);
	if (!slot->name.data || !slot->module.data) {
		free((char *)slot->name.data);
		free((char *)slot->module.data);
		memset(slot, 0, sizeof(*slot));
		return -ENOMEM;
	}
	ft->count++;
	return 0;
}

const struct tt_func *functab__get(const struct functab *ft, uint32_t id)
{
	if (!ft || id >= ft->n || !ft->v[id].name.data)
		return NULL;
	return &ft->v[id];
}

int functab__count(const struct functab *ft)
{
	return ft ? ft->count : 0;
}

int func_bucket(uint64_t ns)
{
	int b = ns ? 63 - __builtin_clzll(ns) : 0;

	return b < TT_FUNC_BUCKETS ? b : TT_FUNC_BUCKETS - 1;
}

void func_agg__add(struct func_agg *a, uint64_t ns)
{
	a->count++;
	a->total_ns += ns;
	if (ns > a->max_ns)
		a->max_ns = ns;
	a->hist[func_bucket(ns)]++;
}

void func_agg__add_stats(struct func_agg *a, const struct tt_func_stats *s)
{
	a->count += s->count;
	a->total_ns += s->total_ns;
	if (s->max_ns > a->max_ns)
		a->max_ns = s->max_ns;
	for (int i = 0; i < TT_FUNC_BUCKETS; i++)
		a->hist[i] += s->hist[i];
}

uint64_t func_agg__percentile(const struct func_agg *a, double pct)
{
	uint64_t want = (uint64_t)((double)a->count * pct / 100.0 + 0.999999), seen = 0;

	if (!a->count)
		return 0;
	if (want < 1)
		want = 1;
	for (int i = 0; i < TT_FUNC_BUCKETS; i++) {
		seen += a->hist[i];
		if (seen >= want) {
			uint64_t high = i < 63 ? (2ull << i) - 1 : UINT64_MAX;

			return high < a->max_ns ? high : a->max_ns;
		}
	}
	return a->max_ns;
}
