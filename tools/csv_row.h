/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CSV rows built in place in their file's output buffer, which is written
 * out with one fwrite per megabyte: csv-export writes millions of rows, and
 * printf's format parsing and float conversion, then a copy and an fwrite
 * per row, were most of its time. Numbers are formatted from integers
 * (durations are fixed-point ns), so the output is exact.
 */
#ifndef __TT_CSV_ROW_H
#define __TT_CSV_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * A row's bytes at most. Its fields get all but CSV_ROW_TAIL of them: the
 * rest is kept for what ends a row even when its fields were cut, so that
 * no row is cut mid-field: a cut field's mark and closing quote, the last
 * field (--with-container, itself at most CSV_LAST_MAX), the tail, the
 * time in ns and CRLF.
 * An exec's argv and envp at rec's largest --argsize and --envsize, encoded,
 * fit whole.
 */
#define CSV_ROW_MAX (512u << 10)
#define CSV_ROW_TAIL 16384 /* the last field quoted (2 x CSV_LAST_MAX), the tail
			    * (CSV_LAST_MAX), the ns (21), marks */
#define CSV_LAST_MAX 4096
#define CSV_CUT_MARK "[...]" /* ends a field cut at the row's limit */
#define CSV_OUT_SIZE (1u << 20) /* bytes an output gathers before an fwrite */

struct csv_writer;

/* One output file and the rows not written to it yet. */
struct csv_out {
	FILE *f;
	bool tty;  /* f is a terminal: a trace's control bytes go escaped (\ooo) */
	size_t len;
	char *buf; /* CSV_OUT_SIZE bytes; a row starts only with CSV_ROW_MAX free */
	struct csv_writer *w; /* csv_out__background's thread, or NULL */
};

struct csv_row {
	char *buf;  /* the row, in its output's buffer (csv_row__begin) */
	size_t len;
	size_t cap; /* bytes the row may take now: CSV_ROW_MAX - CSV_ROW_TAIL
		     * for the fields, CSV_ROW_MAX for the end */
	const char *last; /* when not NULL, csv_row__end adds it as a last field
			   * (csv-export --with-container) */
	const char *tail; /* fields of every row, already made, each with its
			   * comma, after last (csv-export --with-host) */
	size_t tail_len;  /* at most CSV_LAST_MAX */
	bool time_ns;     /* csv_row__end adds ns as the row's very last field,
			   * after the tail (csv-export's timestamp_ns) */
	uint64_t ns;
	bool safe;        /* csv-export --safe: text fields that a spreadsheet
			   * would take for a formula start with a quote */
};

/* Start an output on f (opened by the caller); -ENOMEM. */
int csv_out__init(struct csv_out *o, FILE *f);
/*
 * Write in a thread of o's own from now on: a full buffer is handed to it,
 * and rows go on into a second one while it is written (the kernel's copy
 * of the bytes costs about as much as making them). 0 or -errno; o then
 * writes in the caller's thread, as before.
 */
int csv_out__background(struct csv_out *o);
/* Write what is gathered to o->f (stdio reports errors through ferror);
 * in the background, it is only handed over: written once released. */
void csv_out__flush(struct csv_out *o);
/* Flush, wait for the writes, and free the buffers (not the FILE). */
void csv_out__release(struct csv_out *o);

/* Start a row in o, which must not hold another unfinished row. */
static inline void csv_row__begin(struct csv_row *r, struct csv_out *o)
{
	r->buf = o->buf + o->len;
	r->len = 0;
	r->cap = CSV_ROW_MAX - CSV_ROW_TAIL;
}

/* Bytes the row may still take (a cut field's end may run past cap). */
static inline size_t csv_row__room(const struct csv_row *r)
{
	return r->len < r->cap ? r->cap - r->len : 0;
}

static inline void csv_row__raw(struct csv_row *r, const char *s, size_t len)
{
	if (len > csv_row__room(r))
		len = csv_row__room(r);
	memcpy(r->buf + r->len, s, len);
	r->len += len;
}

#define CSV_ROW_PAD 64 /* see csv_row__padded */

/*
 * Like csv_row__raw, for text kept in a buffer readable for CSV_ROW_PAD
 * bytes: copied with one fixed-size move (no call for a few bytes) when the
 * row has that much room; the bytes past len are overwritten later.
 */
static inline void csv_row__padded(struct csv_row *r, const char *s, size_t len)
{
	if (len <= CSV_ROW_PAD && csv_row__room(r) >= CSV_ROW_PAD) {
		/* In 16-byte pieces: one memcpy of 64 became a rep movs, whose
		 * start-up cost a tenth of csv-export's time. */
		for (int i = 0; i < CSV_ROW_PAD; i += 16)
			memcpy(r->buf + r->len + i, s + i, 16);
		r->len += len;
	} else {
		csv_row__raw(r, s, len);
	}
}

static inline void csv_row__char(struct csv_row *r, char c)
{
	if (r->len < r->cap)
		r->buf[r->len++] = c;
}

/* A field quoted as RFC 4180 asks when it holds a comma, quote, CR or LF.
 * With r->safe, one starting with = + - @ (a formula to a spreadsheet: a
 * process chooses its argv and file names) gets a ' before it, quoted. */
void csv_row__field(struct csv_row *r, const char *s, size_t len);
void csv_row__str(struct csv_row *r, const char *s);
void csv_row__u64(struct csv_row *r, uint64_t v);
void csv_row__i64(struct csv_row *r, int64_t v);
/* The n (1-20) low decimal digits of v, zero-padded: (42, 6) is "000042". */
void csv_row__digits(struct csv_row *r, uint64_t v, int n);
/* v / 10^digits with exactly digits (1-19) decimals: (259894, 3) is "259.894". */
void csv_row__fixed(struct csv_row *r, uint64_t v, int digits);
void csv_row__hex(struct csv_row *r, uint64_t v);
/* A duration in ns three ways, from one conversion to digits: as
 * csv_row__u64(v), ',', csv_row__fixed(v, 3), ',', csv_row__fixed(v, 6). */
void csv_row__durations(struct csv_row *r, uint64_t ns);

/* Append the last field if set, the tail, ns if time_ns, and CRLF: the row
 * is then part of o's output, written when o is full or flushed. */
void csv_row__end(struct csv_row *r, struct csv_out *o);

#endif /* __TT_CSV_ROW_H */
