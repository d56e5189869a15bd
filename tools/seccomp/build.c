// SPDX-License-Identifier: LGPL-2.1-or-later
/* The profile as a libseccomp filter, for BPF and PFC output and --exec. */
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

uint32_t default_action__scmp(enum default_action def)
{
	switch (def) {
	case DEFAULT_KILL: return SCMP_ACT_KILL_PROCESS;
	case DEFAULT_LOG: return SCMP_ACT_LOG;
	default: return SCMP_ACT_ERRNO(EPERM);
	}
}

static int add_arches(scmp_filter_ctx ctx, const struct profile *p)
{
	uint32_t native = seccomp_arch_native();
	bool has_native = false;
	int ret;

	for (int i = 0; i < p->narches; i++) {
		if (p->arches[i] == native) {
			has_native = true;
			continue;
		}
		ret = seccomp_arch_add(ctx, p->arches[i]);
		if (ret && ret != -EEXIST)
			return ret;
	}
	/* seccomp_init added the machine's own arch; a foreign trace's profile has no use for it. */
	return has_native ? 0 : seccomp_arch_remove(ctx, native);
}

/* A --merge rule: its conditions ANDed, as runc adds an OCI entry's args. */
static int add_rule(scmp_filter_ctx ctx, int nr, const struct profile_rule *r)
{
	struct scmp_arg_cmp cmp[PROFILE_MAX_CONDS];

	for (int i = 0; i < r->nconds; i++)
		cmp[i] = (struct scmp_arg_cmp){ r->conds[i].index, r->conds[i].op,
						r->conds[i].value, r->conds[i].value_two };
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, r->nconds, cmp);
}

static int add_call(scmp_filter_ctx ctx, const struct profile_call *c, enum profile_action act)
{
	int nr = seccomp_syscall_resolve_name(c->name), ret = 0;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* no number on any arch libseccomp knows: nothing to allow */
	switch (act) {
	case PROFILE_ALLOW:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	case PROFILE_ALLOW_ARGS:
		for (int v = 0; v < c->nvalues && !ret; v++)
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					       SCMP_CMP(profile__arg_index(c->name), SCMP_CMP_EQ,
							c->values[v]));
		for (int r = 0; r < c->nrules && !ret; r++)
			ret = add_rule(ctx, nr, &c->rules[r]);
		return ret;
	case PROFILE_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	}
	return -EINVAL;
}

/* Numbers libseccomp cannot name can still be allowed as numbers, on the machine's own arch. */
static int add_unknown(scmp_filter_ctx ctx, const struct profile *p)
{
	if (p->narches != 1 || p->arches[0] != seccomp_arch_native())
		return 0;
	for (int i = 0; i < p->nunknown; i++) {
		int ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, p->unknown[i].nr, 0);

		if (ret && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int profile__build(const struct profile *p, const struct emit_opts *o, uint32_t def_action,
		   scmp_filter_ctx *out, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(def_action);
	struct profile_call **calls = NULL;
	size_t n = 0;
	int ret = -ENOMEM;

	*out = NULL;
	if (!ctx) {
		snprintf(err, errlen, "libseccomp refused the default action");
		return -EINVAL;
	}
	ret = add_arches(ctx, p);
	if (ret) {
		snprintf(err, errlen, "libseccomp: cannot add the architectures: %s", strerror(-ret));
		goto cleanup;
	}
	/* Other arches get the default action: the kernel would answer them the same way. */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, def_action);
	/* A binary tree over the syscall numbers rather than a linear list. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	calls = profile__sorted(p, &n);
	if (n && !calls) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		ret = add_call(ctx, calls[i], profile_call__action(calls[i], o->args));
		if (ret && ret != -EEXIST) {
			snprintf(err, errlen, "libseccomp refused the rule for %s: %s", calls[i]->name,
				 strerror(-ret));
			goto cleanup;
		}
	}
	ret = add_unknown(ctx, p);
	if (ret) {
		snprintf(err, errlen, "libseccomp refused a syscall number it has no name for: %s",
			 strerror(-ret));
		goto cleanup;
	}
	*out = ctx;
	ctx = NULL;
	ret = 0;
cleanup:
	free(calls);
	if (ctx)
		seccomp_release(ctx);
	return ret;
}
