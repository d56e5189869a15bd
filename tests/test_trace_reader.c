// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the trace reader on damaged and foreign input: seeking,
 * files truncated at every offset, corrupted bytes, garbage, files that are
 * not traces or from a newer major version, a bad chunk index; and reading
 * with threads, which must give the same on all of them.
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

/* Read everything after seeking to ts; returns where the records resumed. */
static int seek_and_check(struct trace_reader *r, uint64_t ts, int total)
{
	struct tt_record got, want;
	int n = 0, ret, k;

	cr_assert_eq(trace_reader__seek_time(r, ts), 0, "%s", trace_reader__error(r));
	while ((ret = trace_reader__next(r, &got)) > 0)
		cr_assert_leq(++n, total + 1);
	cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
	/* the records read are the tail of the trace, which the trailer ends */
	k = total + 1 - n;
	cr_assert_eq(trace_reader__seek_time(r, ts), 0, "%s", trace_reader__error(r));
	for (int i = 0; i + 1 < n; i++) {
		cr_assert_eq(trace_reader__next(r, &got), 1);
		gen_record(&want, k + i);
		assert_rec_eq(&got, &want);
	}
	return k;
}

Test(reader, seek_time)
{
	const char *path = tmp_path("t.zst"), *noidx = tmp_path("noidx.zst");
	static struct index_entry idx[4096];
	struct trace_reader *r, *r2;
	unsigned char *f;
	size_t len;
	int n;

	write_trace(path, 0, NREC, 0, 0, 4096, true, NULL);
	f = read_file(path, &len);
	n = parse_index(f, len, idx, 4096);
	/* the same trace, cut just before its index */
	write_file(noidx, f, idx[n - 1].offset + idx[n - 1].csize);
	free(f);

	r = trace_reader__open(path, NULL, 0);
	r2 = trace_reader__open(noidx, NULL, 0);
	cr_assert_not_null(r);
	cr_assert_not_null(r2);
	cr_assert(trace_reader__indexed(r));
	cr_assert_not(trace_reader__indexed(r2));
	for (int t = 0; t < 40; t++) {
		uint64_t ts = t == 0 ? 0 : t == 39 ? gen_ts(NREC) : gen_ts(t * 77) - (t % 3);
		int chunk = 0, before = -1, k;

		/* expected: the first chunk whose last event reaches ts */
		while (chunk < n && idx[chunk].last_ts < ts)
			chunk++;
		for (int c = 0; c < chunk; c++)
			before += idx[c].nrecords;
		if (chunk == n)
			before = NREC + 1; /* nothing left, not even the trailer */
		else if (chunk == 0)
			before = 0; /* the header is not returned */
		k = seek_and_check(r, ts, NREC);
		if (chunk < n)
			cr_assert_eq(k, before, "ts %llu: resumed at record %d, expected %d (chunk %d)",
				     (unsigned long long)ts, k, before, chunk);
		else
			cr_assert_eq(k, NREC + 1);
		cr_assert_not(trace_reader__truncated(r));
		/* without the index, a scan lands on the same chunk */
		cr_assert_eq(seek_and_check(r2, ts, NREC), k, "ts %llu without index",
			     (unsigned long long)ts);
	}
	/* the index's times agree with the records */
	for (int c = 1; c < n; c++)
		cr_assert_gt(idx[c].first_ts, idx[c - 1].last_ts);
	trace_reader__close(r);
	trace_reader__close(r2);
}

Test(reader, truncated_at_every_offset)
{
	const char *path = tmp_path("t.zst"), *cut = tmp_path("cut.zst");
	static struct index_entry idx[256];
	unsigned char *f;
	size_t len, first_chunk;
	int last = 0, total = 40, failed = 0;

	write_trace(path, 0, total, 0, 0, 200, true, NULL);
	f = read_file(path, &len);
	cr_assert_gt(len, 1500);
	cr_assert_lt(len, 6000);
	cr_assert_gt(parse_index(f, len, idx, 256), 8);
	first_chunk = idx[0].csize;

	for (size_t l = 0; l <= len; l++) {
		struct trace_reader *r;
		char err[256] = "";
		int n, ret;

		write_file(cut, f, l);
		r = trace_reader__open(cut, err, sizeof(err));
		if (!r) {
			cr_assert_lt(l, first_chunk, "cut at %zu after the header chunk: %s", l, err);
			cr_assert(errno == ENODATA || errno == EBADMSG, "cut at %zu: errno %d", l, errno);
			cr_assert_neq(err[0], '\0');
			cr_assert_eq(last, 0);
			failed++;
			continue;
		}
		n = check_records(r, 0, total, true, &ret);
		cr_assert_eq(ret, 0, "cut at %zu: %s", l, trace_reader__error(r));
		cr_assert_geq(n, last, "cut at %zu: %d records after %d", l, n, last);
		cr_assert_eq(trace_reader__truncated(r), l != len, "cut at %zu of %zu", l, len);
		last = n;
		trace_reader__close(r);
	}
	cr_assert_eq(last, total);
	cr_assert_gt(failed, 0);
	free(f);
}

/* How a reading went: what threads must not change. */
struct reading {
	int n, ret;
	bool truncated;
	uint64_t sum; /* of the records' encodings, in order */
	char err[256];
};

/* Read a possibly broken file to its end with threads threads: never a
 * crash or a hang; errors are worded. n is -1 if it did not open. */
static void read_threads(const char *path, int threads, struct reading *rd)
{
	static unsigned char buf[TT_MAX_RECORD_SIZE];
	struct trace_reader *r;
	struct tt_record rec;

	memset(rd, 0, sizeof(*rd));
	r = trace_reader__open(path, rd->err, sizeof(rd->err));
	if (!r) {
		cr_assert_gt(errno, 0);
		cr_assert_neq(rd->err[0], '\0', "open failed without a reason");
		cr_assert_null(strchr(rd->err, '\n'));
		rd->n = -1;
		return;
	}
	cr_assert_eq(trace_reader__set_threads(r, threads), 0);
	while ((rd->ret = trace_reader__next(r, &rec)) > 0) {
		int len = encode(buf, sizeof(buf), &rec);

		cr_assert_lt(++rd->n, 100000, "runaway reader");
		for (int i = 0; i < len; i++)
			rd->sum = rd->sum * 31 + buf[i];
	}
	if (rd->ret < 0)
		cr_assert_neq(trace_reader__error(r)[0], '\0');
	snprintf(rd->err, sizeof(rd->err), "%s", trace_reader__error(r));
	rd->truncated = trace_reader__truncated(r);
	trace_reader__close(r);
}

static int read_broken(const char *path, int *ret, bool *truncated)
{
	struct reading rd;

	read_threads(path, 1, &rd);
	*ret = rd.ret;
	*truncated = rd.truncated;
	return rd.n;
}

/* Read path with 1 and with 3 threads: the same records, end and error. */
static void assert_threads_same(const char *path, const char *what, size_t at)
{
	struct reading one, more;

	read_threads(path, 1, &one);
	read_threads(path, 3, &more);
	cr_assert_eq(more.n, one.n, "%s at %zu: %d records, not %d", what, at, more.n, one.n);
	cr_assert_eq(more.sum, one.sum, "%s at %zu: other records", what, at);
	cr_assert_eq(more.ret, one.ret, "%s at %zu: %d, not %d", what, at, more.ret, one.ret);
	cr_assert_eq(more.truncated, one.truncated, "%s at %zu", what, at);
	cr_assert_str_eq(more.err, one.err, "%s at %zu", what, at);
}

Test(reader, corrupted_bytes)
{
	const char *path = tmp_path("t.zst"), *bad = tmp_path("bad.zst");
	unsigned char *f;
	size_t len;
	int total = 40, errors = 0;

	write_trace(path, 0, total, 0, 0, 200, true, NULL);
	f = read_file(path, &len);
	for (size_t off = 0; off < len; off++) {
		for (int m = 0; m < 2; m++) {
			unsigned char mask = m ? 0xff : 0x10;
			bool truncated = false;
			int n, ret = 0;

			f[off] ^= mask;
			write_file(bad, f, len);
			f[off] ^= mask;
			n = read_broken(bad, &ret, &truncated);
			if (n < 0 || ret < 0 || truncated) {
				errors++;
				continue;
			}
			/* the reader says all is well: then it must be */
			{
				struct trace_reader *r = trace_reader__open(bad, NULL, 0);

				cr_assert_eq(check_records(r, 0, total, true, &ret), total,
					     "flip %#x at %zu went unnoticed", mask, off);
				cr_assert_eq(ret, 0);
				trace_reader__close(r);
			}
		}
	}
	/* frame checksums catch flips in the compressed data */
	cr_assert_gt(errors, (int)len);
	free(f);
}

/* Whole chunks decoded ahead in other threads: the same records in the same
 * order, and a damaged chunk read and reported as without threads, wherever
 * it is damaged (a byte in three: each reading starts threads). */
Test(reader, threads_read_the_same)
{
	const char *path = tmp_path("t.zst"), *bad = tmp_path("bad.zst");
	static struct index_entry idx[256];
	struct trace_reader *r;
	struct reading rd;
	unsigned char *f;
	size_t len;
	int total = 200, ret;

	int resume[2];

	write_trace(path, 0, total, 0, 0, 600, true, NULL);
	f = read_file(path, &len);
	cr_assert_gt(parse_index(f, len, idx, 256), 16);
	for (int threads = 1; threads <= TT_MAX_READ_THREADS; threads *= 4) {
		r = trace_reader__open(path, NULL, 0);
		cr_assert_not_null(r);
		cr_assert_eq(trace_reader__set_threads(r, threads), 0);
		cr_assert_eq(check_records(r, 0, total, true, &ret), total);
		cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
		cr_assert_not(trace_reader__truncated(r));
		/* seeking back starts the workers over from there */
		for (int t = 0; t < 2; t++) {
			int k = seek_and_check(r, gen_ts(t ? 10 : total / 2), total);

			if (threads == 1)
				resume[t] = k;
			cr_assert_eq(k, resume[t], "%d threads: resumed at %d, not %d", threads, k,
				     resume[t]);
		}
		trace_reader__close(r);
	}
	r = trace_reader__open(path, NULL, 0);
	cr_assert_eq(trace_reader__set_threads(r, 0), -EINVAL);
	cr_assert_eq(trace_reader__set_threads(r, TT_MAX_READ_THREADS + 1), -EINVAL);
	trace_reader__close(r);

	for (size_t off = 0; off < len; off += 3) {
		f[off] ^= 0x10;
		write_file(bad, f, len);
		f[off] ^= 0x10;
		assert_threads_same(bad, "flip", off);
	}
	/* cut short: no index, so one thread reads; and the whole file */
	for (size_t l = idx[0].csize; l <= len; l += 97) {
		write_file(bad, f, l);
		assert_threads_same(bad, "cut", l);
	}
	read_threads(path, 4, &rd);
	cr_assert_eq(rd.n, total + 1);
	free(f);
}

Test(reader, garbage_files)
{
	const char *path = tmp_path("t.zst"), *bad = tmp_path("bad.zst");
	unsigned char *f, *g = malloc(8192);
	size_t len;
	unsigned int seed = 1;

	write_trace(path, 0, 40, 0, 0, 200, true, NULL);
	f = read_file(path, &len);
	for (int i = 0; i < 300; i++) {
		size_t glen = rand_r(&seed) % 8192, keep = 0;
		bool truncated;
		int ret;

		for (size_t j = 0; j < glen; j++)
			g[j] = rand_r(&seed);
		if (i % 3 == 1 && glen >= 4)
			put_le32(g, ZSTD_MAGICNUMBER);
		if (i % 3 == 2)
			keep = rand_r(&seed) % len; /* a good start, then garbage */
		if (keep > glen)
			keep = glen;
		memcpy(g, f, keep);
		write_file(bad, g, glen);
		read_broken(bad, &ret, &truncated);
	}
	free(g);
	free(f);
}

static void assert_open_fails(const char *path, int err_no, const char *msg)
{
	char err[256] = "";

	cr_assert_null(trace_reader__open(path, err, sizeof(err)));
	cr_assert_eq(errno, err_no, "errno %d (%s), expected %d", errno, err, err_no);
	cr_assert_str_eq(err, msg);
}

Test(reader, not_traces)
{
	const char *p = tmp_path("x.zst");
	char zbuf[256];
	size_t zlen;

	write_file(p, "", 0);
	assert_open_fails(p, ENODATA, "not a tracetape trace (empty file)");
	write_file(p, "hello, world\n", 13);
	assert_open_fails(p, EBADMSG, "not a tracetape trace (no zstd frame at offset 0)");
	write_file(p, "\x28\xb5", 2);
	assert_open_fails(p, EBADMSG, "not a tracetape trace (no zstd frame at offset 0)");
	zlen = ZSTD_compress(zbuf, sizeof(zbuf), "hello, world, this is not a trace\n", 34, 3);
	write_file(p, zbuf, zlen);
	assert_open_fails(p, EBADMSG, "not a tracetape trace (bad magic)");
	zlen = ZSTD_compress(zbuf, sizeof(zbuf), "hi", 2, 3);
	write_file(p, zbuf, zlen);
	assert_open_fails(p, EBADMSG, "not a tracetape trace (bad magic)");
	assert_open_fails(tmpdir, EISDIR, "is a directory");
	assert_open_fails(tmp_path("missing.zst"), ENOENT, strerror(ENOENT));
}

Test(reader, newer_major)
{
	const char *p = tmp_path("v2.zst");
	struct trace_writer *w = trace_writer__open(p, NULL);
	unsigned char buf[1024];
	struct tt_record rec;
	int n;

	cr_assert_not_null(w);
	gen_header(&rec, 0, 0);
	n = encode(buf, sizeof(buf), &rec);
	put_le16(buf + 16, 2); /* format_major */
	put_le16(buf + 18, 0);
	/* and a layout this reader cannot know */
	put_le32(buf + 8 + 56, 0xffffffff);
	cr_assert_eq(trace_writer__append_raw(w, buf, n, 1, 0, 0), 0);
	cr_assert_eq(trace_writer__close(w), 0);
	assert_open_fails(p, ENOTSUP, "trace format 2.0 is newer than this reader (1.x)");

	/* a newer minor is read */
	w = trace_writer__open(p, NULL);
	n = encode(buf, sizeof(buf), &rec);
	put_le16(buf + 18, TT_FORMAT_MINOR + 1);
	cr_assert_eq(trace_writer__append_raw(w, buf, n, 1, 0, 0), 0);
	cr_assert_eq(trace_writer__close(w), 0);
	{
		struct trace_reader *r = trace_reader__open(p, NULL, 0);

		cr_assert_not_null(r);
		cr_assert_eq(trace_reader__header(r)->format_minor, TT_FORMAT_MINOR + 1);
		trace_reader__close(r);
	}
}

Test(reader, bad_index_falls_back)
{
	const char *path = tmp_path("t.zst");
	static struct index_entry idx[256];
	struct trace_reader *r;
	unsigned char *f;
	size_t len;
	int n, ret;

	write_trace(path, 0, 300, 0, 0, 1024, true, NULL);
	f = read_file(path, &len);
	n = parse_index(f, len, idx, 256);
	/* the index's version, a chunk's offset, compressed or decompressed
	 * size, or time range no longer agrees */
	static const int fields[] = { 8, 16 + 40 + 0, 16 + 40 + 8, 16 + 40 + 12, 16 + 40 + 16 + 7 };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t off = idx[n - 1].offset + idx[n - 1].csize + fields[i];

		f[off] ^= 0x40;
		write_file(path, f, len);
		f[off] ^= 0x40;
		r = trace_reader__open(path, NULL, 0);
		cr_assert_not_null(r);
		cr_assert_not(trace_reader__indexed(r), "index field at %d", fields[i]);
		cr_assert_eq(check_records(r, 0, 300, true, &ret), 300);
		cr_assert_eq(ret, 0);
		cr_assert_not(trace_reader__truncated(r), "complete, only its index is bad");
		trace_reader__close(r);
	}
	free(f);
}
