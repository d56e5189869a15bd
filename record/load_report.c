// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
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

void load_report__program(FILE *f, const struct bpf_program *prog, const char *role)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(prog);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) || !info.verified_insns)
		fprintf(f, "%s\t%s\t-\n", bpf_program__name(prog), role);
	else
		fprintf(f, "%s\t%s\t%u\n", bpf_program__name(prog), role, info.verified_insns);
}
