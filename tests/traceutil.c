// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the trace format tests share (tests/traceutil.h): a temporary
 * directory per test, a deterministic stream of records of every type, and
 * traces, files and chunk indexes written and read back.
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

char tmpdir[64];

void tmp_setup(void)
{
	strcpy(tmpdir, "/tmp/tt-test-format-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

void tmp_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		cr_log_warn("cannot remove %s", tmpdir);
}


const char *tmp_path(const char *name)
{
	static char paths[4][PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, PATH_MAX, "%s/%s", tmpdir, name);
	return p;
}

/* Test data ------------------------------------------------------------- */

/* strings holding what a text format would choke on */
const struct tt_bytes nasty[] = {
	BYTES("/usr/bin/env"),
	BYTES("a,b,c\nd\te\"f'g\\h"),
	BYTES("nul\0inside\0"),
	BYTES(""),
	BYTES("\xff\xfe\x80 binary \x01"),
};
const size_t nnasty = sizeof(nasty) / sizeof(nasty[0]);

uint64_t gen_ts(int i)
{
	return 1000000 + (uint64_t)i * 10;
}

void gen_header(struct tt_record *rec, uint32_t seq, uint64_t start_ns)
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
uint32_t trailer_reason = TT_CLOSE_ROTATE;

void gen_trailer(struct tt_record *rec, uint64_t events)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_TRAILER;
	rec->trailer.end_ns = 99999999;
	rec->trailer.events = events;
	rec->trailer.lost = 7;
	rec->trailer.reason = trailer_reason;
}

/* Record i of a deterministic stream mixing every type; event times grow with i. */
void gen_record(struct tt_record *rec, int i)
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
		if (i / 8 % 2) { /* rec --envsize's (format 1.11) */
			rec->exec.flags |= TT_EXEC_ENVP | (i / 8 % 4 == 1 ? TT_EXEC_ENVP_TRUNCATED : 0);
			rec->exec.nenv = 4;
			rec->exec.envp = BYTES("A=1\0B=x y\0C=\0");
		}
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
		f[n++] = &r->exec.envp;
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
void assert_rec_eq(const struct tt_record *got, const struct tt_record *want)
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

int encode(void *buf, size_t cap, const struct tt_record *rec)
{
	int n = tt_record__encode(buf, cap, rec);

	cr_assert_gt(n, 0, "encode type %u: %d", rec->type, n);
	return n;
}

/* Write a trace of header + n generated records (+ trailer). */
void write_trace(const char *path, int first, int n, uint32_t seq, uint64_t start_ns,
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

void *read_file(const char *path, size_t *len)
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

void write_file(const char *path, const void *buf, size_t len)
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
int parse_index(const unsigned char *f, size_t len, struct index_entry *e, int max)
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
int check_records(struct trace_reader *r, int first, int n, bool trailer, int *ret)
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
