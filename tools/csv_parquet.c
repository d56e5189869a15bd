// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_parquet.h"
#include "csv_row.h"
#include "parquet.h"

struct csv_parquet {
	struct parquet_writer *w;
	struct csv_col cols[CSV_MAX_COLS];
	int ncols;
	char *field; /* an unquoted field */
};

/* The Parquet column of each type: decimals are integers scaled by their
 * decimals (timestamp in microseconds, the durations in nanoseconds).
 * timestamp_ns is a plain UINT_64: DuckDB reads a TIMESTAMP(NANOS) that is
 * adjusted to UTC as a TIMESTAMPTZ, which has only microseconds. */
static const struct {
	enum parquet_kind kind;
	int scale;
} kinds[] = {
	[CSV_T_TIME] = { PARQUET_DECIMAL, 6 }, [CSV_T_TIME_NS] = { PARQUET_U64, 0 },
	[CSV_T_TEXT] = { PARQUET_TEXT, 0 },
	[CSV_T_NAME] = { PARQUET_NAME, 0 },    [CSV_T_HEX] = { PARQUET_TEXT, 0 },
	[CSV_T_I32] = { PARQUET_I32, 0 },      [CSV_T_U32] = { PARQUET_U32, 0 },
	[CSV_T_I64] = { PARQUET_I64, 0 },      [CSV_T_U64] = { PARQUET_U64, 0 },
	[CSV_T_MS3] = { PARQUET_DECIMAL, 3 },  [CSV_T_MS6] = { PARQUET_DECIMAL, 6 },
	[CSV_T_BOOL] = { PARQUET_BOOL, 0 },
};

struct csv_parquet *csv_parquet__new(FILE *f, const struct csv_table *t, unsigned int with)
{
	struct parquet_column pc[CSV_MAX_COLS];
	struct csv_parquet *p = calloc(1, sizeof(*p));

	if (!p || !(p->field = malloc(CSV_ROW_MAX))) { /* a field is within its row */
		free(p);
		return NULL;
	}
	p->ncols = csv_schema__columns(t, with, p->cols);
	for (int i = 0; i < p->ncols; i++) {
		pc[i].name = p->cols[i].name;
		pc[i].kind = kinds[p->cols[i].type].kind;
		pc[i].scale = kinds[p->cols[i].type].scale;
		/* an empty field is NULL, as the databases load it */
		pc[i].optional = p->cols[i].nullable || csv_type__is_text(p->cols[i].type);
	}
	p->w = parquet_writer__new(f, pc, p->ncols);
	if (!p->w) {
		csv_parquet__free(p);
		return NULL;
	}
	return p;
}

/* "[-]DIGITS[.DIGITS]" as an integer of scale decimals; false if it is
 * not one or has more decimals. */
static bool parse_decimal(const char *s, size_t len, int scale, int64_t *out)
{
	bool neg = len && s[0] == '-', dot = false, digit = false;
	int decimals = 0;
	uint64_t v = 0;

	for (size_t i = neg; i < len; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || (dot && ++decimals > scale) ||
		    v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		digit = true;
	}
	for (; decimals < scale; decimals++) {
		if (v > UINT64_MAX / 10)
			return false;
		v *= 10;
	}
	if (!digit || v > (uint64_t)INT64_MAX)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return true;
}

static int put(struct csv_parquet *p, int i, const char *s, size_t len)
{
	const struct csv_col *c = &p->cols[i];
	int64_t v;

	if (!len)
		return parquet_writer__null(p->w, i);
	switch (c->type) {
	case CSV_T_TEXT:
	case CSV_T_NAME:
	case CSV_T_HEX:
		return parquet_writer__bytes(p->w, i, s, len);
	case CSV_T_BOOL:
		if (len == 4 && !memcmp(s, "true", 4))
			return parquet_writer__int(p->w, i, 1);
		if (len == 5 && !memcmp(s, "false", 5))
			return parquet_writer__int(p->w, i, 0);
		return -EINVAL;
	case CSV_T_TIME_NS:
	case CSV_T_U64: /* above INT64_MAX: its bits, as Parquet's UINT_64 */
		if (len && s[0] != '-') {
			uint64_t u = 0;

			for (size_t k = 0; k < len; k++) {
				if (s[k] < '0' || s[k] > '9' || u > (UINT64_MAX - 9) / 10)
					return -EINVAL;
				u = u * 10 + (uint64_t)(s[k] - '0');
			}
			return parquet_writer__int(p->w, i, (int64_t)u);
		}
		return -EINVAL;
	default:
		if (!parse_decimal(s, len, kinds[c->type].scale, &v))
			return -EINVAL;
		if ((c->type == CSV_T_I32 && (v < INT32_MIN || v > INT32_MAX)) ||
		    (c->type == CSV_T_U32 && (v < 0 || v > UINT32_MAX)))
			return -EINVAL;
		return parquet_writer__int(p->w, i, v);
	}
}

int csv_parquet__row(struct csv_parquet *p, const char *row, size_t len, char *why,
		     size_t whylen)
{
	size_t at = 0;
	int i = 0, err;

	while (len && (row[len - 1] == '\n' || row[len - 1] == '\r'))
		len--;
	for (i = 0; i < p->ncols; i++) {
		size_t n = 0;

		if (at < len && row[at] == '"') { /* RFC 4180: "" is a quote */
			for (at++; at < len; at++) {
				if (row[at] == '"' && (at + 1 >= len || row[at + 1] != '"')) {
					at++;
					break;
				}
				if (row[at] == '"')
					at++;
				p->field[n++] = row[at];
			}
		} else {
			while (at < len && row[at] != ',')
				p->field[n++] = row[at++];
		}
		err = put(p, i, p->field, n);
		if (err) {
			snprintf(why, whylen, "column %s: '%.*s' is not of its type", p->cols[i].name,
				 (int)(n > 64 ? 64 : n), p->field);
			return err;
		}
		if (i + 1 < p->ncols && (at >= len || row[at] != ',')) {
			snprintf(why, whylen, "a row without column %s", p->cols[i + 1].name);
			return -EINVAL;
		}
		at++;
	}
	err = parquet_writer__end_row(p->w);
	if (err)
		snprintf(why, whylen, "%s", strerror(-err));
	return err;
}

int csv_parquet__finish(struct csv_parquet *p)
{
	int err = parquet_writer__finish(p->w);

	p->w = NULL;
	csv_parquet__free(p);
	return err;
}

void csv_parquet__free(struct csv_parquet *p)
{
	if (!p)
		return;
	parquet_writer__free(p->w);
	free(p->field);
	free(p);
}
