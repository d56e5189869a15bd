// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the processes' fd tables (replay/fdtable.c), fed with
 * records as a trace would give them: names of files and sockets, what a
 * dup, close, close_range, fork, exec and exit do to them, cwds and
 * dirfds for relative paths, the prologue's FD records, and what stays
 * unknown (never a wrong name).
 */
#include "config.h" /* _GNU_SOURCE */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <criterion/criterion.h>

#include "fdtable.h"

#define PID 100u

static struct syscall_table *st;
static struct fdtable *ft;
static uint64_t now_ns; /* the time of the records made: each call is instant */

static void setup(void)
{
	st = syscall_table__new(AUDIT_ARCH_X86_64);
	cr_assert(st);
	ft = fdtable__new(st);
	cr_assert(ft);
	now_ns = 0;
}

static void teardown(void)
{
	fdtable__free(ft);
	syscall_table__free(st);
}

TestSuite(fdtable, .init = setup, .fini = teardown);

/* A syscall record of pid: name, its result, up to 6 arguments. */
static struct tt_record call(uint32_t pid, const char *name, int64_t ret, int nargs, ...)
{
	struct tt_record r = { .type = TT_REC_SYSCALL };
	va_list ap;
	int nr = syscall_table__nr(st, name);

	cr_assert(nr >= 0, "%s", name);
	r.syscall.nr = nr;
	r.syscall.ts = now_ns;
	r.syscall.pid = r.syscall.tid = pid;
	r.syscall.ret = ret;
	va_start(ap, nargs);
	for (int i = 0; i < nargs; i++)
		r.syscall.args[i] = va_arg(ap, uint64_t);
	va_end(ap);
	return r;
}

static void with_str(struct tt_record *r, int arg, enum tt_str_kind kind, const void *data,
		     size_t len)
{
	struct tt_str *s = &r->syscall.strs[r->syscall.nstr++];

	s->arg = arg;
	s->kind = kind;
	s->value = (struct tt_bytes){ data, len };
}

/* r, then the time after it: what it returns is there (a reader's next event). */
static void apply(struct tt_record r)
{
	fdtable__update(ft, &r);
	fdtable__advance(ft, now_ns);
}

/* The events have reached ts. */
static void at(uint64_t ts)
{
	now_ns = ts;
	fdtable__advance(ft, ts);
}

/* openat(dirfd, path, flags) = ret */
static void openat_(uint32_t pid, int32_t dirfd, const char *path, uint64_t flags, int64_t ret)
{
	struct tt_record r = call(pid, "openat", ret, 3, (uint64_t)(int64_t)dirfd, 0x1000ull, flags);

	with_str(&r, 1, TT_STR_PATH, path, strlen(path));
	apply(r);
}

static void chdir_(uint32_t pid, const char *path)
{
	struct tt_record r = call(pid, "chdir", 0, 1, 0x1000ull);

	with_str(&r, 0, TT_STR_PATH, path, strlen(path));
	apply(r);
}

static void sockaddr_call(uint32_t pid, const char *name, int64_t ret, int32_t fd,
			  const char *ip, uint16_t port)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct tt_record r = call(pid, name, ret, 3, (uint64_t)fd, 0x2000ull, 16ull);

	inet_pton(AF_INET, ip, &in.sin_addr);
	with_str(&r, 1, TT_STR_SOCKADDR, &in, sizeof(in));
	apply(r);
}

static const char *name(uint32_t pid, int32_t fd)
{
	return fdtable__name(ft, pid, fd);
}

Test(fdtable, open_read_close)
{
	openat_(PID, AT_FDCWD, "/etc//hostname", O_RDONLY, 3);
	cr_assert_str_eq(name(PID, 3), "/etc/hostname");
	cr_assert_null(name(PID, 4));
	cr_assert_null(name(PID + 1, 3), "another process's fds are its own");
	apply(call(PID, "close", -9 /* EBADF */, 1, 3ull));
	cr_assert_str_eq(name(PID, 3), "/etc/hostname", "a failed close closes nothing");
	apply(call(PID, "close", 0, 1, 3ull));
	cr_assert_null(name(PID, 3));
	openat_(PID, AT_FDCWD, "/nonexistent", O_RDONLY, -2);
	cr_assert_null(name(PID, -2));
}

Test(fdtable, result_name_before_update)
{
	struct tt_record r = call(PID, "openat", 5, 3, (uint64_t)AT_FDCWD, 0x1000ull, 0ull);
	char buf[64];

	with_str(&r, 1, TT_STR_PATH, "/etc/hosts", 10);
	cr_assert_str_eq(fdtable__result_name(ft, &r.syscall, buf, sizeof(buf)), "/etc/hosts");
	cr_assert_null(name(PID, 5), "not in the table before the update");
	apply(r);
	cr_assert_str_eq(name(PID, 5), "/etc/hosts");
	r = call(PID, "read", 4, 3, 5ull, 0ull, 4ull);
	cr_assert_null(fdtable__result_name(ft, &r.syscall, buf, sizeof(buf)));
}

Test(fdtable, relative_paths_need_a_known_cwd)
{
	char buf[256];
	struct tt_record r = call(PID, "openat", 3, 3, (uint64_t)AT_FDCWD, 0x1000ull, 0ull);

	with_str(&r, 1, TT_STR_PATH, "./shadow", 8);
	cr_assert_eq(fdtable__path(ft, &r.syscall, buf, sizeof(buf)), FDTABLE_PATH_RELATIVE);
	cr_assert_str_eq(buf, "shadow");
	apply(r);
	cr_assert_null(name(PID, 3), "relative to an unknown cwd: not named");
	cr_assert_null(fdtable__cwd(ft, PID));

	chdir_(PID, "/tmp");
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/tmp");
	r = call(PID, "openat", 4, 3, (uint64_t)AT_FDCWD, 0x1000ull, 0ull);
	with_str(&r, 1, TT_STR_PATH, "../etc/shadow", 13);
	cr_assert_eq(fdtable__path(ft, &r.syscall, buf, sizeof(buf)), FDTABLE_PATH_ABSOLUTE);
	cr_assert_str_eq(buf, "/etc/shadow");
	chdir_(PID, "../etc");
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/etc");
	openat_(PID, AT_FDCWD, "shadow", O_RDONLY, 5);
	cr_assert_str_eq(name(PID, 5), "/etc/shadow");
}

Test(fdtable, dirfds_and_fchdir)
{
	char buf[256];
	struct tt_record r;

	openat_(PID, AT_FDCWD, "/etc/", O_RDONLY | O_DIRECTORY, 3);
	cr_assert_str_eq(name(PID, 3), "/etc");
	openat_(PID, 3, "shadow", O_RDONLY, 4);
	cr_assert_str_eq(name(PID, 4), "/etc/shadow");
	/* a path's dirfd is the argument before it where the signature says 'd' */
	r = call(PID, "newfstatat", 0, 4, 3ull, 0x1000ull, 0x2000ull, 0ull);
	with_str(&r, 1, TT_STR_PATH, "passwd", 6);
	cr_assert_eq(fdtable__path(ft, &r.syscall, buf, sizeof(buf)), FDTABLE_PATH_ABSOLUTE);
	cr_assert_str_eq(buf, "/etc/passwd");
	/* an unknown dirfd leaves the path relative, even with a known cwd */
	chdir_(PID, "/tmp");
	r = call(PID, "openat", 6, 3, 9ull, 0x1000ull, 0ull);
	with_str(&r, 1, TT_STR_PATH, "shadow", 6);
	cr_assert_eq(fdtable__path(ft, &r.syscall, buf, sizeof(buf)), FDTABLE_PATH_RELATIVE);
	apply(call(PID, "fchdir", 0, 1, 3ull));
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/etc");
	apply(call(PID, "fchdir", 0, 1, 9ull));
	cr_assert_null(fdtable__cwd(ft, PID), "fchdir to an unknown fd: the cwd is unknown");
}

Test(fdtable, dups)
{
	openat_(PID, AT_FDCWD, "/a", O_RDONLY, 3);
	openat_(PID, AT_FDCWD, "/b", O_RDONLY, 4);
	apply(call(PID, "dup", 5, 1, 3ull));
	cr_assert_str_eq(name(PID, 5), "/a");
	apply(call(PID, "dup2", 4, 2, 3ull, 4ull));
	cr_assert_str_eq(name(PID, 4), "/a", "dup2 onto a known fd replaces it");
	apply(call(PID, "dup3", 7, 3, 9ull, 7ull, (uint64_t)O_CLOEXEC));
	cr_assert_null(name(PID, 7), "a dup of an unknown fd is unknown");
	apply(call(PID, "fcntl", 10, 3, 3ull, (uint64_t)F_DUPFD, 10ull));
	cr_assert_str_eq(name(PID, 10), "/a");
	apply(call(PID, "fcntl", 0, 3, 3ull, (uint64_t)F_GETFD, 0ull));
	cr_assert_str_eq(name(PID, 0) ? name(PID, 0) : "(none)", "(none)",
			 "F_GETFD's result is no fd");
}

Test(fdtable, close_range)
{
	for (int fd = 3; fd < 8; fd++)
		openat_(PID, AT_FDCWD, "/f", O_RDONLY, fd);
	apply(call(PID, "close_range", 0, 3, 5ull, ~0ull >> 32, 0ull));
	cr_assert_str_eq(name(PID, 3), "/f");
	cr_assert_str_eq(name(PID, 4), "/f");
	cr_assert_null(name(PID, 5));
	cr_assert_null(name(PID, 7));
}

Test(fdtable, exec_drops_cloexec)
{
	struct tt_record e = { .type = TT_REC_EXEC };

	openat_(PID, AT_FDCWD, "/keep", O_RDONLY, 3);
	openat_(PID, AT_FDCWD, "/gone", O_RDONLY | O_CLOEXEC, 4);
	openat_(PID, AT_FDCWD, "/set", O_RDONLY, 5);
	apply(call(PID, "fcntl", 0, 3, 5ull, (uint64_t)F_SETFD, (uint64_t)FD_CLOEXEC));
	openat_(PID, AT_FDCWD, "/range", O_RDONLY, 6);
	{
		/* openat2's flags are behind a pointer: after an exec, unknown */
		struct tt_record r = call(PID, "openat2", 7, 4, (uint64_t)AT_FDCWD, 0x1000ull,
					  0x2000ull, 24ull);

		with_str(&r, 1, TT_STR_PATH, "/o2", 3);
		apply(r);
		cr_assert_str_eq(name(PID, 7), "/o2");
	}
	apply(call(PID, "close_range", 0, 3, 6ull, 6ull, 4ull /* CLOSE_RANGE_CLOEXEC */));
	cr_assert_str_eq(name(PID, 6), "/range", "marked, not closed");
	e.exec = (struct tt_exec){ .ts = now_ns, .pid = PID, .tid = PID, .ret = -2 };
	fdtable__update(ft, &e);
	cr_assert_str_eq(name(PID, 4), "/gone", "a failed exec keeps them");
	e.exec.ret = 0;
	fdtable__update(ft, &e);
	cr_assert_str_eq(name(PID, 3), "/keep");
	cr_assert_null(name(PID, 4));
	cr_assert_null(name(PID, 5));
	cr_assert_null(name(PID, 6));
	cr_assert_null(name(PID, 7));
}

static void fork_(uint32_t parent, uint32_t child, uint64_t flags)
{
	struct tt_record r = { .type = TT_REC_FORK };

	r.fork = (struct tt_fork){ .ts = now_ns, .parent_pid = parent, .parent_tid = parent,
				   .child_pid = child, .child_tid = child, .clone_flags = flags };
	fdtable__update(ft, &r);
}

static void exit_(uint32_t pid)
{
	struct tt_record r = { .type = TT_REC_EXIT };

	r.exit = (struct tt_exit){ .ts = now_ns, .pid = pid, .tid = pid, .group_dead = 1 };
	fdtable__update(ft, &r);
}

Test(fdtable, fork_copies_clone_files_shares)
{
	chdir_(PID, "/srv");
	openat_(PID, AT_FDCWD, "/a", O_RDONLY, 3);
	fork_(PID, 200, 0);
	cr_assert_str_eq(name(200, 3), "/a");
	cr_assert_str_eq(fdtable__cwd(ft, 200), "/srv");
	apply(call(200, "close", 0, 1, 3ull));
	cr_assert_null(name(200, 3));
	cr_assert_str_eq(name(PID, 3), "/a", "the child's close is its own");

	fork_(PID, 300, CLONE_FILES);
	openat_(300, AT_FDCWD, "/b", O_RDONLY, 4);
	cr_assert_str_eq(name(PID, 4), "/b", "CLONE_FILES: one table");
	exit_(300);
	cr_assert_null(name(300, 4));
	cr_assert_str_eq(name(PID, 4), "/b", "the parent keeps the shared table");

	/* a thread is its process */
	fork_(PID, PID, CLONE_FILES | CLONE_THREAD);
	cr_assert_str_eq(name(PID, 3), "/a");
}

Test(fdtable, sockets)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct tt_record r;

	apply(call(PID, "socket", 3, 3, (uint64_t)AF_INET, (uint64_t)SOCK_STREAM, 0ull));
	cr_assert_str_eq(name(PID, 3), "TCP");
	sockaddr_call(PID, "bind", 0, 3, "127.0.0.1", 8080);
	cr_assert_str_eq(name(PID, 3), "TCP:[127.0.0.1:8080]");
	r = call(PID, "accept4", 4, 4, 3ull, 0x2000ull, 0x3000ull, (uint64_t)SOCK_CLOEXEC);
	{
		struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(40000) };

		inet_pton(AF_INET, "10.0.0.2", &in.sin_addr);
		with_str(&r, 1, TT_STR_SOCKADDR, &in, sizeof(in));
		apply(r);
	}
	cr_assert_str_eq(name(PID, 4), "TCP:[127.0.0.1:8080->10.0.0.2:40000]");

	apply(call(PID, "socket", 5, 3, (uint64_t)AF_INET6, (uint64_t)(SOCK_DGRAM | SOCK_NONBLOCK),
		   0ull));
	cr_assert_str_eq(name(PID, 5), "UDPv6");
	apply(call(PID, "socket", 6, 3, (uint64_t)AF_INET, (uint64_t)SOCK_STREAM, 0ull));
	sockaddr_call(PID, "connect", -111 /* ECONNREFUSED */, 6, "10.0.0.1", 5555);
	cr_assert_str_eq(name(PID, 6), "TCP", "a refused connect has no peer");
	sockaddr_call(PID, "connect", -115 /* EINPROGRESS */, 6, "10.0.0.1", 5555);
	cr_assert_str_eq(name(PID, 6), "TCP:[->10.0.0.1:5555]");
	sockaddr_call(PID, "sendto", 5, 6, "10.9.9.9", 53);
	cr_assert_str_eq(name(PID, 6), "TCP:[->10.0.0.1:5555]", "sendto's address is no peer");

	apply(call(PID, "socket", 7, 3, (uint64_t)AF_UNIX, (uint64_t)SOCK_STREAM, 0ull));
	memcpy(un.sun_path, "\0abc", 4);
	r = call(PID, "bind", 0, 3, 7ull, 0x2000ull, 6ull);
	with_str(&r, 1, TT_STR_SOCKADDR, &un, sizeof(sa_family_t) + 4);
	apply(r);
	cr_assert_str_eq(name(PID, 7), "UNIX-STREAM:[@\"abc\"]");
	apply(call(PID, "socket", 8, 3, (uint64_t)AF_INET, (uint64_t)SOCK_RAW, 1ull));
	cr_assert_null(name(PID, 8), "a protocol strace names otherwise: no name");
}

Test(fdtable, a_returned_fd_is_the_calls_from_its_end)
{
	struct tt_record acc;
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(40000) };

	apply(call(PID, "socket", 3, 3, (uint64_t)AF_INET, (uint64_t)SOCK_STREAM, 0ull));
	sockaddr_call(PID, "bind", 0, 3, "127.0.0.1", 8080);
	openat_(PID, AT_FDCWD, "/old", O_RDONLY, 7);
	/* accept waits 1000 ns and returns 7, which a worker thread used and
	 * closed meanwhile: the calls are in the stream by their start */
	at(100);
	acc = call(PID, "accept4", 7, 4, 3ull, 0x2000ull, 0x3000ull, 0ull);
	acc.syscall.duration = 1000;
	inet_pton(AF_INET, "10.0.0.2", &in.sin_addr);
	with_str(&acc, 1, TT_STR_SOCKADDR, &in, sizeof(in));
	fdtable__update(ft, &acc);
	at(500);
	cr_assert_str_eq(name(PID, 7), "/old", "the worker's read at 500 is of the old file");
	apply(call(PID + 0, "close", 0, 1, 7ull));
	at(900);
	cr_assert_null(name(PID, 7));
	at(1100);
	cr_assert_str_eq(name(PID, 7), "TCP:[127.0.0.1:8080->10.0.0.2:40000]");
}

Test(fdtable, unnameable_fds_forget_the_number)
{
	openat_(PID, AT_FDCWD, "/a", O_RDONLY, 3);
	apply(call(PID, "close", 0, 1, 3ull));
	openat_(PID, AT_FDCWD, "/stale", O_RDONLY, 4);
	/* a lost close: the kernel hands out 4 again, to an eventfd */
	apply(call(PID, "eventfd2", 4, 2, 0ull, 0ull));
	cr_assert_null(name(PID, 4), "never the name of what the number held");
}

Test(fdtable, marks_follow_the_file)
{
	fdtable__set_mark(ft, PID, 7, 1); /* a socket from before the trace */
	cr_assert_eq(fdtable__mark(ft, PID, 7), 1);
	cr_assert_null(name(PID, 7), "marked, still unnamed");
	apply(call(PID, "dup", 8, 1, 7ull));
	cr_assert_eq(fdtable__mark(ft, PID, 8), 1, "a dup keeps it");
	apply(call(PID, "fcntl", 20, 3, 7ull, (uint64_t)F_DUPFD_CLOEXEC, 10ull));
	cr_assert_eq(fdtable__mark(ft, PID, 20), 1, "F_DUPFD_CLOEXEC too");
	fork_(PID, 200, 0);
	cr_assert_eq(fdtable__mark(ft, 200, 7), 1, "a forked child's copy keeps it");
	apply(call(PID, "close", 0, 1, 7ull));
	cr_assert_eq(fdtable__mark(ft, PID, 7), 0);
	cr_assert_eq(fdtable__mark(ft, 200, 7), 1, "the child's copy is its own");
	openat_(PID, AT_FDCWD, "/x", O_RDONLY, 8);
	cr_assert_eq(fdtable__mark(ft, PID, 8), 0, "a new file on the number");
	fdtable__set_mark(ft, PID, 20, 0);
	cr_assert_eq(fdtable__mark(ft, PID, 20), 0);
}

Test(fdtable, prologue_fd_records)
{
	struct tt_record r = { .type = TT_REC_FD };
	char buf[256];
	struct tt_record o;

	r.fd = (struct tt_fd){ .pid = PID, .fd = 0, .kind = TT_FD_OTHER,
			       .name = { "pipe:[1234]", 11 } };
	fdtable__update(ft, &r);
	r.fd = (struct tt_fd){ .pid = PID, .fd = TT_FD_CWD, .kind = TT_FD_PATH,
			       .name = { "/home/u", 7 } };
	fdtable__update(ft, &r);
	r.fd = (struct tt_fd){ .pid = PID, .fd = 5, .kind = TT_FD_PATH, .flags = TT_FD_CLOEXEC,
			       .name = { "/var/log/x", 10 } };
	fdtable__update(ft, &r);
	cr_assert_str_eq(name(PID, 0), "pipe:[1234]");
	cr_assert_str_eq(name(PID, 5), "/var/log/x");
	o = call(PID, "openat", 6, 3, 5ull, 0x1000ull, 0ull);
	with_str(&o, 1, TT_STR_PATH, "y", 1);
	cr_assert_eq(fdtable__path(ft, &o.syscall, buf, sizeof(buf)), FDTABLE_PATH_ABSOLUTE);
	cr_assert_str_eq(buf, "/var/log/x/y");
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/home/u");

	/* the trace's own events come first: a later file's prologue does not undo them */
	openat_(PID, AT_FDCWD, "/new", O_RDONLY, 7);
	chdir_(PID, "/srv");
	r.fd = (struct tt_fd){ .pid = PID, .fd = 7, .kind = TT_FD_PATH, .name = { "/old", 4 } };
	fdtable__update(ft, &r);
	r.fd = (struct tt_fd){ .pid = PID, .fd = TT_FD_CWD, .kind = TT_FD_PATH,
			       .name = { "/home/u", 7 } };
	fdtable__update(ft, &r);
	cr_assert_str_eq(name(PID, 7), "/new");
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/srv");
}

Test(fdtable, prologue_records_take_effect_at_their_time)
{
	struct tt_fd fd = { .pid = PID, .fd = 5, .kind = TT_FD_PATH, .name = { "/x", 2 } };
	struct tt_fd cwd = { .pid = PID, .fd = TT_FD_CWD, .kind = TT_FD_PATH,
			     .name = { "/srv", 4 } };

	fdtable__prologue(ft, &fd, 1000);
	fdtable__prologue(ft, &cwd, 1000);
	/* an event from before the file, in flight at the rotation: fd 5 was
	 * then something the trace does not tell (a pipe) */
	at(900);
	cr_assert_null(name(PID, 5), "not before the file's start");
	cr_assert_null(fdtable__cwd(ft, PID));
	apply(call(PID, "close", 0, 1, 5ull));
	at(1000);
	cr_assert_str_eq(name(PID, 5), "/x");
	cr_assert_str_eq(fdtable__cwd(ft, PID), "/srv");
	fdtable__prologue(ft, &fd, 2000); /* the next file's: 5 is known now */
	apply(call(PID, "close", 0, 1, 5ull));
	openat_(PID, AT_FDCWD, "/y", O_RDONLY, 5);
	at(2000);
	cr_assert_str_eq(name(PID, 5), "/y", "the trace's own events first");
}

Test(fdtable, blind_while_calls_may_be_missing)
{
	char buf[64];
	struct tt_record r;

	at(100);
	chdir_(PID, "/srv");
	openat_(PID, AT_FDCWD, "/a", O_RDONLY, 3);
	fdtable__blind(ft, 200, 300); /* a loss: close(3), pipe() = 3 may be in it */
	at(150);
	cr_assert_str_eq(name(PID, 3), "/a");
	at(200);
	cr_assert_null(name(PID, 3), "forgotten at the start");
	cr_assert_null(fdtable__cwd(ft, PID));
	openat_(PID, AT_FDCWD, "/b", O_RDONLY, 4);
	r = call(PID, "openat", 5, 3, (uint64_t)AT_FDCWD, 0x1000ull, 0ull);
	with_str(&r, 1, TT_STR_PATH, "/c", 2);
	cr_assert_null(fdtable__result_name(ft, &r.syscall, buf, sizeof(buf)));
	cr_assert_null(name(PID, 4), "none named during it");
	at(300);
	cr_assert_null(name(PID, 4), "forgotten again at the end: its close may be lost");
	openat_(PID, AT_FDCWD, "/d", O_RDONLY, 6);
	cr_assert_str_eq(name(PID, 6), "/d", "named again from the events after");

	fdtable__blind(ft, 0, UINT64_MAX); /* rec -e without close, late in the queue */
	at(301);
	cr_assert_null(name(PID, 6));
	openat_(PID, AT_FDCWD, "/e", O_RDONLY, 7);
	at(1000000);
	cr_assert_null(name(PID, 7), "never");
}

static void normal(const char *in, const char *want)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", in);
	path__normalize(buf);
	cr_assert_str_eq(buf, want, "%s", in);
}

Test(fdtable, path_normalize)
{
	normal("/etc//shadow", "/etc/shadow");
	normal("/etc/./shadow", "/etc/shadow");
	normal("/tmp/../etc/shadow", "/etc/shadow");
	normal("/../../etc/shadow", "/etc/shadow");
	normal("/", "/");
	normal("/etc/..", "/");
	normal("./shadow", "shadow");
	normal("a/../..//b/./", "../b");
	normal("../../etc", "../../etc");
	normal("a/..", ".");
}
