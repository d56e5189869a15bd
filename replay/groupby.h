/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one statistics engine of the views (as sysdig's table_generator): a
 * table of aggregates keyed by whatever a view groups by (a syscall number,
 * a pid, a path, a pair of them), with calls, errors, time and a log2
 * latency histogram, sorted and cut to the top N when shown.
 */
#ifndef __TT_GROUPBY_H
#define __TT_GROUPBY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"

/*
 * Each table keeps at most GROUPBY_MAX_KEYS distinct keys and
 * GROUPBY_MAX_KEY_BYTES of key bytes (hostile traces have millions of
 * distinct paths of up to 1 MiB); calls under any further key are counted
 * in one "other" aggregate. About 400 bytes a key: ~52 MiB a table at most,
 * plus the key bytes.
 */
#define GROUPBY_MAX_KEYS (1u << 17)
#define GROUPBY_MAX_KEY_BYTES (16u << 20)

#define HIST_SLOTS 40 /* log2 buckets of microseconds: up to 2^40 us */

struct agg {
	uint64_t count, errors;
	uint64_t total_ns, max_ns, min_ns;
	uint64_t hist[HIST_SLOTS]; /* slot k: [2^k, 2^(k+1)) us; slot 0 also 0 us */
};

enum groupby_order {
	GROUPBY_BY_COUNT, /* most calls first */
	GROUPBY_BY_TIME,  /* most total time first */
	GROUPBY_BY_ERRORS,
	GROUPBY_BY_KEY,   /* key bytes in order (fixed-size keys: numeric order on BE only) */
};

struct groupby;

struct groupby *groupby__new(void);
void groupby__free(struct groupby *g);

/* Count one call of duration dur_ns under key (under "other" once the table
 * is full). NULL on ENOMEM, which groupby__lost() then counts. */
struct agg *groupby__add(struct groupby *g, const void *key, size_t klen, uint64_t dur_ns,
			 bool failed);

/* The aggregate under key, or NULL if nothing was counted there. */
const struct agg *groupby__find(const struct groupby *g, const void *key, size_t klen);

/* The calls of keys past the caps, or NULL if none. */
const struct agg *groupby__other(const struct groupby *g);

/* If any calls went to "other": one warning, what naming the keys ("--top:
 * paths"). */
void groupby__warn_other(const struct groupby *g, const char *what);

/* Calls dropped in any table for want of memory: the counts are not true. */
uint64_t groupby__lost(void);

/* The sum of every entry and of "other", into out. */
void groupby__total(const struct groupby *g, struct agg *out);

size_t groupby__count(const struct groupby *g);

/* The entries sorted (ties by key, so output is stable); free() the array. */
struct hmap_entry *groupby__sorted(const struct groupby *g, enum groupby_order order);

/* Record one duration in an agg (what groupby__add does). */
void agg__add(struct agg *a, uint64_t dur_ns, bool failed);

/*
 * The key of every group by (syscall, errno), alone or inside a larger key.
 * Keys are hashed and compared as bytes, so it has no padding: a padding
 * byte left unwritten would split one group in two.
 */
struct nr_errno {
	int32_t nr;
	int32_t err; /* positive */
};
_Static_assert(sizeof(struct nr_errno) == 2 * sizeof(int32_t), "struct nr_errno has padding");

/* The key of a call to nr that failed with err (a positive errno). */
static inline struct nr_errno nr_errno__make(int nr, int err)
{
	return (struct nr_errno){ .nr = nr, .err = err };
}

#endif /* __TT_GROUPBY_H */
