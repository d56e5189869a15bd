/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --merge: an existing OCI profile's allowlist added to the one being built. */
#ifndef __TT_SG_MERGE_H
#define __TT_SG_MERGE_H

#include <stddef.h>

#include "profile.h"

#define MERGE_MAX_CAPS 64

/* What decides the Docker-style includes/excludes of a merged profile's entries. */
struct merge_opts {
	/* The capabilities the container holds (--cap), as "CAP_SYS_ADMIN". */
	const char *caps[MERGE_MAX_CAPS];
	int ncaps;
	/* The running kernel's version, for minKernel; 0.0 leaves such entries out. */
	unsigned kernel_major, kernel_minor;
};

/*
 * "CAP_SYS_ADMIN", "sys_admin" or "SYS_ADMIN" as the capability's canonical
 * name (a static string), or NULL if it is not one Linux has.
 */
const char *cap__canonical(const char *name);

/* The running kernel's major.minor into o (0.0 if uname cannot say). */
void merge_opts__set_kernel(struct merge_opts *o);

/*
 * Read the OCI seccomp JSON at path into p: its architectures (from an
 * archMap, only the entry of the profile's own architecture), its ALLOW
 * rules (with their argument conditions, kept as they are: a value of the
 * argument --args constrains, or a profile_rule; a rule that cannot be kept
 * is left out with a warning, never widened), its ENOSYS rules.
 * An entry with Docker's "includes"/"excludes" is taken only if it applies
 * as Docker would decide it on a machine of the profile's first
 * architecture, with o's capabilities and kernel; entries left out for
 * capabilities, minKernel or conditions seccomp-gen cannot decide get a
 * one-line warning naming them. Rules with other actions are left out with
 * a warning. Returns 0, or -errno with one line in err naming the file.
 */
int profile__merge_oci_opts(struct profile *p, const char *path, const struct merge_opts *o,
			    char *err, size_t errlen);

/* The same with no capabilities held, on the running kernel. */
int profile__merge_oci(struct profile *p, const char *path, char *err, size_t errlen);

#endif /* __TT_SG_MERGE_H */
