// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "load_report.h"
#include "log.h"

static char refused[64];

/*
 * libbpf reports a refused program as "prog 'NAME': ..." at warning level
 * (its own wording, stable across its releases; not the verifier's log,
 * whose text changes from kernel to kernel). The first such name is the
 * program the load stopped at.
 */
static void note_refused(const char *line)
{
	const char *p = strstr(line, "prog '"), *q;

	if (refused[0] || !p)
		return;
	p += strlen("prog '");
	q = strchr(p, '\'');
	if (q && q > p && q - p < (long)sizeof(refused))
		snprintf(refused, sizeof(refused), "%.*s", (int)(q - p), p);
}

static int print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN) {
		char line[256];
		va_list copy;

		va_copy(copy, ap);
		vsnprintf(line, sizeof(line), fmt, copy);
		va_end(copy);
		note_refused(line);
	}
	/* libbpf is chatty: its warnings show with -v, its debug with -vv. */
	if ((level == LIBBPF_DEBUG && log__level() < LOG_DEBUG) || log__level() < LOG_INFO)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void load_report__install(void)
{
	libbpf_set_print(print);
}

void load_report__begin(void)
{
	refused[0] = 0;
}

const char *load_report__refused(void)
{
	return refused[0] ? refused : NULL;
}

const char *load_report__kernel(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		snprintf(u.release, sizeof(u.release), "(unknown)");
	return u.release;
}

/* Does the kernel's bpf_prog_info have verified_insns? */
static bool kernel_counts_insns(void)
{
	static int known = -1;
	struct btf *btf;
	int id;

	if (known >= 0)
		return known;
	known = 1; /* unreadable BTF: the load will say what is wrong */
	btf = btf__load_vmlinux_btf();
	id = btf ? btf__find_by_name_kind(btf, "bpf_prog_info", BTF_KIND_STRUCT) : -1;
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_member *m = btf_members(t);

		known = 0;
		for (int i = 0; i < btf_vlen(t) && !known; i++)
			known = !strcmp(btf__name_by_offset(btf, m[i].name_off), "verified_insns");
	}
	btf__free(btf);
	return known;
}

#define STATS_LOGS 64
#define STATS_LOG_SIZE 512 /* "processed N insns (limit ...) ..." and a line more */
static char stats_logs[STATS_LOGS][STATS_LOG_SIZE];
static int nstats_logs;

void load_report__keep_stats(struct bpf_object *obj)
{
	struct bpf_program *prog;

	if (kernel_counts_insns() || log__level() >= LOG_INFO)
		return;
	bpf_object__for_each_program(prog, obj) {
		if (nstats_logs == STATS_LOGS)
			break;
		bpf_program__set_log_buf(prog, stats_logs[nstats_logs++], STATS_LOG_SIZE);
		bpf_program__set_log_level(prog, 4); /* BPF_LOG_STATS */
	}
}

/* The instructions the verifier processed for prog, or 0 if unknown. */
static unsigned int verified_insns(const struct bpf_program *prog)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(prog);
	const char *log, *p;
	size_t size;
	unsigned int n;

	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.verified_insns)
		return info.verified_insns;
	log = bpf_program__log_buf(prog, &size);
	p = log ? strstr(log, "processed ") : NULL;
	return p && sscanf(p, "processed %u insns", &n) == 1 ? n : 0;
}

void load_report__program(FILE *f, const struct bpf_program *prog, const char *role)
{
	unsigned int n = verified_insns(prog);

	if (!n)
		fprintf(f, "%s\t%s\t-\n", bpf_program__name(prog), role);
	else
		fprintf(f, "%s\t%s\t%u\n", bpf_program__name(prog), role, n);
}
