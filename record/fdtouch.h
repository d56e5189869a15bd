/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rec --flight: which fds the calls in the ring may have ended or given
 * another meaning. A snapshot's FD records are read from /proc when it
 * begins but state the fds as of its first event, minutes earlier: an fd
 * closed (or dup2'd over, or connected) in between may name another file
 * now, and its earlier calls would be named by it. Such fds are left out
 * of the snapshot's prologue, so those calls stay unnamed, never misnamed;
 * an fd opened in between needs nothing, its number having been free
 * before. A process that forked or exec'd in the ring (close-on-exec fds
 * close without a call) is left out whole.
 */
#ifndef __TT_FDTOUCH_H
#define __TT_FDTOUCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "syscalls.h"

#define FDTOUCH_ALL INT32_MIN /* fd: every fd of the process, and its cwd */

struct fd_touch {
	uint32_t pid;
	int32_t fd; /* TT_FD_CWD for the working directory */
};

/* The calls that touch an fd, for the native and the compat table. */
struct fdtouch;

/* NULL on ENOMEM; compat may be NULL (no compat calls touch). */
struct fdtouch *fdtouch__new(const struct syscall_table *native, const struct syscall_table *compat);
void fdtouch__free(struct fdtouch *t);

/* Might nr (a compat number if compat) touch an fd? The consumer asks
 * this of every call it copies, so it is a bit test. */
bool fdtouch__wants(const struct fdtouch *t, uint16_t nr, bool compat);

/* The fd sc touched, in *out: false if none. */
bool fdtouch__of(const struct fdtouch *t, const struct tt_syscall *sc, struct fd_touch *out);

/* A set of touches, built once per snapshot. */
struct fdtouch_set {
	struct fd_touch *v;
	size_t n, cap;
	bool sorted;
};

/* 0 or -ENOMEM. */
int fdtouch_set__add(struct fdtouch_set *s, uint32_t pid, int32_t fd);
/* The touches of pevents (encoded FORK and EXEC records): a forked
 * child's and an exec'd process's every fd. 0 or -ENOMEM. */
int fdtouch_set__add_pevents(struct fdtouch_set *s, const char *pevents, size_t len);
/* Was pid's fd touched (or all of pid's)? */
bool fdtouch_set__has(struct fdtouch_set *s, uint32_t pid, int32_t fd);
void fdtouch_set__release(struct fdtouch_set *s);

#endif /* __TT_FDTOUCH_H */
