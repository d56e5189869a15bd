/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the running kernel says about its syscalls in tracefs: how many
 * arguments each takes, so a trace stores only those (a getppid record
 * then holds none of the six registers).
 */
#ifndef __TT_TRACEFS_H
#define __TT_TRACEFS_H

#include <stdint.h>
#include <stdio.h>

#include "syscalls.h"

/*
 * Fill nargs[nr] for nr < SYSCALL_MAX_NR from the sys_enter_* event formats
 * (6 where the kernel has no such event). If tracefs is not mounted, it is
 * mounted on a private temporary directory and unmounted again. Returns the
 * number of syscalls found, or -errno when tracefs cannot be read at all
 * (then every entry is 6).
 */
int tracefs__syscall_nargs(const struct syscall_table *t, uint8_t *nargs);

/*
 * Open a tracefs file (e.g. "available_filter_functions") for reading,
 * mounting tracefs privately if needed as above. NULL with errno set if it
 * cannot be read (EPERM where ftrace is locked down).
 */
FILE *tracefs__fopen(const char *name);

#endif /* __TT_TRACEFS_H */
