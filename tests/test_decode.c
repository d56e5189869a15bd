// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the arguments as text (replay/decode.c, decode_args.c):
 * the cases tests/decode_strace.sh cannot make strace agree on or does not
 * reach. Numbers no table names stay hex, ints are signed, and a flag or
 * command cuts the arguments it leaves unused.
 */
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "decode.h"
#include "decode_args.h"

static struct syscall_table *st;

static void setup(void)
{
	st = syscall_table__new(AUDIT_ARCH_X86_64);
	cr_assert_not_null(st);
}

static void teardown(void)
{
	syscall_table__free(st);
}

/* name(args) = ret for a call with these registers and result. */
static char *call(const char *name, long ret, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct tt_syscall s = { .nr = syscall_table__nr(st, name), .ret = ret,
				.args = { a0, a1, a2, a3 } };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_geq(s.nr, 0, "%s", name);
	cr_assert_not_null(f);
	decode__syscall(f, st, &s);
	fclose(f);
	return out;
}

#define EXPECT(want, ...)                                  \
	do {                                               \
		char *got_ = call(__VA_ARGS__);            \
		cr_expect_str_eq(got_, want);              \
		free(got_);                                \
	} while (0)

TestSuite(decode, .init = setup, .fini = teardown);

Test(decode, open_mode_only_when_a_file_may_be_created)
{
	/* O_DIRECTORY is one of O_TMPFILE's bits, not O_TMPFILE */
	EXPECT("open(0x1000, O_RDONLY|O_DIRECTORY) = -1 ENOENT (No such file or directory)",
	       "open", -2, 0x1000, 0200000, ~0ULL, 0);
	/* a mode_t is 32 bits: the register's upper half is not part of it */
	EXPECT("open(0x1000, O_RDWR|O_TMPFILE, 0600) = 3", "open", 3, 0x1000, 020200002,
	       0xffffffff00000180ULL, 0);
	EXPECT("openat(AT_FDCWD, 0x1000, O_WRONLY|O_CREAT|O_LARGEFILE, 0644) = 4", "openat", 4,
	       (uint32_t)-100, 0x1000, 0100101, 0644);
}

Test(decode, unknown_numbers_stay_hex)
{
	EXPECT("socket(0x4d, SOCK_STREAM, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)",
	       "socket", -97, 77, 1, 0, 0);
	EXPECT("socket(AF_INET, 0xe|SOCK_CLOEXEC, 0x63) = 3", "socket", 3, 2, 0x8000e, 99, 0);
	EXPECT("ioctl(0, 0x12345678, 0) = -1 ENOTTY (Inappropriate ioctl for device)", "ioctl",
	       -25, 0, 0x12345678, 0, 0);
	EXPECT("fcntl(0, 0x4d2, 0xff80) = -1 EINVAL (Invalid argument)", "fcntl", -22, 0, 1234,
	       0xff80, 0);
	EXPECT("mmap(NULL, 4096, PROT_READ|0x10000, MAP_PRIVATE|0x80000000, 0, 0) = 0x7f0000000000",
	       "mmap", 0x7f0000000000, 0, 4096, 0x10001, 0x80000002);
	EXPECT("kill(1, 0xdead) = -1 EINVAL (Invalid argument)", "kill", -22, 1, 0xdead, 0, 0);
	EXPECT("futex(0x1000, 0x7f, 1, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)",
	       "futex", -38,
	       0x1000, 0x7f, 1, 0);
}

Test(decode, signed_where_the_abi_is)
{
	EXPECT("wait4(-1, NULL, WNOHANG|__WALL, NULL) = -1 ECHILD (No child processes)", "wait4",
	       -10, 0xffffffff, 0, 0x40000001, 0);
	EXPECT("lseek(3, -1, SEEK_CUR) = -1 EINVAL (Invalid argument)", "lseek", -22, 3, -1ULL,
	       1, 0);
}

Test(decode, signals)
{
	EXPECT("kill(-1, 0) = 0", "kill", 0, -1ULL, 0, 0, 0);
	EXPECT("kill(1, SIGRTMIN) = 0", "kill", 0, 1, 32, 0, 0);
	EXPECT("tgkill(1, 2, SIGRT_2) = 0", "tgkill", 0, 1, 2, 34, 0);
	EXPECT("rt_sigprocmask(SIG_SETMASK, NULL, 0x1000, 8) = 0", "rt_sigprocmask", 0, 2, 0,
	       0x1000, 8);
}

Test(decode, commands_cut_unused_arguments)
{
	EXPECT("fcntl(3, F_GETFL) = 0 (flags O_RDONLY)", "fcntl", 0, 3, 3, 0xdead, 0);
	EXPECT("fcntl(3, F_GETFD) = 0", "fcntl", 0, 3, 1, 0xdead, 0);
	EXPECT("fcntl(3, F_SETFD, FD_CLOEXEC) = 0", "fcntl", 0, 3, 2, 1, 0);
	EXPECT("fcntl(3, F_SETSIG, SIGIO) = 0", "fcntl", 0, 3, 10, 29, 0);
	EXPECT("prctl(PR_GET_DUMPABLE) = 1", "prctl", 1, 3, 0xdead, 0, 0);
	EXPECT("prctl(PR_SET_PDEATHSIG, SIGKILL) = 0", "prctl", 0, 1, 9, 0xdead, 0);
	EXPECT("prctl(PR_SET_NAME, 0x1000) = 0", "prctl", 0, 15, 0x1000, 0xdead, 0);
	EXPECT("prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0", "prctl", 0, 38, 1, 0, 0);
	EXPECT("prctl(0x77, 0x11, 0x22, 0x33, 0) = -1 EINVAL (Invalid argument)", "prctl", -22, 0x77,
	       0x11, 0x22, 0x33);
	EXPECT("futex(0x1000, FUTEX_WAKE_PRIVATE, 1) = 0", "futex", 0, 0x1000, 129, 1, 0xdead);
	EXPECT("futex(0x1000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0) = 0",
	       "futex", 0, 0x1000, 0x189, 1, 0);
}

Test(decode, clone_and_namespaces)
{
	EXPECT("clone(CLONE_VM|CLONE_VFORK|SIGCHLD, NULL, NULL, NULL, NULL) = 5", "clone", 5,
	       0x4111, 0, 0, 0);
	EXPECT("clone(CLONE_THREAD, NULL, NULL, NULL, NULL) = 5", "clone", 5, 0x10000, 0, 0, 0);
	/* CLONE_NEWTIME shares CSIGNAL's bits: a namespace for unshare */
	EXPECT("unshare(CLONE_NEWTIME|CLONE_NEWNS) = 0", "unshare", 0, 0x20080, 0, 0, 0);
	EXPECT("setns(3, 0) = 0", "setns", 0, 3, 0, 0, 0);
}

Test(decode, named_results)
{
	EXPECT("umask(022) = 077", "umask", 077, 022, 0, 0, 0);
	EXPECT("personality(PER_LINUX32) = 0 (PER_LINUX)", "personality", 0, 8, 0, 0, 0);
	EXPECT("personality(PER_LINUX|ADDR_NO_RANDOMIZE) = 0x8 (PER_LINUX32)", "personality", 8,
	       0x40000, 0, 0, 0);
	EXPECT("fcntl(3, F_GETFD) = -1 EBADF (Bad file descriptor)", "fcntl", -9, 3, 1, 0, 0);
}

Test(decode, fork_record_flags)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	decode_args__clone_flags(f, 0x1200011);
	fclose(f);
	cr_expect_str_eq(out, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	free(out);
}

static char *signal_text(const struct tt_signal *g)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	decode__signal(f, g);
	fclose(f);
	return out;
}

#define EXPECT_SIGNAL(want, ...) \
	do { \
		struct tt_signal g_ = { __VA_ARGS__ }; \
		char *got_ = signal_text(&g_); \
		cr_expect_str_eq(got_, want); \
		free(got_); \
	} while (0)

/* Each siginfo layout as strace shows it; those rec_signal.sh cannot make
 * happen (timers, SIGPOLL, SIGSYS, sigqueue) included. */
Test(decode, signal_records)
{
	EXPECT_SIGNAL("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4475, si_uid=0, "
		      "si_status=3} ---", .event = TT_SIGNAL_DELIVER, .signo = 17, .code = 1,
		      .layout = TT_SIL_CHLD, .info_pid = 4475, .info_status = 3);
	EXPECT_SIGNAL("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_DUMPED, si_pid=7, si_uid=1000, "
		      "si_status=SIGABRT} ---", .event = TT_SIGNAL_DELIVER, .signo = 17, .code = 3,
		      .layout = TT_SIL_CHLD, .info_pid = 7, .info_uid = 1000, .info_status = 6);
	EXPECT_SIGNAL("--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x7f0000001000} ---",
		      .event = TT_SIGNAL_DELIVER, .signo = 11, .code = 2, .layout = TT_SIL_FAULT,
		      .info_addr = 0x7f0000001000);
	EXPECT_SIGNAL("--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=5, si_uid=0, "
		      "si_value={int=42, ptr=0x2a}} ---", .event = TT_SIGNAL_DELIVER, .signo = 12,
		      .code = -1, .layout = TT_SIL_RT, .info_pid = 5, .info_value = 42);
	EXPECT_SIGNAL("--- SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x1, "
		      "si_overrun=0, si_value={int=0, ptr=0}} ---", .event = TT_SIGNAL_DELIVER,
		      .signo = 14, .code = -2, .layout = TT_SIL_TIMER, .info_pid = 1);
	EXPECT_SIGNAL("--- SIGIO {si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3} ---",
		      .event = TT_SIGNAL_DELIVER, .signo = 29, .code = 1, .layout = TT_SIL_POLL,
		      .info_value = 65, .info_status = 3);
	/* SYS_SECCOMP has no name in glibc's headers: a number */
	EXPECT_SIGNAL("--- SIGSYS {si_signo=SIGSYS, si_code=1, si_call_addr=0x401000, si_syscall=39, "
		      "si_arch=0xc000003e} ---", .event = TT_SIGNAL_DELIVER, .signo = 31, .code = 1,
		      .layout = TT_SIL_SYS, .info_addr = 0x401000, .info_status = 39,
		      .info_value = AUDIT_ARCH_X86_64);
	EXPECT_SIGNAL("--- SIGTERM {si_signo=SIGTERM, si_code=SI_TKILL, si_errno=EPERM, si_pid=1, "
		      "si_uid=0} ---", .event = TT_SIGNAL_DELIVER, .signo = 15, .code = -6,
		      .errno_ = 1, .layout = TT_SIL_KILL, .info_pid = 1);
	EXPECT_SIGNAL("+++ sent SIGKILL (SI_KERNEL) to 9 = delivered +++", .event = TT_SIGNAL_GENERATE,
		      .signo = 9, .code = 0x80, .target_pid = 9, .target_tid = 9, .group = 1);
	EXPECT_SIGNAL("+++ sent SIGUSR1 (SI_TKILL) to thread 9/12 = already pending +++",
		      .event = TT_SIGNAL_GENERATE, .signo = 10, .code = -6, .target_pid = 9,
		      .target_tid = 12, .result = 2);
	EXPECT_SIGNAL("+++ sent SIGCHLD (CLD_EXITED) to 1 = ignored +++", .event = TT_SIGNAL_GENERATE,
		      .signo = 17, .code = 1, .target_pid = 1, .group = 1, .result = 1);
	/* a code no header names for that signal, and a result past the kernel's */
	EXPECT_SIGNAL("+++ sent SIGUSR1 (7) to 2 = ? +++", .event = TT_SIGNAL_GENERATE, .signo = 10,
		      .code = 7, .target_pid = 2, .group = 1, .result = 9);
}

/* rec --datasize: a buffer's DATA string in place of its pointer, escaped
 * as strace -s escapes it (octal digits as few as the byte takes, three
 * before an octal digit), "..." when cut; without one, the pointer. */
static char *data_call(const char *name, long ret, uint64_t len, const char *bytes, size_t n,
		       bool truncated)
{
	struct tt_syscall s = { .nr = syscall_table__nr(st, name), .ret = ret, .nargs = 3,
				.args = { 3, 0x7ffd2000, len } };
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);

	if (bytes) {
		s.nstr = 1;
		s.strs[0] = (struct tt_str){ .arg = 1, .kind = TT_STR_DATA,
					     .flags = truncated ? TT_STR_TRUNCATED : 0,
					     .value = { bytes, n } };
	}
	cr_assert_not_null(f);
	decode__syscall(f, st, &s);
	fclose(f);
	return out;
}

#define EXPECT_DATA(want, ...)                             \
	do {                                               \
		char *got_ = data_call(__VA_ARGS__);       \
		cr_expect_str_eq(got_, want);              \
		free(got_);                                \
	} while (0)

Test(decode, data_buffers_as_strace_s)
{
	EXPECT_DATA("read(3, \"root:x:0:0:root:\"..., 4096) = 1024", "read", 1024, 4096,
		    "root:x:0:0:root:", 16, true);
	EXPECT_DATA("write(3, \"0123456789abcdef\", 16) = 16", "write", 16, 16,
		    "0123456789abcdef", 16, false);
	EXPECT_DATA("write(3, \"\\t\\\"\\\\\\1\\0017\\377\\v\\f\\r\\n\\0x\", 13) = 13", "write", 13,
		    13, "\t\"\\\001\0017\377\v\f\r\n\0x", 13, false);
	EXPECT_DATA("write(3, \"\\00008\\09\\1a\\177\", 8) = 8", "write", 8, 8,
		    "\0" "08\0" "9\001a\177", 8, false);
	EXPECT_DATA("read(3, \"\", 64) = 0", "read", 0, 64, "", 0, false);
	EXPECT_DATA("read(3, 0x7ffd2000, 64) = -1 EBADF (Bad file descriptor)", "read", -9, 64,
		    NULL, 0, false);
	/* a string of a kind this reader does not know: the pointer */
	{
		struct tt_syscall s = { .nr = 0, .ret = 4, .nargs = 3, .args = { 3, 0x1000, 4 },
					.nstr = 1,
					.strs = { { .arg = 1, .kind = 99, .value = { "abcd", 4 } } } };
		char *out = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&out, &size);

		decode__syscall(f, st, &s);
		fclose(f);
		cr_expect_str_eq(out, "read(3, 0x1000, 4) = 4");
		free(out);
	}
}

/* Paths and arguments are quoted the way buffers are, as strace does. */
Test(decode, paths_quoted_as_strace)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	cr_assert_not_null(f);
	decode__quoted(f, "/tmp/a\001b\0017\f", 11, true);
	fclose(f);
	cr_expect_str_eq(out, "\"/tmp/a\\1b\\0017\\f\"...");
	free(out);
}

/* An argv or envp (rec --envsize) list, as strace -v writes one; a list
 * cut before its first string is still marked. */
Test(decode, string_lists)
{
	static const struct { const char *bytes; size_t len; bool cut; const char *want; } cases[] = {
		{ "A=1\0B=x y\0C=\0", 13, false, "[\"A=1\", \"B=x y\", \"C=\"]" },
		{ "A=1\0B=x", 7, true, "[\"A=1\", \"B=x\", ...]" },
		{ "", 0, false, "[]" },
		{ "", 0, true, "[...]" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		cr_assert_not_null(f);
		decode__argv(f, cases[i].bytes, cases[i].len, cases[i].cut);
		fclose(f);
		cr_expect_str_eq(out, cases[i].want);
		free(out);
	}
}
