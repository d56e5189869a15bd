// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "profile.h"

struct profile *profile__new(void)
{
	struct profile *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->calls = hmap__new(sizeof(struct profile_call));
	if (!p->calls) {
		free(p);
		return NULL;
	}
	return p;
}

void profile__free(struct profile *p)
{
	if (!p)
		return;
	hmap__free(p->calls);
	free(p);
}

int profile__add_arch(struct profile *p, uint32_t arch)
{
	for (int i = 0; i < p->narches; i++)
		if (p->arches[i] == arch)
			return 0;
	if (p->narches == PROFILE_MAX_ARCHES)
		return -ENOSPC;
	p->arches[p->narches++] = arch;
	return 0;
}

struct profile_call *profile__call(struct profile *p, const char *name)
{
	struct profile_call *c;
	bool created;

	c = hmap__get(p->calls, name, strlen(name), true, &created);
	if (c && created)
		snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

/*
 * Arguments whose values are a small, fixed set in practice, so that an
 * allowlist of the values seen is still an allowlist a program lives with:
 * the address family of a socket, the execution domain of personality.
 */
static const struct {
	const char *name;
	int arg;
} arg_rules[] = {
	{ "socket", 0 },
	{ "socketpair", 0 },
	{ "personality", 0 },
};

int profile__arg_index(const char *name)
{
	for (size_t i = 0; i < sizeof(arg_rules) / sizeof(arg_rules[0]); i++)
		if (!strcmp(arg_rules[i].name, name))
			return arg_rules[i].arg;
	return -1;
}

void profile_call__add_value(struct profile_call *c, uint64_t v)
{
	for (int i = 0; i < c->nvalues; i++)
		if (c->values[i] == v)
			return;
	if (c->nvalues == PROFILE_MAX_VALUES)
		c->unstable = true;
	else
		c->values[c->nvalues++] = v;
}

int profile__note(struct profile *p, const char *name, int64_t ret, const uint64_t *args)
{
	struct profile_call *c = profile__call(p, name);
	int arg;

	if (!c)
		return -ENOMEM;
	c->reasons |= PROFILE_SEEN;
	c->count++;
	if (ret == -ENOSYS)
		c->enosys++;
	arg = profile__arg_index(name);
	if (arg >= 0 && args && ret != -ENOSYS)
		profile_call__add_value(c, args[arg]);
	return 0;
}

void profile__note_unknown(struct profile *p, uint32_t arch, int nr)
{
	for (int i = 0; i < p->nunknown; i++) {
		if (p->unknown[i].arch == arch && p->unknown[i].nr == nr) {
			p->unknown[i].count++;
			return;
		}
	}
	if (p->nunknown == PROFILE_MAX_UNKNOWN) {
		p->unknown_dropped++;
		return;
	}
	p->unknown[p->nunknown++] = (struct profile_unknown){ arch, nr, 1 };
}

int profile__allow(struct profile *p, const char *name, enum profile_reason why)
{
	struct profile_call *c = profile__call(p, name);

	if (!c)
		return -ENOMEM;
	c->reasons |= why;
	return 0;
}

int profile_call__add_rule(struct profile_call *c, const struct profile_rule *rule)
{
	for (int i = 0; i < c->nrules; i++)
		if (!memcmp(&c->rules[i], rule, sizeof(*rule)))
			return 0;
	if (c->nrules == PROFILE_MAX_RULES)
		return -ENOSPC;
	c->rules[c->nrules++] = *rule;
	return 0;
}

enum profile_action profile_call__action(const struct profile_call *c, bool args)
{
	bool unconditional = c->reasons & ~PROFILE_SEEN;
	bool answered = c->count > c->enosys; /* some call got past "no such syscall" */

	if (unconditional)
		return PROFILE_ALLOW;
	/* Values are kept only from calls that were not ENOSYS, or from --merge. */
	if (!answered && !c->nvalues && !c->nrules)
		return PROFILE_ENOSYS;
	if (c->nvalues && c->unstable)
		return PROFILE_ALLOW; /* too many values to list */
	/* The trace's own calls: constrained only by the values of the one
	 * argument kept (--args, or a merged rule on it); a merged rule on
	 * another argument cannot say that they pass. */
	if (answered && !((args || c->merged_args) && c->nvalues))
		return PROFILE_ALLOW;
	return c->nvalues || c->nrules ? PROFILE_ALLOW_ARGS : PROFILE_ALLOW;
}

static int cmp_name(const void *a, const void *b)
{
	const struct profile_call *x = *(struct profile_call *const *)a;
	const struct profile_call *y = *(struct profile_call *const *)b;

	return strcmp(x->name, y->name);
}

struct profile_call **profile__sorted(const struct profile *p, size_t *n)
{
	struct hmap_entry *e;
	struct profile_call **out;

	*n = hmap__count(p->calls);
	if (!*n)
		return NULL;
	e = hmap__entries(p->calls, NULL);
	out = e ? malloc(*n * sizeof(*out)) : NULL;
	if (!out) {
		free(e);
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++)
		out[i] = e[i].value;
	free(e);
	qsort(out, *n, sizeof(*out), cmp_name);
	return out;
}
