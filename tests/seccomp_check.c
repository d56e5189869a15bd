// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Independent checks of seccomp-gen's output, for tests/seccomp_*.sh:
 *
 *   seccomp_check load FILE.bpf -- CMD ARGS   load raw BPF with seccomp(2)
 *                                             (no libseccomp), exec CMD
 *   seccomp_check pfc LIST ARCH...            libseccomp's PFC for the names
 *                                             of a '-f list' file
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int load(const char *path, char **argv)
{
	static struct sock_filter insns[BPF_MAXINSNS];
	struct sock_fprog prog = { 0 };
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return 1;
	}
	n = fread(insns, 1, sizeof(insns), f);
	fclose(f);
	if (!n || n % sizeof(insns[0])) {
		fprintf(stderr, "%s: not a whole number of BPF instructions (%zu bytes)\n", path, n);
		return 1;
	}
	prog.len = n / sizeof(insns[0]);
	prog.filter = insns;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		fprintf(stderr, "seccomp(2) refused %s: %s\n", path, strerror(errno));
		return 1;
	}
	execvp(argv[0], argv);
	return 127;
}

static int pfc(const char *path, char **arches)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	char name[64], why[32];
	unsigned long long count;
	FILE *f = fopen(path, "r");
	int ret = 1;

	if (!ctx || !f)
		goto out;
	seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	for (; *arches; arches++)
		if (seccomp_arch_add(ctx, seccomp_arch_resolve_name(*arches)))
			goto out;
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	while (fscanf(f, "%63s %llu %31s%*[^\n]", name, &count, why) == 3) {
		int nr = seccomp_syscall_resolve_name(name);
		uint32_t act = strcmp(why, "enosys") ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(ENOSYS);

		if (seccomp_rule_add(ctx, act, nr, 0))
			goto out;
	}
	ret = seccomp_export_pfc(ctx, 1) ? 1 : 0;
out:
	if (f)
		fclose(f);
	if (ctx)
		seccomp_release(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "load") && !strcmp(argv[3], "--"))
		return load(argv[2], argv + 4);
	if (argc >= 4 && !strcmp(argv[1], "pfc"))
		return pfc(argv[2], argv + 3);
	fprintf(stderr, "usage: seccomp_check load FILE.bpf -- CMD ARGS | pfc LIST ARCH...\n");
	return 2;
}
