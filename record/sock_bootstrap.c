// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bootstrap.skel.h"
#include "caps.h"
#include "cgroup2.h"
#include "events.h"
#include "load_report.h"
#include "log.h"
#include "sock_bootstrap.h"

#define MAX_NETNS 4096 /* namespaces visited; more are left unattributed */

/* Run an iterator program once, reading (and discarding) its output. */
static int run_iter(struct bpf_program *prog)
{
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);
	char buf[256];
	ssize_t n;
	int fd, ret = 0;

	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0)
		ret = -errno;
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (fd >= 0 && n < 0)
		ret = -errno;
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	return ret;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The TCP and UDP iterators walk the sockets of the namespace the calling
 * thread is in when it creates them: run them from each namespace a
 * process is in (setns changes only this thread's), then come back.
 */
static int run_socket_iters(struct bootstrap_bpf *skel, int *nnetns)
{
	ino_t seen[MAX_NETNS];
	int nseen = 0, home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	DIR *proc = opendir("/proc");
	struct dirent *d;
	int ret = 0;

	if (home < 0 || !proc) {
		ret = -errno;
		goto out;
	}
	while ((d = readdir(proc)) && nseen < MAX_NETNS) {
		char path[300];
		struct stat st;
		int fd;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", d->d_name);
		if (stat(path, &st) ||
		    lfind(&st.st_ino, seen, &(size_t){ nseen }, sizeof(ino_t), cmp_ino))
			continue; /* gone, a kernel thread, or visited */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		seen[nseen++] = st.st_ino;
		if (!setns(fd, CLONE_NEWNET)) {
			int r = run_iter(skel->progs.owners_tcp);

			if (!r)
				r = run_iter(skel->progs.owners_udp);
			if (r && !ret)
				ret = r;
		}
		close(fd);
	}
	if (setns(home, CLONE_NEWNET)) {
		/* rec's own sockets (none yet) would be in the wrong place. */
		ret = -errno;
		pr_warn("cannot return to rec's network namespace: %s", strerror(errno));
	}
out:
	*nnetns = nseen;
	if (proc)
		closedir(proc);
	if (home >= 0)
		close(home);
	return ret;
}

/* The owner /proc gives for process pid (its main thread, its real uid). */
static int proc_owner(const char *pid, const char *cgmount, struct sk_owner *o)
{
	char path[2 * PATH_MAX + 64], line[PATH_MAX + 64];
	struct stat st;
	FILE *f;
	size_t n;

	memset(o, 0, sizeof(*o));
	o->pid = o->tid = strtoul(pid, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u", &o->uid) == 1)
			break;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (f) {
		n = fread(o->comm, 1, sizeof(o->comm) - 1, f);
		if (n && o->comm[n - 1] == '\n')
			o->comm[n - 1] = 0;
		fclose(f);
	}
	/* The cgroup v2 id is the inode number of its directory. */
	snprintf(path, sizeof(path), "/proc/%s/cgroup", pid);
	f = fopen(path, "re");
	while (f && cgmount && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "0::", 3))
			continue;
		snprintf(path, sizeof(path), "%s%s", cgmount, line + 3);
		if (!stat(path, &st))
			o->cgroup_id = st.st_ino;
	}
	if (f)
		fclose(f);
	return 0;
}

/*
 * Where the kernel refuses the iterators (before 5.11 there is no
 * bpf_sock_from_file, and no socket storage in them): the same owners from
 * user space. Each process's IPv4/IPv6 sockets are borrowed with
 * pidfd_getfd (5.6) and given an owner through the map, keyed by the
 * borrowed descriptor, unless they have one (a socket shared by several
 * processes keeps the first seen). Returns the number of sockets named, or
 * -errno if none could be looked at.
 */
static int owners_from_proc(int sk_owners_fd)
{
	char cgmount[PATH_MAX], path[PATH_MAX + 64], link[64];
	int named = 0, borrowed = 0, failed = 0, last_err = 0;
	bool have_cg = !cgroup2__mount(cgmount, sizeof(cgmount));
	pid_t self = getpid();
	DIR *proc = opendir("/proc");
	struct dirent *d;

	if (!proc)
		return -errno;
	while ((d = readdir(proc))) {
		struct sk_owner o;
		struct dirent *fd_d;
		bool have_owner = false;
		int pidfd;
		DIR *fds;

		if (d->d_name[0] < '1' || d->d_name[0] > '9' || atoi(d->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (!fds)
			continue; /* gone, or a kernel thread */
		pidfd = syscall(SYS_pidfd_open, atoi(d->d_name), 0);
		while (pidfd >= 0 && (fd_d = readdir(fds))) {
			int target = atoi(fd_d->d_name), sock, domain = 0;
			socklen_t len = sizeof(domain);
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", d->d_name, fd_d->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0 || strncmp(link, "socket:[", 8))
				continue;
			sock = syscall(SYS_pidfd_getfd, pidfd, target, 0);
			if (sock < 0) {
				failed++;
				last_err = errno;
				continue;
			}
			borrowed++;
			if (!getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) &&
			    (domain == AF_INET || domain == AF_INET6)) {
				if (!have_owner)
					have_owner = !proc_owner(d->d_name, have_cg ? cgmount : NULL, &o);
				if (have_owner && !bpf_map_update_elem(sk_owners_fd, &sock, &o, BPF_NOEXIST))
					named++;
			}
			close(sock);
		}
		if (pidfd < 0 && errno != ESRCH) {
			failed++;
			last_err = errno;
		}
		if (pidfd >= 0)
			close(pidfd);
		closedir(fds);
	}
	closedir(proc);
	if (failed)
		pr_warn("%d sockets open before rec started are left unattributed until used again "
			"(borrowing them from their process: %s)", failed, strerror(last_err));
	return !borrowed && failed ? -last_err : named;
}

int sock_bootstrap__run(int sk_owners_fd, FILE *report)
{
	struct bootstrap_bpf *skel = bootstrap_bpf__open();
	int ret, nnetns = 0;

	if (!skel) {
		ret = -errno;
		goto fail;
	}
	ret = bpf_map__reuse_fd(skel->maps.sk_owners, sk_owners_fd);
	if (ret)
		goto fail;
	if (report)
		load_report__keep_stats(skel->obj);
	load_report__begin();
	ret = bootstrap_bpf__load(skel);
	if (ret)
		goto fail;
	ret = run_iter(skel->progs.owners_by_file);
	if (!ret)
		ret = run_socket_iters(skel, &nnetns);
	if (ret)
		goto fail;
	if (skel->bss->held_full)
		pr_warn("%llu sockets open before rec started are left unattributed until used "
			"again (more than %u)", (unsigned long long)skel->bss->held_full,
			bpf_map__max_entries(skel->maps.held_socks));
	pr_info("named the owners of the sockets open in %d network namespaces", nnetns);
	if (report) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, skel->obj)
			load_report__program(report, prog, "packet monitor, sockets open before rec");
	}
	bootstrap_bpf__destroy(skel);
	return 0;
fail:
	if (load_report__refused()) {
		int named = owners_from_proc(sk_owners_fd);

		if (named >= 0) {
			pr_info("kernel %s refused the BPF program %s (%s): named the owners of "
				"%d sockets open before rec started from /proc instead",
				load_report__kernel(), load_report__refused(), strerror(-ret), named);
			ret = 0;
		} else {
			pr_warn("kernel %s refused the BPF program %s (%s), and /proc gave no "
				"owners (%s): packets of sockets opened before rec started are "
				"unattributed until the sockets are used again",
				load_report__kernel(), load_report__refused(), strerror(-ret),
				strerror(-named));
		}
	} else
		pr_warn("could not name the owners of sockets opened before rec started (%s%s, "
			"kernel %s): their packets are unattributed until the sockets are used again",
			strerror(-ret), ret == -EPERM && !caps__have(CAP_SYS_ADMIN) ? " without cap_sys_admin" : "",
			load_report__kernel());
	bootstrap_bpf__destroy(skel);
	return ret;
}
