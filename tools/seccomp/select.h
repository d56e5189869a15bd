/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which processes of a trace a profile is for. -p goes to the views' filter
 * as it is; --comm, --exe, --cgroup and the default (the command of a
 * 'rec -- COMMAND' trace) are first resolved to the processes they name by a
 * scan of the trace, then handed to the same filter as pids, with
 * --children unless --no-children.
 */
#ifndef __TT_SG_SELECT_H
#define __TT_SG_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "procs.h"

struct select_opts {
	const char *pids, *comms, *exes, *cgroups; /* comma lists; NULL if not given */
	bool no_children;
};

struct selection {
	struct filter_opts fo; /* for tape__filter */
	char pids[FILTER_MAX * 11 + 1]; /* fo.pids when resolved here */
	char what[512]; /* how the processes were chosen, for messages */
};

/*
 * Resolve o against the trace at path. Returns 0; -ENOENT when it names no
 * process of the trace (err lists those there are); -EINVAL for a usage
 * error (nothing chosen and no default, too many processes); other -errno
 * when the trace cannot be read. err gets one line.
 */
int selection__resolve(struct selection *s, const struct select_opts *o, const char *path,
		       char *err, size_t errlen);

/* "27476 (ls), 27477 (sh), ..." for the processes of procs, at most size bytes. */
void procs__describe(const struct procs *procs, char *buf, size_t size);

#endif /* __TT_SG_SELECT_H */
