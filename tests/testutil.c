// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "testutil.h"

const char *tu_builddir(void)
{
	const char *d = getenv("top_builddir");

	return d && *d ? d : ".";
}

const char *tu_built(const char *rel)
{
	static char bufs[8][4096];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tu_builddir(), rel);
	return b;
}

void tu_require_bpf(void)
{
	const char *why = NULL;

	if (geteuid() != 0)
		why = "needs root to load BPF programs";
	else if (access("/sys/kernel/btf/vmlinux", R_OK))
		why = "needs a kernel with BTF";
	if (!why)
		return;
	if (getenv("TRACETAPE_REQUIRE_BPF") && !strcmp(getenv("TRACETAPE_REQUIRE_BPF"), "1"))
		cr_assert_fail("BPF test cannot run (%s) but TRACETAPE_REQUIRE_BPF=1", why);
	cr_skip_test("%s", why);
}

char *tu_mkdtemp(void)
{
	char *d = strdup("/tmp/tracetape-test-XXXXXX");

	cr_assert(d && mkdtemp(d), "mkdtemp: %s", strerror(errno));
	return d;
}

void tu_rmdir(char *dir)
{
	char cmd[4200];

	if (!dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

pid_t tu_spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execv(argv[0], argv);
		_exit(126);
	}
	return pid;
}

int tu_wait(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		cr_assert(errno == EINTR, "waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int tu_run(char *const argv[], const char *log)
{
	return tu_wait(tu_spawn(argv, log));
}

void tu_read(const char *path, tu_record_fn fn, void *ctx, struct tu_counts *c)
{
	char err[512] = "";
	char *paths[] = { (char *)path };
	struct trace_set *s = trace_set__open(paths, 1, err, sizeof(err));
	struct tt_record rec;
	int ret;

	cr_assert(s, "opening %s: %s", path, err);
	memset(c, 0, sizeof(*c));
	c->headers = trace_set__count(s);
	while ((ret = trace_set__next(s, &rec)) > 0) {
		c->records++;
		switch (rec.type) {
		case TT_REC_SYSCALL: c->syscalls++; break;
		case TT_REC_EXEC: c->execs++; break;
		case TT_REC_FORK: c->forks++; break;
		case TT_REC_EXIT: c->exits++; break;
		case TT_REC_PROC: c->procs++; break;
		case TT_REC_LOSS: c->losses++; c->lost_events += rec.loss.count; break;
		}
		if (fn)
			fn(&rec, ctx);
	}
	cr_assert(ret == 0, "reading %s: %s", path, trace_set__error(s));
	for (int i = 0; i < trace_set__count(s); i++)
		c->truncated |= trace_reader__truncated(trace_set__reader(s, i));
	trace_set__close(s);
}
