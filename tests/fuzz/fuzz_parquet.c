// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Parquet writer's inputs: any columns and any values (strings of any
 * bytes and length, integers at their limits, nulls), in row groups of a
 * few rows. The file must be whole: "PAR1" at both ends, and a footer that
 * is one well-formed Thrift compact struct of exactly its stated length,
 * saying the rows written. The input is
 *
 *   u8 columns (1 + n % 16), u8 rows per group (1 + n)
 *   per column: u8 kind (n % 8), u8 flags (bit 0 optional, scale n >> 1 % 19)
 *   then rows: per column, u8 control (bit 0 null when optional) and the
 *   value: u64 LE for numbers, or u8 length and the bytes for strings;
 *   a row the input ends inside is left out
 */
#include "config.h" /* _GNU_SOURCE, for open_memstream */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "le.h"
#include "parquet.h"

struct value {
	bool null;
	int64_t v;
	const uint8_t *p;
	size_t len;
};

/* Skip one compact-protocol value of type at *at, no deeper than depth;
 * false if it is not well formed. top_rows gets FileMetaData's num_rows. */
static bool skip(const uint8_t *b, size_t len, size_t *at, int type, int depth, int64_t *rows);

static bool varint(const uint8_t *b, size_t len, size_t *at, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*at >= len)
			return false;
		*v |= (uint64_t)(b[*at] & 0x7f) << shift;
		if (!(b[(*at)++] & 0x80))
			return true;
	}
	return false;
}

static bool skip_struct(const uint8_t *b, size_t len, size_t *at, int depth, int64_t *rows)
{
	int16_t id = 0;
	uint64_t v;

	if (depth > 16)
		return false;
	for (;;) {
		int type;

		if (*at >= len)
			return false;
		type = b[*at] & 0x0f;
		if (!b[*at]) {
			(*at)++;
			return true;
		}
		if (b[*at] >> 4) {
			id += b[*at] >> 4;
			(*at)++;
		} else {
			(*at)++;
			if (!varint(b, len, at, &v))
				return false;
			id = (int16_t)((v >> 1) ^ -(v & 1));
		}
		if (type == 1 || type == 2) /* a boolean field's value is its type */
			continue;
		if (rows && depth == 0 && id == 3 && type == 6) { /* num_rows */
			if (!varint(b, len, at, &v))
				return false;
			*rows = (int64_t)((v >> 1) ^ -(v & 1));
			continue;
		}
		if (!skip(b, len, at, type, depth + 1, NULL))
			return false;
	}
}

static bool skip(const uint8_t *b, size_t len, size_t *at, int type, int depth, int64_t *rows)
{
	uint64_t v, n;

	switch (type) {
	case 3: /* byte */
		return ++*at <= len;
	case 4: case 5: case 6: /* i16, i32, i64 */
		return varint(b, len, at, &v);
	case 8: /* binary */
		return varint(b, len, at, &v) && v <= len - *at && (*at += v, true);
	case 9: /* list */
		if (*at >= len)
			return false;
		n = b[*at] >> 4;
		type = b[(*at)++] & 0x0f;
		if (n == 15 && !varint(b, len, at, &n))
			return false;
		for (uint64_t i = 0; i < n; i++)
			if (!skip(b, len, at, type, depth, NULL))
				return false;
		return true;
	case 12:
		return skip_struct(b, len, at, depth, rows);
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parquet_column cols[16];
	struct value vals[16];
	struct parquet_writer *w;
	size_t at = 2, flen = 0, mlen, pos;
	uint64_t rows = 0;
	int64_t footer_rows = -1;
	char *out = NULL;
	FILE *f;
	int ncols;

	if (size < 2)
		return 0;
	ncols = 1 + data[0] % 16;
	if (size < 2 + 2 * (size_t)ncols)
		return 0;
	for (int i = 0; i < ncols; i++) {
		static const char *const names[] = { "a", "b", "timestamp", "", "c,d", "\xff" };

		cols[i].name = names[i % 6];
		cols[i].kind = data[at++] % 8;
		cols[i].optional = data[at] & 1;
		cols[i].scale = (data[at++] >> 1) % 19;
	}
	f = open_memstream(&out, &flen);
	fuzz_assert(f);
	w = parquet_writer__new(f, cols, ncols);
	fuzz_assert(w);
	parquet_writer__set_group_rows(w, 1u + data[1]);
	for (;;) {
		int i;

		for (i = 0; i < ncols; i++) {
			bool bytes = cols[i].kind == PARQUET_TEXT || cols[i].kind == PARQUET_NAME;

			if (at >= size)
				break;
			vals[i].null = cols[i].optional && (data[at] & 1);
			at++;
			if (vals[i].null)
				continue;
			if (bytes) {
				if (at >= size || data[at] > size - at - 1)
					break;
				vals[i].len = data[at];
				vals[i].p = data + at + 1;
				at += 1 + vals[i].len;
			} else {
				if (size - at < 8)
					break;
				vals[i].v = (int64_t)get_le64(data + at);
				at += 8;
			}
		}
		if (i < ncols)
			break;
		for (i = 0; i < ncols; i++) {
			if (vals[i].null)
				fuzz_assert(!parquet_writer__null(w, i));
			else if (cols[i].kind == PARQUET_TEXT || cols[i].kind == PARQUET_NAME)
				fuzz_assert(!parquet_writer__bytes(w, i, vals[i].p, vals[i].len));
			else
				fuzz_assert(!parquet_writer__int(w, i, vals[i].v));
		}
		/* a second value for a column is refused */
		fuzz_assert(parquet_writer__int(w, 0, 0) == -EINVAL);
		fuzz_assert(!parquet_writer__end_row(w));
		rows++;
	}
	fuzz_assert(parquet_writer__rows(w) == rows);
	fuzz_assert(!parquet_writer__finish(w));
	fuzz_assert(!fclose(f));
	fuzz_assert(flen >= 12 && !memcmp(out, "PAR1", 4) && !memcmp(out + flen - 4, "PAR1", 4));
	mlen = get_le32(out + flen - 8);
	fuzz_assert(mlen <= flen - 12);
	pos = flen - 8 - mlen;
	fuzz_assert(skip_struct((const uint8_t *)out, flen - 8, &pos, 0, &footer_rows));
	fuzz_assert(pos == flen - 8);
	fuzz_assert(footer_rows == (int64_t)rows);
	free(out);
	return 0;
}
