/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human-scaled numbers and times for the text views. */
#ifndef __TT_HUMAN_H
#define __TT_HUMAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "850 ns", "12 us", "1.2 ms", "3.40 s", "2.5 min": three significant digits. */
char *human__duration(char *buf, size_t size, uint64_t ns);
/* "512 B", "3.4 KiB", "1.2 GiB". */
char *human__bytes(char *buf, size_t size, uint64_t bytes);
/* "1234", "12.3k", "4.5M": counts that must fit a narrow column. */
char *human__count(char *buf, size_t size, uint64_t n);

/*
 * Unix time in ns as text, local time unless utc. fmt picks the layout:
 * HUMAN_TIME_CLOCK "12:00:01.123456", HUMAN_TIME_FULL "2026-11-21 12:00:01",
 * HUMAN_TIME_MS "2026-11-21 12:00:01.123", HUMAN_TIME_FILE "20261121_120001".
 */
enum human_time_fmt {
	HUMAN_TIME_CLOCK,
	HUMAN_TIME_FULL,
	HUMAN_TIME_MS,
	HUMAN_TIME_FILE,
};
char *human__time(char *buf, size_t size, int64_t unix_ns, enum human_time_fmt fmt, bool utc);

/*
 * A wall-clock time as the filters take it: "2026-11-21 12:00:01[.5]", or
 * "12:00:01[.5]" on the day of ref_unix_ns. Local time unless utc. Returns
 * 0 with *out in Unix ns, or -EINVAL.
 */
int human__parse_time(const char *s, int64_t ref_unix_ns, bool utc, int64_t *out);

#endif /* __TT_HUMAN_H */
