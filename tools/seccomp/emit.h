/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A profile written out: the OCI runtime-spec / Docker / podman JSON, a
 * list of names with counts, or (through libseccomp) the filter itself as
 * raw BPF or PFC, or loaded into a process.
 */
#ifndef __TT_SG_EMIT_H
#define __TT_SG_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <seccomp.h>

#include "profile.h"

enum default_action {
	DEFAULT_ERRNO, /* EPERM */
	DEFAULT_KILL,  /* kill the process */
	DEFAULT_LOG,   /* allow, and log (complain mode) */
};

struct emit_opts {
	enum default_action def;
	bool args; /* --args: argument values as rules */
};

/* "SCMP_ARCH_X86_64" for AUDIT_ARCH_X86_64, or NULL if not one we name. */
const char *audit_arch__oci_name(uint32_t arch);
/* The AUDIT_ARCH_* of "SCMP_ARCH_X86_64", or 0. */
uint32_t audit_arch__from_oci_name(const char *name);

/* "SCMP_CMP_EQ" for SCMP_CMP_EQ, or NULL; and back (0 if not one). */
const char *scmp_cmp__oci_name(uint32_t op);
uint32_t scmp_cmp__from_oci_name(const char *name);

/* Is name a syscall libseccomp knows on one of the profile's arches? */
bool profile__knows(const struct profile *p, const char *name);

/* How many names the profile allows (with or without argument rules). */
size_t profile__allowed(const struct profile *p);

/* Returns 0 or -EIO (write error), -ENOMEM. */
int profile__write_oci(const struct profile *p, const struct emit_opts *o, FILE *f);
int profile__write_list(const struct profile *p, const struct emit_opts *o, FILE *f);

/*
 * The libseccomp filter of the profile, with def_action (a SCMP_ACT_*) for
 * everything else and for other architectures. Returns 0 or -errno with err
 * naming the rule libseccomp refused.
 */
int profile__build(const struct profile *p, const struct emit_opts *o, uint32_t def_action,
		   scmp_filter_ctx *out, char *err, size_t errlen);

/* The SCMP_ACT_* of a default action, as written into BPF and PFC. */
uint32_t default_action__scmp(enum default_action def);

#endif /* __TT_SG_EMIT_H */
