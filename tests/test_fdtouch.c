// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of record/fdtouch.c: which calls leave an fd out of a flight
 * snapshot's prologue (a close, a dup2 over it, a connect, a chdir...),
 * and which do not (an open: its number was free).
 */
#include <errno.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fdtouch.h"

static struct syscall_table *st;
static struct fdtouch *ft;

static void setup(void)
{
	cr_assert((st = syscall_table__native()));
	cr_assert((ft = fdtouch__new(st, NULL)));
}

static void teardown(void)
{
	fdtouch__free(ft);
	syscall_table__free(st);
}

TestSuite(fdtouch, .init = setup, .fini = teardown);

/* Did the call name(a0, a1) = ret of pid 7 touch an fd, and which? */
static bool touched(const char *name, uint64_t a0, uint64_t a1, int64_t ret, int32_t *fd)
{
	struct tt_syscall sc = { .pid = 7, .tid = 8, .ret = ret, .args = { a0, a1 } };
	struct fd_touch t = { 0 };
	int nr = syscall_table__nr(st, name);

	cr_assert_geq(nr, 0, "%s", name);
	sc.nr = nr;
	if (!fdtouch__of(ft, &sc, &t))
		return false;
	cr_assert_eq(t.pid, 7);
	*fd = t.fd;
	return true;
}

Test(fdtouch, the_calls_that_end_or_rename_an_fd)
{
	int32_t fd = 0;

	cr_assert(touched("close", 5, 0, 0, &fd) && fd == 5);
	cr_assert(touched("close", 5, 0, -EINTR, &fd) && fd == 5, "closed whatever it returns");
	cr_assert_not(touched("close", 5, 0, -EBADF, &fd), "no such fd: nothing closed");
	cr_assert(touched("dup2", 3, 9, 9, &fd) && fd == 9, "the fd replaced");
	cr_assert(touched("dup3", 3, 9, 9, &fd) && fd == 9);
	cr_assert(touched("close_range", 3, ~0u, 0, &fd) && fd == FDTOUCH_ALL);
	cr_assert(touched("chdir", 0, 0, 0, &fd) && fd == TT_FD_CWD);
	cr_assert(touched("fchdir", 4, 0, 0, &fd) && fd == TT_FD_CWD);
	cr_assert_not(touched("chdir", 0, 0, -ENOENT, &fd));
	cr_assert(touched("connect", 6, 0, -EINPROGRESS, &fd) && fd == 6);
	cr_assert(touched("bind", 6, 0, 0, &fd) && fd == 6);
	cr_assert_not(touched("connect", 6, 0, -ECONNREFUSED, &fd));
}

Test(fdtouch, opening_touches_nothing)
{
	int32_t fd;

	cr_assert_not(fdtouch__wants(ft, syscall_table__nr(st, "openat"), false));
	cr_assert_not(touched("openat", 0, 0, 3, &fd));
	cr_assert_not(touched("socket", 2, 1, 3, &fd));
	cr_assert_not(touched("dup", 3, 0, 4, &fd));
	cr_assert_not(touched("read", 3, 0, 10, &fd));
	cr_assert(fdtouch__wants(ft, syscall_table__nr(st, "close"), false));
	cr_assert_not(fdtouch__wants(ft, syscall_table__nr(st, "close"), true), "no compat table");
}

Test(fdtouch, a_set_of_touches)
{
	struct fdtouch_set s = { 0 };

	cr_assert_not(fdtouch_set__has(&s, 1, 3));
	cr_assert_eq(fdtouch_set__add(&s, 10, 3), 0);
	cr_assert_eq(fdtouch_set__add(&s, 20, FDTOUCH_ALL), 0);
	cr_assert_eq(fdtouch_set__add(&s, 10, TT_FD_CWD), 0);
	cr_assert(fdtouch_set__has(&s, 10, 3));
	cr_assert(fdtouch_set__has(&s, 10, TT_FD_CWD));
	cr_assert_not(fdtouch_set__has(&s, 10, 4));
	cr_assert(fdtouch_set__has(&s, 20, 0), "all of 20's");
	cr_assert(fdtouch_set__has(&s, 20, TT_FD_CWD));
	cr_assert_eq(fdtouch_set__add(&s, 30, 1), 0); /* after a lookup: sorted again */
	cr_assert(fdtouch_set__has(&s, 30, 1));
	fdtouch_set__release(&s);
}
