/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The capabilities a recording needs, checked against rec's effective set
 * before anything loads, so that a user given too few (setcap, a container)
 * reads which are missing for which monitor instead of a bare EPERM.
 * rec(8), CAPABILITIES, documents the same table.
 */
#ifndef __TT_CAPS_H
#define __TT_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "rec_config.h"

/*
 * 0 when rec holds every capability c's monitors and options need; else
 * -EPERM and one line in err naming, per monitor, what is missing and the
 * setcap line that gives it. Without a COMMAND (the whole system, -p),
 * also warns (unless c->quiet) of what the process table lacks without
 * CAP_SYS_PTRACE.
 */
int caps__check(const struct rec_config *c, bool command, char *err, size_t errlen);
/* Does rec hold this capability (CAP_*) in its effective set? */
bool caps__have(int cap);

#endif /* __TT_CAPS_H */
