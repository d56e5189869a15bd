// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of rotated traces read as one (formats/trace_set.c) and of
 * following files while they are written: a growing file, rotation.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zstd.h>

#include "le.h"
#include "traceutil.h"

TestSuite(reader, .init = tmp_setup, .fini = tmp_teardown);
TestSuite(set, .init = tmp_setup, .fini = tmp_teardown);


static int count_records(const char *path)
{
	struct trace_reader *r = trace_reader__open(path, NULL, 0);
	struct tt_record rec;
	int n = 0;

	cr_assert_not_null(r, "%s", path);
	while (trace_reader__next(r, &rec) > 0)
		n++;
	trace_reader__close(r);
	return n;
}

Test(set, directory_in_recording_order)
{
	const char *dir = tmp_path("rec");
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], p[PATH_MAX];
	char *args[] = { (char *)dir };
	struct trace_set *s;
	struct tt_record rec;
	char err[256];
	unsigned char *f;
	size_t len;
	int n = 0, ret, sum, expect_i = 0;
	uint64_t last_ts = 0;

	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(a, sizeof(a), "%s/a.zst", dir);
	snprintf(b, sizeof(b), "%s/b.zst", dir);
	snprintf(c, sizeof(c), "%s/c.zst.partial", dir);
	/* recording order b, a, c; written c, a, b */
	write_trace(c, 200, 100, 2, 3000, 1024, false, NULL);
	write_trace(a, 100, 100, 1, 2000, 1024, true, NULL);
	write_trace(b, 0, 100, 0, 1000, 1024, true, NULL);
	/* the middle file was cut short */
	f = read_file(a, &len);
	write_file(a, f, len * 2 / 3);
	free(f);
	/* not traces, or not yet */
	snprintf(p, sizeof(p), "%s/notes.txt", dir);
	write_file(p, "x", 1);
	snprintf(p, sizeof(p), "%s/d.zst.partial", dir);
	write_file(p, "", 0);

	sum = count_records(a) + count_records(b) + count_records(c);
	cr_assert_lt(count_records(a), 100);

	s = trace_set__open(args, 1, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	cr_assert_eq(trace_set__count(s), 3);
	cr_assert_eq(trace_reader__header(trace_set__reader(s, 0))->seq, 0);
	cr_assert_eq(trace_reader__header(trace_set__reader(s, 1))->seq, 1);
	cr_assert_eq(trace_reader__header(trace_set__reader(s, 2))->seq, 2);
	cr_assert_null(trace_set__reader(s, 3));
	while ((ret = trace_set__next(s, &rec)) > 0) {
		const struct tt_file_header *h = trace_reader__header(trace_set__current(s));
		struct tt_record want;

		cr_assert_neq(rec.type, TT_REC_FILE_HEADER);
		n++;
		if (rec.type == TT_REC_TRAILER)
			continue;
		/* each file's records in turn, skipping what the cut lost */
		if (expect_i < (int)h->seq * 100)
			expect_i = h->seq * 100;
		gen_record(&want, expect_i++);
		assert_rec_eq(&rec, &want);
		if (tt_record__is_event(&rec)) {
			cr_assert_gt(tt_record__ts(&rec), last_ts);
			last_ts = tt_record__ts(&rec);
		}
	}
	cr_assert_eq(ret, 0, "%s", trace_set__error(s));
	cr_assert_eq(n, sum);
	cr_assert_eq(expect_i, 300);
	cr_assert(trace_reader__truncated(trace_set__reader(s, 1)));
	cr_assert(trace_reader__truncated(trace_set__reader(s, 2)));
	cr_assert_not(trace_reader__truncated(trace_set__reader(s, 0)));
	trace_set__close(s);

	/* named explicitly, a file that is not a trace is an error */
	{
		char *args2[] = { b, p };

		cr_assert_null(trace_set__open(args2, 2, err, sizeof(err)));
		cr_assert_eq(errno, ENODATA);
		cr_assert(strstr(err, "d.zst.partial: not a tracetape trace (empty file)"), "%s", err);
	}
	/* files and directories mixed, each file once in the order */
	{
		char *args3[] = { c, b };

		s = trace_set__open(args3, 2, err, sizeof(err));
		cr_assert_not_null(s, "%s", err);
		cr_assert_eq(trace_set__count(s), 2);
		cr_assert_eq(trace_reader__header(trace_set__reader(s, 0))->seq, 0);
		trace_set__close(s);
	}
	{
		char *args4[] = { (char *)tmp_path("empty") };

		cr_assert_eq(mkdir(args4[0], 0700), 0);
		cr_assert_null(trace_set__open(args4, 1, err, sizeof(err)));
		cr_assert_eq(errno, ENOENT);
	}
}

/* Following files being written ------------------------------------------ */

static void append_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "ab");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* Read r until it has nothing more for now; records checked against the
 * generated stream from *i on. Returns the last result (-EAGAIN or 0). */
static int follow_drain(struct trace_reader *r, int first, int n, int *i)
{
	struct tt_record got, want;
	int ret;

	while ((ret = trace_reader__next(r, &got)) > 0) {
		if (*i == n) {
			gen_trailer(&want, n);
		} else {
			cr_assert_lt(*i, n, "more records than written");
			gen_record(&want, first + *i);
		}
		assert_rec_eq(&got, &want);
		(*i)++;
	}
	return ret;
}

Test(reader, follow_growing_file)
{
	const char *path = tmp_path("t.zst"), *live = tmp_path("live.zst.partial");
	static const size_t steps[] = { 1, 7, 100, 4096 };
	unsigned char *f;
	size_t len;

	/* small chunks: the file grows through frame headers, frame bodies,
	 * the index and the seek table */
	write_trace(path, 0, 300, 0, 0, 512, true, NULL);
	f = read_file(path, &len);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		struct trace_reader *r = NULL;
		size_t off = 0;
		int i = 0, ret = -EAGAIN, again = 0;

		unlink(live);
		while (!r) {
			size_t step = off + steps[k] < len ? steps[k] : len - off;

			append_file(live, f + off, step);
			off += step;
			r = trace_reader__open(live, NULL, 0);
			if (!r)
				cr_assert(errno == ENODATA || errno == EBADMSG, "errno %d", errno);
		}
		trace_reader__follow(r, true);
		for (;;) {
			ret = follow_drain(r, 0, 300, &i);
			if (ret != -EAGAIN)
				break;
			again++;
			cr_assert_eq(trace_reader__refresh(r), 0,
				     "no growth, no refresh");
			if (off == len)
				break;
			size_t step = off + steps[k] < len ? steps[k] : len - off;

			append_file(live, f + off, step);
			off += step;
			cr_assert_eq(trace_reader__refresh(r), 1);
		}
		cr_assert_eq(ret, 0, "step %zu: ended with %d (%s)", steps[k], ret,
			     trace_reader__error(r));
		cr_assert_eq(i, 301, "step %zu: %d records", steps[k], i);
		cr_assert_not(trace_reader__truncated(r));
		cr_assert(trace_reader__ended(r, NULL));
		if (steps[k] < 4096)
			cr_assert_gt(again, 10);
		trace_reader__close(r);
	}

	/* a file that stops growing without its trailer: follow off ends it,
	 * truncated, after every complete record */
	{
		struct trace_reader *r;
		int i = 0;

		write_file(live, f, len / 2);
		r = trace_reader__open(live, NULL, 0);
		cr_assert_not_null(r);
		trace_reader__follow(r, true);
		cr_assert_eq(follow_drain(r, 0, 300, &i), -EAGAIN);
		cr_assert_eq(trace_reader__refresh(r), 0);
		trace_reader__follow(r, false);
		cr_assert_eq(follow_drain(r, 0, 300, &i), 0);
		cr_assert(trace_reader__truncated(r));
		cr_assert_gt(i, 50);
		cr_assert_lt(i, 300);
		trace_reader__close(r);
	}
	free(f);
}

/* Write the seq'th file of a recording of 3 (100 records each) into buf. */
static void *follow_file(uint32_t seq, size_t *len)
{
	const char *tmp = tmp_path("gen.zst");
	void *f;

	trailer_reason = seq == 2 ? TT_CLOSE_END : TT_CLOSE_ROTATE;
	write_trace(tmp, seq * 100, 100, seq, 1000 + seq, 700, true, NULL);
	trailer_reason = TT_CLOSE_ROTATE;
	f = read_file(tmp, len);
	unlink(tmp);
	return f;
}

/* Read s until it has nothing more for now, checking records in order. */
static int follow_set_drain(struct trace_set *s, int *i, int *trailers)
{
	struct tt_record rec, want;
	int ret;

	while ((ret = trace_set__next(s, &rec)) > 0) {
		if (rec.type == TT_REC_TRAILER) {
			(*trailers)++;
			continue;
		}
		/* a file cut short: the next one starts at its own records */
		uint32_t seq = trace_reader__header(trace_set__current(s))->seq;

		if (*i < (int)seq * 100)
			*i = seq * 100;
		gen_record(&want, (*i)++);
		assert_rec_eq(&rec, &want);
	}
	return ret;
}

Test(set, follow_rotation)
{
	char base[PATH_MAX], name[PATH_MAX], partial[PATH_MAX + 16], err[256];
	struct trace_set *s;
	unsigned char *f[3];
	size_t len[3];
	int i = 0, trailers = 0;

	snprintf(base, sizeof(base), "%s", tmp_path("rec.zst"));
	for (int k = 0; k < 3; k++)
		f[k] = follow_file(k, &len[k]);

	cr_assert_null(trace_set__follow(base, err, sizeof(err)));
	cr_assert_eq(errno, EAGAIN, "%s", err);
	for (uint32_t k = 0; k < 3; k++) {
		cr_assert_eq(trace_rotation__name(name, sizeof(name), base, k), 0);
		snprintf(partial, sizeof(partial), "%s.partial", name);
		/* the first half, then the rest, then the rename */
		write_file(partial, f[k], len[k] / 2);
		if (!k) {
			s = trace_set__follow(base, err, sizeof(err));
			cr_assert_not_null(s, "%s", err);
		}
		cr_assert_eq(follow_set_drain(s, &i, &trailers), -EAGAIN, "%s", trace_set__error(s));
		cr_assert_lt(i, (int)(k + 1) * 100);
		append_file(partial, f[k] + len[k] / 2, len[k] - len[k] / 2);
		cr_assert_eq(follow_set_drain(s, &i, &trailers), k == 2 ? 0 : -EAGAIN, "%s",
			     trace_set__error(s));
		cr_assert_eq(i, (int)(k + 1) * 100);
		cr_assert_eq(rename(partial, name), 0);
		cr_assert_eq(follow_set_drain(s, &i, &trailers), k == 2 ? 0 : -EAGAIN);
	}
	cr_assert_eq(i, 300);
	cr_assert_eq(trailers, 3);
	cr_assert_eq(trace_set__count(s), 3);
	for (int k = 0; k < 3; k++)
		cr_assert_not(trace_reader__truncated(trace_set__reader(s, k)));
	trace_set__close(s);

	/* a ring that dropped seq 0: following starts at the oldest file left */
	unlink(base);
	s = trace_set__follow(base, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	i = 100;
	cr_assert_eq(follow_set_drain(s, &i, &trailers), 0);
	cr_assert_eq(i, 300);
	cr_assert_eq(trace_reader__header(trace_set__reader(s, 0))->seq, 1);
	trace_set__close(s);

	/* a file cut short is left once the next one exists */
	cr_assert_eq(trace_rotation__name(name, sizeof(name), base, 1), 0);
	write_file(name, f[1], len[1] / 2);
	s = trace_set__follow(base, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	i = 100;
	cr_assert_eq(follow_set_drain(s, &i, &trailers), 0);
	cr_assert_eq(i, 300);
	cr_assert(trace_reader__truncated(trace_set__reader(s, 0)));
	trace_set__close(s);
	for (int k = 0; k < 3; k++)
		free(f[k]);
}
