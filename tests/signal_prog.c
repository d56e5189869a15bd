// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Signals for tests/rec_signal.sh to record: SIGUSR1 to itself, caught;
 * SIGTERM to a child, which dies of it; a child that segfaults; and the
 * SIGCHLD of each child, caught. Prints "self PID", "term PID", "segv PID".
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_chld;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void on_chld(int sig)
{
	(void)sig;
	got_chld++;
}

/* Wait for the SIGCHLD of one more child, then reap it. */
static void wait_child(pid_t pid, sigset_t *unblocked, int seen)
{
	while (got_chld <= seen)
		sigsuspend(unblocked);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct rlimit no_core = { 0, 0 };
	sigset_t chld, old;
	pid_t term, segv;

	setvbuf(stdout, NULL, _IONBF, 0);
	printf("self %d\n", (int)getpid());
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	if (!got_usr1)
		return 1;
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);

	term = fork();
	if (term == 0) {
		for (;;)
			pause();
	}
	printf("term %d\n", (int)term);
	usleep(100000);
	kill(term, SIGTERM);
	wait_child(term, &old, 0);

	segv = fork();
	if (segv == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		prctl(PR_SET_DUMPABLE, 0);
		*(volatile int *)0 = 1;
		_exit(1);
	}
	printf("segv %d\n", (int)segv);
	wait_child(segv, &old, 1);
	return 0;
}
