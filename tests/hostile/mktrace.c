// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write a trace of hostile strings, as any traced process could make them:
 * a comm, argv, exe, paths and a cgroup holding terminal escape sequences,
 * and commands a careless tool might run, which would create MARKER.
 * Usage: mktrace FILE MARKER
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

#include "trace.h"

#define BYTES(s) ((struct tt_bytes){ (s), sizeof(s) - 1 })
/* ESC ] 0 ; title BEL sets a window title; ESC [ 2 J clears the screen */
#define ESC_TITLE "\033]0;pwned\007"
#define ESC_CLEAR "\033[2J"
#define PID 4242
#define FORMULA_PATH "=HYPERLINK(\"http://example.com\")"
#define FULL_NAME "ABCDEFGHIJKLMNOP" /* TT_COMM_SIZE characters */
#define C1_PATH "/tmp/\x9b" "2J\xc2\x9b" "2J"
#define C1_COMM "c1\x9b" "2J\xc2\x9b" "2J"
#define UTF8_PATH "/tmp/r\xc3\xa9sum\xc3\xa9-\xff"

static int put(struct trace_writer *w, struct tt_record *rec)
{
	int err = trace_writer__append(w, rec);

	if (err)
		fprintf(stderr, "mktrace: record type %u: %s\n", rec->type, strerror(-err));
	return err;
}

static void syscall_rec(struct tt_record *rec, uint64_t ts, int nr, int64_t ret, const char *path,
			size_t len)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_SYSCALL;
	rec->syscall = (struct tt_syscall){ .ts = ts, .duration = 1000, .pid = PID, .tid = PID,
					    .nr = nr, .nargs = 4, .ret = ret, .nstr = 1 };
	rec->syscall.args[0] = (uint64_t)-100; /* AT_FDCWD */
	rec->syscall.strs[0] = (struct tt_str){ .arg = 1, .kind = TT_STR_PATH,
						.value = { path, len } };
}

int main(int argc, char **argv)
{
	char argv_bytes[512];
	int argv_len;
	static const char path[] = "/tmp/" ESC_TITLE "`true`";
	struct trace_writer_opts opts = { 0 };
	struct trace_writer *w;
	struct tt_record rec;
	int err = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: mktrace FILE MARKER\n");
		return 2;
	}
	/* "sh" "-c" "touch MARKER; ESC..." "$(touch MARKER)", NUL-separated */
	argv_len = snprintf(argv_bytes, sizeof(argv_bytes), "sh%c-c%ctouch %s; " ESC_CLEAR "%c$(touch %s)",
			    0, 0, argv[2], 0, argv[2]) + 1;
	w = trace_writer__open(argv[1], &opts);
	if (!w) {
		fprintf(stderr, "mktrace: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FILE_HEADER;
	rec.header = (struct tt_file_header){ .audit_arch = AUDIT_ARCH_X86_64, .ncpus = 1,
		.monitors = 7, .rec_pid = 1, .start_ns = 1000000000, .recording_id = 7,
		.tool_version = BYTES("0.1.0"), .hostname = BYTES("host" ESC_TITLE),
		.kernel_release = BYTES("6.1" ESC_CLEAR), .machine = BYTES("x86_64"),
		.cmdline = BYTES("rec\0-o\0" ESC_CLEAR "\0"), .options = BYTES("monitors=syscall\n") };
	err = err ?: put(w, &rec);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_CGROUP;
	rec.cgroup = (struct tt_cgroup){ .id = 9, .path = BYTES("/evil" ESC_TITLE ".scope") };
	err = err ?: put(w, &rec);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_PROC;
	rec.proc = (struct tt_proc){ .pid = PID, .ppid = 1, .start_ns = 1000000000, .cgroup_id = 9,
		.comm = BYTES(ESC_CLEAR "x"), .exe = BYTES("/bin/" ESC_TITLE),
		.argv = { argv_bytes, argv_len } };
	err = err ?: put(w, &rec);

	/* a function table entry (rec -m func) with a name from an ELF file */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_FUNC;
	rec.func = (struct tt_func){ .id = 1, .kind = TT_FUNC_USER, .probe = TT_PROBE_UPROBE,
		.name = BYTES("evil_" ESC_CLEAR), .module = BYTES("/tmp/" ESC_TITLE) };
	err = err ?: put(w, &rec);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXEC;
	rec.exec = (struct tt_exec){ .ts = 1100000000, .pid = PID, .tid = PID, .ppid = 1,
		.nargs = 4, .cgroup_id = 9, .filename = BYTES("/bin/" ESC_TITLE),
		.argv = { argv_bytes, argv_len } };
	memcpy(rec.exec.comm, ESC_CLEAR "x", sizeof(ESC_CLEAR "x"));
	err = err ?: put(w, &rec);

	/* one that worked and one that failed, so that every view lists it */
	syscall_rec(&rec, 1200000000, SYS_openat, 3, path, sizeof(path) - 1);
	err = err ?: put(w, &rec);
	syscall_rec(&rec, 1300000000, SYS_openat, -ENOENT, path, sizeof(path) - 1);
	err = err ?: put(w, &rec);
	/* ptrace raises a built-in alert, which names the process */
	syscall_rec(&rec, 1310000000, SYS_ptrace, 0, path, 0);
	rec.syscall.nstr = 0;
	err = err ?: put(w, &rec);
	for (int ev = TT_FUNC_ENTRY; ev <= TT_FUNC_RETURN; ev++) {
		memset(&rec, 0, sizeof(rec));
		rec.type = TT_REC_FUNC_CALL;
		rec.func_call = (struct tt_func_call){ .ts = 1320000000 + ev, .pid = PID, .tid = PID,
			.func = 1, .event = ev, .duration = ev == TT_FUNC_RETURN };
		err = err ?: put(w, &rec);
	}
	/* a call at the deepest depth a record can claim: --calls indents it
	 * no more than --tree would */
	for (int ev = TT_FUNC_ENTRY; ev <= TT_FUNC_RETURN; ev++) {
		memset(&rec, 0, sizeof(rec));
		rec.type = TT_REC_FUNC_CALL;
		rec.func_call = (struct tt_func_call){ .ts = 1330000000 + ev, .pid = PID, .tid = PID,
			.func = 1, .event = ev, .depth = UINT16_MAX };
		err = err ?: put(w, &rec);
	}

	/* cells a spreadsheet would run as formulas (csv-export --safe) */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXEC;
	rec.exec = (struct tt_exec){ .ts = 1350000000, .pid = PID + 1, .tid = PID + 1, .ppid = PID,
		.nargs = 2, .filename = BYTES("@SUM(1+1)*cmd|' /C calc'!A0"),
		.argv = BYTES("-2+3\0+cmd|' /C calc'!A0\0") };
	memcpy(rec.exec.comm, "=1+1", sizeof("=1+1"));
	err = err ?: put(w, &rec);
	syscall_rec(&rec, 1360000000, SYS_openat, -ENOENT, FORMULA_PATH, sizeof(FORMULA_PATH) - 1);
	rec.syscall.pid = rec.syscall.tid = PID + 1;
	err = err ?: put(w, &rec);
	/* CSI as a C1 control, raw and in UTF-8, in a path and in a process's
	 * name: escaped for a terminal too */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXEC;
	rec.exec = (struct tt_exec){ .ts = 1360400000, .pid = PID + 2, .tid = PID + 2, .ppid = PID,
		.filename = BYTES("/bin/c1") };
	memcpy(rec.exec.comm, C1_COMM, sizeof(C1_COMM));
	err = err ?: put(w, &rec);
	syscall_rec(&rec, 1360500000, SYS_openat, -ENOENT, C1_PATH, sizeof(C1_PATH) - 1);
	rec.syscall.pid = rec.syscall.tid = PID + 2;
	err = err ?: put(w, &rec);
	/* a name in UTF-8 (JSON keeps it as it is) with a byte that is not */
	syscall_rec(&rec, 1361000000, SYS_openat, -ENOENT, UTF8_PATH, sizeof(UTF8_PATH) - 1);
	rec.syscall.pid = rec.syscall.tid = PID + 1;
	err = err ?: put(w, &rec);

	/* 5000 packets lost: counted in every total, whatever the monitor */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_LOSS;
	rec.loss = (struct tt_loss){ .monitor = TT_MONITOR_PACKET, .cpu = TT_CPU_ANY, .count = 5000,
		.from_ts = 1361000000, .to_ts = 1362000000 };
	err = err ?: put(w, &rec);

	/* an exec whose return value no kernel gives: -INT32_MIN overflows */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXEC;
	rec.exec = (struct tt_exec){ .ts = 1365000000, .pid = PID + 1, .tid = PID + 1, .ppid = PID,
		.ret = INT32_MIN, .filename = BYTES("/bin/int-min") };
	err = err ?: put(w, &rec);

	/* a packet whose owner's name and interface fill their 16 bytes, with
	 * no NUL: read as bounded bytes, never as C strings */
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_PACKET;
	rec.packet = (struct tt_packet){ .ts = 1370000000, .id = 1, .pid = PID, .tid = PID,
		.length = 60, .flags = TT_PACKET_OWNED | TT_PACKET_OUTBOUND, .family = 4,
		.ip_proto = 6, .sport = 1234, .dport = 80, .saddr = { 127, 0, 0, 1 },
		.daddr = { 127, 0, 0, 1 } };
	memcpy(rec.packet.comm, FULL_NAME, TT_COMM_SIZE);
	memcpy(rec.packet.ifname, FULL_NAME, TT_COMM_SIZE);
	err = err ?: put(w, &rec);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXIT;
	rec.exit = (struct tt_exit){ .ts = 1400000000, .pid = PID, .tid = PID, .group_dead = 1 };
	err = err ?: put(w, &rec);

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_TRAILER;
	rec.trailer = (struct tt_trailer){ .end_ns = 1500000000, .events = 9 };
	err = err ?: put(w, &rec);
	if (trace_writer__close(w) && !err) {
		fprintf(stderr, "mktrace: %s: cannot close it\n", argv[1]);
		return 1;
	}
	return err ? 1 : 0;
}
