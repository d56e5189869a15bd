// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The seccomp-gen tests' own program: a few threads sum ranges and print
 * the result, always the same output and the same syscalls. --ptrace then
 * makes a syscall its recorded profile does not hold (PTRACE_TRACEME, which
 * succeeds when nothing traces us) and exits 1 with the error if it fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long long total;

static void *work(void *arg)
{
	unsigned long long from = (unsigned long long)(long)arg * 1000000, sum = 0;

	for (unsigned long long i = from; i < from + 1000000; i++)
		sum += i % 7;
	pthread_mutex_lock(&lock);
	total += sum;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[NTHREADS];

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, work, (void *)i)) {
			fprintf(stderr, "seccomp_prog: pthread_create failed\n");
			return 2;
		}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	/* futex, whether or not the threads ever contended (the recording and
	 * the run under the profile must make the same syscalls). */
	syscall(SYS_futex, &(int){ 0 }, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	printf("threads %d total %llu\n", NTHREADS, total);
	fflush(stdout);
	if (argc > 1 && !strcmp(argv[1], "--ptrace")) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL)) {
			fprintf(stderr, "seccomp_prog: ptrace: %s\n", strerror(errno));
			return 1;
		}
		printf("ptrace ok\n");
	}
	return 0;
}
