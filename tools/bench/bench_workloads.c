// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's workloads, timed from inside so a tracer's start-up and
 * shutdown do not count. Prints "<ops> <ns per op>" on stdout.
 *
 *   bench-workloads getppid N     N raw getppid() calls
 *   bench-workloads files N DIR   N open/read/close of small files in DIR
 *   bench-workloads procs N       N fork + exec of /bin/true, each waited for
 *   bench-workloads tcp N         N 64-byte request/response pairs over loopback
 *   bench-workloads cmd ARGV...   run a command once (through /bin/sh -c)
 *   bench-workloads storm T N     T processes each making N getppid() calls at
 *                                 once; the ns per call is their mean
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void run_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

/*
 * T processes released together (they wait on a pipe the parent closes),
 * each timing its own N calls; prints the calls and the mean ns per call.
 */
static int run_storm(long t, long n)
{
	int go[2], res[2];
	double sum = 0, ns;

	if (t < 1 || pipe(go) || pipe(res))
		die("storm");
	for (long i = 0; i < t; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			char c;
			double start;

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				die("read");
			start = now_ns();
			run_getppid(n);
			ns = (now_ns() - start) / n;
			if (write(res[1], &ns, sizeof(ns)) != sizeof(ns))
				die("write");
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (long i = 0; i < t; i++) {
		if (read(res[0], &ns, sizeof(ns)) != sizeof(ns))
			die("storm result");
		sum += ns;
	}
	while (wait(NULL) > 0)
		;
	printf("%ld %.1f\n", t * n, sum / t);
	return 0;
}

static void run_files(long n, const char *dir)
{
	char path[4096], buf[512];
	const int nfiles = 64;

	for (int i = 0; i < nfiles; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, "tracetape benchmark file\n", 25) != 25)
			die(path);
		close(fd);
	}
	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, i % nfiles);
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
			die(path);
		close(fd);
	}
}

static void run_procs(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(pid, &st, 0);
	}
}

/* A server child echoes 64-byte messages; the parent times the round trips. */
static void run_tcp(long n)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	char msg[64] = "ping";
	int one = 1, ls, c;
	pid_t pid;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof(addr)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&addr, &len))
		die("listen");
	pid = fork();
	if (pid == 0) {
		int s = accept(ls, NULL, NULL);

		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (recv(s, msg, sizeof(msg), MSG_WAITALL) == sizeof(msg))
			if (send(s, msg, sizeof(msg), 0) != sizeof(msg))
				break;
		_exit(0);
	}
	close(ls);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (long i = 0; i < n; i++)
		if (send(c, msg, sizeof(msg), 0) != sizeof(msg) ||
		    recv(c, msg, sizeof(msg), MSG_WAITALL) != sizeof(msg))
			die("round trip");
	close(c);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 0;
	double start;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-workloads getppid|files|procs|tcp N [DIR] | storm T N | cmd COMMAND\n");
		return 2;
	}
	start = now_ns();
	if (!strcmp(argv[1], "getppid")) {
		run_getppid(n);
	} else if (!strcmp(argv[1], "files") && argc > 3) {
		run_files(n, argv[3]);
	} else if (!strcmp(argv[1], "procs")) {
		run_procs(n);
	} else if (!strcmp(argv[1], "tcp")) {
		run_tcp(n);
	} else if (!strcmp(argv[1], "storm") && argc > 3) {
		return run_storm(n, atol(argv[3]));
	} else if (!strcmp(argv[1], "cmd")) {
		n = 1;
		if (system(argv[2]) != 0)
			return 1;
	} else {
		fprintf(stderr, "bench-workloads: unknown workload '%s'\n", argv[1]);
		return 2;
	}
	printf("%ld %.1f\n", n, (now_ns() - start) / n);
	return 0;
}
