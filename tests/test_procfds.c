// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of a prologue's FD records (record/procfds.c): this process's
 * own cwd, a file, a close-on-exec file, a listening TCP socket and an
 * abstract UNIX socket, as /proc shows them, named as strace -yy does.
 */
#include "config.h" /* _GNU_SOURCE */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "procfds.h"

#define MAX_SEEN 512

struct seen {
	int n;
	struct tt_fd fds[MAX_SEEN];
	char names[MAX_SEEN][256];
};

static int keep(const struct tt_record *rec, void *ctx)
{
	struct seen *s = ctx;

	cr_assert_eq(rec->type, TT_REC_FD);
	cr_assert(s->n < MAX_SEEN);
	s->fds[s->n] = rec->fd;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)rec->fd.name.len,
		 rec->fd.name.data);
	s->n++;
	return 0;
}

static int find(const struct seen *s, int fd)
{
	for (int i = 0; i < s->n; i++)
		if (s->fds[i].fd == fd)
			return i;
	return -1;
}

Test(procfds, own_fds_and_cwd)
{
	static struct seen s;
	struct procfds *pf = procfds__new();
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(in);
	char want[128];
	int file, cloexec, tcp, ux, i;

	cr_assert(pf);
	cr_assert_eq(chdir("/tmp"), 0);
	file = open("/etc/hostname", O_RDONLY);
	cloexec = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(file >= 0 && cloexec >= 0 && tcp >= 0);
	cr_assert_eq(bind(tcp, (struct sockaddr *)&in, sizeof(in)), 0);
	cr_assert_eq(listen(tcp, 1), 0);
	cr_assert_eq(getsockname(tcp, (struct sockaddr *)&in, &len), 0);
	ux = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1, "tt-procfds-%d", getpid());
	cr_assert_eq(bind(ux, (struct sockaddr *)&un,
			  sizeof(sa_family_t) + 1 + strlen(un.sun_path + 1)), 0);

	cr_assert_eq(procfds__emit(pf, getpid(), keep, &s), 0);
	cr_assert((i = find(&s, TT_FD_CWD)) >= 0);
	cr_assert_str_eq(s.names[i], "/tmp");
	cr_assert_eq(s.fds[i].kind, TT_FD_PATH);
	cr_assert((i = find(&s, file)) >= 0);
	cr_assert_str_eq(s.names[i], "/etc/hostname");
	cr_assert_eq(s.fds[i].flags, 0);
	cr_assert((i = find(&s, cloexec)) >= 0);
	cr_assert_eq(s.fds[i].flags, TT_FD_CLOEXEC);
	cr_assert((i = find(&s, tcp)) >= 0);
	snprintf(want, sizeof(want), "TCP:[127.0.0.1:%u]", ntohs(in.sin_port));
	cr_assert_str_eq(s.names[i], want);
	cr_assert_eq(s.fds[i].kind, TT_FD_SOCKET);
	cr_assert((i = find(&s, ux)) >= 0);
	snprintf(want, sizeof(want), ",@\"tt-procfds-%d\"]", getpid());
	cr_assert(strstr(s.names[i], want) && !strncmp(s.names[i], "UNIX-STREAM:[", 13),
		  "%s", s.names[i]);
	procfds__free(pf);
}

Test(procfds, a_gone_process_has_none)
{
	static struct seen s;
	struct procfds *pf = procfds__new();

	cr_assert_eq(procfds__emit(pf, 0x7ffffffe, keep, &s), 0);
	cr_assert_eq(s.n, 0);
	procfds__free(pf);
}
