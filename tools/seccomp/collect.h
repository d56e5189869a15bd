/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Read one trace into a profile: every syscall of the chosen processes,
 * named by libseccomp for the architecture it was made in (the trace's, or
 * its 32-bit compat one for calls flagged TT_SYSCALL_COMPAT).
 */
#ifndef __TT_SG_COLLECT_H
#define __TT_SG_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "select.h"

struct collect_opts {
	const char *path; /* the trace: a file or a directory of rotated files */
	const struct select_opts *select;
	bool allow_lossy;
};

struct collect_result {
	uint64_t calls;     /* syscalls of the chosen processes */
	uint64_t processes; /* distinct pids that made them */
	uint64_t lost;      /* events the recording lost */
	char what[512];     /* the selection, as selection.what */
};

/*
 * Add the trace's calls to p. Returns 0; -ENOENT if the processes chosen
 * are not in it, -EINVAL for a usage error, -EPROTO if it lost events and
 * allow_lossy is off, another -errno if it cannot be read. err gets one
 * line naming the trace. Warnings (no exec seen, losses allowed, truncated
 * file) are printed here.
 */
int profile__collect(struct profile *p, const struct collect_opts *o, struct collect_result *res,
		     char *err, size_t errlen);

/* The AUDIT_ARCH_* of the 32-bit calls of a machine of arch, or 0 if none. */
uint32_t audit_arch__compat(uint32_t arch);

#endif /* __TT_SG_COLLECT_H */
