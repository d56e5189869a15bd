/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What counts as a slow call, per syscall category (a default per category,
 * which --threshold overrides): the one table behind analyze --slow,
 * csv-export's is_slow_call and rec --slow (which hands it to the kernel).
 */
#ifndef __TT_SLOW_H
#define __TT_SLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls.h"

struct slow_thresholds {
	uint64_t ns[CAT__COUNT];
};

/* file_io 1 ms, network 5 ms, memory 0.5 ms, process 10 ms, others 100 us. */
void slow_thresholds__init(struct slow_thresholds *th);

/* "CATEGORY=DURATION" (file_io=2ms, other=50us). Returns 0 or -EINVAL. */
int slow_thresholds__parse(struct slow_thresholds *th, const char *spec);

/* "file_io=1ms,network=5ms,...": every category, in the syntax parse takes
 * (and each duration exact). Returns buf, cut to size. */
char *slow_thresholds__describe(const struct slow_thresholds *th, char *buf, size_t size);

static inline bool slow_thresholds__is_slow(const struct slow_thresholds *th,
					    enum syscall_category cat, uint64_t dur_ns)
{
	return dur_ns > th->ns[cat < CAT__COUNT ? cat : CAT_OTHER];
}

#endif /* __TT_SLOW_H */
