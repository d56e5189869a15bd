/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A seccomp allowlist being built: the syscalls by name (how often each was
 * seen, how many of those calls returned ENOSYS, why it is in), the
 * architectures it covers, argument values seen for the few syscalls whose
 * arguments are worth constraining, and numbers libseccomp has no name for.
 */
#ifndef __TT_SG_PROFILE_H
#define __TT_SG_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROFILE_MAX_ARCHES 8
#define PROFILE_MAX_VALUES 8 /* distinct argument values before a call counts as unstable */
#define PROFILE_MAX_UNKNOWN 64
#define PROFILE_MAX_RULES 4  /* --merge argument rules kept per syscall */
#define PROFILE_MAX_CONDS 6  /* conditions of one rule: one per argument at most */

/* One condition of an argument rule, as OCI writes it: argument index, op
 * (libseccomp's enum scmp_compare), value, valueTwo (the value a
 * SCMP_CMP_MASKED_EQ compares with after masking with value). */
struct profile_cond {
	uint64_t value, value_two;
	uint32_t index;
	uint32_t op;
};

/* A --merge rule: the call is allowed when every condition holds. */
struct profile_rule {
	int nconds;
	struct profile_cond conds[PROFILE_MAX_CONDS];
};

/* Why a syscall is in the profile (bits). */
enum profile_reason {
	PROFILE_SEEN = 1 << 0,   /* the trace saw it */
	PROFILE_VDSO = 1 << 1,   /* may reach the kernel where the vDSO cannot serve it */
	PROFILE_BASE = 1 << 2,   /* the container runtime needs it (--base) */
	PROFILE_MERGED = 1 << 3, /* allowed unconditionally by --merge's profile */
	PROFILE_UNSEEN = 1 << 4, /* made by programs, but a trace cannot show it */
};

struct profile_call {
	char name[48];
	unsigned reasons;
	uint64_t count;  /* calls seen */
	uint64_t enosys; /* of those, how many returned -ENOSYS */
	bool merged_args; /* --merge's profile constrains its argument */
	/* --merge's other argument rules: any one of them allows a call */
	int nrules;
	struct profile_rule rules[PROFILE_MAX_RULES];
	/* Values of argument arg (profile__arg_index), for --args. */
	int nvalues;
	bool unstable; /* more than PROFILE_MAX_VALUES distinct values */
	uint64_t values[PROFILE_MAX_VALUES];
};

struct profile_unknown {
	uint32_t arch;
	int nr;
	uint64_t count;
};

struct profile {
	struct hmap *calls; /* name -> struct profile_call */
	uint32_t arches[PROFILE_MAX_ARCHES]; /* AUDIT_ARCH_* (== SCMP_ARCH_*), first added first */
	int narches;
	struct profile_unknown unknown[PROFILE_MAX_UNKNOWN];
	int nunknown;
	uint64_t unknown_dropped; /* calls to unknown numbers past PROFILE_MAX_UNKNOWN */
};

struct profile *profile__new(void);
void profile__free(struct profile *p);

/* Add an architecture (AUDIT_ARCH_*); adding one twice is a no-op. 0 or -ENOSPC. */
int profile__add_arch(struct profile *p, uint32_t arch);

/* The entry for name, created if absent; NULL on ENOMEM. */
struct profile_call *profile__call(struct profile *p, const char *name);

/*
 * A call seen in a trace: name (libseccomp's, for its arch), its return value
 * and its arguments (for --args). Returns 0 or -ENOMEM.
 */
int profile__note(struct profile *p, const char *name, int64_t ret, const uint64_t *args);

/* Allow the call with argument value v too (a value seen, or a --merge rule). */
void profile_call__add_value(struct profile_call *c, uint64_t v);

/* Allow the call when rule's conditions hold (--merge). 0, or -ENOSPC past
 * PROFILE_MAX_RULES. */
int profile_call__add_rule(struct profile_call *c, const struct profile_rule *rule);

/* A call to a number libseccomp has no name for on arch. */
void profile__note_unknown(struct profile *p, uint32_t arch, int nr);

/* Add name for a reason (PROFILE_VDSO, PROFILE_BASE, PROFILE_MERGED). 0 or -ENOMEM. */
int profile__allow(struct profile *p, const char *name, enum profile_reason why);

/*
 * The argument index whose values --args constrains for this syscall (the
 * socket family, the personality), or -1. Values are kept for these only.
 */
int profile__arg_index(const char *name);

/* What the profile does with a call. */
enum profile_action {
	PROFILE_ALLOW,      /* unconditionally */
	PROFILE_ALLOW_ARGS, /* only with the argument values seen (--args) or
			     * merged, or under a merged rule's conditions */
	PROFILE_ENOSYS,     /* every call failed with ENOSYS: answer ENOSYS */
};

enum profile_action profile_call__action(const struct profile_call *c, bool args);

/* Every call, sorted by name, in a malloc'd array of *n pointers (NULL if none). */
struct profile_call **profile__sorted(const struct profile *p, size_t *n);

#endif /* __TT_SG_PROFILE_H */
