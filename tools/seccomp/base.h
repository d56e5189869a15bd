/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Syscalls a profile needs that a trace of the program cannot show. */
#ifndef __TT_SG_BASE_H
#define __TT_SG_BASE_H

#include "profile.h"

/*
 * clock_gettime, gettimeofday, time and getcpu: the vDSO usually answers
 * them without a syscall, so a trace rarely sees them, but on another
 * clocksource or machine they reach the kernel. 0 or -ENOMEM.
 */
int profile__add_vdso(struct profile *p);

/*
 * rt_sigreturn, which every program that handles a signal makes: the kernel
 * resets the syscall number of a task returning from a signal handler, so a
 * recorder that takes calls at their exit never sees it. 0 or -ENOMEM.
 */
int profile__add_unseen(struct profile *p);

/*
 * What a container runtime ("runc", "crun") itself calls once it has loaded
 * the filter; "none" adds nothing. 0, -EINVAL for an unknown runtime, -ENOMEM.
 */
int profile__add_base(struct profile *p, const char *runtime);

#endif /* __TT_SG_BASE_H */
