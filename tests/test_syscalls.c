// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <linux/audit.h>
#include <string.h>

#include <criterion/criterion.h>

#include "syscalls.h"

static struct syscall_table *x86_64, *aarch64;

static void setup(void)
{
	x86_64 = syscall_table__new(AUDIT_ARCH_X86_64);
	aarch64 = syscall_table__new(AUDIT_ARCH_AARCH64);
	cr_assert_not_null(x86_64);
	cr_assert_not_null(aarch64);
}

static void teardown(void)
{
	syscall_table__free(x86_64);
	syscall_table__free(aarch64);
}

TestSuite(syscalls, .init = setup, .fini = teardown);

static bool selected(const uint64_t *mask, int nr)
{
	return mask[nr / 64] >> (nr % 64) & 1;
}

Test(syscalls, x86_64_names_and_numbers)
{
	cr_assert_eq(syscall_table__arch(x86_64), AUDIT_ARCH_X86_64);
	cr_assert_str_eq(syscall_table__name(x86_64, 110), "getppid");
	cr_assert_str_eq(syscall_table__name(x86_64, 257), "openat");
	cr_assert_str_eq(syscall_table__name(x86_64, 59), "execve");
	cr_assert_str_eq(syscall_table__name(x86_64, 0), "read");
	cr_assert_eq(syscall_table__nr(x86_64, "getppid"), 110);
	cr_assert_eq(syscall_table__nr(x86_64, "openat"), 257);
	cr_assert_eq(syscall_table__nr(x86_64, "execve"), 59);
	cr_assert_eq(syscall_table__nr(x86_64, "open"), 2);
	cr_assert_eq(syscall_table__nr(x86_64, "no_such_call"), -ENOENT);
	cr_assert_null(syscall_table__name(x86_64, -1));
	cr_assert_null(syscall_table__name(x86_64, SYSCALL_MAX_NR));
	cr_assert_null(syscall_table__name(x86_64, 500)); /* a hole in the table */
}

/* A trace is decoded with the table of the arch it was recorded on. */
Test(syscalls, other_arch)
{
	cr_assert_eq(syscall_table__nr(aarch64, "openat"), 56);
	cr_assert_str_eq(syscall_table__name(aarch64, 56), "openat");
	cr_assert_eq(syscall_table__nr(aarch64, "open"), -ENOENT);
	cr_assert_str_eq(syscall_table__name(aarch64, 2), "io_submit");
	cr_assert_eq(syscall_table__category(aarch64, 56), CAT_FILE_IO);

	struct syscall_args a;
	cr_assert(syscall_table__args(aarch64, 56, &a));
	cr_assert_eq(a.path[0], 1);
}

Test(syscalls, unknown_arch)
{
	errno = 0;
	cr_assert_null(syscall_table__new(0));
	cr_assert_eq(errno, EINVAL);
	errno = 0;
	cr_assert_null(syscall_table__new(0x12345678));
	cr_assert_eq(errno, EINVAL);
}

Test(syscalls, native)
{
	struct syscall_table *t = syscall_table__native();

	cr_assert_not_null(t);
	cr_assert_geq(syscall_table__nr(t, "openat"), 0);
	syscall_table__free(t);
}

Test(syscalls, category_names)
{
	static const char *const names[] = {
		"file_io", "network", "memory", "process", "signal", "time", "ipc", "other",
	};

	for (int i = 0; i < CAT__COUNT; i++) {
		cr_assert_str_eq(syscall_category__name(i), names[i]);
		cr_assert_eq(syscall_category__from_name(names[i]), i);
	}
	cr_assert_null(syscall_category__name(CAT__COUNT));
	cr_assert_eq(syscall_category__from_name("files"), -EINVAL);
}

Test(syscalls, categories)
{
	static const struct { const char *name; enum syscall_category cat; } cases[] = {
		{ "read", CAT_FILE_IO }, { "openat", CAT_FILE_IO }, { "newfstatat", CAT_FILE_IO },
		{ "close", CAT_FILE_IO }, { "lseek", CAT_FILE_IO }, { "pread64", CAT_FILE_IO },
		{ "socket", CAT_NETWORK }, { "connect", CAT_NETWORK }, { "accept4", CAT_NETWORK },
		{ "recvmsg", CAT_NETWORK }, { "setsockopt", CAT_NETWORK },
		{ "mmap", CAT_MEMORY }, { "munmap", CAT_MEMORY }, { "brk", CAT_MEMORY },
		{ "mlockall", CAT_MEMORY },
		{ "clone3", CAT_PROCESS }, { "execve", CAT_PROCESS }, { "exit_group", CAT_PROCESS },
		{ "wait4", CAT_PROCESS }, { "getppid", CAT_PROCESS },
		{ "kill", CAT_SIGNAL }, { "rt_sigaction", CAT_SIGNAL }, { "signalfd4", CAT_SIGNAL },
		{ "nanosleep", CAT_TIME }, { "clock_gettime", CAT_TIME }, { "timerfd_create", CAT_TIME },
		{ "alarm", CAT_TIME },
		{ "pipe2", CAT_IPC }, { "futex", CAT_IPC }, { "mq_open", CAT_IPC }, { "shmat", CAT_IPC },
		{ "eventfd2", CAT_IPC },
		{ "bpf", CAT_OTHER }, { "uname", CAT_OTHER },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int nr = syscall_table__nr(x86_64, cases[i].name);

		cr_assert_geq(nr, 0, "%s", cases[i].name);
		cr_expect_eq(syscall_table__category(x86_64, nr), cases[i].cat, "%s", cases[i].name);
	}
	cr_assert_eq(syscall_table__category(x86_64, 500), CAT_OTHER);
	cr_assert_eq(syscall_table__category(x86_64, -1), CAT_OTHER);
}

static struct syscall_args args_of(const char *name)
{
	struct syscall_args a;
	int nr = syscall_table__nr(x86_64, name);

	cr_assert_geq(nr, 0, "%s", name);
	syscall_table__args(x86_64, nr, &a);
	return a;
}

Test(syscalls, path_args)
{
	static const struct { const char *name; int p0, p1; } cases[] = {
		{ "open", 0, -1 }, { "openat", 1, -1 }, { "openat2", 1, -1 }, { "execve", 0, -1 },
		{ "execveat", 1, -1 }, { "newfstatat", 1, -1 }, { "statx", 1, -1 },
		{ "rename", 0, 1 }, { "renameat", 1, 3 }, { "renameat2", 1, 3 },
		{ "linkat", 1, 3 }, { "symlink", 0, 1 }, { "symlinkat", 0, 2 }, { "mount", 0, 1 },
		{ "inotify_add_watch", 1, -1 }, { "getxattr", 0, -1 }, { "utimensat", 1, -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct syscall_args a = args_of(cases[i].name);

		cr_expect_eq(a.path[0], cases[i].p0, "%s", cases[i].name);
		cr_expect_eq(a.path[1], cases[i].p1, "%s", cases[i].name);
		cr_expect_eq(a.addr, -1, "%s", cases[i].name);
	}
}

Test(syscalls, sockaddr_args)
{
	static const struct { const char *name; int addr, len; bool ptr; } cases[] = {
		{ "connect", 1, 2, false }, { "bind", 1, 2, false }, { "accept", 1, 2, true },
		{ "accept4", 1, 2, true }, { "sendto", 4, 5, false }, { "recvfrom", 4, 5, true },
		{ "getsockname", 1, 2, true }, { "getpeername", 1, 2, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct syscall_args a = args_of(cases[i].name);

		cr_expect_eq(a.addr, cases[i].addr, "%s", cases[i].name);
		cr_expect_eq(a.addrlen, cases[i].len, "%s", cases[i].name);
		cr_expect_eq(a.addrlen_ptr, cases[i].ptr, "%s", cases[i].name);
		cr_expect_eq(a.path[0], -1, "%s", cases[i].name);
	}
}

Test(syscalls, data_args)
{
	static const struct { const char *name; int data, len; bool ret; } cases[] = {
		{ "read", 1, -1, true }, { "pread64", 1, -1, true }, { "recvfrom", 1, -1, true },
		{ "write", 1, 2, false }, { "pwrite64", 1, 2, false }, { "sendto", 1, 2, false },
		/* iovecs and msghdrs are not followed */
		{ "readv", -1, -1, false }, { "writev", -1, -1, false },
		{ "sendmsg", -1, -1, false }, { "recvmsg", -1, -1, false },
		{ "openat", -1, -1, false },
	};
	struct syscall_args r;

	cr_expect(syscall_table__args(x86_64, 0, &r), "read has its buffer");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct syscall_args a = args_of(cases[i].name);

		cr_expect_eq(a.data, cases[i].data, "%s", cases[i].name);
		cr_expect_eq(a.datalen, cases[i].len, "%s", cases[i].name);
		cr_expect_eq(a.data_ret, cases[i].ret, "%s", cases[i].name);
	}
}

Test(syscalls, no_args)
{
	struct syscall_args a;

	cr_assert_not(syscall_table__args(x86_64, 110, &a)); /* getppid */
	cr_assert_eq(a.path[0], -1);
	cr_assert_eq(a.addr, -1);
	cr_assert_not(syscall_table__args(x86_64, 9, &a)); /* mmap: in the table, nothing captured */
	cr_assert_not(syscall_table__args(x86_64, 500, &a));
	cr_assert_eq(a.data, -1);
	cr_assert(syscall_table__args(x86_64, 42, &a)); /* connect */
}

Test(syscalls, select_names_and_categories)
{
	uint64_t mask[SYSCALL_MAX_NR / 64] = {};
	char bad[32] = "";

	cr_assert_eq(syscall_table__select(x86_64, "openat,network,getppid", mask, bad, sizeof(bad)), 0);
	cr_assert(selected(mask, 257));
	cr_assert(selected(mask, 110));
	cr_assert(selected(mask, 42));  /* connect */
	cr_assert(selected(mask, 288)); /* accept4 */
	cr_assert_not(selected(mask, 2)); /* open */
	cr_assert_not(selected(mask, 59));

	int n = 0;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		n += selected(mask, nr);
	cr_assert_eq(n, 2 + 19 - 1); /* x86_64 has no socketcall */

	/* "time" is both: the category, which holds the syscall */
	memset(mask, 0, sizeof(mask));
	cr_assert_eq(syscall_table__select(x86_64, "time", mask, bad, sizeof(bad)), 0);
	cr_assert(selected(mask, 201));
	cr_assert(selected(mask, 35)); /* nanosleep */
}

Test(syscalls, select_adds_to_mask)
{
	uint64_t mask[SYSCALL_MAX_NR / 64] = {};
	char bad[32];

	cr_assert_eq(syscall_table__select(x86_64, "read", mask, bad, sizeof(bad)), 0);
	cr_assert_eq(syscall_table__select(x86_64, "write", mask, bad, sizeof(bad)), 0);
	cr_assert(selected(mask, 0));
	cr_assert(selected(mask, 1));
}

Test(syscalls, select_errors)
{
	uint64_t mask[SYSCALL_MAX_NR / 64] = {};
	uint64_t zero[SYSCALL_MAX_NR / 64] = {};
	char bad[32];

	cr_assert_eq(syscall_table__select(x86_64, "openat,opne,read", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_str_eq(bad, "opne");
	cr_assert_eq(memcmp(mask, zero, sizeof(mask)), 0, "nothing marked on error");

	cr_assert_eq(syscall_table__select(x86_64, "", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_str_eq(bad, "");
	cr_assert_eq(syscall_table__select(x86_64, "read,,write", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_str_eq(bad, "");
	cr_assert_eq(syscall_table__select(x86_64, "read,", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_eq(syscall_table__select(x86_64, "Network", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_str_eq(bad, "Network");

	/* open exists on x86_64 but not on aarch64 */
	cr_assert_eq(syscall_table__select(aarch64, "open", mask, bad, sizeof(bad)), -EINVAL);
	cr_assert_str_eq(bad, "open");
	cr_assert_eq(syscall_table__select(aarch64, "openat,ipc", mask, bad, sizeof(bad)), 0);
	cr_assert(selected(mask, 56));
	cr_assert(selected(mask, 59)); /* pipe2 on aarch64 */
}

/* What decode.c and flow_track.c ask of the table, by number. */
Test(syscalls, signatures_and_fds)
{
	struct syscall_fds fds;

	cr_assert_str_eq(syscall_table__signature(x86_64, 257), "dsom"); /* openat */
	cr_assert_str_eq(syscall_table__signature(aarch64, 56), "dsom");
	cr_assert_str_eq(syscall_table__signature(x86_64, 39), ""); /* getpid */
	cr_assert_null(syscall_table__signature(x86_64, 169));      /* reboot: in hex */
	cr_assert_null(syscall_table__signature(x86_64, 500));
	cr_assert_eq(syscall_table__ret_kind(x86_64, 9), 'x');      /* mmap */
	cr_assert_eq(syscall_table__ret_kind(x86_64, 0), 0);

	cr_assert(syscall_table__fds(x86_64, 3, &fds)); /* close */
	cr_assert_eq(fds.arg, 0);
	cr_assert_eq(fds.roles, SYSCALL_FD_CLOSE | SYSCALL_FD_SEND);
	cr_assert(syscall_table__fds(x86_64, 233, &fds)); /* epoll_ctl */
	cr_assert_eq(fds.arg, 2);
	cr_assert(syscall_table__fds(x86_64, 288, &fds)); /* accept4 */
	cr_assert_eq(fds.arg, -1);
	cr_assert_eq(fds.roles, SYSCALL_FD_ACCEPT | SYSCALL_FD_PEER);
	cr_assert(syscall_table__fds(x86_64, 257, &fds)); /* openat */
	cr_assert_eq(fds.roles, SYSCALL_FD_OPEN);
	cr_assert_not(syscall_table__fds(x86_64, 110, &fds)); /* getppid */
	cr_assert_eq(fds.arg, -1);
	cr_assert_not(syscall_table__fds(x86_64, -1, &fds));
}
