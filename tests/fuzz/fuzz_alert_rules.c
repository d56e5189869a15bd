// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analyze --alerts=RULES.yaml: the rules file (analyze/alerts_yaml.c) on top
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct syscall_table *st;
	struct alert_rules rs = { 0 };
	char path[64], err[512] = "";
	int fd;

	if (!st && !(st = syscall_table__new(AUDIT_ARCH_X86_64)))
		abort();
	fd = fuzz__memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	fuzz_assert(!alert_rules__builtin(&rs, st));
	if (alert_rules__load(&rs, path, st, err, sizeof(err))) {
		fuzz__check_message(err);
		fuzz_assert(!strncmp(err, path, strlen(path)));
	}
	alert_rules__free(&rs);
	close(fd);
	return 0;
}
