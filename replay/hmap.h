/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A hash map from byte-string keys to fixed-size values stored inline: the
 * one container behind the process model and every group-by table, so that
 * memory grows with distinct keys only.
 */
#ifndef __TT_HMAP_H
#define __TT_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap;

struct hmap_entry {
	const void *key;
	size_t klen;
	void *value;
};

/* A map whose values are vsize bytes, zeroed when created. NULL on ENOMEM. */
struct hmap *hmap__new(size_t vsize);
void hmap__free(struct hmap *m);

/* The value for key, created (zeroed) if absent and create is set;
 * *created says which. NULL if absent (or on ENOMEM with create). */
void *hmap__get(struct hmap *m, const void *key, size_t klen, bool create, bool *created);

/* Remove key and its value: true if it was there. */
bool hmap__del(struct hmap *m, const void *key, size_t klen);

size_t hmap__count(const struct hmap *m);

/* Every entry, in a malloc'd array of hmap__count() entries (NULL if empty
 * or on ENOMEM), sorted by cmp when cmp is not NULL. */
struct hmap_entry *hmap__entries(const struct hmap *m,
				 int (*cmp)(const void *a, const void *b));

#endif /* __TT_HMAP_H */
