// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"

struct node {
	struct node *next;
	uint64_t hash;
	size_t klen;
	void *key;
	_Alignas(max_align_t) unsigned char value[];
};

struct hmap {
	struct node **buckets;
	size_t nbuckets, count, vsize;
};

/* FNV-1a: keys are short (a pid, a syscall number, a path). */
static uint64_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

struct hmap *hmap__new(size_t vsize)
{
	struct hmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->vsize = vsize;
	m->nbuckets = 64;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	if (!m->buckets) {
		free(m);
		return NULL;
	}
	return m;
}

void hmap__free(struct hmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct node *n = m->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n->key);
			free(n);
		}
	}
	free(m->buckets);
	free(m);
}

static void grow(struct hmap *m)
{
	size_t nb = m->nbuckets * 2;
	struct node **b = calloc(nb, sizeof(*b));

	if (!b)
		return; /* keep the longer chains: still correct */
	for (size_t i = 0; i < m->nbuckets; i++) {
		struct node *n = m->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(m->buckets);
	m->buckets = b;
	m->nbuckets = nb;
}

void *hmap__get(struct hmap *m, const void *key, size_t klen, bool create, bool *created)
{
	uint64_t h = hash_bytes(key, klen);
	struct node *n;

	if (created)
		*created = false;
	for (n = m->buckets[h & (m->nbuckets - 1)]; n; n = n->next)
		if (n->hash == h && n->klen == klen && !memcmp(n->key, key, klen))
			return n->value;
	if (!create)
		return NULL;
	n = calloc(1, sizeof(*n) + m->vsize);
	if (!n)
		return NULL;
	n->key = malloc(klen ? klen : 1);
	if (!n->key) {
		free(n);
		return NULL;
	}
	memcpy(n->key, key, klen);
	n->klen = klen;
	n->hash = h;
	n->next = m->buckets[h & (m->nbuckets - 1)];
	m->buckets[h & (m->nbuckets - 1)] = n;
	if (++m->count > m->nbuckets)
		grow(m);
	if (created)
		*created = true;
	return n->value;
}

bool hmap__del(struct hmap *m, const void *key, size_t klen)
{
	uint64_t h = hash_bytes(key, klen);

	for (struct node **pn = &m->buckets[h & (m->nbuckets - 1)], *n; (n = *pn);
	     pn = &n->next) {
		if (n->hash == h && n->klen == klen && !memcmp(n->key, key, klen)) {
			*pn = n->next;
			free(n->key);
			free(n);
			m->count--;
			return true;
		}
	}
	return false;
}

size_t hmap__count(const struct hmap *m)
{
	return m->count;
}

struct hmap_entry *hmap__entries(const struct hmap *m, int (*cmp)(const void *a, const void *b))
{
	struct hmap_entry *e;
	size_t k = 0;

	if (!m->count)
		return NULL;
	e = malloc(m->count * sizeof(*e));
	if (!e)
		return NULL;
	for (size_t i = 0; i < m->nbuckets; i++)
		for (struct node *n = m->buckets[i]; n; n = n->next)
			e[k++] = (struct hmap_entry){ n->key, n->klen, n->value };
	if (cmp)
		qsort(e, k, sizeof(*e), cmp);
	return e;
}
