// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "csv_row.h"

void csv_row__raw(struct csv_row *r, const char *s, size_t len)
{
	if (len > CSV_ROW_MAX - r->len)
		len = CSV_ROW_MAX - r->len;
	memcpy(r->buf + r->len, s, len);
	r->len += len;
}

void csv_row__field(struct csv_row *r, const char *s, size_t len)
{
	bool formula = r->safe && len && s[0] && strchr("=+-@", s[0]);
	bool quote = formula;

	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		csv_row__raw(r, s, len);
		return;
	}
	csv_row__char(r, '"');
	if (formula)
		csv_row__char(r, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			csv_row__char(r, '"');
		csv_row__char(r, s[i]);
	}
	csv_row__char(r, '"');
}

void csv_row__str(struct csv_row *r, const char *s)
{
	csv_row__field(r, s, strlen(s));
}

/* Two digits per division: numbers are most of a syscall row. */
static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void csv_row__u64(struct csv_row *r, uint64_t v)
{
	char tmp[20];
	int n = sizeof(tmp);

	while (v >= 100) {
		n -= 2;
		memcpy(tmp + n, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		n -= 2;
		memcpy(tmp + n, digit_pairs + 2 * v, 2);
	} else {
		tmp[--n] = '0' + v;
	}
	csv_row__raw(r, tmp + n, sizeof(tmp) - n);
}

void csv_row__i64(struct csv_row *r, int64_t v)
{
	if (v < 0) {
		csv_row__char(r, '-');
		csv_row__u64(r, -(uint64_t)v);
	} else {
		csv_row__u64(r, v);
	}
}

void csv_row__fixed(struct csv_row *r, uint64_t v, int digits)
{
	uint64_t scale = 1;
	char frac[20];

	for (int i = 0; i < digits; i++)
		scale *= 10;
	csv_row__u64(r, v / scale);
	csv_row__char(r, '.');
	v %= scale;
	for (int i = digits - 1; i >= 0; i--) {
		frac[i] = '0' + v % 10;
		v /= 10;
	}
	csv_row__raw(r, frac, digits);
}

void csv_row__hex(struct csv_row *r, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int n = 0;

	if (!v) {
		csv_row__char(r, '0');
		return;
	}
	csv_row__raw(r, "0x", 2);
	while (v) {
		tmp[n++] = digits[v & 15];
		v >>= 4;
	}
	while (n)
		csv_row__char(r, tmp[--n]);
}

void csv_row__end(struct csv_row *r, FILE *f)
{
	if (r->last) {
		csv_row__char(r, ',');
		csv_row__str(r, r->last);
	}
	csv_row__raw(r, "\r\n", 2);
	fwrite(r->buf, 1, r->len, f);
	r->len = 0;
}
