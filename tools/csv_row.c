// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "csv_row.h"
#include "utf8.h"

int csv_out__init(struct csv_out *o, FILE *f)
{
	o->f = f;
	o->tty = isatty(fileno(f)); /* csv-export -o - on a terminal */
	o->len = 0;
	o->buf = malloc(CSV_OUT_SIZE);
	return o->buf ? 0 : -ENOMEM;
}

static void out__write(FILE *f, bool tty, const char *buf, size_t len)
{
	if (len && tty)
		utf8__put_terminal(f, buf, len, "\r\n\t");
	else if (len)
		fwrite(buf, 1, len, f);
}

/* The background writer: buf (len bytes) is written while busy; the
 * rows' thread then swaps it for its full one. */
struct csv_writer {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf;
	size_t len;
	bool busy, stop;
	FILE *f;
	bool tty;
};

static void *writer__main(void *arg)
{
	struct csv_writer *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		out__write(w->f, w->tty, w->buf, w->len);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int csv_out__background(struct csv_out *o)
{
	struct csv_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w || !(w->buf = malloc(CSV_OUT_SIZE))) {
		free(w);
		return -ENOMEM;
	}
	w->f = o->f;
	w->tty = o->tty;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	err = pthread_create(&w->thread, NULL, writer__main, w);
	if (err) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->buf);
		free(w);
		return -err;
	}
	o->w = w;
	return 0;
}

void csv_out__flush(struct csv_out *o)
{
	struct csv_writer *w = o->w;
	char *done;

	if (!w) {
		out__write(o->f, o->tty, o->buf, o->len);
		o->len = 0;
		return;
	}
	if (!o->len)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	done = w->buf;
	w->buf = o->buf;
	w->len = o->len;
	w->busy = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	o->buf = done;
	o->len = 0;
}

void csv_out__release(struct csv_out *o)
{
	struct csv_writer *w = o->w;

	if (o->buf)
		csv_out__flush(o);
	if (w) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w->buf);
		free(w);
		o->w = NULL;
	}
	free(o->buf);
	o->buf = NULL;
}

/* The bytes a field must be quoted for. */
static const bool special[256] = { [','] = true, ['"'] = true, ['\n'] = true, ['\r'] = true };

/* Is s (len bytes) well-formed UTF-8? ASCII costs one test a byte. */
static bool is_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = u[i] < 0x80 ? 1 : utf8__seq_len(u + i, len - i)))
			return false;
	return true;
}

void csv_row__field(struct csv_row *r, const char *s, size_t len)
{
	bool formula = r->safe && len && s[0] && strchr("=+-@", s[0]);
	bool quote = formula, hi = false, escape;
	size_t cap = r->cap, end = len;

	for (size_t i = 0; i < len; i++) {
		quote |= special[(unsigned char)s[i]];
		hi |= (unsigned char)s[i] >= 0x80;
	}
	/* Every file stays valid UTF-8: a byte that is part of no well-formed
	 * sequence is written \xHH, as in the argv column. */
	escape = hi && !is_utf8(s, len);
	if (!quote && !escape && len <= csv_row__room(r)) {
		csv_row__raw(r, s, len);
		return;
	}
	if (len && csv_row__room(r) < 3) {
		/* Past the fields' room: the mark alone (no quote to balance). */
		r->cap = CSV_ROW_MAX - 2;
		csv_row__raw(r, CSV_CUT_MARK, sizeof(CSV_CUT_MARK) - 1);
		r->cap = cap;
		return;
	}
	if (quote)
		csv_row__char(r, '"');
	if (formula)
		csv_row__char(r, '\'');
	for (size_t i = 0; i < len;) {
		size_t n = escape ? utf8__seq_len((const unsigned char *)s + i, len - i) : 1;

		if (csv_row__room(r) < (n ? n + (s[i] == '"') : 4)) { /* a doubled quote; \xHH */
			end = i;
			break;
		}
		if (!n) {
			char hex[5];

			snprintf(hex, sizeof(hex), "\\x%02x", (unsigned char)s[i]);
			csv_row__raw(r, hex, 4);
			i++;
			continue;
		}
		for (size_t k = 0; k < n; k++, i++) {
			if (s[i] == '"')
				csv_row__char(r, '"');
			csv_row__char(r, s[i]);
		}
	}
	/* A cut field still ends, in the room kept at the row's end. */
	if (end < len || quote)
		r->cap = CSV_ROW_MAX - 2;
	if (end < len)
		csv_row__raw(r, CSV_CUT_MARK, sizeof(CSV_CUT_MARK) - 1);
	if (quote)
		csv_row__char(r, '"');
	r->cap = cap;
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

static const uint64_t powers_of_10[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
	100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
	10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* Write the n low decimal digits of v (zero-padded) to end - n .. end. */
static void put_digits(char *end, uint64_t v, int n)
{
	for (; n >= 2; n -= 2) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (n)
		end[-1] = '0' + v % 10;
}

static int ndigits(uint64_t v)
{
	/* log10 from the bit length (1233/4096 ~ log10(2)), then one compare */
	int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	if (v < 10)
		return 1;
	return t + 1 - (v < powers_of_10[t]);
}

/* A number that does not fit: through tmp, so that the row is cut as
 * csv_row__raw cuts it. Apart, so that the usual path has no array to
 * guard on its stack. */
static __attribute__((noinline)) void digits_cut(struct csv_row *r, uint64_t v, int n)
{
	char tmp[20];

	put_digits(tmp + n, v, n);
	csv_row__raw(r, tmp, n);
}

void csv_row__digits(struct csv_row *r, uint64_t v, int n)
{
	if (csv_row__room(r) < (size_t)n) {
		digits_cut(r, v, n);
		return;
	}
	put_digits(r->buf + r->len + n, v, n);
	r->len += n;
}

void csv_row__u64(struct csv_row *r, uint64_t v)
{
	csv_row__digits(r, v, ndigits(v));
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
	uint64_t scale = powers_of_10[digits];

	csv_row__u64(r, v / scale);
	csv_row__char(r, '.');
	csv_row__digits(r, v % scale, digits);
}

void csv_row__durations(struct csv_row *r, uint64_t ns)
{
	/* right-aligned and zero-padded to 7 digits, so that the integer part
	 * of ns / 10^k for k = 3, 6 is always there ("0" when ns < 10^k); the
	 * bytes after the digits let csv_row__padded copy from any of them */
	char tmp[24 + CSV_ROW_PAD] = { 0 }, *end = tmp + 24;
	int n = ndigits(ns), padded = n > 7 ? n : 7;

	put_digits(end, ns, padded);
	csv_row__padded(r, end - n, n);
	csv_row__char(r, ',');
	for (int k = 3; k <= 6; k += 3) {
		int whole = n > k ? n - k : 1; /* digits of ns / 10^k */

		csv_row__padded(r, end - k - whole, whole);
		csv_row__char(r, '.');
		csv_row__padded(r, end - k, k);
		if (k == 3)
			csv_row__char(r, ',');
	}
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

void csv_row__end(struct csv_row *r, struct csv_out *o)
{
	r->cap = CSV_ROW_MAX - 2; /* the tail: the last field, ..., then CRLF */
	if (r->last) {
		csv_row__char(r, ',');
		csv_row__field(r, r->last, strnlen(r->last, CSV_LAST_MAX));
	}
	if (r->tail)
		csv_row__raw(r, r->tail, r->tail_len < CSV_LAST_MAX ? r->tail_len : CSV_LAST_MAX);
	if (r->time_ns) {
		csv_row__char(r, ',');
		csv_row__u64(r, r->ns);
	}
	r->cap = CSV_ROW_MAX;
	csv_row__raw(r, "\r\n", 2);
	o->len += r->len;
	r->len = 0;
	if (CSV_OUT_SIZE - o->len < CSV_ROW_MAX)
		csv_out__flush(o);
}
