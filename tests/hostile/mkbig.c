// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write a small trace that is large once decoded: N openat calls within one
 * second, each naming a distinct path of STRLEN bytes (compressed to almost
 * nothing, as repeated bytes are), and as many processes with argv of that
 * size. Read whole, it is N * STRLEN bytes: what the reorder window and the
 * views' tables must not keep (README: Guarantees).
 * Usage: mkbig FILE N STRLEN
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "trace.h"

#define BYTES(s) ((struct tt_bytes){ (s), sizeof(s) - 1 })
#define PID 1000

static int put(struct trace_writer *w, struct tt_record *rec)
{
	int err = trace_writer__append(w, rec);

	if (err)
		fprintf(stderr, "mkbig: record type %u: %s\n", rec->type, strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	struct trace_writer_opts opts = { 0 };
	struct trace_writer *w;
	struct tt_record rec;
	long n, len;
	char *big;
	int err = 0;

	if (argc != 4 || (n = atol(argv[2])) <= 0 || (len = atol(argv[3])) < 16) {
		fprintf(stderr, "usage: mkbig FILE N STRLEN\n");
		return 2;
	}
	big = malloc(len);
	if (!big)
		return 1;
	memset(big, 'a', len);
	big[0] = '/';
	w = trace_writer__open(argv[1], &opts);
	if (!w) {
		fprintf(stderr, "mkbig: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FILE_HEADER;
	rec.header = (struct tt_file_header){ .audit_arch = AUDIT_ARCH_X86_64, .ncpus = 1,
		.monitors = 7, .rec_pid = 1, .start_ns = 1000000000, .recording_id = 8,
		.tool_version = BYTES("0.1.0"), .hostname = BYTES("host"),
		.kernel_release = BYTES("6.1"), .machine = BYTES("x86_64"),
		.cmdline = BYTES("rec\0"), .options = BYTES("monitors=syscall\n") };
	err = put(w, &rec);
	for (long i = 0; i < n && !err; i++) {
		uint32_t pid = PID + (uint32_t)i;

		/* distinct in its first bytes: every one its own key */
		for (long k = i, d = 1; d <= 10; k /= 10, d++)
			big[d] = (char)('0' + k % 10);
		memset(&rec, 0, sizeof(rec));
		rec.type = TT_REC_EXEC;
		rec.exec = (struct tt_exec){ .ts = 1000000000 + i * 100, .pid = pid, .tid = pid,
			.ppid = i ? pid - 1 : 1, .nargs = 1, .filename = { big, 64 },
			.argv = { big, (uint32_t)len } };
		memcpy(rec.exec.comm, "big", 4);
		err = put(w, &rec);
		memset(&rec, 0, sizeof(rec));
		rec.type = TT_REC_SYSCALL;
		rec.syscall = (struct tt_syscall){ .ts = 1000000000 + i * 100 + 50,
			.duration = 1000, .pid = pid, .tid = pid, .nr = SYS_openat, .nargs = 4,
			.ret = i % 2 ? 3 : -ENOENT, .nstr = 1 };
		rec.syscall.args[0] = (uint64_t)-100; /* AT_FDCWD */
		rec.syscall.strs[0] = (struct tt_str){ .arg = 1, .kind = TT_STR_PATH,
			.value = { big, (uint32_t)len } };
		err = err ?: put(w, &rec);
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_TRAILER;
	rec.trailer = (struct tt_trailer){ .end_ns = 1000000000 + n * 100, .events = 2 * n };
	err = err ?: put(w, &rec);
	err = trace_writer__close(w) ?: err;
	free(big);
	return err ? 1 : 0;
}
