// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rec's process table: which executable a packet's label names
 * (proctrack__exe_at), from /proc and from fork, exec and exit events.
 * The pids are above any pid_max, so the events never meet a real process.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proctrack.h"

#define GRANDPARENT 5000000u
#define PARENT 5000001u
#define CHILD 5000002u
#define MS 1000000ull

static struct proctrack *t;

static void setup(void)
{
	t = proctrack__new(NULL, NULL);
	cr_assert_not_null(t);
}

static void teardown(void)
{
	proctrack__free(t);
}

TestSuite(proctrack, .init = setup, .fini = teardown);

static void exec_at(uint32_t pid, uint64_t ts, const char *filename, const char *comm,
		    uint32_t flags)
{
	struct tt_exec e = { .ts = ts, .pid = pid, .tid = pid, .flags = flags,
			     .filename = { filename, strlen(filename) } };

	memcpy(e.comm, comm, strnlen(comm, sizeof(e.comm))); /* NUL-padded */
	proctrack__on_exec(t, &e);
}

static void fork_at(uint32_t parent, uint32_t child, uint64_t ts, const char *comm)
{
	struct tt_fork f = { .ts = ts, .parent_pid = parent, .parent_tid = parent,
			     .child_pid = child, .child_tid = child };

	memcpy(f.comm, comm, strnlen(comm, sizeof(f.comm)));
	proctrack__on_fork(t, &f);
}

/* exe_at as a string ("" for NULL), for comparisons. */
static const char *exe(uint32_t pid, uint64_t ts, const char *comm)
{
	static char buf[PATH_MAX];
	size_t len = 0;
	const char *e = proctrack__exe_at(t, pid, ts, comm, &len);

	if (!e)
		return "";
	snprintf(buf, sizeof(buf), "%.*s", (int)len, e);
	return buf;
}

Test(proctrack, a_process_of_the_scan_has_proc_exe)
{
	char self[PATH_MAX], comm[32] = "";
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f = fopen("/proc/self/comm", "r");

	cr_assert(n > 0 && f && fgets(comm, sizeof(comm), f));
	fclose(f);
	self[n] = 0;
	comm[strcspn(comm, "\n")] = 0;
	cr_assert_eq(proctrack__add_pid(t, getpid()), 0);
	cr_assert_str_eq(exe(getpid(), UINT64_MAX / 2, comm), self);
	cr_assert_str_eq(exe(getpid() ^ 0x40000000u, UINT64_MAX / 2, comm), "", "no such process");
}

Test(proctrack, the_image_at_the_packets_time)
{
	exec_at(PARENT, 10 * MS, "/usr/bin/parent", "parent", 0);
	fork_at(PARENT, CHILD, 20 * MS, "parent");
	exec_at(CHILD, 30 * MS, "/usr/bin/second", "second", 0);
	exec_at(CHILD, 40 * MS, "/opt/third", "third", 0);

	cr_assert_str_eq(exe(CHILD, 15 * MS, "parent"), "", "before its fork: another process");
	cr_assert_str_eq(exe(CHILD, 25 * MS, "parent"), "/usr/bin/parent", "its parent's copy");
	cr_assert_str_eq(exe(CHILD, 35 * MS, "second"), "/usr/bin/second");
	cr_assert_str_eq(exe(CHILD, 45 * MS, "third"), "/opt/third");
	/* The comm only matters after an exit. */
	cr_assert_str_eq(exe(CHILD, 45 * MS, "renamed"), "/opt/third");
}

Test(proctrack, unknown_rather_than_wrong)
{
	exec_at(PARENT, 10 * MS, "./relative", "relative", 0);
	cr_assert_str_eq(exe(PARENT, 11 * MS, "relative"), "", "a relative path");
	exec_at(PARENT, 20 * MS, "/a/path/cut/sh", "sh", TT_EXEC_FILENAME_TRUNCATED);
	cr_assert_str_eq(exe(PARENT, 21 * MS, "sh"), "", "a filename cut short");
	fork_at(PARENT, CHILD, 30 * MS, "sh");
	cr_assert_str_eq(exe(CHILD, 31 * MS, "sh"), "", "cut short in the parent too");
	exec_at(PARENT, 40 * MS, "/bin/ok", "ok", 0);
	cr_assert_str_eq(exe(PARENT, 41 * MS, "ok"), "/bin/ok");
}

Test(proctrack, before_an_exec_only_while_it_is_recent)
{
	exec_at(GRANDPARENT, 1 * MS, "/bin/gp", "gp", 0);
	fork_at(GRANDPARENT, PARENT, 2 * MS, "gp");
	exec_at(PARENT, 10 * MS, "/bin/old", "old", 0);
	exec_at(PARENT, 20 * MS, "/bin/new", "new", 0);
	cr_assert_str_eq(exe(PARENT, 5 * MS, "gp"), "/bin/gp", "before the first exec kept");
	cr_assert_str_eq(exe(PARENT, 15 * MS, "old"), "/bin/old");
	/* Two seconds on, an exec after 5 ms could have been let go. */
	proctrack__caught_up(t, 2020 * MS);
	cr_assert_str_eq(exe(PARENT, 5 * MS, "gp"), "", "before the first exec kept, then");
	exec_at(CHILD, 2030 * MS, "/bin/other", "other", 0); /* lets old execs go */
	cr_assert_str_eq(exe(PARENT, 15 * MS, "old"), "", "its exec let go");
	cr_assert_str_eq(exe(PARENT, 2040 * MS, "new"), "/bin/new");
}

Test(proctrack, after_its_exit_only_for_a_name_it_had)
{
	struct tt_exit x = { .ts = 50 * MS, .pid = PARENT, .tid = PARENT, .group_dead = 1 };

	exec_at(PARENT, 10 * MS, "/usr/sbin/daemon", "daemon", 0);
	proctrack__on_exit(t, &x);
	cr_assert_str_eq(exe(PARENT, 40 * MS, "whatever"), "/usr/sbin/daemon", "alive then");
	cr_assert_str_eq(exe(PARENT, 60 * MS, "daemon"), "/usr/sbin/daemon", "its last packets");
	cr_assert_str_eq(exe(PARENT, 60 * MS, "curl"), "", "maybe a new process on its pid");
}
