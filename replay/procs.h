/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The process model: pid -> name, argv, parent, uid, start and exit, built
 * from the state prologue (PROC) and the EXEC, FORK and EXIT events. Threads
 * are folded into their process; a pid seen again in a FORK is a new process.
 *
 * Its size is bounded by the processes alive, not by those the trace ever
 * had: past PROCS_KEEP entries, exited processes that nothing can refer to
 * any more are evicted, oldest exit first (the rule is in procs.c).
 */
#ifndef __TT_PROCS_H
#define __TT_PROCS_H

#include <stdbool.h>
#include <stdint.h>

#include "records.h"

/* What a process ran before its last exec (--tree shows each). */
struct proc_image {
	struct proc_image *next; /* the one before it */
	char comm[TT_COMM_SIZE];
	char *argv; /* NUL-separated arguments, malloc'd; NULL if unknown;
		     * at most PROCS_ARGV_MAX bytes kept (argv_truncated) */
	uint32_t argv_len;
	bool argv_truncated;
	uint64_t since_ns, until_ns; /* CLOCK_MONOTONIC; since 0 if unknown */
};

#define PROC_MAX_IMAGES 32 /* earlier images kept per process; more are counted */

/* What the model keeps of a process's arguments. */
#define PROCS_ARGV_MAX 4096

/* Entries kept before exited processes are evicted (see procs.c). */
#define PROCS_KEEP (1u << 16)

struct proc {
	uint32_t pid, ppid, uid;
	char comm[TT_COMM_SIZE];
	char *argv;       /* NUL-separated arguments, malloc'd; NULL if unknown */
	uint32_t argv_len;
	bool argv_truncated;
	bool from_prologue; /* running when the recording started */
	bool exited;
	uint64_t start_ns;  /* CLOCK_MONOTONIC; 0 if unknown */
	uint64_t exit_ns;
	int32_t exit_status; /* wait(2) status */
	bool exit_status_unknown; /* exited before the file began: only the time is known */
	uint32_t execs;      /* successful execs seen */
	/* The images before the current one, latest first, when they came from
	 * an exec or the prologue (not a copy of the parent's at fork). */
	struct proc_image *before;
	uint32_t nbefore, before_dropped;
	uint64_t image_ns;   /* when the current image began (its exec), 0 if unknown */
	bool image_exec;     /* the current image came from an exec or the prologue */
	/* The name the current image started with (renames change comm only:
	 * the one an exec makes comes just before the exec). */
	char image_comm[TT_COMM_SIZE];
	uint64_t cgroup_id;  /* 0 if unknown (tape__cgroup_path names it) */
	bool queued; /* on the eviction queue (procs.c) */
};

struct procs;

struct procs *procs__new(void);
void procs__free(struct procs *p);

/* The recorder's pid (the file header's rec_pid), 0 if unknown. */
void procs__set_recorder(struct procs *p, uint32_t rec_pid);

/* The name of thread tid of process pid in force now: its own if it was
 * renamed (pthread_setname_np), else its process's. */
const char *procs__task_comm(const struct procs *p, uint32_t pid, uint32_t tid);

/* Update the model from a PROC, EXEC, FORK, EXIT or RENAME record (others ignored). */
void procs__update(struct procs *p, const struct tt_record *rec);

/*
 * An EXEC as it is read, before the window lets it out: if the model has no
 * process pid yet, one as a copy of its parent (ppid), as its FORK would
 * make it. A fork waits in its CPU's batch while an exec ships at once, so
 * a file may hold a child's first calls and exec but not its fork, which
 * comes in the next file: read alone, those calls are still named.
 */
void procs__exec_ahead(struct procs *p, const struct tt_exec *e);

/* The process with this pid, or NULL if it never appeared. */
struct proc *procs__find(const struct procs *p, uint32_t pid);

/* The name to show for pid: its comm, or "?" if unknown. */
const char *procs__comm(const struct procs *p, uint32_t pid);

/* Is pid the process anc or one of its descendants? */
bool procs__descends(const struct procs *p, uint32_t pid, uint32_t anc);

/* Every known process, sorted by pid, in a malloc'd array of *n (NULL if none). */
struct proc **procs__all(const struct procs *p, size_t *n);

/*
 * Never evict pid's entry, now or once the model has it: for a caller that
 * looks it up after its events, as a view naming its rows at the end, or a
 * pid filter. The caller's own bounded table bounds the pids held.
 */
void procs__hold(struct procs *p, uint32_t pid);

/* Exited processes evicted so far (procs__all lacks them), and entries now. */
uint64_t procs__evicted(const struct procs *p);
size_t procs__count(const struct procs *p);

#endif /* __TT_PROCS_H */
