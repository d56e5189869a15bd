// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h" /* _GNU_SOURCE, for memfd_create */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

int fuzz__memfile(const void *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	const char *p = data;

	if (fd < 0)
		return -1;
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		size -= n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz__fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

void fuzz__check_message(const char *msg)
{
	fuzz_assert(msg && msg[0]);
	fuzz_assert(!strchr(msg, '\n'));
}
