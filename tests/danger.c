// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A workload for the alert tests: a handful of the actions the built-in
 * rules watch for, each harmless (a namespace only a child lives in, a mount
 * that fails, a ptrace of its own child, a write to a file the test names),
 * or with --none, ordinary work only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: danger [--none] [--sensitive PATH]\n");
	return 2;
}

/* ordinary work, which no rule may take for an attack */
static void harmless(void)
{
	char buf[64];
	int fd = open("/etc/hostname", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
	}
	getppid();
}

static int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int main(int argc, char **argv)
{
	const char *sensitive = NULL;
	bool none = false;
	pid_t pid;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--none"))
			none = true;
		else if (!strcmp(argv[i], "--sensitive") && i + 1 < argc)
			sensitive = argv[++i];
		else
			return usage();
	}
	harmless();
	if (none)
		return 0;

	/* a new UTS namespace, in a child that then exits */
	pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUTS) ? 1 : 0);
	wait_child(pid);

	/* a mount onto a directory that does not exist: ENOENT, nothing mounted */
	if (!mount("none", "/nonexistent/tracetape-danger", "tmpfs", 0, NULL))
		fprintf(stderr, "danger: the mount succeeded\n");

	/* ptrace of its own child, which waits to be killed */
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL))
		perror("danger: ptrace");
	kill(pid, SIGKILL);
	wait_child(pid);

	if (sensitive) {
		fd = open(sensitive, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			perror(sensitive);
		else
			close(fd);
	}
	return 0;
}
