/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --merge: an existing OCI profile's allowlist added to the one being built. */
#ifndef __TT_SG_MERGE_H
#define __TT_SG_MERGE_H

#include <stddef.h>

#include "profile.h"

/*
 * Read the OCI seccomp JSON at path into p: its architectures, its ALLOW
 * rules (an argument rule on the argument seccomp-gen constrains stays a
 * rule; any other is widened to the whole syscall), its ENOSYS rules.
 * Rules with other actions are left out with a warning. Returns 0, or
 * -errno with one line in err naming the file.
 */
int profile__merge_oci(struct profile *p, const char *path, char *err, size_t errlen);

#endif /* __TT_SG_MERGE_H */
