/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A prologue's FD records (format 1.9): a running process's cwd and fds as
 * /proc shows them when a file begins, so that a reader of that file, even
 * alone, names the fds the process had before it (analyze --fd-names) and
 * resolves its relative paths. rec decodes no syscalls: what it knows of
 * fds is what /proc says at each file's start.
 */
#ifndef __TT_PROCFDS_H
#define __TT_PROCFDS_H

#include <stdint.h>

#include "proctrack.h"

/* fds listed per process, lowest first; a process's others stay unknown */
#define PROCFDS_MAX_FDS 256

/* The sockets of each network namespace met, for one prologue. */
struct procfds;

struct procfds *procfds__new(void); /* NULL on ENOMEM */
void procfds__free(struct procfds *s);

/*
 * emit pid's cwd (fd TT_FD_CWD) and its fds as FD records. A process
 * /proc no longer has (it exited) or does not let rec read gets none.
 * Returns 0 or emit's first error.
 */
int procfds__emit(struct procfds *s, uint32_t pid, proctrack_emit_fn emit, void *ctx);

#endif /* __TT_PROCFDS_H */
