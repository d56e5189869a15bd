/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the recording tests share: running the built tools, temp dirs, skips. */
#ifndef __TT_TESTUTIL_H
#define __TT_TESTUTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include "trace.h"

/* The build tree (automake's top_builddir, exported by the test harness). */
const char *tu_builddir(void);
/* "$top_builddir/REL" in a static buffer that holds 8 results. */
const char *tu_built(const char *rel);

/*
 * Skip the test when BPF cannot be used (not root), with the reason shown;
 * with TRACETAPE_REQUIRE_BPF=1 (as .ci/run sets) fail instead, because CI
 * can run it.
 */
void tu_require_bpf(void);

/* A fresh directory under /tmp, removed by tu_rmdir. */
char *tu_mkdtemp(void);
void tu_rmdir(char *dir);

/* Start argv (NULL-terminated); returns the pid. Output goes to log if set. */
pid_t tu_spawn(char *const argv[], const char *log);
/* Wait for pid; returns its exit code, or 128 + signal. */
int tu_wait(pid_t pid);
/* tu_spawn + tu_wait. */
int tu_run(char *const argv[], const char *log);

/* Counters over every record of a trace (a file, or a directory). */
struct tu_counts {
	long records, syscalls, execs, forks, exits, losses, lost_events, procs, headers;
	bool truncated;
};

/* Read all of path through trace_set, calling fn on each record (may be
 * NULL). Fails the test if the set cannot be opened or reading errs. */
typedef void (*tu_record_fn)(const struct tt_record *rec, void *ctx);
void tu_read(const char *path, tu_record_fn fn, void *ctx, struct tu_counts *counts);

#endif /* __TT_TESTUTIL_H */
