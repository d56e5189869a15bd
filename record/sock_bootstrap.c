// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bootstrap.skel.h"
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
	if (load_report__refused())
		pr_warn("kernel %s refused the BPF program %s (%s): packets of sockets opened "
			"before rec started are unattributed until the sockets are used again",
			load_report__kernel(), load_report__refused(), strerror(-ret));
	else
		pr_warn("could not name the owners of sockets opened before rec started (%s, "
			"kernel %s): their packets are unattributed until the sockets are used again",
			strerror(-ret), load_report__kernel());
	bootstrap_bpf__destroy(skel);
	return ret;
}
