/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The argument kinds of the syscall table's signatures (the letters listed
 * in common/syscall_rows.c) that are numbers with names: flags, commands,
 * signals. decode.c shows the rest (descriptors, strings, sockaddrs,
 * pointers) and calls these for a letter it does not handle itself.
 * Internal to replay/.
 */
#ifndef __TT_DECODE_ARGS_H
#define __TT_DECODE_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "records.h"

/* A value and its name; a table of them ends with a NULL name. */
struct decode_named {
	uint64_t val;
	const char *name;
};

/* From decode_kernel.c, the kernel's values where glibc's differ. */
extern const struct decode_named decode_kernel__open_flags[];
extern const unsigned int decode_kernel__o_accmode, decode_kernel__o_creat,
	decode_kernel__o_tmpfile;

/* Argument i of s as kind says; false (nothing written) if kind is not one
 * of the number kinds here. */
bool decode_args__put(FILE *f, char kind, const struct tt_syscall *s, int i);

/* How many arguments the call shows, given argument i of kind: fewer than
 * its signature has when a command, option or flag leaves the rest unused
 * (fcntl(3, F_GETFD), open without O_CREAT), as strace shows them. -1 if
 * the kind does not say. */
int decode_args__shown(char kind, const struct tt_syscall *s, int i);

/* A successful result that kind names (the table's ret column): F_GETFL's
 * flags, umask's mode. False (nothing written) if kind has no such form. */
bool decode_args__put_ret(FILE *f, char kind, const struct tt_syscall *s);

/* "SIGIO" for 29, "SIGRT_2" (into buf) for 34; NULL for a number with no
 * name. */
const char *decode_args__signal_name(int sig, char *buf, size_t size);
/* The name of a signal's si_code (SI_USER, CLD_EXITED, SEGV_MAPERR, ...),
 * NULL for a code the system headers do not name for that signal. */
const char *decode_args__si_code_name(int sig, int code);

/* clone's flags with the exit signal in the low byte, as a fork record
 * has them: CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD. */
void decode_args__clone_flags(FILE *f, uint64_t flags);

/* The kinds this file knows, for the table's test. */
extern const char decode_args__kinds[];

#endif /* __TT_DECODE_ARGS_H */
