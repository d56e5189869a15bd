// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <seccomp.h>

#include "decode.h"
#include "emit.h"
#include "jsonparse.h"
#include "log.h"
#include "merge.h"

#define MERGE_MAX_SIZE (16u << 20)

/* The file's bytes and a NUL after them, in a buffer the size fstat gives (a
 * profile is a few KiB: taking 16 MiB for each was most of what a merge cost
 * under ASan), doubling while more follows (a pipe, a file still growing), up
 * to MERGE_MAX_SIZE. */
static int read_all(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, cap = 4096;
	char *buf = NULL, *nb;
	struct stat st;
	int ret = 0;

	if (!f)
		return -errno;
	/* one byte more than the file: a read that fills it means more follows */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size < MERGE_MAX_SIZE)
		cap = st.st_size + 1;
	for (;;) {
		nb = realloc(buf, cap + 1);
		if (!nb) {
			ret = -ENOMEM;
			break;
		}
		buf = nb;
		n += fread(buf + n, 1, cap - n, f);
		if (ferror(f))
			ret = -EIO;
		else if (n > MERGE_MAX_SIZE)
			ret = -EFBIG;
		if (ret || n < cap)
			break;
		cap = cap < MERGE_MAX_SIZE / 2 ? cap * 2 : MERGE_MAX_SIZE + 1;
	}
	fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

static int add_arch(struct profile *p, const struct jv *name, const char *path, char *err,
		    size_t errlen)
{
	uint32_t arch = name->type == JV_STR ? audit_arch__from_oci_name(name->s) : 0;
	char *shown;

	if (!arch) {
		/* the file's text, on one line and without escape sequences */
		shown = name->type == JV_STR ? decode__plain_dup(name->s) : NULL;
		snprintf(err, errlen, "%s: unknown architecture %s", path,
			 shown ? shown : "(not a string)");
		free(shown);
		return -EINVAL;
	}
	if (profile__add_arch(p, arch)) {
		snprintf(err, errlen, "%s: too many architectures", path);
		return -EINVAL;
	}
	return 0;
}

static int read_arches(struct profile *p, const struct jv *doc, const char *path, char *err,
		       size_t errlen)
{
	const struct jv *a = jv__get(doc, "architectures"), *m = jv__get(doc, "archMap");
	int ret = 0;

	for (size_t i = 0; a && a->type == JV_ARR && i < a->n && !ret; i++)
		ret = add_arch(p, &a->items[i], path, err, errlen);
	for (size_t i = 0; m && m->type == JV_ARR && i < m->n && !ret; i++) {
		const struct jv *main_ = jv__get(&m->items[i], "architecture");
		const struct jv *subs = jv__get(&m->items[i], "subArchitectures");

		if (main_)
			ret = add_arch(p, main_, path, err, errlen);
		for (size_t k = 0; subs && subs->type == JV_ARR && k < subs->n && !ret; k++)
			ret = add_arch(p, &subs->items[k], path, err, errlen);
	}
	return ret;
}

/* A rule's one condition, if it is "the argument seccomp-gen constrains == value". */
static bool value_rule(const struct jv *args, const char *name, uint64_t *value)
{
	const struct jv *index, *v, *op;

	if (!args || args->type != JV_ARR || args->n != 1)
		return false;
	index = jv__get(&args->items[0], "index");
	v = jv__get(&args->items[0], "value");
	op = jv__get(&args->items[0], "op");
	if (!index || !index->is_uint || !v || !v->is_uint || !op || op->type != JV_STR ||
	    strcmp(op->s, "SCMP_CMP_EQ") || (int)index->u != profile__arg_index(name))
		return false;
	*value = v->u;
	return true;
}

static int merge_name(struct profile *p, const char *name, const char *action,
		      const struct jv *rule, const char *path)
{
	const struct jv *args = jv__get(rule, "args"), *errno_ret = jv__get(rule, "errnoRet");
	struct profile_call *c;
	uint64_t value;

	char *shown;

	if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
		shown = decode__plain_dup(name);
		pr_warn("%s: warning: left out %s: libseccomp %u.%u.%u does not know it", path,
			shown ? shown : "?", seccomp_version()->major, seccomp_version()->minor,
			seccomp_version()->micro);
		free(shown);
		return 0;
	}
	if (!strcmp(action, "SCMP_ACT_ALLOW")) {
		if (!args || (args->type == JV_ARR && !args->n))
			return profile__allow(p, name, PROFILE_MERGED);
		if (!value_rule(args, name, &value)) {
			pr_warn("%s: warning: %s's argument rule is not one seccomp-gen writes: "
				"merged as allowing every call", path, name);
			return profile__allow(p, name, PROFILE_MERGED);
		}
		c = profile__call(p, name);
		if (!c)
			return -ENOMEM;
		c->merged_args = true;
		profile_call__add_value(c, value);
		return 0;
	}
	if (!strcmp(action, "SCMP_ACT_ERRNO") && errno_ret && errno_ret->is_uint &&
	    errno_ret->u == ENOSYS)
		return profile__call(p, name) ? 0 : -ENOMEM;
	shown = decode__plain_dup(action);
	pr_warn("%s: warning: left out the %s rule for %s: seccomp-gen writes allowlists", path,
		shown ? shown : "?", name);
	free(shown);
	return 0;
}

static int read_rule(struct profile *p, const struct jv *rule, const char *path, char *err,
		     size_t errlen)
{
	const struct jv *names = jv__get(rule, "names"), *name = jv__get(rule, "name");
	const struct jv *action = jv__get(rule, "action");
	int ret = 0;

	if (!action || action->type != JV_STR || (!names && !name)) {
		snprintf(err, errlen, "%s: a syscalls entry without names and action", path);
		return -EINVAL;
	}
	if (name && name->type == JV_STR)
		ret = merge_name(p, name->s, action->s, rule, path);
	for (size_t i = 0; names && names->type == JV_ARR && i < names->n && !ret; i++)
		if (names->items[i].type == JV_STR)
			ret = merge_name(p, names->items[i].s, action->s, rule, path);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return ret;
}

int profile__merge_oci(struct profile *p, const char *path, char *err, size_t errlen)
{
	const struct jv *calls;
	char *text = NULL, why[256];
	struct jv doc = { 0 };
	size_t len = 0;
	int ret;

	ret = read_all(path, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s: %s", path,
			 ret == -EFBIG ? "larger than 16 MiB" : strerror(-ret));
		return ret;
	}
	ret = jv__parse(&doc, text, len, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: not JSON: %s", path, why);
		goto cleanup;
	}
	ret = -EINVAL;
	if (doc.type != JV_OBJ || !jv__get(&doc, "defaultAction")) {
		snprintf(err, errlen, "%s: not a seccomp profile (no defaultAction)", path);
		goto cleanup;
	}
	ret = read_arches(p, &doc, path, err, errlen);
	if (ret)
		goto cleanup;
	calls = jv__get(&doc, "syscalls");
	for (size_t i = 0; calls && calls->type == JV_ARR && i < calls->n && !ret; i++)
		ret = read_rule(p, &calls->items[i], path, err, errlen);
cleanup:
	jv__free(&doc);
	free(text);
	return ret;
}
