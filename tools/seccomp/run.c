// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "run.h"

#define LISTENER_WAIT_MS 5000

/* argv[0] as execvp would find it, so that the child under the filter makes one execve. */
static int find_command(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p;
	size_t len;

	if (strchr(cmd, '/')) {
		snprintf(out, size, "%s", cmd);
		return access(out, X_OK) ? -errno : 0;
	}
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p += len + (p[len] == ':')) {
		len = strcspn(p, ":");
		snprintf(out, size, "%.*s/%s", (int)len, len ? p : ".", cmd);
		if (!access(out, X_OK))
			return 0;
	}
	return -ENOENT;
}

static void child(scmp_filter_ctx ctx, const char *path, char *const argv[], int go_fd)
{
	char c;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		perror("seccomp-gen: PR_SET_NO_NEW_PRIVS");
		_exit(126);
	}
	if (seccomp_load(ctx)) {
		fprintf(stderr, "seccomp-gen: seccomp_load failed\n");
		_exit(126);
	}
	/* Wait until the parent holds the listener (it answers this read if it is not allowed). */
	if (go_fd >= 0 && read(go_fd, &c, 1) != 1)
		_exit(126);
	execv(path, argv);
	_exit(127);
}

/* The child's seccomp listener fd number, once seccomp_load has made it. */
static int find_listener(pid_t pid)
{
	char dir[64], link[PATH_MAX + 64], target[64];
	struct dirent *d;
	DIR *dp;
	int fd = -1;
	ssize_t n;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (fd < 0 && (d = readdir(dp))) {
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (!strcmp(target, "anon_inode:seccomp notify"))
			fd = atoi(d->d_name);
	}
	closedir(dp);
	return fd;
}

/* A copy of the child's listener, or -errno (the child died, or it never appeared). */
static int grab_listener(pid_t pid, int pidfd)
{
	struct timespec tick = { 0, 1000000 };
	int fd;

	for (int ms = 0; ms < LISTENER_WAIT_MS; ms++) {
		fd = find_listener(pid);
		if (fd >= 0) {
			fd = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
			return fd < 0 ? -errno : fd;
		}
		if (waitpid(pid, NULL, WNOHANG | WNOWAIT) == pid)
			return -ESRCH;
		nanosleep(&tick, NULL);
	}
	return -ETIMEDOUT;
}

static void note_denied(struct run_result *res, uint32_t arch, int nr)
{
	for (int i = 0; i < res->ndenied; i++) {
		if (res->denied[i].arch == arch && res->denied[i].nr == nr) {
			res->denied[i].count++;
			return;
		}
	}
	if (res->ndenied == RUN_MAX_DENIED)
		res->denied_dropped++;
	else
		res->denied[res->ndenied++] = (struct run_denied){ arch, nr, 1 };
}

/* Answer every notification with "go on" until the command exits. */
static int supervise(pid_t pid, int pidfd, int listener, int go_fd, struct run_result *res)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;
	struct pollfd pfd[2] = { { listener, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
	bool go_seen = false;
	int ret = seccomp_notify_alloc(&req, &resp);

	if (ret)
		return ret;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			memset(req, 0, sizeof(*req));
			if (seccomp_notify_receive(listener, req))
				continue; /* the caller died meanwhile */
			/* Our own wait for the listener is not the command's. */
			if (!go_seen && req->pid == (uint32_t)pid && req->data.arch == seccomp_arch_native() &&
			    req->data.nr == SYS_read && req->data.args[0] == (uint64_t)go_fd)
				go_seen = true;
			else
				note_denied(res, req->data.arch, req->data.nr);
			memset(resp, 0, sizeof(*resp));
			resp->id = req->id;
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
			seccomp_notify_respond(listener, resp);
			continue;
		}
		if (pfd[1].revents & POLLIN)
			break;
	}
	seccomp_notify_free(req, resp);
	return ret;
}

int profile__exec(const struct profile *p, const struct emit_opts *o, char *const argv[],
		  struct run_result *res, char *err, size_t errlen)
{
	bool notify = o->def == DEFAULT_LOG;
	int go[2] = { -1, -1 }, pidfd = -1, listener = -1, ret;
	scmp_filter_ctx ctx = NULL;
	char path[PATH_MAX];
	pid_t pid = -1;

	memset(res, 0, sizeof(*res));
	ret = find_command(argv[0], path, sizeof(path));
	if (ret) {
		snprintf(err, errlen, "%s: %s", argv[0],
			 ret == -ENOENT ? "command not found" : strerror(-ret));
		return ret;
	}
	ret = profile__build(p, o, notify ? SCMP_ACT_NOTIFY : default_action__scmp(o->def), &ctx,
			     err, errlen);
	if (ret)
		return ret;
	if (notify && pipe2(go, O_CLOEXEC)) {
		ret = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto cleanup;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto cleanup;
	}
	if (pid == 0)
		child(ctx, path, argv, go[0]);
	if (notify) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		listener = pidfd < 0 ? -errno : grab_listener(pid, pidfd);
		if (listener < 0) {
			ret = listener;
			snprintf(err, errlen, "cannot reach the filter's listener of process %d: %s",
				 (int)pid, strerror(-ret));
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto cleanup;
		}
		if (write(go[1], "g", 1) != 1 || (ret = supervise(pid, pidfd, listener, go[0], res))) {
			ret = ret ? ret : -errno;
			snprintf(err, errlen, "supervising process %d: %s", (int)pid, strerror(-ret));
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto cleanup;
		}
	}
	while (waitpid(pid, &res->status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			goto cleanup;
		}
	}
	ret = 0;
cleanup:
	for (int i = 0; i < 2; i++)
		if (go[i] >= 0)
			close(go[i]);
	if (listener >= 0)
		close(listener);
	if (pidfd >= 0)
		close(pidfd);
	seccomp_release(ctx);
	return ret;
}
