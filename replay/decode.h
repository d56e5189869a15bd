/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place records become text: the strace-like event line and its
 * parts (arguments with flags, AT_FDCWD, quoted strings and sockaddrs; return
 * values with errno names), shared by every view and by csv-export.
 */
#ifndef __TT_DECODE_H
#define __TT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "records.h"
#include "syscalls.h"

struct tape;

/* "ENOENT" for 2; "E123" for numbers glibc has no name for. */
const char *decode__errno_name(int err, char *buf, size_t size);

/* The syscall's name, or "syscall_NR" (into buf) if the arch does not know it. */
const char *decode__syscall_name(const struct syscall_table *st, int nr, char *buf, size_t size);

/* The same for the trace's arch, for tables: unknown numbers go into one of
 * four static buffers taken in turn, so a row may name up to four. */
const char *decode__syscall_label(const struct tape *t, int nr);

/* "SIGKILL" for 9 (into buf). */
const char *decode__signal_name(int sig, char *buf, size_t size);
/* s (len bytes) escaped for a terminal as decode__plain does, into buf
 * (cut to size); returns buf. For a trace's names in messages. */
const char *decode__plain_to(const char *s, size_t len, char *buf, size_t size);

/*
 * Text from a trace (comm, paths, names) shown unquoted: control characters
 * as \ooo, so that no escape sequence from a traced process reaches the
 * terminal. _dup gives a malloc'd copy (NULL on ENOMEM).
 */
bool decode__needs_escape(const char *s, size_t len);
void decode__plain(FILE *f, const char *s, size_t len);
char *decode__plain_dup(const char *s);

/* len bytes (a path, an argument, a buffer's first bytes) as strace shows
 * them: "\\n", "\\t", "\\"", "\\\\", \\f \\r \\v, other bytes outside
 * ' '..'~' in octal with as few digits as they take (three when an octal
 * digit follows), then "..." after the closing quote if it was cut. */
void decode__quoted(FILE *f, const char *s, size_t len, bool truncated);
/* The DATA string of a syscall (rec --datasize), or NULL. */
const struct tt_str *decode__data_str(const struct tt_syscall *s);
/* NUL-separated arguments as ["a", "b"]. */
void decode__argv(FILE *f, const char *argv, size_t len, bool truncated);

/* The same as a command line reads: plain words bare, others quoted. */
void decode__cmdline(FILE *f, const char *argv, size_t len);

/* A syscall's arguments, without the parentheses. */
void decode__args(FILE *f, const struct syscall_table *st, const struct tt_syscall *s);

/* Its result: "3", "-1 ENOENT (No such file or directory)", "0x7f..." or "?". */
void decode__ret(FILE *f, const struct syscall_table *st, const struct tt_syscall *s);

/* The call without its time and process: name(args) = result. */
void decode__syscall(FILE *f, const struct syscall_table *st, const struct tt_syscall *s);

/* The same in a tape, its fds named as strace -y does, 3</etc/hosts>,
 * when t->fd_names (analyze --fd-names): those t->fds knows when the call
 * began, and the fd it returns. */
void decode__syscall_in(FILE *f, const struct tape *t, const struct tt_syscall *s);

/* What an EXEC, FORK, EXIT or function event says, after the process prefix. */
void decode__process_event(FILE *f, const struct tape *t, const struct tt_record *rec);

/* The whole line for an event, with its newline:
 * 12:00:01.123456 curl[1234/1234] openat(AT_FDCWD, "/etc/hosts", O_RDONLY) = 3 <0.000012> */
void decode__event(FILE *f, const struct tape *t, const struct tt_record *rec);

/* The pid and tid an event belongs to (the parent's for a fork). */
void decode__ids(const struct tt_record *rec, uint32_t *pid, uint32_t *tid);

/* A signal's si_code by name (SI_USER, CLD_EXITED, SEGV_MAPERR), or its
 * number, into buf. */
const char *decode__si_code(int sig, int code, char *buf, size_t size);
/* A generated signal's result: "delivered", "ignored", "already pending",
 * "overflow", "info lost". */
const char *decode__signal_result(int result);
/* A signal's siginfo as strace shows it: {si_signo=SIGCHLD, si_code=CLD_EXITED, ...}. */
void decode__siginfo(FILE *f, const struct tt_signal *g);
/* A delivery as strace shows it (--- SIGCHLD {...} ---), a generation as
 * +++ sent SIGTERM (SI_USER) to 4476 = delivered +++. */
void decode__signal(FILE *f, const struct tt_signal *g);

#endif /* __TT_DECODE_H */
