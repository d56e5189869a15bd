/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one renderer of the views' tables: aligned text with human units, or
 * a JSON array of objects with raw values (durations in ns, as LAMI gives
 * machine-readable twins of lttng-analyses' tables). A view fills rows of
 * cells and never formats them itself.
 */
#ifndef __TT_TABLE_H
#define __TT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

/* Where a report goes: text to f, or JSON through j when j is not NULL. */
struct report {
	FILE *f;
	struct json *j;
};

enum col_kind {
	COL_STR,   /* left-aligned text */
	COL_INT,   /* integer */
	COL_DUR,   /* ns, shown as "1.2 ms" */
	COL_SEC,   /* ns, shown as seconds "0.001234" (strace -c) */
	COL_USEC,  /* ns, shown as whole microseconds (strace -c); JSON: microseconds */
	COL_PCT,   /* percent, "45.00" */
	COL_BYTES, /* bytes, shown as "3.4 GiB" */
};

#define COL_BLANK0 0x1 /* show 0 as nothing, as strace -c does for errors */
#define COL_CLIP_END 0x2 /* past maxw, keep the start (a command), not the end (a path) */

struct col {
	const char *key;   /* JSON member name */
	const char *title; /* text column head */
	enum col_kind kind;
	int maxw;          /* text width cap (strings keep their end), 0 for none */
	unsigned flags;
	int minw;          /* text width floor (strace -c's fixed columns) */
};

struct table;

/* A table named key (its JSON member), titled title in text (NULL for none). */
struct table *table__new(const char *key, const char *title, const struct col *cols, int ncols);
void table__free(struct table *t);

/* strace -c look: dashes under the heads, no blank line before the title. */
void table__set_dashes(struct table *t, bool dashes);

/* Start a row; the cells are then set in column order. */
void table__row(struct table *t);
/* A row of dashes before the next row (text only), as before strace's total. */
void table__rule(struct table *t);
/* The next cell: text for COL_STR, a number for the others; _none leaves it empty. */
void table__str(struct table *t, const char *s);
void table__int(struct table *t, int64_t v);
void table__num(struct table *t, double v);
void table__none(struct table *t);

size_t table__rows(const struct table *t);

/* Text: title, heads, rows. JSON: "key": [ {...}, ... ]. */
void table__print(const struct table *t, struct report *r);

#endif /* __TT_TABLE_H */
