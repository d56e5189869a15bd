// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the process model's bound (replay/procs.c): over a million
 * fork/exec/exit cycles it keeps at most PROCS_KEEP entries; what it evicts
 * is only what nothing can refer to any more (exited more than a reorder
 * window ago, no child known, not held), and a pid looked up after its
 * eviction is unknown, never named after another process.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "procs.h"
#include "reorder.h"

#define PARENT 100u
#define CYCLES 1000000u
#define STEP_NS 100000ull /* a cycle each 0.1 ms: 10,000 exits a window */

static void fork_(struct procs *p, uint64_t ts, uint32_t parent, uint32_t child)
{
	struct tt_record r = { .type = TT_REC_FORK };

	r.fork = (struct tt_fork){ .ts = ts, .parent_pid = parent, .parent_tid = parent,
				   .child_pid = child, .child_tid = child };
	snprintf(r.fork.comm, sizeof(r.fork.comm), "sh");
	procs__update(p, &r);
}

static void exec_(struct procs *p, uint64_t ts, uint32_t pid, uint32_t ppid, const char *comm)
{
	struct tt_record r = { .type = TT_REC_EXEC };

	r.exec = (struct tt_exec){ .ts = ts, .pid = pid, .tid = pid, .ppid = ppid };
	snprintf(r.exec.comm, sizeof(r.exec.comm), "%s", comm);
	r.exec.argv = (struct tt_bytes){ comm, strlen(comm) + 1 };
	procs__update(p, &r);
}

static void exit_(struct procs *p, uint64_t ts, uint32_t pid)
{
	struct tt_record r = { .type = TT_REC_EXIT };

	r.exit = (struct tt_exit){ .ts = ts, .pid = pid, .tid = pid, .group_dead = 1 };
	procs__update(p, &r);
}

/* The name cycle i's process ran: each one distinct. */
static const char *name_of(uint32_t i, char *buf, size_t size)
{
	snprintf(buf, size, "p%u", i);
	return buf;
}

/* One short process: fork, exec, exit, 0.1 ms apart in all. */
static void cycle(struct procs *p, uint64_t ts, uint32_t pid)
{
	char name[16];

	fork_(p, ts, PARENT, pid);
	exec_(p, ts + 10, pid, PARENT, name_of(pid, name, sizeof(name)));
	exit_(p, ts + 20, pid);
}

Test(procs, bounded_over_a_million_processes, .timeout = 120)
{
	struct procs *p = procs__new();
	uint64_t ts = 1000000000;
	size_t most = 0;
	char name[16];

	cr_assert_not_null(p);
	exec_(p, ts, PARENT, 1, "parent");
	/* an exited process whose child lives on, and a held one */
	fork_(p, ts + 1, PARENT, 200);
	fork_(p, ts + 2, 200, 201);
	exec_(p, ts + 3, 201, 200, "orphan");
	exit_(p, ts + 4, 200);
	procs__hold(p, 300);
	cycle(p, ts + 5, 300);
	for (uint32_t i = 0; i < CYCLES; i++) {
		/* distinct pids, the worst case: no reuse ever frees an entry */
		cycle(p, ts += STEP_NS, 1000 + i);
		if (procs__count(p) > most)
			most = procs__count(p);
	}
	cr_expect_leq(most, PROCS_KEEP, "at most %u entries, had %zu", PROCS_KEEP, most);
	cr_expect_geq(procs__evicted(p), CYCLES - PROCS_KEEP, "evicted %llu",
		      (unsigned long long)procs__evicted(p));

	/* an early process is gone: unknown, not another's name */
	cr_expect_null(procs__find(p, 1000));
	cr_expect_str_eq(procs__comm(p, 1000), "?");
	/* the latest ones, inside the window, are all still named */
	for (uint32_t i = CYCLES - 100; i < CYCLES; i++)
		cr_expect_str_eq(procs__comm(p, 1000 + i), name_of(1000 + i, name, sizeof(name)));
	/* the long-lived parent, the exited parent of a live child, the held */
	cr_expect_str_eq(procs__comm(p, PARENT), "parent");
	cr_expect_not_null(procs__find(p, 200), "a parent of a live child stays");
	cr_expect(procs__descends(p, 201, PARENT), "201 still descends from its grandparent");
	cr_expect_str_eq(procs__comm(p, 300), "p300", "a held pid stays");

	/* once the child exits, it goes in its turn (oldest exit first), and
	 * then the parent, queued again when its last child went */
	exit_(p, ts += STEP_NS, 201);
	for (uint32_t i = 0; i < 3 * PROCS_KEEP; i++)
		cycle(p, ts += STEP_NS, 2000000 + i);
	cr_expect_null(procs__find(p, 201));
	cr_expect_null(procs__find(p, 200));
	cr_expect_leq(procs__count(p), PROCS_KEEP);
	procs__free(p);
}

/* Exits faster than a window holds PROCS_KEEP: the window bounds it. */
Test(procs, exits_inside_the_window_stay)
{
	struct procs *p = procs__new();
	uint64_t ts = 1000000000, step = REORDER_WINDOW_NS / (2 * PROCS_KEEP);
	char name[16];

	cr_assert_not_null(p);
	exec_(p, ts, PARENT, 1, "parent");
	for (uint32_t i = 0; i < 2 * PROCS_KEEP; i++)
		cycle(p, ts += step, 1000 + i);
	/* all within one window of the last: none may go */
	cr_expect_eq(procs__evicted(p), 0);
	cr_expect_str_eq(procs__comm(p, 1000), name_of(1000, name, sizeof(name)));
	/* a window later they may */
	cycle(p, ts + 2 * REORDER_WINDOW_NS, 5000000);
	cr_expect_leq(procs__count(p), PROCS_KEEP);
	cr_expect_null(procs__find(p, 1000));
	procs__free(p);
}

/* A renamed thread's name goes when it exits: the names kept are those of
 * live threads, over a million threads too. */
Test(procs, thread_names_go_with_their_threads)
{
	struct procs *p = procs__new();
	uint64_t ts = 1000000000;

	cr_assert_not_null(p);
	exec_(p, ts, PARENT, 1, "parent");
	for (uint32_t i = 0; i < CYCLES; i++) {
		uint32_t tid = 1000 + i;
		struct tt_record r = { .type = TT_REC_RENAME };

		fork_(p, ts += STEP_NS, PARENT, PARENT); /* the thread (child_pid == parent) */
		r.rename = (struct tt_rename){ .ts = ts + 1, .pid = PARENT, .tid = tid };
		snprintf(r.rename.comm, sizeof(r.rename.comm), "worker%u", i % 10);
		procs__update(p, &r);
		if (i == CYCLES - 1)
			cr_expect_str_eq(procs__task_comm(p, PARENT, tid), "worker9");
		r = (struct tt_record){ .type = TT_REC_EXIT };
		r.exit = (struct tt_exit){ .ts = ts + 2, .pid = PARENT, .tid = tid };
		procs__update(p, &r);
	}
	cr_expect_str_eq(procs__task_comm(p, PARENT, 1000), "parent");
	cr_expect_str_eq(procs__task_comm(p, PARENT, 1000 + CYCLES - 1), "parent");
	cr_expect_eq(procs__count(p), 1);
	procs__free(p);
}

/* A pid reused after its eviction is the new process, with its own name. */
Test(procs, reused_pid_after_eviction)
{
	struct procs *p = procs__new();
	uint64_t ts = 1000000000;
	char name[16];

	cr_assert_not_null(p);
	exec_(p, ts, PARENT, 1, "parent");
	/* pids cycle over 50,000: each reused twenty times */
	for (uint32_t i = 0; i < CYCLES; i++)
		cycle(p, ts += STEP_NS, 1000 + i % 50000);
	cr_expect_eq(procs__evicted(p), 0, "reuse frees the entry: nothing to evict");
	cr_expect_leq(procs__count(p), 50001);
	cr_expect_str_eq(procs__comm(p, 1000 + (CYCLES - 1) % 50000),
			 name_of(1000 + (CYCLES - 1) % 50000, name, sizeof(name)));
	procs__free(p);
}
