// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the trace format library (formats/). Layout checks read the
 * bytes as formats/TRACE-FORMAT.md describes them, independently of the
 * library's own encoder, so that both have to agree with the specification.
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
#include "records.h"
#include "trace.h"

static char tmpdir[64];

static void tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/tt-test-format-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void tmp_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		cr_log_warn("cannot remove %s", tmpdir);
}

TestSuite(writer, .init = tmp_setup, .fini = tmp_teardown);
TestSuite(reader, .init = tmp_setup, .fini = tmp_teardown);
TestSuite(set, .init = tmp_setup, .fini = tmp_teardown);

static const char *tmp_path(const char *name)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", tmpdir, name);
	return p;
}

/* Test data ------------------------------------------------------------- */

#define BYTES(s) ((struct tt_bytes){ s, sizeof(s) - 1 })

/* strings holding what a text format would choke on */
static const struct tt_bytes nasty[] = {
	BYTES("/usr/bin/env"),
	BYTES("a,b,c\nd\te\"f'g\\h"),
	BYTES("nul\0inside\0"),
	BYTES(""),
	BYTES("\xff\xfe\x80 binary \x01"),
};
#define NNASTY (sizeof(nasty) / sizeof(nasty[0]))

static uint64_t gen_ts(int i)
{
	return 1000000 + (uint64_t)i * 10;
}

static void gen_header(struct tt_record *rec, uint32_t seq, uint64_t start_ns)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_FILE_HEADER;
	rec->header.format_major = TT_FORMAT_MAJOR;
	rec->header.format_minor = TT_FORMAT_MINOR;
	rec->header.seq = seq;
	rec->header.audit_arch = 0xc000003e;
	rec->header.ncpus = 8;
	rec->header.monitors = 3;
	rec->header.rec_pid = 4242;
	rec->header.start_ns = start_ns;
	rec->header.wall_offset_ns = -123456789;
	rec->header.recording_id = 0x1122334455667788ull;
	rec->header.tool_version = BYTES("tracetape 0.1.0");
	rec->header.hostname = BYTES("host,with\nnewline");
	rec->header.kernel_release = BYTES("6.1.0-test");
	rec->header.machine = BYTES("x86_64");
	rec->header.cmdline = BYTES("rec\0-o\0t.zst\0");
	rec->header.options = BYTES("chunk=1\nlevel=3\n");
}

/* what gen_trailer says closed the file: the follow tests end a recording */
static uint32_t trailer_reason = TT_CLOSE_ROTATE;

static void gen_trailer(struct tt_record *rec, uint64_t events)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_TRAILER;
	rec->trailer.end_ns = 99999999;
	rec->trailer.events = events;
	rec->trailer.lost = 7;
	rec->trailer.reason = trailer_reason;
}

/* Record i of a deterministic stream mixing every type; event times grow with i. */
static void gen_record(struct tt_record *rec, int i)
{
	memset(rec, 0, sizeof(*rec));
	switch (i % 8) {
	case 0:
	case 7:
		rec->type = TT_REC_SYSCALL;
		rec->syscall.ts = gen_ts(i);
		rec->syscall.duration = i * 3 + 1;
		rec->syscall.pid = 100 + i;
		rec->syscall.tid = 200 + i;
		rec->syscall.cpu = i % 64;
		rec->syscall.nr = i % 450;
		rec->syscall.flags = i % 2 ? TT_SYSCALL_NORETURN : 0;
		rec->syscall.ret = -(int64_t)i;
		rec->syscall.nargs = i % 7;
		for (int a = 0; a < rec->syscall.nargs; a++)
			rec->syscall.args[a] = 0x0101010101010101ull * a + i;
		rec->syscall.nstr = i % (TT_MAX_STRS + 1);
		for (int s = 0; s < rec->syscall.nstr; s++) {
			rec->syscall.strs[s].arg = s;
			rec->syscall.strs[s].kind = s % 2 ? TT_STR_SOCKADDR : TT_STR_PATH;
			rec->syscall.strs[s].flags = s == 3 ? TT_STR_TRUNCATED : 0;
			rec->syscall.strs[s].value = nasty[(i + s) % NNASTY];
		}
		break;
	case 1:
		rec->type = TT_REC_EXEC;
		rec->exec.ts = gen_ts(i);
		rec->exec.pid = i;
		rec->exec.tid = i + 1;
		rec->exec.ppid = i + 2;
		rec->exec.uid = 1000;
		rec->exec.gid = 1001;
		rec->exec.ret = i % 3 ? 0 : -2;
		rec->exec.flags = TT_EXEC_ARGV_TRUNCATED;
		rec->exec.nargs = 3;
		rec->exec.cpu = 3;
		rec->exec.cgroup_id = 0xdeadbeefcafeull;
		strcpy(rec->exec.comm, "sh,\n\"x\"");
		rec->exec.filename = nasty[i % NNASTY];
		rec->exec.argv = BYTES("sh\0-c\0echo a,b\n\0");
		break;
	case 2:
		rec->type = TT_REC_FORK;
		rec->fork.ts = gen_ts(i);
		rec->fork.parent_pid = i;
		rec->fork.parent_tid = i + 1;
		rec->fork.child_pid = i + 2;
		rec->fork.child_tid = i + 3;
		rec->fork.uid = 0;
		rec->fork.gid = 5;
		rec->fork.cpu = TT_CPU_ANY;
		rec->fork.clone_flags = 0x11;
		rec->fork.cgroup_id = 77;
		memcpy(rec->fork.comm, "0123456789abcdef", TT_COMM_SIZE); /* no NUL */
		break;
	case 3:
		rec->type = TT_REC_EXIT;
		rec->exit.ts = gen_ts(i);
		rec->exit.pid = i;
		rec->exit.tid = i;
		rec->exit.status = -1;
		rec->exit.group_dead = 1;
		rec->exit.cpu = 65534;
		break;
	case 4:
		rec->type = TT_REC_PROC;
		rec->proc.pid = i;
		rec->proc.ppid = 1;
		rec->proc.uid = 0xffffffff;
		rec->proc.gid = 2;
		rec->proc.start_ns = UINT64_MAX;
		rec->proc.cgroup_id = 9;
		rec->proc.comm = BYTES("bash");
		rec->proc.exe = nasty[i % NNASTY];
		rec->proc.argv = BYTES("bash\0--login\0");
		break;
	case 5:
		rec->type = TT_REC_CGROUP;
		rec->cgroup.id = i;
		rec->cgroup.path = i % 2 ? BYTES("/") : BYTES("/system.slice/a,b\nc.service");
		break;
	case 6:
		if (i % 16 < 8) {
			rec->type = TT_REC_LOSS;
			rec->loss.monitor = TT_MONITOR_EXEC;
			rec->loss.cpu = 5;
			rec->loss.count = 1ull << 40;
			rec->loss.from_ts = gen_ts(i) - 5;
			rec->loss.to_ts = gen_ts(i);
		} else {
			rec->type = TT_REC_CONFIG;
			rec->config.ts = gen_ts(i);
			rec->config.text = BYTES("monitors=syscall,exec\nlevel=3\n");
		}
		break;
	}
}

static int nbytes_fields(struct tt_record *r, struct tt_bytes **f)
{
	int n = 0;

	switch (r->type) {
	case TT_REC_FILE_HEADER:
		f[n++] = &r->header.tool_version;
		f[n++] = &r->header.hostname;
		f[n++] = &r->header.kernel_release;
		f[n++] = &r->header.machine;
		f[n++] = &r->header.cmdline;
		f[n++] = &r->header.options;
		break;
	case TT_REC_PROC:
		f[n++] = &r->proc.comm;
		f[n++] = &r->proc.exe;
		f[n++] = &r->proc.argv;
		break;
	case TT_REC_CGROUP:
		f[n++] = &r->cgroup.path;
		break;
	case TT_REC_SYSCALL:
		for (int i = 0; i < TT_MAX_STRS; i++)
			f[n++] = &r->syscall.strs[i].value;
		break;
	case TT_REC_EXEC:
		f[n++] = &r->exec.filename;
		f[n++] = &r->exec.argv;
		break;
	case TT_REC_CONFIG:
		f[n++] = &r->config.text;
		break;
	case TT_REC_FUNC:
		f[n++] = &r->func.name;
		f[n++] = &r->func.module;
		break;
	}
	return n;
}

/*
 * Every field equal: strings by content, then everything else bytewise (both
 * records were zeroed whole before being filled, padding included).
 */
static void assert_rec_eq(const struct tt_record *got, const struct tt_record *want)
{
	struct tt_record a, b;
	struct tt_bytes *fa[8], *fb[8];
	int n;

	memcpy(&a, got, sizeof(a));
	memcpy(&b, want, sizeof(b));
	cr_assert_eq(a.type, b.type, "type %u, expected %u", a.type, b.type);
	n = nbytes_fields(&a, fa);
	nbytes_fields(&b, fb);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(fa[i]->len, fb[i]->len, "type %u string %d: length %u, expected %u",
			     a.type, i, fa[i]->len, fb[i]->len);
		cr_assert(!fa[i]->len || !memcmp(fa[i]->data, fb[i]->data, fa[i]->len),
			  "type %u string %d differs", a.type, i);
		fa[i]->data = fb[i]->data = NULL;
	}
	a.size = b.size = 0;
	a.version = b.version = 0;
	/* A decoded syscall record defines only its own member of the union. */
	cr_assert(!memcmp(&a, &b, a.type == TT_REC_SYSCALL ?
			  offsetof(struct tt_record, syscall) + sizeof(a.syscall) : sizeof(a)),
		  "type %u: fields differ", a.type);
}

static int encode(void *buf, size_t cap, const struct tt_record *rec)
{
	int n = tt_record__encode(buf, cap, rec);

	cr_assert_gt(n, 0, "encode type %u: %d", rec->type, n);
	return n;
}

/* Write a trace of header + n generated records (+ trailer). */
static void write_trace(const char *path, int first, int n, uint32_t seq, uint64_t start_ns,
			size_t chunk_size, bool trailer, struct trace_writer_stats *st)
{
	struct trace_writer_opts opts = { .chunk_size = chunk_size };
	struct trace_writer *w = trace_writer__open(path, &opts);
	struct tt_record rec;

	cr_assert_not_null(w, "writer open %s: %s", path, strerror(errno));
	gen_header(&rec, seq, start_ns);
	cr_assert_eq(trace_writer__append(w, &rec), 0);
	for (int i = first; i < first + n; i++) {
		gen_record(&rec, i);
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	if (trailer) {
		gen_trailer(&rec, n);
		cr_assert_eq(trace_writer__append(w, &rec), 0);
	}
	if (st) {
		cr_assert_eq(trace_writer__flush(w), 0);
		trace_writer__stats(w, st);
	}
	cr_assert_eq(trace_writer__close(w), 0);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f;

	/* a new file rather than a truncated one, which ext4 flushes on close */
	unlink(path);
	f = fopen(path, "wb");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(buf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* The chunk index at the end of a file, parsed as TRACE-FORMAT.md says. */
struct index_entry {
	uint64_t offset, first_ts, last_ts;
	uint32_t csize, dsize, nrecords;
};

static int parse_index(const unsigned char *f, size_t len, struct index_entry *e, int max)
{
	const unsigned char *seek, *idx;
	uint32_t n;
	uint64_t data_end = 0;

	cr_assert_gt(len, 9);
	cr_assert_eq(get_le32(f + len - 4), 0x8F92EAB1u, "seek table footer magic");
	cr_assert_eq(f[len - 5], 0, "seek table descriptor");
	n = get_le32(f + len - 9);
	cr_assert_leq(n, (uint32_t)max);
	seek = f + len - (8 + 8 * n + 9);
	cr_assert_eq(get_le32(seek), 0x184D2A5Eu);
	cr_assert_eq(get_le32(seek + 4), 8 * n + 9);
	idx = seek - (16 + 40 * n);
	cr_assert_eq(get_le32(idx), 0x184D2A5Bu);
	cr_assert_eq(get_le32(idx + 4), 8 + 40 * n);
	cr_assert_eq(get_le32(idx + 8), 1, "index version");
	cr_assert_eq(get_le32(idx + 12), n);
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *p = idx + 16 + 40 * i;

		e[i].offset = get_le64(p);
		e[i].csize = get_le32(p + 8);
		e[i].dsize = get_le32(p + 12);
		e[i].first_ts = get_le64(p + 16);
		e[i].last_ts = get_le64(p + 24);
		e[i].nrecords = get_le32(p + 32);
		cr_assert_eq(get_le32(p + 36), 0, "reserved");
		cr_assert_eq(e[i].offset, data_end, "chunk %u offset", i);
		cr_assert_eq(get_le32(seek + 8 + 8 * i), e[i].csize, "seek table cSize %u", i);
		cr_assert_eq(get_le32(seek + 12 + 8 * i), e[i].dsize, "seek table dSize %u", i);
		/* a chunk is one whole zstd frame with its size in the header */
		cr_assert_eq(ZSTD_findFrameCompressedSize(f + e[i].offset, e[i].csize), e[i].csize);
		cr_assert_eq(ZSTD_getFrameContentSize(f + e[i].offset, e[i].csize), e[i].dsize);
		data_end += e[i].csize;
	}
	cr_assert_eq(data_end, (uint64_t)(idx - f), "index follows the last chunk");
	return n;
}

/* Read all records of r, checking they are gen_record(first..) (and the
 * trailer, if any); returns how many of the generated ones were read. */
static int check_records(struct trace_reader *r, int first, int n, bool trailer, int *ret)
{
	struct tt_record got, want;
	int i = 0, err;

	while ((err = trace_reader__next(r, &got)) > 0) {
		if (i == n) {
			cr_assert(trailer, "more records than written");
			gen_trailer(&want, n);
			assert_rec_eq(&got, &want);
			i++;
			continue;
		}
		cr_assert_lt(i, n, "more records than written");
		gen_record(&want, first + i);
		assert_rec_eq(&got, &want);
		i++;
	}
	*ret = err;
	return i < n ? i : n;
}

/* Records ----------------------------------------------------------------- */

Test(records, roundtrip_every_type)
{
	unsigned char buf[4096];
	struct tt_record rec, got;
	int seen = 0;

	gen_header(&rec, 3, 12345);
	cr_assert_eq(tt_record__decode(buf, encode(buf, sizeof(buf), &rec), &got),
		     tt_record__encode(buf, sizeof(buf), &rec));
	assert_rec_eq(&got, &rec);
	cr_assert_eq(got.version, 1);
	gen_trailer(&rec, 5);
	cr_assert_gt(tt_record__decode(buf, encode(buf, sizeof(buf), &rec), &got), 0);
	assert_rec_eq(&got, &rec);

	for (int i = 0; i < 80; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		cr_assert_eq(get_le32(buf), (uint32_t)n, "size field");
		cr_assert_eq(get_le16(buf + 4), rec.type, "type field");
		cr_assert_eq(get_le16(buf + 6), rec.type == TT_REC_PROC ? 2 : 1, "version field");
		cr_assert_eq(tt_record__decode(buf, n, &got), n);
		cr_assert_eq(got.size, (uint32_t)n);
		assert_rec_eq(&got, &rec);
		seen |= 1 << rec.type;
	}
	cr_assert_eq(seen, 0x3fc, "every event and state type generated");
}

/* The function monitor's records: round trips, and the offsets TRACE-FORMAT.md gives. */
Test(records, func_records)
{
	unsigned char buf[4096];
	struct tt_record rec, got;
	int n;

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC;
	rec.func.id = 7;
	rec.func.kind = TT_FUNC_USER;
	rec.func.probe = TT_PROBE_UPROBE;
	rec.func.addr = 0x1234;
	rec.func.name = BYTES("malloc");
	rec.func.module = nasty[1];
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 14 + 4 + 6 + 4 + (int)nasty[1].len);
	cr_assert_eq(get_le32(buf + 8), 7);
	cr_assert_eq(buf[12], TT_FUNC_USER);
	cr_assert_eq(buf[13], TT_PROBE_UPROBE);
	cr_assert_eq(get_le64(buf + 14), 0x1234);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert_not(tt_record__is_event(&rec));

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC_CALL;
	rec.func_call.ts = 1000;
	rec.func_call.duration = 55;
	rec.func_call.pid = 10;
	rec.func_call.tid = 11;
	rec.func_call.func = 3;
	rec.func_call.cpu = 2;
	rec.func_call.depth = 4;
	rec.func_call.event = TT_FUNC_RETURN;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 33);
	cr_assert_eq(get_le64(buf + 8 + 8), 55);
	cr_assert_eq(get_le16(buf + 8 + 30), 4);
	cr_assert_eq(buf[8 + 32], TT_FUNC_RETURN);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert(tt_record__is_event(&rec));
	cr_assert_eq(tt_record__ts(&rec), 1000);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC_STATS;
	rec.func_stats.from_ts = 100;
	rec.func_stats.to_ts = 200;
	rec.func_stats.pid = 5;
	rec.func_stats.func = 6;
	rec.func_stats.count = 3;
	rec.func_stats.total_ns = 3000;
	rec.func_stats.max_ns = 2000;
	for (int i = 0; i < TT_FUNC_BUCKETS; i++)
		rec.func_stats.hist[i] = i * 11;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 304);
	cr_assert_eq(get_le64(buf + 8 + 48 + 8 * 31), 31 * 11);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	cr_assert_eq(tt_record__ts(&rec), 200);
	cr_assert_eq(tt_record__decode(buf, n - 1, &got), -ENODATA);
	put_le32(buf, n - 8);
	cr_assert_eq(tt_record__decode(buf, n - 8, &got), -EBADMSG, "a cut histogram is corrupt");
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_FUNC), "func");
}

Test(records, fixed_layout)
{
	unsigned char buf[256];
	struct tt_record rec;

	/* spot checks of TRACE-FORMAT.md's offsets */
	gen_record(&rec, 3); /* exit */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 23);
	cr_assert_eq(get_le64(buf + 8), rec.exit.ts);
	cr_assert_eq(get_le32(buf + 8 + 16), (uint32_t)rec.exit.status);
	cr_assert_eq(buf[8 + 20], 1);
	cr_assert_eq(get_le16(buf + 8 + 21), 65534);

	gen_record(&rec, 0); /* syscall, no string */
	cr_assert_eq(rec.syscall.nstr, 0);
	rec.syscall.nargs = 6;
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 39 + 48);
	cr_assert_eq(buf[8 + 30], 6);
	cr_assert_eq(get_le64(buf + 8 + 31), (uint64_t)rec.syscall.ret);
	cr_assert_eq(get_le64(buf + 8 + 39 + 40), rec.syscall.args[5]);
	rec.syscall.nargs = 0; /* getppid: no arguments stored */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 39);
	rec.syscall.nargs = 7;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);

	gen_record(&rec, 2); /* fork: comm without NUL */
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 66);
	cr_assert(!memcmp(buf + 8 + 50, "0123456789abcdef", 16));

	gen_header(&rec, 0, 0);
	rec.header.format_major = 77; /* the encoder writes its own */
	encode(buf, sizeof(buf), &rec);
	cr_assert(!memcmp(buf + 8, "TRCTAPE\0", 8));
	cr_assert_eq(get_le16(buf + 16), TT_FORMAT_MAJOR);
	cr_assert_eq(get_le16(buf + 18), TT_FORMAT_MINOR);
	cr_assert_eq(get_le32(buf + 8 + 56), rec.header.tool_version.len);
}

/* PACKET version 2 appends ifname; a version 1 record still reads, without it. */
Test(records, proc_versions)
{
	unsigned char buf[256];
	struct tt_record rec = { .type = TT_REC_PROC }, got;
	int n;

	rec.proc.pid = 42;
	rec.proc.comm = (struct tt_bytes){ "true", 4 };
	rec.proc.exit_ns = 987654321;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 32 + 3 * 4 + 4 + 8);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.proc.exit_ns, 987654321);

	/* as a format 1.3 writer wrote it: a running process */
	put_le32(buf, n - 8);
	put_le16(buf + 6, 1);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n - 8);
	cr_assert_eq(got.proc.pid, 42);
	cr_assert_eq(got.proc.exit_ns, 0);
	/* version 2 claims the field: a record that stops before it is corrupt */
	put_le16(buf + 6, 2);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, trailer_versions)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_TRAILER }, got;
	int n;

	rec.trailer.end_ns = 5;
	rec.trailer.reason = TT_CLOSE_CUT;
	rec.trailer.signal = 15;
	n = encode(buf, sizeof(buf), &rec);
	cr_assert_eq(n, 8 + 3 * 8 + 2 * 4);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	cr_assert_eq(got.trailer.reason, TT_CLOSE_CUT);
	cr_assert_eq(got.trailer.signal, 15);

	/* as a format 1.4 writer wrote it: no signal */
	put_le32(buf, n - 4);
	put_le16(buf + 6, 1);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n - 4);
	cr_assert_eq(got.trailer.end_ns, 5);
	cr_assert_eq(got.trailer.signal, 0);
}

Test(records, rename)
{
	unsigned char buf[64];
	struct tt_record rec = { .type = TT_REC_RENAME }, got;

	rec.rename.ts = 42;
	rec.rename.pid = 7;
	rec.rename.tid = 9;
	rec.rename.cpu = 1;
	memcpy(rec.rename.comm, "worker1", 7);
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 34);
	cr_assert_eq(tt_record__decode(buf, 8 + 34, &got), 8 + 34);
	cr_assert_eq(got.rename.tid, 9);
	cr_assert_str_eq(got.rename.comm, "worker1");
	cr_assert(tt_record__is_event(&got));
	cr_assert_eq(tt_record__ts(&got), 42);
}

Test(records, packet_versions)
{
	unsigned char buf[256];
	struct tt_record rec = { .type = TT_REC_PACKET }, got;
	struct tt_packet *p = &rec.packet;

	p->ts = 123456789;
	p->pid = 42;
	p->sport = 8080;
	p->family = 6;
	memcpy(p->comm, "curl", 4);
	memcpy(p->ifname, "veth0", 5);
	cr_assert_eq(encode(buf, sizeof(buf), &rec), 8 + 128);
	cr_assert_eq(get_le16(buf + 6), 2, "version field");
	cr_assert(!memcmp(buf + 8 + 96, "curl\0", 5));
	cr_assert(!memcmp(buf + 8 + 112, "veth0\0", 6), "ifname at offset 112");
	cr_assert_eq(tt_record__decode(buf, 8 + 128, &got), 8 + 128);
	cr_assert_str_eq(got.packet.ifname, "veth0");
	cr_assert_eq(got.packet.sport, 8080);

	/* as a format 1.1 writer wrote it */
	put_le32(buf, 8 + 112);
	put_le16(buf + 6, 1);
	memset(buf + 8 + 112, 0x5a, 16); /* whatever follows is not read */
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), 8 + 112);
	cr_assert_eq(got.packet.ts, 123456789);
	cr_assert_str_eq(got.packet.comm, "curl");
	cr_assert_eq(got.packet.ifname[0], 0);
	/* version 2 claims the field: a record that stops before it is corrupt */
	put_le16(buf + 6, 2);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, max_sizes)
{
	static char blob[TT_MAX_RECORD_SIZE];
	unsigned char *buf = malloc(TT_MAX_RECORD_SIZE + 64);
	struct tt_record rec, got;
	int n;

	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = i % 7 ? 'a' + i % 26 : '\0';
	gen_record(&rec, 4); /* proc */
	rec.proc.argv = (struct tt_bytes){ blob, 0 };
	n = encode(buf, TT_MAX_RECORD_SIZE + 64, &rec);
	rec.proc.argv.len = TT_MAX_RECORD_SIZE - n;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE + 64, &rec), TT_MAX_RECORD_SIZE);
	cr_assert_eq(tt_record__decode(buf, TT_MAX_RECORD_SIZE, &got), TT_MAX_RECORD_SIZE);
	assert_rec_eq(&got, &rec);
	rec.proc.argv.len++;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE + 64, &rec), -EMSGSIZE);

	/* a size field above the limit is corruption, even if the bytes are there */
	put_le32(buf, TT_MAX_RECORD_SIZE + 1);
	cr_assert_eq(tt_record__decode(buf, TT_MAX_RECORD_SIZE + 64, &got), -EBADMSG);

	gen_record(&rec, 24); /* syscall with TT_MAX_STRS strings */
	cr_assert_eq(rec.syscall.nstr, TT_MAX_STRS);
	for (int s = 0; s < TT_MAX_STRS; s++)
		rec.syscall.strs[s].value = (struct tt_bytes){ blob + s, 4096 };
	n = encode(buf, TT_MAX_RECORD_SIZE, &rec);
	cr_assert_eq(tt_record__decode(buf, n, &got), n);
	assert_rec_eq(&got, &rec);
	rec.syscall.nstr = TT_MAX_STRS + 1;
	cr_assert_eq(tt_record__encode(buf, TT_MAX_RECORD_SIZE, &rec), -EINVAL);
	free(buf);
}

Test(records, encode_errors)
{
	unsigned char buf[512];
	struct tt_record rec;

	for (int i = 0; i < 8; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		for (int cap = 0; cap < n; cap++)
			cr_assert_eq(tt_record__encode(buf, cap, &rec), -ENOSPC,
				     "type %u cap %d", rec.type, cap);
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = 0;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
	rec.type = 999;
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
	rec.type = TT_REC_CGROUP;
	rec.cgroup.path = (struct tt_bytes){ NULL, 3 };
	cr_assert_eq(tt_record__encode(buf, sizeof(buf), &rec), -EINVAL);
}

Test(records, cut_and_short_records)
{
	unsigned char buf[512];
	struct tt_record rec, got;

	for (int i = 0; i < 16; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		/* fewer bytes available than the record: it is cut */
		for (int avail = 0; avail < n; avail++)
			cr_assert_eq(tt_record__decode(buf, avail, &got), -ENODATA);
		/* a size too small for the fields of version 1: corrupt */
		for (int size = 0; size < n; size++) {
			put_le32(buf, size);
			cr_assert_eq(tt_record__decode(buf, n, &got), -EBADMSG,
				     "type %u size %d of %d", rec.type, size, n);
		}
		put_le32(buf, n);
		put_le16(buf + 6, 0); /* there is no version 0 */
		cr_assert_eq(tt_record__decode(buf, n, &got), -EBADMSG);
	}

	/* a string longer than its record */
	gen_record(&rec, 5);
	encode(buf, sizeof(buf), &rec);
	put_le32(buf + 16, 0xfffffff0);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);

	/* more syscall strings than TT_MAX_STRS */
	gen_record(&rec, 8);
	encode(buf, sizeof(buf), &rec);
	buf[8 + 29] = TT_MAX_STRS + 1;
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);

	/* a file header with a bad magic */
	gen_header(&rec, 0, 0);
	encode(buf, sizeof(buf), &rec);
	buf[9] ^= 1;
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), -EBADMSG);
}

Test(records, unknown_type_and_trailing_fields)
{
	unsigned char buf[600];
	struct tt_record rec, got;

	/* unknown type: decoded to its header, skipped by size */
	put_le32(buf, 40);
	put_le16(buf + 4, 4242);
	put_le16(buf + 6, 3);
	memset(buf + 8, 0xab, 32);
	cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), 40);
	cr_assert_eq(got.type, 4242);
	cr_assert_eq(got.version, 3);
	cr_assert_eq(got.size, 40);
	cr_assert_not(tt_record__is_known(4242));

	/* a newer version of a known type with fields appended */
	for (int i = 0; i < 16; i++) {
		int n;

		gen_record(&rec, i);
		n = encode(buf, sizeof(buf), &rec);
		memset(buf + n, 0x5a, 37);
		put_le32(buf, n + 37);
		put_le16(buf + 6, 2);
		cr_assert_eq(tt_record__decode(buf, sizeof(buf), &got), n + 37);
		cr_assert_eq(got.version, 2);
		assert_rec_eq(&got, &rec);
	}
}

Test(records, ts_events_monitors)
{
	struct tt_record rec;

	for (int i = 0; i < 16; i++) {
		gen_record(&rec, i);
		switch (rec.type) {
		case TT_REC_SYSCALL:
		case TT_REC_EXEC:
		case TT_REC_FORK:
		case TT_REC_EXIT:
			cr_assert(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), gen_ts(i));
			break;
		case TT_REC_LOSS:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), rec.loss.from_ts);
			break;
		case TT_REC_CONFIG:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), rec.config.ts);
			break;
		default:
			cr_assert_not(tt_record__is_event(&rec));
			cr_assert_eq(tt_record__ts(&rec), 0);
		}
	}
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_SYSCALL), "syscall");
	cr_assert_str_eq(tt_monitor__name(TT_MONITOR_EXEC), "exec");
	cr_assert_null(tt_monitor__name(TT_MONITOR__COUNT));
	cr_assert_eq(tt_monitor__from_name("syscall"), TT_MONITOR_SYSCALL);
	cr_assert_eq(tt_monitor__from_name("exec"), TT_MONITOR_EXEC);
	cr_assert_eq(tt_monitor__from_name("Exec"), -EINVAL);
	cr_assert_eq(tt_monitor__from_name(""), -EINVAL);
}

/* Writer and reader --------------------------------------------------------- */

#define NREC 3000

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

/* Read a possibly broken file to its end: never a crash or a hang; errors
 * are worded. Returns the number of records, or -1 if it did not open. */
static int read_broken(const char *path, int *ret, bool *truncated)
{
	struct trace_reader *r;
	struct tt_record rec;
	char err[256] = "";
	int n = 0;

	r = trace_reader__open(path, err, sizeof(err));
	if (!r) {
		cr_assert_gt(errno, 0);
		cr_assert_neq(err[0], '\0', "open failed without a reason");
		cr_assert_null(strchr(err, '\n'));
		return -1;
	}
	while ((*ret = trace_reader__next(r, &rec)) > 0)
		cr_assert_lt(++n, 100000, "runaway reader");
	if (*ret < 0)
		cr_assert_neq(trace_reader__error(r)[0], '\0');
	*truncated = trace_reader__truncated(r);
	trace_reader__close(r);
	return n;
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

/* Sets ------------------------------------------------------------------------ */

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
