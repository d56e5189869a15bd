// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tracefs.h"

/* Arguments are the fields after __syscall_nr in sys_enter_NAME/format. */
static int count_args(const char *root, const char *name)
{
	char path[PATH_MAX], line[512];
	bool after_nr = false;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_%s/format", root, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "field:"))
			continue;
		if (after_nr)
			n++;
		else if (strstr(line, "__syscall_nr;"))
			after_nr = true;
	}
	fclose(f);
	return n <= 6 ? n : 6;
}

static int fill(const char *root, const struct syscall_table *t, uint8_t *nargs)
{
	char probe[PATH_MAX];
	int found = 0;

	snprintf(probe, sizeof(probe), "%s/events/syscalls", root);
	/* the effective ids and capabilities: access() would drop a file
	 * capability's CAP_DAC_READ_SEARCH */
	if (faccessat(AT_FDCWD, probe, R_OK, AT_EACCESS))
		return -errno;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++) {
		const char *name = syscall_table__name(t, nr);
		int n = name ? count_args(root, name) : -ENOENT;

		if (n >= 0) {
			nargs[nr] = n;
			found++;
		}
	}
	return found;
}

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

int tracefs__syscall_nargs(const struct syscall_table *t, uint8_t *nargs)
{
	char tmp[] = "/tmp/tracetape-tracefs-XXXXXX";
	int ret = -ENOENT;

	memset(nargs, 6, SYSCALL_MAX_NR);
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		ret = fill(roots[i], t, nargs);
		if (ret > 0)
			return ret;
	}
	/* Not mounted: mount it privately for this read, leaving no trace. */
	if (!mkdtemp(tmp))
		return -errno;
	if (mount("nodev", tmp, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		ret = -errno;
	} else {
		ret = fill(tmp, t, nargs);
		umount2(tmp, MNT_DETACH);
	}
	rmdir(tmp);
	return ret;
}

FILE *tracefs__fopen(const char *name)
{
	char path[PATH_MAX], tmp[] = "/tmp/tracetape-tracefs-XXXXXX";
	FILE *f = NULL;
	int err = ENOENT;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", roots[i], name);
		f = fopen(path, "re");
		if (f)
			return f;
		if (errno != ENOENT)
			err = errno; /* there, but not readable */
	}
	if (err != ENOENT || !mkdtemp(tmp)) {
		errno = err;
		return NULL;
	}
	/* An open file stays readable after the lazy unmount. */
	if (!mount("nodev", tmp, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		snprintf(path, sizeof(path), "%s/%s", tmp, name);
		f = fopen(path, "re");
		err = f ? 0 : errno;
		umount2(tmp, MNT_DETACH);
	} else {
		err = errno;
	}
	rmdir(tmp);
	errno = err;
	return f;
}
