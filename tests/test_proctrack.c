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

/* Both CPUs of the tests have shipped (and rec read) all before ts. */
static void read_up_to(uint64_t ts)
{
	bool both[2] = { true, true };

	cr_assert_eq(proctrack__watch_cpus(t, both, 2), 0);
	proctrack__shipped(t, 0, ts);
	proctrack__shipped(t, 1, ts);
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
	read_up_to(2020 * MS);
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

/*
 * The prologue is decided by how far rec has read on every CPU (each
 * batch's shipping mark), not by a bound on how long a CPU may hold a
 * batch: the cases below hold one back for seconds, far past the 0.2 s rec
 * used to assume, and nothing is let go before that CPU's mark passes.
 */
struct listing {
	int procs, dead, execs;
	uint32_t pid;
	char comm[TT_COMM_SIZE + 1];
};

static int list_one(const struct tt_record *rec, void *ctx)
{
	struct listing *l = ctx;

	if (rec->type == TT_REC_PROC && rec->proc.pid == l->pid) {
		l->procs++;
		l->dead += rec->proc.exit_ns != 0;
		snprintf(l->comm, sizeof(l->comm), "%.*s", (int)rec->proc.comm.len, rec->proc.comm.data);
	}
	if (rec->type == TT_REC_EXEC && rec->exec.pid == l->pid && rec->exec.cpu == TT_CPU_ANY)
		l->execs++;
	return 0;
}

/* The prologue's records of pid. */
static struct listing prologue_of(uint32_t pid)
{
	struct listing l = { .pid = pid };

	cr_assert_eq(proctrack__prologue(t, list_one, &l), 0);
	return l;
}

static void watch(bool cpu0, bool cpu1)
{
	bool w[2] = { cpu0, cpu1 };

	cr_assert_eq(proctrack__watch_cpus(t, w, 2), 0);
}

Test(proctrack, a_dead_process_stays_listed_while_a_cpu_holds_its_events)
{
	struct tt_exit x = { .ts = 30 * MS, .pid = CHILD, .tid = CHILD, .group_dead = 1 };
	struct listing l;

	exec_at(PARENT, 1 * MS, "/bin/sh", "sh", 0);
	fork_at(PARENT, CHILD, 10 * MS, "sh");
	proctrack__on_exit(t, &x);
	watch(true, true);
	/* CPU 0 has shipped 5 s on; CPU 1 still holds a batch from 25 ms. */
	proctrack__shipped(t, 0, 5000 * MS);
	proctrack__shipped(t, 1, 25 * MS);
	l = prologue_of(CHILD);
	cr_assert_eq(l.procs, 1, "listed while CPU 1 may hold its last calls");
	cr_assert_eq(l.dead, 1, "with its exit");
	l = prologue_of(CHILD);
	cr_assert_eq(l.procs, 1, "and at the next rotation too, CPU 1 still behind");
	/* CPU 1 ships at last: past the exit and the grace, it goes. */
	proctrack__shipped(t, 1, 5000 * MS);
	cr_assert_eq(prologue_of(CHILD).procs, 0, "the next prologue no longer lists it");
}

/* A recording may go days without a prologue (one file of many GB): the
 * dead are let go as the position passes them, not only at rotations. */
Test(proctrack, the_dead_are_let_go_between_prologues)
{
	struct tt_exit x = { .ts = 30 * MS, .pid = CHILD, .tid = CHILD, .group_dead = 1 };
	int before;

	fork_at(PARENT, CHILD, 10 * MS, "sh");
	before = proctrack__count(t);
	proctrack__on_exit(t, &x);
	watch(true, true);
	proctrack__shipped(t, 0, 5000 * MS);
	proctrack__shipped(t, 1, 30 * MS + 499 * MS);
	proctrack__expire(t);
	cr_assert_eq(proctrack__count(t), before, "within the grace: kept");
	proctrack__shipped(t, 1, 30 * MS + 500 * MS);
	proctrack__expire(t);
	cr_assert_eq(proctrack__count(t), before - 1, "past it: gone, with no prologue");
}

Test(proctrack, an_exec_is_restated_while_a_cpu_holds_calls_from_before_it)
{
	struct listing l;

	exec_at(GRANDPARENT, 1 * MS, "/bin/gp", "gp", 0);
	fork_at(GRANDPARENT, PARENT, 2 * MS, "gp");
	exec_at(PARENT, 100 * MS, "/bin/new", "new", 0);
	watch(true, true);
	proctrack__shipped(t, 0, 9000 * MS);
	proctrack__shipped(t, 1, 50 * MS); /* held since before the exec */
	l = prologue_of(PARENT);
	cr_assert_eq(l.execs, 1, "the exec restated");
	cr_assert_str_eq(l.comm, "gp", "the process listed as before it");
	cr_assert_str_eq(exe(PARENT, 60 * MS, "gp"), "/bin/gp", "the image before it still known");
	proctrack__shipped(t, 1, 9000 * MS);
	l = prologue_of(PARENT);
	cr_assert_eq(l.execs, 0, "let go once every CPU is past it");
	cr_assert_str_eq(l.comm, "new");
}

Test(proctrack, only_the_cpus_the_flusher_reaches_are_waited_for)
{
	struct tt_exit x = { .ts = 30 * MS, .pid = CHILD, .tid = CHILD, .group_dead = 1 };

	fork_at(PARENT, CHILD, 10 * MS, "sh");
	proctrack__on_exit(t, &x);
	proctrack__shipped(t, 0, 5000 * MS);
	cr_assert_eq(prologue_of(CHILD).procs, 1, "no CPU reported yet: nothing let go");
	cr_assert_eq(prologue_of(CHILD).procs, 1);
	watch(true, true);
	proctrack__shipped(t, 0, 5000 * MS);
	cr_assert_eq(prologue_of(CHILD).procs, 1, "CPU 1 reached but not heard from: waited for");
	cr_assert_eq(prologue_of(CHILD).procs, 1);
	watch(true, false); /* CPU 1 went offline */
	cr_assert_eq(prologue_of(CHILD).procs, 0, "CPU 1 no longer waited for");
}
