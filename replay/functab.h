/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The function monitor's side of a trace, for the views: the function table
 * (FUNC records, the same in every file of a recording), and the one
 * aggregate both modes fold into (log2 ns histograms, as the kernel keeps
 * them in count mode).
 */
#ifndef __TT_FUNCTAB_H
#define __TT_FUNCTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "records.h"

struct functab;

struct functab *functab__new(void);
void functab__free(struct functab *ft);

/* Remember a FUNC record (a later file repeats it: kept once). */
int functab__note(struct functab *ft, const struct tt_func *f);

/* The function with this id (name and module NUL-terminated), or NULL. */
const struct tt_func *functab__get(const struct functab *ft, uint32_t id);
int functab__count(const struct functab *ft);

/* Calls of one function: from FUNC_CALL returns or FUNC_STATS records. */
struct func_agg {
	uint64_t count, total_ns, max_ns;
	uint64_t hist[TT_FUNC_BUCKETS]; /* [2^i, 2^(i+1)) ns, as in FUNC_STATS */
};

void func_agg__add(struct func_agg *a, uint64_t ns);
void func_agg__add_stats(struct func_agg *a, const struct tt_func_stats *s);

/*
 * The pct'th percentile (0-100) as the upper end of the histogram bucket
 * it falls in, capped at the maximum: an upper bound within a factor of 2.
 */
uint64_t func_agg__percentile(const struct func_agg *a, double pct);

/* The log2 ns bucket of a duration. */
int func_bucket(uint64_t ns);

#endif /* __TT_FUNCTAB_H */
