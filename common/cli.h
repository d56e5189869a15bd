/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Command-line helpers shared by every tool: numbers, sizes, durations, --version. */
#ifndef __TT_CLI_H
#define __TT_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Long-only options take values from 128 up, as in tcpdump. */
#define OPT_LONG_BASE 128

/* Each returns 0 or -EINVAL (the whole string must parse). */
int cli__parse_u64(const char *s, uint64_t *out);
/* "64M", "1G", "512K", "4096" (bytes; K/M/G are powers of 1024). */
int cli__parse_size(const char *s, uint64_t *out);
/* "1.5", "250ms", "2s", "10us", "3m" into seconds (a bare number is seconds). */
int cli__parse_seconds(const char *s, double *out);

/* -j/--threads N of the trace readers: 1..max, else -EINVAL. */
int cli__parse_threads(const char *s, int max, int *out);
/* Their default: one per online CPU, at most max. */
int cli__default_threads(int max);

/* "prog VERSION" then one line per linked library with its version. */
void cli__print_version(FILE *f);

#endif /* __TT_CLI_H */
