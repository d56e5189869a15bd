// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

bool profile__knows(const struct profile *p, const char *name)
{
	for (int i = 0; i < p->narches; i++)
		if (seccomp_syscall_resolve_name_arch(p->arches[i], name) != __NR_SCMP_ERROR)
			return true;
	return false;
}

size_t profile__allowed(const struct profile *p)
{
	size_t n, allowed = 0;
	struct profile_call **calls = profile__sorted(p, &n);

	for (size_t i = 0; i < n && calls; i++)
		allowed += profile_call__action(calls[i], true) != PROFILE_ENOSYS &&
			   profile__knows(p, calls[i]->name);
	free(calls);
	return allowed;
}

/* Why a name is in the profile, for the list's third column. */
static const char *reason_word(const struct profile_call *c, enum profile_action act)
{
	if (act == PROFILE_ENOSYS)
		return "enosys";
	if (c->reasons & PROFILE_SEEN)
		return act == PROFILE_ALLOW_ARGS ? "args" : "seen";
	if (c->reasons & PROFILE_MERGED || c->merged_args || c->nrules)
		return "merged";
	if (c->reasons & PROFILE_BASE)
		return "base";
	if (c->reasons & PROFILE_UNSEEN)
		return "unseen";
	return "vdso";
}

/* A --merge rule in the list: " if arg0&0x7e020000==0x0,arg1!=0x3", its
 * conditions comma-separated (all must hold). */
static void write_rule(FILE *f, const struct profile_rule *r)
{
	static const char *const ops[] = {
		[SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<", [SCMP_CMP_LE] = "<=",
		[SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">",
	};

	fputs(" if ", f);
	for (int i = 0; i < r->nconds; i++) {
		const struct profile_cond *c = &r->conds[i];

		fprintf(f, "%sarg%u", i ? "," : "", c->index);
		if (c->op == SCMP_CMP_MASKED_EQ)
			fprintf(f, "&0x%" PRIx64 "==0x%" PRIx64, c->value, c->value_two);
		else
			fprintf(f, "%s0x%" PRIx64, ops[c->op], c->value);
	}
}

int profile__write_list(const struct profile *p, const struct emit_opts *o, FILE *f)
{
	size_t n;
	struct profile_call **calls = profile__sorted(p, &n);

	if (!calls && n)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct profile_call *c = calls[i];
		enum profile_action act = profile_call__action(c, o->args);

		if (!profile__knows(p, c->name))
			continue;
		fprintf(f, "%s %" PRIu64 " %s", c->name, c->count, reason_word(c, act));
		for (int v = 0; act == PROFILE_ALLOW_ARGS && v < c->nvalues; v++) {
			if (!v)
				fprintf(f, " arg%d=", profile__arg_index(c->name));
			fprintf(f, "%s%" PRIu64, v ? "," : "", c->values[v]);
		}
		for (int r = 0; act == PROFILE_ALLOW_ARGS && r < c->nrules; r++)
			write_rule(f, &c->rules[r]);
		fputc('\n', f);
	}
	free(calls);
	return ferror(f) ? -EIO : 0;
}
