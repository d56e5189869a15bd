// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the hash map under the process model and the group-bys
 * (replay/hmap.c): keys by their bytes and length, values zeroed and never
 * moved (groupby keeps pointers to them) across growth, bucket collisions,
 * every entry once in hmap__entries, sorted when asked.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "hmap.h"

struct val {
	uint64_t n;
	char tag[24];
};

Test(hmap, get_and_create)
{
	struct hmap *m = hmap__new(sizeof(struct val));
	struct val *v, *w;
	bool created = true;

	cr_assert_not_null(m);
	cr_assert_eq(hmap__count(m), 0);
	cr_assert_null(hmap__entries(m, NULL), "an empty map has no entries array");
	cr_assert_null(hmap__get(m, "a", 1, false, &created));
	cr_assert_not(created);
	cr_assert_eq(hmap__count(m), 0, "a lookup does not add");

	v = hmap__get(m, "a", 1, true, &created);
	cr_assert_not_null(v);
	cr_assert(created);
	cr_assert_eq(v->n, 0);
	for (size_t i = 0; i < sizeof(v->tag); i++)
		cr_assert_eq(v->tag[i], 0, "value zeroed");
	v->n = 7;
	w = hmap__get(m, "a", 1, true, &created);
	cr_assert_eq(w, v);
	cr_assert_not(created);
	cr_assert_eq(w->n, 7);
	cr_assert_eq(hmap__get(m, "a", 1, false, NULL), v);
	cr_assert_eq(hmap__count(m), 1);
	hmap__free(m);
	hmap__free(NULL);
}

/* Keys are bytes and a length: a prefix, a NUL, an empty key are all keys. */
Test(hmap, keys_by_bytes_and_length)
{
	struct hmap *m = hmap__new(sizeof(uint64_t));
	const struct {
		const char *k;
		size_t len;
	} keys[] = { { "ab", 2 }, { "ab\0", 3 }, { "a", 1 }, { "", 0 }, { "\0", 1 }, { "ba", 2 } };
	const size_t n = sizeof(keys) / sizeof(keys[0]);

	for (size_t i = 0; i < n; i++) {
		uint64_t *v = hmap__get(m, keys[i].k, keys[i].len, true, NULL);

		cr_assert_not_null(v);
		cr_assert_eq(*v, 0, "key %zu is new", i);
		*v = i + 100;
	}
	cr_assert_eq(hmap__count(m), n);
	for (size_t i = 0; i < n; i++) {
		uint64_t *v = hmap__get(m, keys[i].k, keys[i].len, false, NULL);

		cr_assert_not_null(v);
		cr_assert_eq(*v, i + 100, "key %zu", i);
	}
	hmap__free(m);
}

/* Values are aligned for any type, as groupby's struct agg needs. */
Test(hmap, values_aligned)
{
	struct hmap *m = hmap__new(1);

	for (int i = 0; i < 100; i++) {
		void *v = hmap__get(m, &i, sizeof(i), true, NULL);

		cr_assert_eq((uintptr_t)v % _Alignof(max_align_t), 0);
	}
	hmap__free(m);
}

/* Many keys: every one found with its value after the table grew many
 * times (64 buckets at first), values not moved, keys copied. */
Test(hmap, grow_keeps_everything)
{
	enum { N = 100000 };
	struct hmap *m = hmap__new(sizeof(struct val));
	struct val **where = calloc(N, sizeof(*where));
	char key[32];

	cr_assert(m && where);
	for (int i = 0; i < N; i++) {
		bool created;
		int len = snprintf(key, sizeof(key), "/proc/%d/comm", i);

		where[i] = hmap__get(m, key, len, true, &created);
		cr_assert_not_null(where[i]);
		cr_assert(created, "key %d new", i);
		where[i]->n = (uint64_t)i * 3;
		memcpy(where[i]->tag, key, len < 24 ? len : 23);
		memset(key, 'x', sizeof(key)); /* the map has its own copy */
	}
	cr_assert_eq(hmap__count(m), N);
	for (int i = 0; i < N; i++) {
		int len = snprintf(key, sizeof(key), "/proc/%d/comm", i);
		struct val *v = hmap__get(m, key, len, false, NULL);

		cr_assert_eq(v, where[i], "value %d did not move", i);
		cr_assert_eq(v->n, (uint64_t)i * 3);
	}
	cr_assert_null(hmap__get(m, "/proc/100000/comm", 17, false, NULL));
	free(where);
	hmap__free(m);
}

/* Keys that share a bucket (hash & 63): here, 2-byte keys, 65536 of them
 * in at most 2^k buckets, so most chains hold several keys at every size. */
Test(hmap, collisions)
{
	struct hmap *m = hmap__new(sizeof(uint32_t));

	for (uint32_t i = 0; i < 65536; i++) {
		uint16_t k = i;
		uint32_t *v = hmap__get(m, &k, 2, true, NULL);

		*v = i ^ 0xdeadbeef;
		/* the key just added and an early one are both still there */
		cr_assert_eq(*(uint32_t *)hmap__get(m, &k, 2, false, NULL), i ^ 0xdeadbeef);
		k = i / 2;
		cr_assert_not_null(hmap__get(m, &k, 2, false, NULL));
	}
	for (uint32_t i = 0; i < 65536; i++) {
		uint16_t k = i;
		uint32_t *v = hmap__get(m, &k, 2, false, NULL);

		cr_assert_not_null(v);
		cr_assert_eq(*v, i ^ 0xdeadbeef);
	}
	/* the same bytes under another length are another key */
	uint32_t k4 = 5;
	cr_assert_null(hmap__get(m, &k4, 4, false, NULL));
	cr_assert_eq(hmap__count(m), 65536);
	hmap__free(m);
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)((const struct hmap_entry *)a)->value;
	uint32_t y = *(const uint32_t *)((const struct hmap_entry *)b)->value;

	return (x > y) - (x < y);
}

/* hmap__entries: each entry once, with its key, length and value pointer. */
Test(hmap, entries_once_each_and_sorted)
{
	enum { N = 5000 };
	struct hmap *m = hmap__new(sizeof(uint32_t));
	unsigned char seen[N] = { 0 };
	struct hmap_entry *e;

	for (uint32_t i = 0; i < N; i++) {
		uint32_t key = i * 2654435761u;

		*(uint32_t *)hmap__get(m, &key, sizeof(key), true, NULL) = (N - 1 - i);
	}
	e = hmap__entries(m, NULL);
	cr_assert_not_null(e);
	for (size_t i = 0; i < N; i++) {
		uint32_t v = *(uint32_t *)e[i].value, key;

		cr_assert_eq(e[i].klen, 4);
		memcpy(&key, e[i].key, 4);
		cr_assert_eq(key, (N - 1 - v) * 2654435761u, "entry's key goes with its value");
		cr_assert_eq(e[i].value, hmap__get(m, e[i].key, 4, false, NULL));
		cr_assert_not(seen[v], "value %u twice", v);
		seen[v] = 1;
	}
	free(e);
	e = hmap__entries(m, by_value);
	for (uint32_t i = 0; i < N; i++)
		cr_assert_eq(*(uint32_t *)e[i].value, i);
	free(e);
	hmap__free(m);
}

/* A map of zero-size values: a set. */
Test(hmap, zero_size_values)
{
	struct hmap *m = hmap__new(0);
	bool created;

	cr_assert_not_null(hmap__get(m, "x", 1, true, &created));
	cr_assert(created);
	cr_assert_not_null(hmap__get(m, "x", 1, true, &created));
	cr_assert_not(created);
	cr_assert_eq(hmap__count(m), 1);
	hmap__free(m);
}
