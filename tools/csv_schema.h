/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The columns of csv-export's files, with a type each: the header rows,
 * the CREATE TABLE statements of --schema and the Parquet files' columns
 * are all made from these lists (csvs[] in csv-export.c), never typed twice.
 */
#ifndef __TT_CSV_SCHEMA_H
#define __TT_CSV_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>

/* What a column holds, as csv-export writes it. */
enum csv_type {
	CSV_T_TIME,  /* Unix seconds with 6 decimals: 1700000000.123456 */
	CSV_T_TIME_NS, /* Unix nanoseconds, an integer: 1700000000123456789 */
	CSV_T_TEXT,  /* any text (argv, paths, time_str) */
	CSV_T_NAME,  /* text of few distinct values: comm, syscall_name, ... */
	CSV_T_HEX,   /* 0x-prefixed hex, or a name (a handler's SIG_DFL) */
	CSV_T_I32,
	CSV_T_U32,
	CSV_T_I64,
	CSV_T_U64,
	CSV_T_MS3,   /* a decimal with 3 decimals (duration_us) */
	CSV_T_MS6,   /* a decimal with 6 decimals (duration_ms) */
	CSV_T_BOOL,  /* true or false */
	CSV_T__COUNT,
};

/* Text of any kind: its empty field is NULL in a database (and in Parquet). */
static inline bool csv_type__is_text(enum csv_type t)
{
	return t == CSV_T_TEXT || t == CSV_T_NAME || t == CSV_T_HEX;
}

struct csv_col {
	const char *name;
	enum csv_type type;
	bool nullable; /* the field can be empty: NULL in a database */
};

#define CSV_MAX_COLS 24

struct csv_table {
	const char *name; /* the monitor: the file's prefix and the table's name */
	const struct csv_col *cols;
	int ncols;
};

/* Columns added after a table's own (csv-export's options), before the
 * last column of every table, timestamp_ns. */
enum {
	CSV_WITH_CONTAINER = 1 << 0, /* container_id */
	CSV_WITH_HOST = 1 << 1,      /* host, trace_id */
};

enum csv_engine {
	CSV_ENGINE_CLICKHOUSE,
	CSV_ENGINE_POSTGRES,
	CSV_ENGINE_DUCKDB,
	CSV_ENGINE_SQLITE,
};

/* The engine a --schema argument names; -EINVAL. */
int csv_schema__engine(const char *name);
/* t's columns, the extra ones (CSV_WITH_*) and timestamp_ns into cols
 * (CSV_MAX_COLS); returns how many. */
int csv_schema__columns(const struct csv_table *t, unsigned int with, struct csv_col *cols);
/* The header row (names, comma-separated, CRLF). */
void csv_schema__header(FILE *f, const struct csv_table *t, unsigned int with);
/* One CREATE TABLE statement for t in engine e's SQL. */
void csv_schema__create(FILE *f, enum csv_engine e, const struct csv_table *t, unsigned int with);

#endif /* __TT_CSV_SCHEMA_H */
