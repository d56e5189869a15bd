// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the Parquet writer's parts: Thrift compact protocol bytes
 * written out by hand from its specification (field deltas, long ids,
 * zigzag varints, lists, booleans, nested structs), and the writer's file
 * frame and refusals. DuckDB reads whole files in tests/parquet_duckdb.sh.
 */
#include "config.h" /* _GNU_SOURCE, for open_memstream */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "le.h"
#include "parquet.h"
#include "thrift.h"

static void expect_bytes(const struct bbuf *b, const unsigned char *want, size_t wlen)
{
	cr_assert(!b->failed);
	cr_assert_eq(b->len, wlen, "%zu bytes, expected %zu", b->len, wlen);
	for (size_t i = 0; i < wlen; i++)
		cr_assert_eq(b->data[i], want[i], "byte %zu is 0x%02x, expected 0x%02x", i, b->data[i],
			     want[i]);
}

Test(thrift, fields_integers_and_binaries)
{
	struct bbuf b = { 0 };
	struct thrift t;
	static const unsigned char want[] = {
		0x15, 0x02,             /* field 1 (delta 1), i32: zigzag(1) */
		0x15, 0x01,             /* field 2, i32 -1 */
		0x16, 0x80, 0x01,       /* field 3, i64 64: zigzag 128 as a varint */
		0x05, 0x28, 0x00,       /* field 20 (delta 17: long form), i32 0 */
		0x18, 0x02, 'h', 'i',   /* field 21, binary "hi" */
		0x11,                   /* field 22, bool true */
		0x12,                   /* field 23, bool false */
		0x00,                   /* end */
	};

	thrift__init(&t, &b);
	thrift__i32(&t, 1, 1);
	thrift__i32(&t, 2, -1);
	thrift__i64(&t, 3, 64);
	thrift__i32(&t, 20, 0);
	thrift__string(&t, 21, "hi");
	thrift__bool(&t, 22, true);
	thrift__bool(&t, 23, false);
	thrift__end(&t);
	expect_bytes(&b, want, sizeof(want));
	bbuf__free(&b);
}

Test(thrift, lists_and_nested_structs)
{
	struct bbuf b = { 0 };
	struct thrift t;
	static const unsigned char want[] = {
		0x19, 0x25, 0x00, 0x06,  /* field 1, list of 2 i32: 0, 3 */
		0x19, 0xf5, 0x0f,        /* field 2 (delta 1), list of 15 i32: the long size form */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x1c,                    /* field 3, struct */
		0x15, 0x04,              /* its field 1 (ids restart), i32 2 */
		0x00,                    /* its end */
		0x15, 0x06,              /* field 4 (delta from 3), i32 3 */
		0x00,
	};

	thrift__init(&t, &b);
	thrift__list(&t, 1, THRIFT_I32, 2);
	thrift__elem_i32(&t, 0);
	thrift__elem_i32(&t, 3);
	thrift__list(&t, 2, THRIFT_I32, 15);
	for (int i = 0; i < 15; i++)
		thrift__elem_i32(&t, 0);
	thrift__begin(&t, 3);
	thrift__i32(&t, 1, 2);
	thrift__end(&t);
	thrift__i32(&t, 4, 3);
	thrift__end(&t);
	expect_bytes(&b, want, sizeof(want));
	bbuf__free(&b);
}

static const struct parquet_column cols[] = {
	{ "n", PARQUET_U32, 0, false },
	{ "name", PARQUET_NAME, 0, true },
	{ "t", PARQUET_DECIMAL, 6, false },
};

/* The file's bytes: "PAR1", ..., the footer's length, "PAR1". */
static void expect_frame(const char *buf, size_t len)
{
	cr_assert_geq(len, 12);
	cr_assert(!memcmp(buf, "PAR1", 4));
	cr_assert(!memcmp(buf + len - 4, "PAR1", 4));
	cr_assert_leq(get_le32(buf + len - 8), len - 12);
}

Test(parquet, rows_and_row_groups)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct parquet_writer *w = parquet_writer__new(f, cols, 3);

	cr_assert(w);
	parquet_writer__set_group_rows(w, 2);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(parquet_writer__int(w, 0, i), 0);
		if (i == 3)
			cr_assert_eq(parquet_writer__null(w, 1), 0);
		else
			cr_assert_eq(parquet_writer__bytes(w, 1, i % 2 ? "read" : "", i % 2 ? 4 : 0), 0);
		cr_assert_eq(parquet_writer__int(w, 2, 1795304837293218 + i), 0);
		cr_assert_eq(parquet_writer__end_row(w), 0);
	}
	cr_assert_eq(parquet_writer__rows(w), 5);
	cr_assert_eq(parquet_writer__finish(w), 0);
	fclose(f);
	expect_frame(buf, len);
	free(buf);
}

Test(parquet, refusals)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct parquet_writer *w = parquet_writer__new(f, cols, 3);

	cr_assert(w);
	cr_assert_eq(parquet_writer__null(w, 0), -EINVAL, "a required column has no null");
	cr_assert_eq(parquet_writer__bytes(w, 0, "x", 1), -EINVAL, "a number is not bytes");
	cr_assert_eq(parquet_writer__int(w, 1, 1), -EINVAL, "a name is not a number");
	cr_assert_eq(parquet_writer__int(w, 3, 1), -EINVAL, "no such column");
	cr_assert_eq(parquet_writer__int(w, 0, 1), 0);
	cr_assert_eq(parquet_writer__int(w, 0, 2), -EINVAL, "a second value");
	cr_assert_eq(parquet_writer__end_row(w), -EINVAL, "a row without all its values");
	cr_assert_eq(parquet_writer__finish(w), -EINVAL, "a row left unfinished");
	fclose(f);
	free(buf);
	errno = 0;
	cr_assert_null(parquet_writer__new(stdout, cols, 0));
	cr_assert_eq(errno, EINVAL);
}

Test(parquet, no_rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct parquet_writer *w = parquet_writer__new(f, cols, 3);

	cr_assert(w);
	cr_assert_eq(parquet_writer__finish(w), 0);
	fclose(f);
	expect_frame(buf, len);
	free(buf);
}
