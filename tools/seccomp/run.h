/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --exec: run a command under the profile. The child sets no_new_privs,
 * loads the filter with libseccomp (seccomp_load) and execs the command; the
 * parent waits for it. With the log default action the filter's default is
 * a user notification instead, which the parent answers by letting the call
 * go on (SECCOMP_USER_NOTIF_FLAG_CONTINUE) after counting it: that is how
 * the calls the profile would have denied are listed, without the audit log.
 */
#ifndef __TT_SG_RUN_H
#define __TT_SG_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"

#define RUN_MAX_DENIED 128 /* distinct (arch, nr) listed */

struct run_denied {
	uint32_t arch;
	int nr;
	uint64_t count;
};

struct run_result {
	int status; /* wait(2) status of the command */
	struct run_denied denied[RUN_MAX_DENIED]; /* with DEFAULT_LOG: calls outside the profile */
	int ndenied;
	uint64_t denied_dropped; /* calls past RUN_MAX_DENIED distinct ones */
};

/*
 * Run argv (argv[0] searched in PATH) under the profile. Returns 0 with res
 * filled once the command has ended, or -errno with one line in err when it
 * could not be started under the filter.
 */
int profile__exec(const struct profile *p, const struct emit_opts *o, char *const argv[],
		  struct run_result *res, char *err, size_t errlen);

#endif /* __TT_SG_RUN_H */
