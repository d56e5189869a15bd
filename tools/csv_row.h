/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One CSV row built in memory and written with one fwrite: csv-export writes
 * millions of rows, and printf's format parsing and float conversion were
 * most of its time. Numbers are formatted from integers (durations are
 * fixed-point ns), so the output is exact.
 */
#ifndef __TT_CSV_ROW_H
#define __TT_CSV_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CSV_ROW_MAX 16384 /* longer rows are cut (argv is bounded by rec anyway) */

struct csv_row {
	size_t len;
	const char *last; /* when not NULL, csv_row__end adds it as a last field
			   * (csv-export --with-container) */
	bool safe;        /* csv-export --safe: text fields that a spreadsheet
			   * would take for a formula start with a quote */
	char buf[CSV_ROW_MAX];
};

static inline void csv_row__reset(struct csv_row *r)
{
	r->len = 0;
}

void csv_row__raw(struct csv_row *r, const char *s, size_t len);
/* A field quoted as RFC 4180 asks when it holds a comma, quote, CR or LF.
 * With r->safe, one starting with = + - @ (a formula to a spreadsheet: a
 * process chooses its argv and file names) gets a ' before it, quoted. */
void csv_row__field(struct csv_row *r, const char *s, size_t len);
void csv_row__str(struct csv_row *r, const char *s);
void csv_row__u64(struct csv_row *r, uint64_t v);
void csv_row__i64(struct csv_row *r, int64_t v);
/* v / 10^digits with exactly digits decimals: (259894, 3) is "259.894". */
void csv_row__fixed(struct csv_row *r, uint64_t v, int digits);
void csv_row__hex(struct csv_row *r, uint64_t v);
static inline void csv_row__char(struct csv_row *r, char c)
{
	if (r->len < CSV_ROW_MAX)
		r->buf[r->len++] = c;
}

/* Append the last field if set, CRLF, and write the row to f. */
void csv_row__end(struct csv_row *r, FILE *f);

#endif /* __TT_CSV_ROW_H */
