// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the reorder window (replay/reorder.c): events come out by
 * (time, arrival), only once the newest is more than a window later or the
 * window is full, and all of them on a drain; whether they were held in its
 * runs or, past RUNS_MAX runs of disorder, in its heap; with their strings.
 */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "reorder.h"

/* A syscall event at ts; pid numbers it, so that ties can be told apart. */
static struct tt_record ev(uint64_t ts, uint32_t pid)
{
	struct tt_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_SYSCALL;
	rec.syscall.ts = ts;
	rec.syscall.pid = pid;
	rec.syscall.nr = 39;
	return rec;
}

static void push(struct reorder *r, uint64_t ts, uint32_t pid)
{
	struct tt_record rec = ev(ts, pid);

	cr_assert_eq(reorder__push(r, &rec), 0);
}

/* Pop one event that must be there: its pid. */
static uint32_t pop_pid(struct reorder *r, bool drain)
{
	const struct tt_record *rec = reorder__pop(r, drain);

	cr_assert_not_null(rec, "an event was due");
	cr_assert_eq(rec->type, TT_REC_SYSCALL);
	return rec->syscall.pid;
}

Test(reorder, empty)
{
	struct reorder *r = reorder__new(100, 16);

	cr_assert_not_null(r);
	cr_assert_null(reorder__pop(r, false));
	cr_assert_null(reorder__pop(r, true));
	reorder__free(r);
	reorder__free(NULL);
}

Test(reorder, held_until_the_newest_is_a_window_later)
{
	struct reorder *r = reorder__new(100, 1024);
	const uint64_t ts[] = { 50, 10, 30, 20, 40 };

	for (unsigned i = 0; i < 5; i++)
		push(r, ts[i], ts[i]);
	/* the newest (50) is 40 after the oldest: within the window */
	cr_assert_null(reorder__pop(r, false));
	/* 110 is exactly 100 after 10: still held (due when more than a window) */
	push(r, 110, 110);
	cr_assert_null(reorder__pop(r, false));
	push(r, 111, 111);
	cr_assert_eq(pop_pid(r, false), 10);
	cr_assert_null(reorder__pop(r, false), "20 is within 100 of 111");
	push(r, 200, 200);
	for (uint32_t want = 20; want <= 50; want += 10)
		cr_assert_eq(pop_pid(r, false), want);
	cr_assert_null(reorder__pop(r, false), "110 is 90 before 200");
	/* a drain hands out the rest, in order */
	cr_assert_eq(pop_pid(r, true), 110);
	cr_assert_eq(pop_pid(r, true), 111);
	cr_assert_eq(pop_pid(r, true), 200);
	cr_assert_null(reorder__pop(r, true));
	reorder__free(r);
}

Test(reorder, full_window_releases_the_oldest)
{
	struct reorder *r = reorder__new(UINT64_MAX, 3);

	push(r, 30, 30);
	push(r, 10, 10);
	cr_assert_null(reorder__pop(r, false), "2 of 3 held");
	push(r, 20, 20);
	cr_assert_eq(pop_pid(r, false), 10);
	cr_assert_null(reorder__pop(r, false), "2 of 3 held again");
	push(r, 5, 5); /* later than nothing it would have to follow: still first */
	cr_assert_eq(pop_pid(r, false), 5);
	cr_assert_eq(pop_pid(r, true), 20);
	cr_assert_eq(pop_pid(r, true), 30);
	reorder__free(r);
}

Test(reorder, equal_times_keep_arrival_order)
{
	struct reorder *r = reorder__new(1000, 1u << 16);
	uint32_t pid = 0;

	/* the same few times in several runs (each later than the last run's
	 * tail starts one), so that ties span runs */
	for (int round = 0; round < 4; round++)
		for (uint64_t ts = 100; ts <= 104; ts++)
			push(r, ts, ++pid);
	for (uint64_t ts = 100; ts <= 104; ts++) {
		uint32_t last = 0;

		for (int round = 0; round < 4; round++) {
			const struct tt_record *rec = reorder__pop(r, true);

			cr_assert_not_null(rec);
			cr_assert_eq(rec->syscall.ts, ts);
			cr_assert_gt(rec->syscall.pid, last, "ts %lu: pid %u after %u",
				     (unsigned long)ts, rec->syscall.pid, last);
			last = rec->syscall.pid;
		}
	}
	cr_assert_null(reorder__pop(r, true));
	reorder__free(r);
}

/* A deterministic generator (no seed to chase when a run fails). */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/*
 * n events as cpus interleaved per-CPU batches (each batch in order, batches
 * skewed by up to skew ns), popped as tape.c pops them (after each push,
 * until none is due; then a drain): every event comes out once, in
 * (ts, arrival) order, and none before it was due.
 */
static void many(int n, int cpus, uint64_t skew, uint64_t window, size_t max)
{
	struct reorder *r = reorder__new(window, max);
	uint64_t *when = calloc(n, sizeof(*when)), seed = 42, newest = 0;
	uint64_t last_ts = 0;
	uint32_t last_pid = 0;
	unsigned char *seen = calloc(n, 1);
	int out = 0, held = 0;

	cr_assert(r && when && seen);
	for (int i = 0; i < n; i++)
		when[i] = 1000000 + (uint64_t)i * 10 + rnd(&seed) % 7;
	for (int i = 0; i < n; i++) {
		/* event i of CPU c's batch: shifted back by up to skew */
		int c = rnd(&seed) % cpus;
		uint64_t ts = when[i] > skew * c / cpus ? when[i] - skew * c / cpus : 0;
		const struct tt_record *rec;

		push(r, ts, i);
		held++;
		if (ts > newest)
			newest = ts;
		while ((rec = reorder__pop(r, false))) {
			uint64_t t = rec->syscall.ts;

			cr_assert(newest - t > window || held >= (int)max,
				  "event at %lu out early (newest %lu)", (unsigned long)t,
				  (unsigned long)newest);
			cr_assert(t > last_ts || (t == last_ts && rec->syscall.pid > last_pid) ||
				  out == 0, "out of order at %d: %lu after %lu", out,
				  (unsigned long)t, (unsigned long)last_ts);
			cr_assert(!seen[rec->syscall.pid]);
			seen[rec->syscall.pid] = 1;
			last_ts = t;
			last_pid = rec->syscall.pid;
			out++;
			held--;
		}
	}
	for (const struct tt_record *rec; (rec = reorder__pop(r, true)); out++) {
		cr_assert(rec->syscall.ts > last_ts ||
			  (rec->syscall.ts == last_ts && rec->syscall.pid > last_pid) || out == 0);
		cr_assert(!seen[rec->syscall.pid]);
		seen[rec->syscall.pid] = 1;
		last_ts = rec->syscall.ts;
		last_pid = rec->syscall.pid;
	}
	cr_assert_eq(out, n);
	free(seen);
	free(when);
	reorder__free(r);
}

/* Batches from 8 CPUs: a few runs. */
Test(reorder, many_events_in_batches)
{
	many(200000, 8, 5000, 100000, 1u << 18);
}

/* Disorder no 64 runs can hold: most events go through the heap. */
Test(reorder, many_events_in_disorder)
{
	many(100000, 1000, 1000000, 2000000, 1u << 18);
}

/* A window that never comes due: events leave because it is full (100),
 * in order as long as the disorder spans fewer events than it holds. */
Test(reorder, many_events_small_cap)
{
	many(50000, 4, 200, UINT64_MAX / 2, 100);
}

/* Only times going back: each event starts a run, then the heap takes over. */
Test(reorder, descending_times)
{
	struct reorder *r = reorder__new(UINT64_MAX, 1u << 18);

	for (uint32_t i = 0; i < 1000; i++)
		push(r, 100000 - i, i);
	for (uint32_t i = 0; i < 1000; i++)
		cr_assert_eq(pop_pid(r, true), 999 - i);
	cr_assert_null(reorder__pop(r, true));
	reorder__free(r);
}

/* Strings live in the window's copy, not in the pushed record's buffers. */
Test(reorder, strings_are_copied)
{
	struct reorder *r = reorder__new(UINT64_MAX, 1024);
	char path[] = "/etc/hostname", file[] = "/bin/true", argv[] = "true\0-x\0";
	struct tt_record rec = ev(20, 1), plain = ev(30, 3);
	const struct tt_record *got;

	rec.syscall.nstr = 1;
	rec.syscall.strs[0].arg = 1;
	rec.syscall.strs[0].value = (struct tt_bytes){ path, sizeof(path) - 1 };
	cr_assert_eq(reorder__push(r, &rec), 0);
	memset(&rec, 0, sizeof(rec));
	rec.type = TT_REC_EXEC;
	rec.exec.ts = 10;
	rec.exec.pid = 2;
	rec.exec.filename = (struct tt_bytes){ file, sizeof(file) - 1 };
	rec.exec.argv = (struct tt_bytes){ argv, sizeof(argv) - 1 };
	cr_assert_eq(reorder__push(r, &rec), 0);
	/* a short syscall (no strings) whose unused string slots are garbage */
	memset(&plain.syscall.strs, 0xa5, sizeof(plain.syscall.strs));
	cr_assert_eq(reorder__push(r, &plain), 0);
	memset(path, 'x', sizeof(path) - 1);
	memset(file, 'x', sizeof(file) - 1);
	memset(argv, 'x', sizeof(argv) - 1);

	got = reorder__pop(r, true);
	cr_assert_eq(got->type, TT_REC_EXEC);
	cr_assert_eq(got->exec.pid, 2);
	cr_assert_eq(got->exec.filename.len, 9);
	cr_assert_arr_eq(got->exec.filename.data, "/bin/true", 9);
	cr_assert_eq(got->exec.argv.len, 8);
	cr_assert_arr_eq(got->exec.argv.data, "true\0-x\0", 8);
	got = reorder__pop(r, true);
	cr_assert_eq(got->syscall.pid, 1);
	cr_assert_eq(got->syscall.nstr, 1);
	cr_assert_eq(got->syscall.strs[0].arg, 1);
	cr_assert_eq(got->syscall.strs[0].value.len, 13);
	cr_assert_arr_eq(got->syscall.strs[0].value.data, "/etc/hostname", 13);
	got = reorder__pop(r, true);
	cr_assert_eq(got->syscall.pid, 3);
	cr_assert_eq(got->syscall.nr, 39);
	cr_assert_eq(got->syscall.nstr, 0);
	for (int i = 0; i < TT_MAX_STRS; i++) {
		cr_assert_eq(got->syscall.strs[i].value.len, 0, "string %d reads as zero", i);
		cr_assert_null(got->syscall.strs[i].value.data);
	}
	cr_assert_null(reorder__pop(r, true));
	reorder__free(r);
}

/* Freeing a window that still holds events (runs and heap) leaks nothing
 * (under ASan/LSan, as .ci/run runs the units). */
Test(reorder, free_while_holding)
{
	struct reorder *r = reorder__new(UINT64_MAX, 1u << 18);
	char path[] = "/tmp/x";
	struct tt_record rec = ev(0, 0);

	rec.syscall.nstr = 1;
	rec.syscall.strs[0].value = (struct tt_bytes){ path, 6 };
	for (uint32_t i = 0; i < 3000; i++) {
		rec.syscall.ts = (i * 7919u) % 3001;
		rec.syscall.nstr = i & 1;
		cr_assert_eq(reorder__push(r, &rec), 0);
	}
	cr_assert_not_null(reorder__pop(r, true));
	reorder__free(r);
}
