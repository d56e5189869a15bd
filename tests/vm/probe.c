// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Can this kernel hook kernel functions from BPF? For each of kprobe,
 * kretprobe, fentry and fexit: load only that program of probe.bpf.c, attach
 * it to vfs_read, make N reads and expect exactly N hits. Prints one TAP line
 * per hook ("ok - ..." without a number: the VM harness numbers them), so
 * the function monitor's checks can count on each path separately.
 * Usage: probe [N]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "tests/vm/probe.skel.h"

/* The programs are named on_<hook>; hits[] in probe.bpf.c follows this order. */
static const char *const hooks[] = { "kprobe", "kretprobe", "fentry", "fexit" };

static char log_buf[64 * 1024];

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* The verifier's last lines say why a load failed; the rest is noise. */
static void print_log_tail(int lines)
{
	char *start = log_buf + strlen(log_buf);

	while (start > log_buf && lines >= 0)
		if (*--start == '\n')
			lines--;
	for (char *line = strtok(start, "\n"); line; line = strtok(NULL, "\n"))
		printf("# verifier: %s\n", line);
}

/* Returns the number of hits, or a negative errno with *step naming what failed. */
static long try_hook(int hook, long reads, const char **step)
{
	struct bpf_program *p, *prog;
	struct probe_bpf *obj;
	char name[32];
	char buf[1];
	long hits = -1;
	int fd, err;

	*step = "open";
	obj = probe_bpf__open();
	if (!obj)
		return -errno;
	snprintf(name, sizeof(name), "on_%s", hooks[hook]);
	prog = bpf_object__find_program_by_name(obj->obj, name);
	bpf_object__for_each_program(p, obj->obj)
		bpf_program__set_autoload(p, p == prog);
	bpf_program__set_log_buf(prog, log_buf, sizeof(log_buf));
	bpf_program__set_log_level(prog, 1);
	obj->rodata->target_tid = gettid();
	*step = "load";
	err = probe_bpf__load(obj);
	if (err)
		goto out;
	*step = "attach";
	if (!bpf_program__attach(prog)) {
		err = -errno;
		goto out;
	}
	*step = "read";
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	/* Each read(2) calls vfs_read exactly once. */
	for (long i = 0; i < reads; i++)
		if (read(fd, buf, sizeof(buf)) != 1)
			err = -EIO;
	close(fd);
	hits = obj->bss->hits[hook];
out:
	probe_bpf__destroy(obj);
	return err ? err : hits;
}

int main(int argc, char **argv)
{
	long reads = argc > 1 ? atol(argv[1]) : 100;

	libbpf_set_print(print_libbpf);
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		const char *step;
		long hits;

		log_buf[0] = 0;
		hits = try_hook(i, reads, &step);
		if (hits == reads) {
			printf("ok - BPF %s on vfs_read sees exactly the %ld reads made\n", hooks[i],
			       reads);
			continue;
		}
		printf("not ok - BPF %s on vfs_read sees exactly the %ld reads made\n", hooks[i],
		       reads);
		if (hits >= 0)
			printf("# %ld hits\n", hits);
		else
			printf("# %s failed: %s\n", step, strerror((int)-hits));
		if (hits < 0 && !strcmp(step, "load"))
			print_log_tail(40);
	}
	return 0;
}
