// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the trace writer and reader (formats/trace_writer.c,
 * trace_reader.c): chunks, their index, the zstd tool, workers, raw
 * appends, large records, errors, rotation names.
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

TestSuite(writer, .init = tmp_setup, .fini = tmp_teardown);


Test(writer, roundtrip_many_chunks)
{
	const char *path = tmp_path("t.zst");
	static struct index_entry idx[4096];
	struct trace_writer_stats st;
	struct trace_reader *r;
	struct tt_record rec;
	char err[256];
	uint64_t nrec = 0;
	unsigned char *f;
	size_t len;
	int n, ret;
	struct stat sb;

	write_trace(path, 0, NREC, 0, 555, 4096, true, &st);
	cr_assert_eq(st.records, NREC + 2);
	cr_assert_gt(st.chunks, 10);
	cr_assert_eq(stat(path, &sb), 0);
	/* the chunks, then the footer: 16 + 40 bytes, 8 + 8 bytes a chunk and 9 */
	cr_assert_eq((uint64_t)sb.st_size, st.written_bytes + 16 + 8 + 9 + 48 * st.chunks);
	cr_assert_eq(sb.st_mode & 0777, 0600);

	f = read_file(path, &len);
	n = parse_index(f, len, idx, 4096);
	cr_assert_eq((uint32_t)n, st.chunks);
	for (int c = 0; c < n; c++) {
		nrec += idx[c].nrecords;
		cr_assert_leq(idx[c].dsize, 4096, "chunks are cut before overflowing");
		if (c + 1 < n) /* the last one holds what is left */
			cr_assert_gt(idx[c].dsize, 4096 - 600, "chunks are filled (%u)", idx[c].dsize);
	}
	cr_assert_eq(nrec, st.records);
	/* the first chunk starts with the header */
	{
		static unsigned char chunk[4096];

		cr_assert_eq(ZSTD_decompress(chunk, sizeof(chunk), f, idx[0].csize), idx[0].dsize);
		cr_assert_eq(get_le16(chunk + 4), TT_REC_FILE_HEADER);
	}
	free(f);

	r = trace_reader__open(path, err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert(trace_reader__indexed(r));
	gen_header(&rec, 0, 555);
	{
		struct tt_record h = { .type = TT_REC_FILE_HEADER, .header = *trace_reader__header(r) };

		assert_rec_eq(&h, &rec);
	}
	cr_assert_eq(check_records(r, 0, NREC, true, &ret), NREC);
	cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
	cr_assert_not(trace_reader__truncated(r));
	cr_assert_eq(trace_reader__next(r, &rec), 0, "stays at the end");
	cr_assert_str_eq(trace_reader__path(r), path);
	trace_reader__close(r);
}

Test(writer, chunk_times_are_min_max)
{
	const char *path = tmp_path("t.zst");
	struct trace_writer_opts opts = { .chunk_size = 1024 };
	struct trace_writer *w = trace_writer__open(path, &opts);
	static struct index_entry idx[64];
	struct tt_record rec;
	unsigned char *f;
	size_t len;
	int n;

	cr_assert_not_null(w);
	gen_header(&rec, 0, 0);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	/* per-CPU batches: times go back and forth */
	for (int i = 0; i < 40; i++) {
		gen_record(&rec, 3);
		rec.exit.ts = i % 2 ? 5000 - i : 100 + i;
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	cr_assert_eq(trace_writer__flush(w), 0);
	gen_record(&rec, 5); /* a chunk of state only */
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	cr_assert_eq(trace_writer__close(w), 0);

	f = read_file(path, &len);
	n = parse_index(f, len, idx, 64);
	cr_assert_eq(n, 3);
	{
		unsigned char buf[1024];
		int hsize, k, even, odd;

		gen_header(&rec, 0, 0);
		hsize = encode(buf, sizeof(buf), &rec);
		k = (1024 - hsize) / 31; /* exits in the first chunk */
		cr_assert_lt(k, 40);
		cr_assert_eq(idx[0].nrecords, 1 + k);
		cr_assert_eq(idx[0].first_ts, 100);
		cr_assert_eq(idx[0].last_ts, 4999);
		even = k % 2 ? k + 1 : k;
		odd = k % 2 ? k : k + 1;
		cr_assert_eq(idx[1].nrecords, 40 - k);
		cr_assert_eq(idx[1].first_ts, 100 + even);
		cr_assert_eq(idx[1].last_ts, 5000 - odd);
	}
	cr_assert_eq(idx[2].first_ts, 0);
	cr_assert_eq(idx[2].last_ts, 0);
	free(f);
}

Test(writer, zstd_tool_reads_it)
{
	const char *path = tmp_path("t.zst"), *out = tmp_path("t.raw");
	unsigned char *raw, *want = malloc(1 << 20);
	struct tt_record rec;
	char cmd[3 * PATH_MAX];
	size_t len, wlen = 0;

	write_trace(path, 0, 500, 0, 1, 2048, true, NULL);
	snprintf(cmd, sizeof(cmd), "zstd -q -t '%s'", path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "zstd -q -dc '%s' > '%s'", path, out);
	cr_assert_eq(system(cmd), 0, "%s", cmd);

	/* the decompressed stream is exactly the records */
	gen_header(&rec, 0, 1);
	wlen += encode(want + wlen, (1 << 20) - wlen, &rec);
	for (int i = 0; i < 500; i++) {
		gen_record(&rec, i);
		wlen += encode(want + wlen, (1 << 20) - wlen, &rec);
	}
	gen_trailer(&rec, 500);
	wlen += encode(want + wlen, (1 << 20) - wlen, &rec);
	raw = read_file(out, &len);
	cr_assert_eq(len, wlen);
	cr_assert(!memcmp(raw, want, len));
	free(raw);
	free(want);
}

Test(writer, workers_and_level)
{
	const char *path = tmp_path("t.zst");
	struct trace_writer_opts opts = { .chunk_size = 8192, .level = 19, .workers = 2 };
	struct trace_writer *w = trace_writer__open(path, &opts);
	struct trace_reader *r;
	struct tt_record rec;
	char cmd[PATH_MAX + 32];
	int ret;

	cr_assert_not_null(w, "%s", strerror(errno));
	gen_header(&rec, 0, 0);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	for (int i = 0; i < 400; i++) {
		gen_record(&rec, i);
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	gen_trailer(&rec, 400);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	cr_assert_eq(trace_writer__close(w), 0);
	snprintf(cmd, sizeof(cmd), "zstd -q -t '%s'", path);
	cr_assert_eq(system(cmd), 0);
	{
		static struct index_entry idx[256];
		size_t len;
		unsigned char *f = read_file(path, &len);

		/* threads or not, chunks are frames with their content size */
		cr_assert_gt(parse_index(f, len, idx, 256), 3);
		free(f);
	}
	r = trace_reader__open(path, NULL, 0);
	cr_assert_not_null(r);
	cr_assert(trace_reader__indexed(r));
	cr_assert_eq(check_records(r, 0, 400, true, &ret), 400);
	cr_assert_eq(ret, 0);
	trace_reader__close(r);
}

Test(writer, append_raw)
{
	const char *path = tmp_path("t.zst");
	struct trace_writer_opts opts = { .chunk_size = 1024 };
	struct trace_writer *w = trace_writer__open(path, &opts);
	struct trace_writer_stats st;
	unsigned char *buf = malloc(1 << 20);
	struct trace_reader *r;
	struct tt_record rec;
	size_t len = 0;
	int ret;

	cr_assert_not_null(w);
	gen_record(&rec, 0);
	len = encode(buf, 4096, &rec);
	cr_assert_eq(trace_writer__append_raw(w, buf, len, 1, 0, 0), -EINVAL,
		     "the first record must be the header");
	gen_header(&rec, 0, 0);
	len = encode(buf, 4096, &rec);
	cr_assert_eq(trace_writer__append_raw(w, buf, len, 1, 0, 0), 0);

	/* one block of 100 records, far larger than a chunk, with an unknown
	 * record type in its middle */
	len = 0;
	for (int i = 0; i < 100; i++) {
		if (i == 50) {
			put_le32(buf + len, 20);
			put_le16(buf + len + 4, 999);
			put_le16(buf + len + 6, 1);
			memset(buf + len + 8, 0, 12);
			len += 20;
		}
		gen_record(&rec, i);
		len += encode(buf + len, (1 << 20) - len, &rec);
	}
	cr_assert_eq(trace_writer__append_raw(w, buf, len, 100, gen_ts(0), gen_ts(99)), -EINVAL,
		     "wrong record count");
	cr_assert_eq(trace_writer__append_raw(w, buf, len - 1, 101, gen_ts(0), gen_ts(99)), -EINVAL,
		     "a cut record");
	cr_assert_eq(trace_writer__append_raw(w, buf, len, 101, gen_ts(0), gen_ts(99)), 0);
	trace_writer__stats(w, &st);
	cr_assert_eq(st.chunks, 2, "the header chunk, then the block as its own chunk");
	cr_assert_eq(st.records, 102);
	gen_trailer(&rec, 100);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	cr_assert_eq(trace_writer__close(w), 0);

	r = trace_reader__open(path, NULL, 0);
	cr_assert_not_null(r);
	cr_assert_eq(check_records(r, 0, 100, true, &ret), 100);
	cr_assert_eq(ret, 0, "%s", trace_reader__error(r));
	cr_assert_not(trace_reader__truncated(r));
	trace_reader__close(r);
	free(buf);
}

Test(writer, large_records)
{
	const char *path = tmp_path("t.zst");
	struct trace_writer_opts opts = { .chunk_size = 4096 };
	struct trace_writer *w = trace_writer__open(path, &opts);
	static char blob[TT_MAX_RECORD_SIZE];
	struct trace_reader *r;
	struct tt_record rec, got;

	cr_assert_not_null(w);
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (i * 7919) >> 5;
	gen_header(&rec, 0, 0);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	for (int i = 0; i < 3; i++) {
		gen_record(&rec, 4);
		rec.proc.argv = (struct tt_bytes){ blob, TT_MAX_RECORD_SIZE - 200 - i * 100000 };
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	rec.proc.argv.len = TT_MAX_RECORD_SIZE;
	cr_assert_eq(trace_writer__append(w, &rec), -EMSGSIZE);
	cr_assert_eq(trace_writer__close(w), 0);

	r = trace_reader__open(path, NULL, 0);
	cr_assert_not_null(r);
	for (int i = 0; i < 3; i++) {
		gen_record(&rec, 4);
		rec.proc.argv = (struct tt_bytes){ blob, TT_MAX_RECORD_SIZE - 200 - i * 100000 };
		cr_assert_eq(trace_reader__next(r, &got), 1, "%s", trace_reader__error(r));
		assert_rec_eq(&got, &rec);
	}
	cr_assert_eq(trace_reader__next(r, &got), 0);
	cr_assert(trace_reader__truncated(r), "no trailer");
	trace_reader__close(r);
}

Test(writer, errors)
{
	struct trace_writer_opts opts = { .chunk_size = 512 };
	struct trace_writer *w;
	struct tt_record rec;
	int ret = 0;

	cr_assert_null(trace_writer__open(tmp_path("no/such/dir/t.zst"), NULL));
	cr_assert_eq(errno, ENOENT);
	opts.chunk_size = TT_MAX_CHUNK_SIZE + 1;
	cr_assert_null(trace_writer__open(tmp_path("t.zst"), &opts));
	cr_assert_eq(errno, EINVAL);

	opts.chunk_size = 512;
	w = trace_writer__open(tmp_path("t.zst"), &opts);
	cr_assert_not_null(w);
	gen_record(&rec, 0);
	cr_assert_eq(trace_writer__append(w, &rec), -EINVAL, "header first");
	cr_assert_eq(trace_writer__close(w), 0);

	/* a full disk fails the write and every later one */
	w = trace_writer__open("/dev/full", &opts);
	cr_assert_not_null(w, "%s", strerror(errno));
	gen_header(&rec, 0, 0);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	for (int i = 0; i < 100 && !ret; i++) {
		gen_record(&rec, i);
		ret = trace_writer__append(w, &rec);
	}
	cr_assert_eq(ret, -ENOSPC);
	cr_assert_eq(trace_writer__append(w, &rec), -ENOSPC);
	cr_assert_eq(trace_writer__flush(w), -ENOSPC);
	cr_assert_eq(trace_writer__close(w), -ENOSPC);
}

Test(writer, rotation_names)
{
	char buf[64];

	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), "t.zst", 0), 0);
	cr_assert_str_eq(buf, "t.zst");
	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), "t.zst", 1), 0);
	cr_assert_str_eq(buf, "t.1.zst");
	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), "dir.zst/a.b.zst", 4294967295u), 0);
	cr_assert_str_eq(buf, "dir.zst/a.b.4294967295.zst");
	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), "t", 2), 0);
	cr_assert_str_eq(buf, "t.2");
	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), "t.zstd", 3), 0);
	cr_assert_str_eq(buf, "t.zstd.3");
	cr_assert_eq(trace_rotation__name(buf, sizeof(buf), ".zst", 3), 0);
	cr_assert_str_eq(buf, ".zst.3");
	cr_assert_eq(trace_rotation__name(buf, 8, "t.1.zst", 0), 0, "exactly fits");
	cr_assert_eq(trace_rotation__name(buf, 7, "t.1.zst", 0), -ENAMETOOLONG);
	cr_assert_eq(trace_rotation__name(buf, 8, "t.zst", 10), -ENAMETOOLONG);
	cr_assert_eq(trace_rotation__name(buf, 9, "t.zst", 10), 0);
	cr_assert_str_eq(buf, "t.10.zst");
}
