/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process and cgroup tables rec keeps in memory, so that every trace
 * file (the first and each rotated one) opens with the state a reader needs
 * to name what it sees: seeded from /proc, then kept up to date from the
 * fork/exec/exit events, as sysdig re-dumps its state at rotation.
 */
#ifndef __TT_PROCTRACK_H
#define __TT_PROCTRACK_H

#include <stdbool.h>
#include <stdint.h>

#include "records.h"

struct proctrack;

/*
 * Which processes of the /proc scan are in the recording's scope; NULL keeps
 * everyone. Later processes come from the events, which the kernel side
 * only sends for processes in scope, so the table stays within it.
 */
typedef bool (*proctrack_filter_fn)(const struct tt_proc *p, void *ctx);

struct proctrack *proctrack__new(proctrack_filter_fn filter, void *ctx);
void proctrack__free(struct proctrack *t);

/* Read every process from /proc (done once at start). */
int proctrack__scan(struct proctrack *t);

/* Add or refresh one process from /proc/PID; -ENOENT if it is gone. */
int proctrack__add_pid(struct proctrack *t, uint32_t pid);

/* Keep the tables in step with the events as they are recorded. A process
 * that exited stays listed for a grace period, for its events in flight. */
void proctrack__on_fork(struct proctrack *t, const struct tt_fork *f);
void proctrack__on_exec(struct proctrack *t, const struct tt_exec *e);
void proctrack__on_exit(struct proctrack *t, const struct tt_exit *e);
/* A process's new name (a thread's leave the process's as it is). */
void proctrack__on_rename(struct proctrack *t, const struct tt_rename *r);

/*
 * What rec has read, by CPU, which decides what a prologue holds (see
 * proctrack.c). proctrack__shipped: a batch of cpu's, now read, carried
 * its shipping mark ts: every event cpu made before ts has been read.
 * proctrack__watch_cpus: the position waits for the CPUs marked in
 * watched[ncpus] (those rec's flusher reaches), no others; 0 or -ENOMEM.
 * Until a CPU is watched, nothing has been read.
 */
void proctrack__shipped(struct proctrack *t, uint32_t cpu, uint64_t ts);
int proctrack__watch_cpus(struct proctrack *t, const bool *watched, int ncpus);
/* Let go of what the position has passed (restated execs, dead processes)
 * now, not at the next prologue: a recording may go days without one, and
 * its dead processes must not pile up meanwhile. Each prologue does it
 * first. */
void proctrack__expire(struct proctrack *t);

/*
 * Call emit for each record of the state prologue: every CGROUP the listed
 * processes use, then every PROC, then the FD records of the live ones
 * (procfds.h). Stops at and returns emit's first error.
 */
typedef int (*proctrack_emit_fn)(const struct tt_record *rec, void *ctx);
int proctrack__prologue(struct proctrack *t, proctrack_emit_fn emit, void *ctx);

/*
 * If cgroup id has not been written to the current file, fill rec with its
 * CGROUP record and return true (once per file; proctrack__prologue resets).
 */
bool proctrack__new_cgroup(struct proctrack *t, uint64_t id, struct tt_record *rec);

/* The path of cgroup id under the cgroup2 mount, NULL if unknown. */
const char *proctrack__cgroup_path(struct proctrack *t, uint64_t id);

/*
 * The executable (len bytes, an absolute path) of process pid at time ts
 * (event time): /proc/PID/exe for a process running at the scan, the path
 * given to execve for one rec saw exec (as the trace's EXEC and PROC records
 * have it). comm is the name the packet's owner had: after the process's
 * exit, only a name it had. NULL when the table cannot say: an unknown
 * process, an exec of it since ts too long ago to know the image before, a
 * path that was cut short or is relative. An exec read after ts is not
 * known yet (execs ship at once, so only for a moment).
 */
const char *proctrack__exe_at(struct proctrack *t, uint32_t pid, uint64_t ts, const char *comm,
			      size_t *len);

int proctrack__count(const struct proctrack *t);

#endif /* __TT_PROCTRACK_H */
