// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of csv-export's row builder (tools/csv_row.c): RFC 4180
 * quoting, --safe's quote before what a spreadsheet takes for a formula,
 * numbers formatted from integers (checked against printf), rows cut at
 * CSV_ROW_MAX as they are today, and outputs flushed in whole rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "csv_row.h"

static struct csv_out out;
static struct csv_row row;
static FILE *mem;
static char *mem_buf;
static size_t mem_len;

static void setup(void)
{
	mem = open_memstream(&mem_buf, &mem_len);
	cr_assert_not_null(mem);
	cr_assert_eq(csv_out__init(&out, mem), 0);
	memset(&row, 0, sizeof(row));
	csv_row__begin(&row, &out);
}

static void teardown(void)
{
	csv_out__release(&out);
	fclose(mem);
	free(mem_buf);
}

TestSuite(csv_row, .init = setup, .fini = teardown);

/* The row so far is want (which may hold NULs: its length is given). */
#define assert_row_n(want, n) \
	do { \
		cr_assert_eq(row.len, (size_t)(n), "row of %zu bytes: '%.*s', want '%s'", \
			     row.len, (int)row.len, row.buf, want); \
		cr_assert_arr_eq(row.buf, want, n, "row '%.*s', want '%s'", (int)row.len, \
				 row.buf, want); \
	} while (0)
#define assert_row(want) assert_row_n(want, strlen(want))

static void field_is(const char *s, size_t len, const char *want)
{
	row.len = 0;
	csv_row__field(&row, s, len);
	assert_row(want);
}

Test(csv_row, plain_fields_unquoted)
{
	field_is("getppid", 7, "getppid");
	field_is("", 0, "");
	field_is("a b\tc;d'e", 9, "a b\tc;d'e");
	field_is("=1+2", 4, "=1+2"); /* formulas pass without --safe */
	field_is("-1", 2, "-1");
}

Test(csv_row, quoted_as_rfc4180)
{
	field_is("a,b", 3, "\"a,b\"");
	field_is("say \"hi\"", 8, "\"say \"\"hi\"\"\"");
	field_is("\"", 1, "\"\"\"\"");
	field_is("two\nlines", 9, "\"two\nlines\"");
	field_is("cr\r", 3, "\"cr\r\"");
	/* only the given length counts: the comma after it is not the field's */
	field_is("ab,c", 2, "ab");
}

/* A NUL is not a character that needs quotes: it goes out as it is. */
Test(csv_row, nul_bytes_kept)
{
	row.len = 0;
	csv_row__field(&row, "a\0b", 3);
	assert_row_n("a\0b", 3);
}

Test(csv_row, safe_quotes_formulas)
{
	row.safe = true;
	field_is("=cmd|' /C calc'!A0", 18, "\"'=cmd|' /C calc'!A0\"");
	field_is("+1", 2, "\"'+1\"");
	field_is("-2", 2, "\"'-2\"");
	field_is("@SUM(A1)", 8, "\"'@SUM(A1)\"");
	field_is("=a\"b,c", 6, "\"'=a\"\"b,c\"");
	/* only the first byte makes a formula */
	field_is("a=b", 3, "a=b");
	field_is(" =b", 3, " =b");
	field_is("", 0, "");
	/* a NUL first is not the end of "=+-@" (strchr would say so) */
	row.len = 0;
	csv_row__field(&row, "\0=", 2);
	assert_row_n("\0=", 2);
	/* csv_row__str: the same rules for C strings */
	row.len = 0;
	csv_row__str(&row, "-rf");
	assert_row("\"'-rf\"");
}

static void u64_is(uint64_t v)
{
	char want[32];

	snprintf(want, sizeof(want), "%" PRIu64, v);
	row.len = 0;
	csv_row__u64(&row, v);
	assert_row(want);
}

static void i64_is(int64_t v)
{
	char want[32];

	snprintf(want, sizeof(want), "%" PRId64, v);
	row.len = 0;
	csv_row__i64(&row, v);
	assert_row(want);
}

/* Every digit count, at both sides of each power of ten, and the ends. */
Test(csv_row, integers_as_printf)
{
	uint64_t p = 1;

	u64_is(0);
	u64_is(UINT64_MAX);
	for (int k = 1; k <= 19; k++) {
		p *= 10;
		u64_is(p - 1);
		u64_is(p);
		u64_is(p + 1);
		i64_is(-(int64_t)(p - 1));
		if (k < 19)
			i64_is((int64_t)p);
	}
	i64_is(0);
	i64_is(-1);
	i64_is(INT64_MAX);
	i64_is(INT64_MIN);
	/* a spread of values */
	for (uint64_t v = 1, s = 7; v < UINT64_MAX / 4; v = v * 3 + (s++ % 5))
		u64_is(v);
}

Test(csv_row, digits_fixed_hex)
{
	static const struct {
		void (*put)(struct csv_row *r, uint64_t v, int n);
		uint64_t v;
		int n;
		const char *want;
	} cases[] = {
		{ csv_row__digits, 42, 6, "000042" },
		{ csv_row__digits, 123456, 2, "56" }, /* the low digits only */
		{ csv_row__digits, 7, 1, "7" },
		{ csv_row__digits, UINT64_MAX, 20, "18446744073709551615" },
		{ csv_row__fixed, 259894, 3, "259.894" },
		{ csv_row__fixed, 5, 3, "0.005" },
		{ csv_row__fixed, 1000000, 6, "1.000000" },
		{ csv_row__fixed, UINT64_MAX, 19, "1.8446744073709551615" },
		{ csv_row__fixed, 0, 1, "0.0" },
		{ NULL, 0, 0, "0" }, /* NULL: csv_row__hex */
		{ NULL, 255, 0, "0xff" },
		{ NULL, 0x7f0012345678ull, 0, "0x7f0012345678" },
		{ NULL, UINT64_MAX, 0, "0xffffffffffffffff" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		row.len = 0;
		if (cases[i].put)
			cases[i].put(&row, cases[i].v, cases[i].n);
		else
			csv_row__hex(&row, cases[i].v);
		assert_row(cases[i].want);
	}
}

static void durations_are(uint64_t ns)
{
	char want[80];

	snprintf(want, sizeof(want), "%" PRIu64 ",%" PRIu64 ".%03" PRIu64 ",%" PRIu64 ".%06" PRIu64,
		 ns, ns / 1000, ns % 1000, ns / 1000000, ns % 1000000);
	row.len = 0;
	csv_row__durations(&row, ns);
	assert_row(want);
}

/* ns, us and ms with exactly 3 and 6 decimals, from every digit count. */
Test(csv_row, durations)
{
	uint64_t p = 1;

	durations_are(0);
	durations_are(999);
	durations_are(1234567);
	durations_are(UINT64_MAX);
	for (int k = 1; k <= 19; k++) {
		p *= 10;
		durations_are(p - 1);
		durations_are(p);
		durations_are(p + 7);
	}
	for (uint64_t v = 1, s = 3; v < UINT64_MAX / 8; v = v * 7 + (s++ % 11))
		durations_are(v);
}

Test(csv_row, end_adds_last_field_and_crlf)
{
	const char *want = "1,a\r\n2,b,\"docker,x\"\r\n3,\"'=c\",\"'@x\"\r\n";

	csv_row__u64(&row, 1);
	csv_row__char(&row, ',');
	csv_row__str(&row, "a");
	csv_row__end(&row, &out);
	cr_assert_eq(row.len, 0);
	cr_assert_eq(out.len, 5);
	csv_row__begin(&row, &out);
	row.last = "docker,x";
	csv_row__raw(&row, "2,b", 3);
	csv_row__end(&row, &out);
	csv_row__begin(&row, &out);
	row.safe = true;
	row.last = "@x"; /* the last field follows --safe too */
	csv_row__raw(&row, "3,", 2);
	csv_row__str(&row, "=c");
	csv_row__end(&row, &out);
	cr_assert_eq(out.len, strlen(want));
	cr_assert_arr_eq(out.buf, want, strlen(want));
	cr_assert_eq(mem_len, 0, "nothing written before a flush");
	csv_out__flush(&out);
	fflush(mem);
	cr_assert_eq(out.len, 0);
	cr_assert_eq(mem_len, strlen(want));
	cr_assert_arr_eq(mem_buf, want, strlen(want));
}

/* The time in ns goes after the last field and the tail: every row's
 * very last field (csv-export's timestamp_ns), all 20 digits of a u64. */
Test(csv_row, time_ns_after_last_field_and_tail)
{
	const char *want = "1,x,h,t,1795304837293218483\r\n2,18446744073709551615\r\n";

	row.time_ns = true;
	row.ns = 1795304837293218483ull;
	row.last = "x";
	row.tail = ",h,t";
	row.tail_len = 4;
	csv_row__char(&row, '1');
	csv_row__end(&row, &out);
	csv_row__begin(&row, &out);
	row.last = row.tail = NULL;
	row.ns = UINT64_MAX;
	csv_row__char(&row, '2');
	csv_row__end(&row, &out);
	cr_assert_eq(out.len, strlen(want));
	cr_assert_arr_eq(out.buf, want, strlen(want));
}

/* Rows are written out in whole rows once the buffer has less than a
 * full row's room, and every byte reaches the file in order. */
Test(csv_row, output_flushed_in_whole_rows)
{
	enum { ROWS = 200000 };
	size_t flushed_at = 0;

	for (int i = 0; i < ROWS; i++) {
		size_t before = out.len;

		csv_row__begin(&row, &out);
		csv_row__u64(&row, i);
		csv_row__char(&row, ',');
		csv_row__str(&row, i % 3 ? "read" : "a,b");
		csv_row__end(&row, &out);
		if (out.len < before) {
			/* flushed: what was there and this row went out */
			fflush(mem);
			cr_assert_eq(out.len, 0);
			cr_assert_geq(before, CSV_OUT_SIZE - CSV_ROW_MAX - 64);
			flushed_at++;
		}
		cr_assert_leq(out.len, CSV_OUT_SIZE - CSV_ROW_MAX);
	}
	cr_assert_gt(flushed_at, 0, "a megabyte of rows was flushed");
	csv_out__flush(&out);
	fflush(mem);
	/* read the file back */
	{
		char want[64];
		size_t off = 0;

		for (int i = 0; i < ROWS; i++) {
			int n = snprintf(want, sizeof(want), "%d,%s\r\n", i, i % 3 ? "read" : "\"a,b\"");

			cr_assert_leq(off + n, mem_len);
			cr_assert_arr_eq(mem_buf + off, want, n, "row %d", i);
			off += n;
		}
		cr_assert_eq(off, mem_len);
	}
}

/* The fields' room: a row's bytes but the tail kept for its end. */
#define FIELDS_ROOM (CSV_ROW_MAX - CSV_ROW_TAIL)

/*
 * A row never ends mid-field: a field reaching the fields' room is cut
 * there with CSV_CUT_MARK, a quoted one keeps its closing quote, and the
 * row still ends with CRLF.
 */
Test(csv_row, rows_cut_whole_fields)
{
	size_t n = CSV_ROW_MAX + 100, m = sizeof(CSV_CUT_MARK) - 1;
	char *big = malloc(n);

	memset(big, 'x', n);
	csv_row__field(&row, big, n);
	cr_assert_eq(row.len, FIELDS_ROOM + m, "cut at the room, then the mark");
	cr_assert_arr_eq(row.buf + FIELDS_ROOM, CSV_CUT_MARK, m);

	row.len = 0;
	big[10] = ','; /* a quoted one */
	csv_row__field(&row, big, n);
	cr_assert_eq(row.buf[0], '"');
	cr_assert_arr_eq(row.buf + row.len - m - 1, CSV_CUT_MARK "\"", m + 1,
			 "the mark, then the closing quote");

	row.len = FIELDS_ROOM - 4; /* a field near the end: cut, still quoted */
	csv_row__field(&row, "a,bcdefgh", 9);
	cr_assert_arr_eq(row.buf + FIELDS_ROOM - 4, "\"a,b" CSV_CUT_MARK "\"", m + 5);

	row.len = FIELDS_ROOM; /* no room at all: the mark alone, no quote */
	csv_row__field(&row, "a,b", 3);
	cr_assert_arr_eq(row.buf + FIELDS_ROOM, CSV_CUT_MARK, m);
	cr_assert_eq(row.len, FIELDS_ROOM + m);
	free(big);
}

Test(csv_row, cut_row_still_ends_with_crlf)
{
	char *big = malloc(CSV_ROW_MAX + 100);

	memset(big, 'x', CSV_ROW_MAX + 100);
	big[5] = '"';
	csv_row__field(&row, big, CSV_ROW_MAX + 100);
	row.last = "/kubepods/pod1";
	csv_row__end(&row, &out);
	cr_assert_geq(out.len, 2);
	cr_assert_arr_eq(out.buf + out.len - 2, "\r\n", 2, "a cut row ends with CRLF");
	cr_assert_arr_eq(out.buf + out.len - 18, "\",/kubepods/pod1\r\n", 18,
			 "its field closed, then the last one");
	free(big);
}
