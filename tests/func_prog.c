// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program whose own functions the function monitor's tests probe, called
 * a known number of times:
 *   func_prog calls N       tt_leaf N times, tt_outer (calling tt_leaf) N times
 *   func_prog threads N     two threads: one calls tt_leaf N times, the other
 *                           tt_outer N times (each tt_outer calls tt_leaf once)
 *   func_prog sleep MS [N]  tt_sleep N times (default 1), each sleeping MS ms
 *   func_prog libc N        drand48 N times (nothing else in libc calls it)
 * It prints what it did, so a test can check its counts against it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile long sink;

__attribute__((noinline)) void tt_leaf(long v)
{
	sink += v;
	asm volatile("" ::: "memory"); /* not folded into its callers */
}

__attribute__((noinline)) void tt_outer(long v)
{
	tt_leaf(v);
	asm volatile("" ::: "memory");
}

__attribute__((noinline)) void tt_sleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
	asm volatile("" ::: "memory");
}

static long n;

static void *leaf_thread(void *arg)
{
	(void)arg;
	for (long i = 0; i < n; i++)
		tt_leaf(i);
	return NULL;
}

static void *outer_thread(void *arg)
{
	(void)arg;
	for (long i = 0; i < n; i++)
		tt_outer(i);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: func_prog calls|threads|sleep|libc N [COUNT]\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!strcmp(argv[1], "calls")) {
		leaf_thread(NULL);
		outer_thread(NULL);
	} else if (!strcmp(argv[1], "threads")) {
		pthread_t a, b;

		if (pthread_create(&a, NULL, leaf_thread, NULL) ||
		    pthread_create(&b, NULL, outer_thread, NULL)) {
			perror("pthread_create");
			return 1;
		}
		pthread_join(a, NULL);
		pthread_join(b, NULL);
	} else if (!strcmp(argv[1], "sleep")) {
		long count = argc > 3 ? atol(argv[3]) : 1;

		for (long i = 0; i < count; i++)
			tt_sleep(n);
	} else if (!strcmp(argv[1], "libc")) {
		double d = 0;

		for (long i = 0; i < n; i++)
			d += drand48();
		sink = (long)d;
	} else {
		fprintf(stderr, "func_prog: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	printf("%s %ld\n", argv[1], n);
	return 0;
}
