/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The processes' fd tables and working directories as the trace shows them
 * (analyze --fd-names, and paths resolved for the alert rules): driven by
 * the fd roles of the syscall table (common/syscall_rows.c), the FORK, EXEC
 * and EXIT events, and the prologue's PROC and FD records. What the trace
 * cannot tell stays unknown, never guessed: a pipe's fds (rec does not
 * capture what pipe writes), fds opened before the recording that no FD
 * record names, the cwd of a process the prologue gives none for.
 * Simplified: a CLONE_FS child copies its parent's cwd (the kernel shares
 * it), and symbolic links in paths are taken as written.
 */
#ifndef __TT_FDTABLE_H
#define __TT_FDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "syscalls.h"

/* Fds kept per table; the fds a table has beyond it are unknown. */
#define FDTABLE_MAX_FDS 65536

struct fdtable;

/* NULL on ENOMEM. st names the syscalls of the trace's arch. */
struct fdtable *fdtable__new(const struct syscall_table *st);
void fdtable__free(struct fdtable *ft);

/* Every event in time order (a syscall after it is shown: its fds are named
 * as they were when it began; the fd it returns is the call's from its end,
 * ts + duration), and FD records (at once: fdtable__prologue defers them
 * to their time). */
void fdtable__update(struct fdtable *ft, const struct tt_record *rec);

/*
 * A prologue's FD record, for a reader in time order: it states the fds as
 * they were at ts (its file's start), so it takes effect only once
 * fdtable__advance reaches ts. An event from before ts that arrives after
 * the record (a batch in flight at a rotation) is named without it.
 */
void fdtable__prologue(struct fdtable *ft, const struct tt_fd *fd, uint64_t ts);

/* The time of the event about to be shown or applied: the prologue records
 * and blind spells of up to ts take effect. */
void fdtable__advance(struct fdtable *ft, uint64_t ts);

/*
 * Calls from..to may be missing (lost, or left out by rec --max-rate): a
 * close or chdir among them would leave a name that is no longer true. At
 * from every fd and cwd is forgotten and none is named until to, when they
 * are forgotten again; names come back from the events after. blind(0,
 * UINT64_MAX) names nothing: a recording that left such calls out by
 * design (rec -e without them, --errors-only, --slow).
 */
void fdtable__blind(struct fdtable *ft, uint64_t from, uint64_t to);

/* The fd roles of the calls whose absence can leave a name that is no
 * longer true (a missing open only leaves an fd unnamed). */
#define FDTABLE_ROLES_RENAMING (SYSCALL_FD_CLOSE | SYSCALL_FD_CLOSE_RANGE | SYSCALL_FD_DUP2 | \
				SYSCALL_FD_FCNTL | SYSCALL_FD_CHDIR | SYSCALL_FD_CONNECT | \
				SYSCALL_FD_LOCAL)

/* pid's fd as strace -y names it between < and >: "/etc/hostname",
 * "TCP:[10.0.0.1:40000->10.0.0.2:80]"; NULL if the trace does not say. */
const char *fdtable__name(const struct fdtable *ft, uint32_t pid, int32_t fd);

/* The name of the fd sc returns (an open's path, an accepted socket...),
 * as fdtable__update will give it, into buf; NULL if it returns none the
 * trace names. */
const char *fdtable__result_name(const struct fdtable *ft, const struct tt_syscall *sc,
				 char *buf, size_t size);

/*
 * A mark a caller keeps on an fd (flow_track.c: its tie to a flow), 0 for
 * none: a dup and a forked child's copy keep it, a close or a new file on
 * the number drops it. Setting one on an fd the table lacks adds the fd,
 * unnamed; 0 clears it.
 */
uint32_t fdtable__mark(const struct fdtable *ft, uint32_t pid, int32_t fd);
void fdtable__set_mark(struct fdtable *ft, uint32_t pid, int32_t fd, uint32_t mark);
/* The same for the fd sc returns, right after fdtable__update took sc in:
 * the fd is the call's from its end. */
void fdtable__set_result_mark(struct fdtable *ft, const struct tt_syscall *sc, uint32_t mark);

/* pid's working directory, NULL if unknown. */
const char *fdtable__cwd(const struct fdtable *ft, uint32_t pid);

enum fdtable_path {
	FDTABLE_PATH_NONE,     /* the syscall has no captured path */
	FDTABLE_PATH_ABSOLUTE, /* absolute as given, or resolved from the cwd or dirfd */
	FDTABLE_PATH_RELATIVE, /* relative to a cwd or dirfd the trace does not know */
};

/*
 * sc's first captured path, resolved against its dirfd (the argument
 * before it where the syscall's signature has a 'd' there: openat's) or
 * the process's cwd, and made canonical (path__normalize), into buf.
 * Relative with an unknown base, buf holds it as given, canonical.
 */
enum fdtable_path fdtable__path(const struct fdtable *ft, const struct tt_syscall *sc, char *buf,
				size_t size);

/*
 * A path made canonical by its text alone, in place: "//" and "/./" become
 * "/", "dir/.." goes (never above "/"; a relative path keeps its leading
 * ".."). Symbolic links are not resolved: the trace does not have them.
 */
void path__normalize(char *p);

#endif /* __TT_FDTABLE_H */
