// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analyze --alerts=RULES.yaml: the rules file (replay/alerts_yaml.c) on top
 * of the built-in rules. A file that does not load says where, on one line
 * starting with its name.
 */
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "fuzz.h"
#include "syscalls.h"

static char *dup_str(const char *s)
{
	char *d = strdup(s);

	fuzz_assert(d);
	return d;
}

/*
 * A copy of the built-in rules that alert_rules__free() can free: the strings
 * a rule owns (those alert_rule__clear() frees) are duplicated. The built-in
 * rules are the same for every input, and making them resolves each of their
 * syscall names through libseccomp, whose every strcmp libFuzzer hooks: that
 * was a third of the time per input.
 */
static void copy_rules(struct alert_rules *to, const struct alert_rules *from)
{
	to->rules = malloc(from->cap * sizeof(*to->rules));
	fuzz_assert(to->rules);
	memcpy(to->rules, from->rules, from->n * sizeof(*to->rules));
	to->n = from->n;
	to->cap = from->cap;
	for (int i = 0; i < to->n; i++) {
		struct alert_rule *r = &to->rules[i];

		for (int j = 0; j < r->npaths; j++)
			r->paths[j] = dup_str(r->paths[j]);
		for (int j = 0; j < r->ncomms; j++)
			r->comms[j] = dup_str(r->comms[j]);
		if (r->cgroup)
			r->cgroup = dup_str(r->cgroup);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct syscall_table *st;
	static struct alert_rules builtin;
	struct alert_rules rs;
	char path[64], err[512] = "";
	int fd;

	if (!st) {
		st = syscall_table__new(AUDIT_ARCH_X86_64);
		if (!st || alert_rules__builtin(&builtin, st))
			abort();
	}
	fd = fuzz__memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	copy_rules(&rs, &builtin);
	if (alert_rules__load(&rs, path, st, err, sizeof(err))) {
		fuzz__check_message(err);
		fuzz_assert(!strncmp(err, path, strlen(path)));
	}
	alert_rules__free(&rs);
	close(fd);
	return 0;
}
