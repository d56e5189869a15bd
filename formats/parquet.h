/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A Parquet file writer (formats/PARQUET.md says what it writes): flat
 * columns, rows added one value per column, row groups of up to
 * PARQUET_GROUP_ROWS rows, each column chunk one ZSTD-compressed page
 * (PLAIN, or dictionary-encoded for PARQUET_NAME), with min/max statistics.
 */
#ifndef __TT_PARQUET_H
#define __TT_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PARQUET_GROUP_ROWS (1u << 20)
/* A row group ends sooner when its values take this much memory, or a
 * dictionary this many entries. */
#define PARQUET_GROUP_BYTES (64u << 20)
#define PARQUET_DICT_MAX 65536
#define PARQUET_MAX_COLUMNS 64

enum parquet_kind {
	PARQUET_BOOL,    /* BOOLEAN */
	PARQUET_I32,     /* INT32, INT(32, signed) */
	PARQUET_U32,     /* INT32, INT(32, unsigned) */
	PARQUET_I64,     /* INT64, INT(64, signed) */
	PARQUET_U64,     /* INT64, INT(64, unsigned) */
	PARQUET_DECIMAL, /* INT64, DECIMAL(18, scale): the value times 10^scale */
	PARQUET_TEXT,    /* BYTE_ARRAY, STRING, PLAIN */
	PARQUET_NAME,    /* BYTE_ARRAY, STRING, dictionary-encoded */
};

struct parquet_column {
	const char *name;
	enum parquet_kind kind;
	int scale;     /* PARQUET_DECIMAL's, 0 to 18 */
	bool optional; /* may hold nulls */
};

struct parquet_writer;

/*
 * Start a file on f (open, written from its start; not closed here): ncols
 * (1 to PARQUET_MAX_COLUMNS) columns, copied. NULL with errno set.
 */
struct parquet_writer *parquet_writer__new(FILE *f, const struct parquet_column *cols, int ncols);
/* One value of column col of the current row; each column takes one value
 * a row, in any order. 0, or -EINVAL (a wrong kind, a second value). */
int parquet_writer__int(struct parquet_writer *w, int col, int64_t v);
int parquet_writer__bytes(struct parquet_writer *w, int col, const void *p, size_t len);
/* Null: for an optional column only. */
int parquet_writer__null(struct parquet_writer *w, int col);
/* End the row: every column must have its value (-EINVAL). 0 or -errno
 * (a full row group is written out: -EIO, -ENOMEM). */
int parquet_writer__end_row(struct parquet_writer *w);
/* Write the last row group and the footer, and free w. 0 or -errno
 * (-EINVAL with a row unfinished: its values are not written). */
int parquet_writer__finish(struct parquet_writer *w);
/* Free w without finishing the file (after an error). */
void parquet_writer__free(struct parquet_writer *w);
/* End row groups at n rows (1 to PARQUET_GROUP_ROWS) from now on. */
void parquet_writer__set_group_rows(struct parquet_writer *w, uint32_t n);
/* Rows added so far. */
uint64_t parquet_writer__rows(const struct parquet_writer *w);

#endif /* __TT_PARQUET_H */
