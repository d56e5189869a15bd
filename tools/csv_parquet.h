/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * csv-export --format parquet: each CSV row, as csv-export makes it, turned
 * into a row of a Parquet file (formats/parquet.h) with the columns' types
 * (csv_schema.h), so that both formats hold the same values from one
 * formatting of the events.
 */
#ifndef __TT_CSV_PARQUET_H
#define __TT_CSV_PARQUET_H

#include <stddef.h>
#include <stdio.h>

#include "csv_schema.h"

struct csv_parquet;

/* A Parquet file on f for t's columns and the extra ones of with; NULL
 * with errno set. */
struct csv_parquet *csv_parquet__new(FILE *f, const struct csv_table *t, unsigned int with);
/* One CSV row (its fields and CRLF, as csv_row__end leaves it) as a row.
 * 0, or -EINVAL naming the column in why, -EIO, -ENOMEM. */
int csv_parquet__row(struct csv_parquet *p, const char *row, size_t len, char *why,
		     size_t whylen);
/* Write the footer and free p: 0 or -errno. */
int csv_parquet__finish(struct csv_parquet *p);
void csv_parquet__free(struct csv_parquet *p);

#endif /* __TT_CSV_PARQUET_H */
