// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program whose syscalls are known in advance, for the recording tests:
 * each option adds one step, run in the order given.
 *
 *   --getppid N          N raw getppid() calls
 *   --open PATH:N        N successful openat(PATH) (+ close)
 *   --fail-open PATH:N   N openat(PATH) expected to fail (ENOENT)
 *   --sleep MS           one nanosleep
 *   --exec               fork, exec /bin/true with awkward argv, wait
 *   --fail-exec          fork, execve a missing program (ENOENT), wait
 *   --loop SECONDS       getppid() until SECONDS have passed
 *   --forks N            N children that exit at once, each waited for
 *   --rw N               N one-byte read(2)s of /dev/zero, then N write(2)s to
 *                        /dev/null (each one vfs_read or vfs_write in the kernel)
 *   --count-file PATH    write how many getppid() calls were made to PATH
 *   --exit CODE          exit_group(CODE) (default 0)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The argv the tests expect back, byte for byte. */
static char *const awkward_argv[] = {
	"/bin/true", "two words", "comma,separated", "quote\"d 'single'", "new\nline", NULL,
};

static int split(char *arg, char **path)
{
	char *colon = strrchr(arg, ':');

	if (!colon)
		return 1;
	*colon = 0;
	*path = arg;
	return atoi(colon + 1);
}

static void run_child(const char *prog, char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(prog, argv);
		_exit(errno == ENOENT ? 3 : 4);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "getppid", required_argument, NULL, 'g' },
		{ "open", required_argument, NULL, 'o' },
		{ "fail-open", required_argument, NULL, 'f' },
		{ "sleep", required_argument, NULL, 's' },
		{ "exec", no_argument, NULL, 'e' },
		{ "fail-exec", no_argument, NULL, 'F' },
		{ "loop", required_argument, NULL, 'l' },
		{ "exit", required_argument, NULL, 'x' },
		{ "forks", required_argument, NULL, 'k' },
		{ "count-file", required_argument, NULL, 'c' },
		{ "rw", required_argument, NULL, 'r' },
		{ 0 },
	};
	int code = 0, opt, n;
	char *path = NULL, *count_file = NULL;
	long calls = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'g':
			for (long i = atol(optarg); i > 0; i--, calls++)
				syscall(SYS_getppid);
			break;
		case 'o':
		case 'f':
			n = split(optarg, &path);
			for (int i = 0; i < n; i++) {
				int fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);

				if (fd >= 0)
					close(fd);
			}
			break;
		case 's': {
			struct timespec ts = { atoi(optarg) / 1000, (atoi(optarg) % 1000) * 1000000L };

			syscall(SYS_nanosleep, &ts, NULL);
			break;
		}
		case 'e':
			run_child(awkward_argv[0], awkward_argv);
			break;
		case 'F': {
			char *const missing[] = { "/nonexistent/tracetape-missing", "x", NULL };

			run_child(missing[0], missing);
			break;
		}
		case 'l': {
			double end = now_s() + atof(optarg);

			while (now_s() < end)
				for (int i = 0; i < 1000; i++, calls++)
					syscall(SYS_getppid);
			break;
		}
		case 'x':
			code = atoi(optarg);
			break;
		case 'k':
			for (long i = atol(optarg); i > 0; i--) {
				pid_t pid = fork();

				if (pid == 0)
					_exit(0);
				if (pid > 0)
					waitpid(pid, NULL, 0);
			}
			break;
		case 'c':
			count_file = optarg;
			break;
		case 'r': {
			int in = open("/dev/zero", O_RDONLY | O_CLOEXEC);
			int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
			char byte;

			for (long i = atol(optarg); i > 0 && in >= 0; i--)
				if (syscall(SYS_read, in, &byte, 1) != 1)
					return 1;
			for (long i = atol(optarg); i > 0 && out >= 0; i--)
				if (syscall(SYS_write, out, &byte, 1) != 1)
					return 1;
			if (in < 0 || out < 0)
				return 1;
			close(in);
			close(out);
			break;
		}
		default:
			return 100;
		}
	}
	if (count_file) {
		FILE *f = fopen(count_file, "w");

		if (f) {
			fprintf(f, "%ld\n", calls);
			fclose(f);
		}
	}
	syscall(SYS_exit_group, code);
	return code;
}
