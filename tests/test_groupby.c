// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the views' statistics engine (replay/groupby.c): counts,
 * errors, times and the log2 histogram of each key, the cached last key
 * (keys of 2, 4, 8 and up to 16 bytes compared inline, longer ones not
 * cached), totals, and the orders the views sort by.
 */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "groupby.h"

static uint64_t hist_sum(const struct agg *a)
{
	uint64_t n = 0;

	for (int k = 0; k < HIST_SLOTS; k++)
		n += a->hist[k];
	return n;
}

Test(groupby, one_key)
{
	struct groupby *g = groupby__new();
	uint16_t nr = 0;
	const struct agg *a;

	cr_assert_not_null(g);
	cr_assert_null(groupby__find(g, &nr, 2));
	cr_assert_not_null(groupby__add(g, &nr, 2, 5000, false));
	cr_assert_not_null(groupby__add(g, &nr, 2, 1000, true));
	cr_assert_not_null(groupby__add(g, &nr, 2, 9000, true));
	a = groupby__find(g, &nr, 2);
	cr_assert_not_null(a);
	cr_assert_eq(a->count, 3);
	cr_assert_eq(a->errors, 2);
	cr_assert_eq(a->total_ns, 15000);
	cr_assert_eq(a->min_ns, 1000);
	cr_assert_eq(a->max_ns, 9000);
	cr_assert_eq(hist_sum(a), 3);
	cr_assert_eq(groupby__count(g), 1);
	groupby__free(g);
	groupby__free(NULL);
}

/* A first call of 0 ns is the minimum (min_ns starts unset, not at 0). */
Test(groupby, min_of_zero_and_first)
{
	struct groupby *g = groupby__new();
	uint32_t pid = 1;
	const struct agg *a;

	groupby__add(g, &pid, 4, 700, false);
	a = groupby__find(g, &pid, 4);
	cr_assert_eq(a->min_ns, 700);
	groupby__add(g, &pid, 4, 0, false);
	cr_assert_eq(a->min_ns, 0);
	groupby__add(g, &pid, 4, 300, false);
	cr_assert_eq(a->min_ns, 0);
	cr_assert_eq(a->max_ns, 700);
	groupby__free(g);
}

/* bcc's log2 slots of microseconds: 0-1 us in 0, 2-3 in 1, 4-7 in 2 ...,
 * everything from 2^39 us in the last. */
Test(groupby, histogram_slots)
{
	const struct {
		uint64_t ns;
		int slot;
	} cases[] = {
		{ 0, 0 }, { 999, 0 }, { 1999, 0 }, { 2000, 1 }, { 3999, 1 }, { 4000, 2 },
		{ 7999, 2 }, { 8000, 3 }, { 1000000, 9 }, { 1048576000, 20 },
		{ 1000ull << 39, 39 }, { UINT64_MAX, 39 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agg a;

		memset(&a, 0, sizeof(a));
		agg__add(&a, cases[i].ns, false);
		cr_assert_eq(a.hist[cases[i].slot], 1, "%lu ns in slot %d",
			     (unsigned long)cases[i].ns, cases[i].slot);
		cr_assert_eq(hist_sum(&a), 1);
	}
}

/* Alternating keys of each inline size, and long ones, each counted apart:
 * the cached last key never answers for another. */
Test(groupby, keys_of_every_size_apart)
{
	struct groupby *g = groupby__new();
	const size_t sizes[] = { 1, 2, 3, 4, 8, 12, 16, 17, 64 };
	unsigned char a[64], b[64];

	memset(a, 0x11, sizeof(a));
	memset(b, 0x11, sizeof(b));
	b[0] = 0x22; /* the first byte differs */
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];

		for (int i = 0; i < 10; i++) {
			groupby__add(g, a, n, 1000, false);
			groupby__add(g, a, n, 1000, false);
			groupby__add(g, b, n, 3000, true);
		}
	}

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		const struct agg *x = groupby__find(g, a, n), *y = groupby__find(g, b, n);

		cr_assert(x && y, "size %zu", n);
		cr_assert_eq(x->count, 20, "size %zu", n);
		cr_assert_eq(x->errors, 0);
		cr_assert_eq(x->total_ns, 20000);
		cr_assert_eq(y->count, 10, "size %zu", n);
		cr_assert_eq(y->errors, 10);
		cr_assert_eq(y->total_ns, 30000);
	}
	cr_assert_eq(groupby__count(g), 2 * 9);
	groupby__free(g);
}

/* Right after a key, one that differs from it in its last byte only is
 * another key, at every cached size. */
Test(groupby, cached_key_compared_whole)
{
	struct groupby *g = groupby__new();
	const size_t sizes[] = { 2, 4, 8, 16 };
	unsigned char k[16];

	for (size_t s = 0; s < 4; s++) {
		size_t n = sizes[s];

		memset(k, 0, sizeof(k));
		groupby__add(g, k, n, 1000, false);
		k[n - 1] = 1;
		groupby__add(g, k, n, 2000, false);
		groupby__add(g, k, n, 2000, false);
		cr_assert_eq(groupby__find(g, k, n)->count, 2, "size %zu", n);
		k[n - 1] = 0;
		cr_assert_eq(groupby__find(g, k, n)->count, 1, "size %zu", n);
	}
	cr_assert_eq(groupby__count(g), 8);
	groupby__free(g);
}

/* The caller's key buffer is reused between calls, as the views do. */
Test(groupby, key_buffer_reused)
{
	struct groupby *g = groupby__new();
	uint64_t key;

	for (int i = 0; i < 1000; i++) {
		key = i % 7;
		groupby__add(g, &key, 8, i, i % 2);
	}
	for (uint64_t k = 0; k < 7; k++) {
		const struct agg *a = groupby__find(g, &k, 8);
		uint64_t count = 0, total = 0;

		for (int i = 0; i < 1000; i++)
			if ((uint64_t)(i % 7) == k) {
				count++;
				total += i;
			}
		cr_assert_eq(a->count, count);
		cr_assert_eq(a->total_ns, total);
		cr_assert_eq(a->min_ns, k);
	}
	groupby__free(g);
}

Test(groupby, total)
{
	struct groupby *g = groupby__new();
	struct agg t;
	uint16_t k;

	groupby__total(g, &t);
	cr_assert_eq(t.count, 0);
	cr_assert_eq(t.min_ns, 0);
	k = 1;
	groupby__add(g, &k, 2, 5000, false);
	groupby__add(g, &k, 2, 7000, true);
	k = 2;
	groupby__add(g, &k, 2, 2000, false);
	k = 3;
	groupby__add(g, &k, 2, 100000, true);
	groupby__total(g, &t);
	cr_assert_eq(t.count, 4);
	cr_assert_eq(t.errors, 2);
	cr_assert_eq(t.total_ns, 114000);
	cr_assert_eq(t.min_ns, 2000);
	cr_assert_eq(t.max_ns, 100000);
	cr_assert_eq(t.hist[1], 1); /* 2 us */
	cr_assert_eq(t.hist[2], 2); /* 5 and 7 us */
	cr_assert_eq(t.hist[6], 1); /* 100 us */
	cr_assert_eq(hist_sum(&t), 4);
	groupby__free(g);
}

static uint16_t key_of(const struct hmap_entry *e)
{
	uint16_t k;

	cr_assert_eq(e->klen, 2);
	memcpy(&k, e->key, 2);
	return k;
}

/* Keys 1..6 with calls, times and errors in different orders; ties broken
 * by the key bytes, so that output is stable. */
Test(groupby, sorted_orders)
{
	struct groupby *g = groupby__new();
	/* key: calls, ns per call, errors */
	const uint16_t calls[7] = { 0, 3, 5, 1, 5, 2, 3 };
	const uint64_t ns[7] = { 0, 10, 1, 100, 2, 50, 10 };
	const uint16_t errs[7] = { 0, 0, 2, 1, 2, 0, 3 };
	const uint16_t by_count[] = { 2, 4, 1, 6, 5, 3 };
	const uint16_t by_time[] = { 3, 5, 1, 6, 4, 2 }; /* 100, 100, 30, 30, 10, 5 */
	const uint16_t by_errors[] = { 6, 2, 4, 3, 1, 5 };
	struct hmap_entry *e;

	for (uint16_t k = 1; k <= 6; k++)
		for (int c = 0; c < calls[k]; c++)
			groupby__add(g, &k, 2, ns[k], c < errs[k]);
	/* ties in the key bytes: equal counts 5 (keys 2, 4), 3 (1, 6) compare
	 * memcmp-wise, which is numeric here since all keys fit one byte */
	e = groupby__sorted(g, GROUPBY_BY_COUNT);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(key_of(&e[i]), by_count[i], "by count, %d", i);
	free(e);
	e = groupby__sorted(g, GROUPBY_BY_TIME);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(key_of(&e[i]), by_time[i], "by time, %d", i);
	free(e);
	e = groupby__sorted(g, GROUPBY_BY_ERRORS);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(key_of(&e[i]), by_errors[i], "by errors, %d", i);
	free(e);
	e = groupby__sorted(g, GROUPBY_BY_KEY);
	for (int i = 0; i < 6; i++)
		cr_assert_eq(key_of(&e[i]), i + 1, "by key, %d", i);
	free(e);
	groupby__free(g);
}

/* By key: bytes in order, and a key before the longer ones it begins. */
Test(groupby, by_key_prefix_first)
{
	struct groupby *g = groupby__new();
	struct hmap_entry *e;

	groupby__add(g, "abc", 3, 1, false);
	groupby__add(g, "ab", 2, 1, false);
	groupby__add(g, "b", 1, 1, false);
	groupby__add(g, "abd", 3, 1, false);
	e = groupby__sorted(g, GROUPBY_BY_KEY);
	cr_assert_eq(e[0].klen, 2);
	cr_assert_arr_eq(e[0].key, "ab", 2);
	cr_assert_arr_eq(e[1].key, "abc", 3);
	cr_assert_arr_eq(e[2].key, "abd", 3);
	cr_assert_arr_eq(e[3].key, "b", 1);
	free(e);
	groupby__free(g);
}
