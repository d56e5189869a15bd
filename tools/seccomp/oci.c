// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OCI runtime-spec linux.seccomp object, in the subset docker, podman,
 * runc and crun all accept: defaultAction, defaultErrnoRet, architectures
 * and syscalls entries of names + action (+ errnoRet, args). No archMap
 * (moby and podman refuse it next to architectures), no moby-only fields.
 */
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include "emit.h"
#include "json.h"

/* A value and its name in OCI's JSON. */
struct oci_name {
	uint32_t value;
	const char *name;
};

#define NNAMES(t) (sizeof(t) / sizeof((t)[0]))

static const char *oci_name_of(const struct oci_name *t, size_t n, uint32_t value)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

/* The value named name, or 0 (no architecture or operator is 0). */
static uint32_t oci_value_of(const struct oci_name *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return t[i].value;
	return 0;
}

static const struct oci_name oci_arches[] = {
	{ SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64" },
	{ SCMP_ARCH_X86, "SCMP_ARCH_X86" },
	{ SCMP_ARCH_X32, "SCMP_ARCH_X32" },
	{ SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64" },
	{ SCMP_ARCH_ARM, "SCMP_ARCH_ARM" },
	{ SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64" },
	{ SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE" },
	{ SCMP_ARCH_PPC64, "SCMP_ARCH_PPC64" },
	{ SCMP_ARCH_S390X, "SCMP_ARCH_S390X" },
	{ SCMP_ARCH_S390, "SCMP_ARCH_S390" },
	{ SCMP_ARCH_MIPSEL64, "SCMP_ARCH_MIPSEL64" },
	{ SCMP_ARCH_MIPS64, "SCMP_ARCH_MIPS64" },
};

const char *audit_arch__oci_name(uint32_t arch)
{
	return oci_name_of(oci_arches, NNAMES(oci_arches), arch);
}

uint32_t audit_arch__from_oci_name(const char *name)
{
	return oci_value_of(oci_arches, NNAMES(oci_arches), name);
}

static const struct oci_name cmp_names[] = {
	{ SCMP_CMP_NE, "SCMP_CMP_NE" },
	{ SCMP_CMP_LT, "SCMP_CMP_LT" },
	{ SCMP_CMP_LE, "SCMP_CMP_LE" },
	{ SCMP_CMP_EQ, "SCMP_CMP_EQ" },
	{ SCMP_CMP_GE, "SCMP_CMP_GE" },
	{ SCMP_CMP_GT, "SCMP_CMP_GT" },
	{ SCMP_CMP_MASKED_EQ, "SCMP_CMP_MASKED_EQ" },
};

const char *scmp_cmp__oci_name(uint32_t op)
{
	return oci_name_of(cmp_names, NNAMES(cmp_names), op);
}

uint32_t scmp_cmp__from_oci_name(const char *name)
{
	return oci_value_of(cmp_names, NNAMES(cmp_names), name);
}

static const char *oci_default(enum default_action def)
{
	switch (def) {
	case DEFAULT_KILL: return "SCMP_ACT_KILL_PROCESS";
	case DEFAULT_LOG: return "SCMP_ACT_LOG";
	default: return "SCMP_ACT_ERRNO";
	}
}

static void write_args_rule(struct json *j, const struct profile_call *c, uint64_t v)
{
	json__obj_begin(j, NULL);
	json__arr_begin(j, "names");
	json__str(j, NULL, c->name);
	json__arr_end(j);
	json__str(j, "action", "SCMP_ACT_ALLOW");
	/* One rule per value: runc ORs rules, but ANDs the args of one rule. */
	json__arr_begin(j, "args");
	json__obj_begin(j, NULL);
	json__uint(j, "index", profile__arg_index(c->name));
	json__uint(j, "value", v);
	json__uint(j, "valueTwo", 0);
	json__str(j, "op", "SCMP_CMP_EQ");
	json__obj_end(j);
	json__arr_end(j);
	json__obj_end(j);
}

/* A --merge rule as it came: its conditions ANDed in one entry. */
static void write_rule(struct json *j, const struct profile_call *c, const struct profile_rule *r)
{
	json__obj_begin(j, NULL);
	json__arr_begin(j, "names");
	json__str(j, NULL, c->name);
	json__arr_end(j);
	json__str(j, "action", "SCMP_ACT_ALLOW");
	json__arr_begin(j, "args");
	for (int i = 0; i < r->nconds; i++) {
		json__obj_begin(j, NULL);
		json__uint(j, "index", r->conds[i].index);
		json__uint(j, "value", r->conds[i].value);
		json__uint(j, "valueTwo", r->conds[i].value_two);
		json__str(j, "op", scmp_cmp__oci_name(r->conds[i].op));
		json__obj_end(j);
	}
	json__arr_end(j);
	json__obj_end(j);
}

static void write_names(struct json *j, struct profile_call **calls, size_t n,
			const struct profile *p, const struct emit_opts *o, enum profile_action act)
{
	json__arr_begin(j, "names");
	for (size_t i = 0; i < n; i++)
		if (profile_call__action(calls[i], o->args) == act && profile__knows(p, calls[i]->name))
			json__str(j, NULL, calls[i]->name);
	json__arr_end(j);
}

static bool any(struct profile_call **calls, size_t n, const struct profile *p,
		const struct emit_opts *o, enum profile_action act)
{
	for (size_t i = 0; i < n; i++)
		if (profile_call__action(calls[i], o->args) == act && profile__knows(p, calls[i]->name))
			return true;
	return false;
}

int profile__write_oci(const struct profile *p, const struct emit_opts *o, FILE *f)
{
	size_t n;
	struct profile_call **calls = profile__sorted(p, &n);
	struct json j;

	if (!calls && n)
		return -ENOMEM;
	json__init(&j, f);
	json__obj_begin(&j, NULL);
	json__str(&j, "defaultAction", oci_default(o->def));
	if (o->def == DEFAULT_ERRNO)
		json__uint(&j, "defaultErrnoRet", EPERM);
	json__arr_begin(&j, "architectures");
	for (int i = 0; i < p->narches; i++)
		if (audit_arch__oci_name(p->arches[i]))
			json__str(&j, NULL, audit_arch__oci_name(p->arches[i]));
	json__arr_end(&j);
	json__arr_begin(&j, "syscalls");
	json__obj_begin(&j, NULL);
	write_names(&j, calls, n, p, o, PROFILE_ALLOW);
	json__str(&j, "action", "SCMP_ACT_ALLOW");
	json__obj_end(&j);
	for (size_t i = 0; i < n; i++) {
		if (profile_call__action(calls[i], o->args) != PROFILE_ALLOW_ARGS ||
		    !profile__knows(p, calls[i]->name))
			continue;
		for (int v = 0; v < calls[i]->nvalues; v++)
			write_args_rule(&j, calls[i], calls[i]->values[v]);
		for (int r = 0; r < calls[i]->nrules; r++)
			write_rule(&j, calls[i], &calls[i]->rules[r]);
	}
	if (any(calls, n, p, o, PROFILE_ENOSYS)) {
		/* glibc falls back to older calls on ENOSYS, never on EPERM. */
		json__obj_begin(&j, NULL);
		write_names(&j, calls, n, p, o, PROFILE_ENOSYS);
		json__str(&j, "action", "SCMP_ACT_ERRNO");
		json__uint(&j, "errnoRet", ENOSYS);
		json__obj_end(&j);
	}
	json__arr_end(&j);
	json__obj_end(&j);
	fputc('\n', f);
	free(calls);
	return ferror(f) ? -EIO : 0;
}
