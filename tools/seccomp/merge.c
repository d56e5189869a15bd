// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>

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

/* An archMap lists every machine Docker runs on: only the profile's own is taken, as Docker does. */
static int read_arches(struct profile *p, const struct jv *doc, uint32_t main_arch,
		       const char *path, char *err, size_t errlen)
{
	const struct jv *a = jv__get(doc, "architectures"), *m = jv__get(doc, "archMap");
	int ret = 0;

	for (size_t i = 0; a && a->type == JV_ARR && i < a->n && !ret; i++)
		ret = add_arch(p, &a->items[i], path, err, errlen);
	for (size_t i = 0; m && m->type == JV_ARR && i < m->n && !ret; i++) {
		const struct jv *main_ = jv__get(&m->items[i], "architecture");
		const struct jv *subs = jv__get(&m->items[i], "subArchitectures");

		if (!main_ || main_->type != JV_STR ||
		    audit_arch__from_oci_name(main_->s) != main_arch)
			continue;
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

/*
 * A rule's args as runc reads them: each {index, value, valueTwo, op}, all
 * to hold. 0, or -EINVAL with why: an index past the sixth argument, an op
 * libseccomp lacks, a value that is not a number, more conditions than
 * arguments.
 */
static int parse_rule(const struct jv *args, struct profile_rule *r, char *why, size_t len)
{
	memset(r, 0, sizeof(*r)); /* rules are compared as bytes */
	if (args->type != JV_ARR || args->n > PROFILE_MAX_CONDS) {
		snprintf(why, len, "its args are not a list of at most %d conditions",
			 PROFILE_MAX_CONDS);
		return -EINVAL;
	}
	for (size_t i = 0; i < args->n; i++) {
		const struct jv *a = &args->items[i], *index = jv__get(a, "index"),
				*v = jv__get(a, "value"), *v2 = jv__get(a, "valueTwo"),
				*op = jv__get(a, "op");
		struct profile_cond *c = &r->conds[r->nconds++];

		if (!index || !index->is_uint || index->u >= PROFILE_MAX_CONDS) {
			snprintf(why, len, "args[%zu].index is not 0 to 5", i);
			return -EINVAL;
		}
		if (!v || !v->is_uint || (v2 && !v2->is_uint)) {
			snprintf(why, len, "args[%zu]'s value or valueTwo is not a number", i);
			return -EINVAL;
		}
		if (!op || op->type != JV_STR || !(c->op = scmp_cmp__from_oci_name(op->s))) {
			snprintf(why, len, "args[%zu].op is not one of libseccomp's SCMP_CMP_*", i);
			return -EINVAL;
		}
		c->index = index->u;
		c->value = v->u;
		c->value_two = v2 ? v2->u : 0;
	}
	return 0;
}

static int merge_name(struct profile *p, const char *name, const char *action,
		      const struct jv *rule, const char *path)
{
	const struct jv *args = jv__get(rule, "args"), *errno_ret = jv__get(rule, "errnoRet");
	struct profile_call *c;
	struct profile_rule r;
	uint64_t value;
	char why[128];

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
		/* the argument --args constrains: one more value of it; any
		 * other rule as it is, never widened */
		if (!value_rule(args, name, &value) && parse_rule(args, &r, why, sizeof(why))) {
			pr_warn("%s: warning: left out a rule allowing %s: %s", path, name, why);
			return 0;
		}
		c = profile__call(p, name);
		if (!c)
			return -ENOMEM;
		if (value_rule(args, name, &value)) {
			c->merged_args = true;
			profile_call__add_value(c, value);
		} else if (profile_call__add_rule(c, &r)) {
			pr_warn("%s: warning: left out a rule allowing %s: more than %d argument "
				"rules for it", path, name, PROFILE_MAX_RULES);
		}
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

static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

const char *cap__canonical(const char *name)
{
	const char *bare = strncasecmp(name, "CAP_", 4) ? name : name + 4;

	for (size_t i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcasecmp(cap_names[i] + 4, bare))
			return cap_names[i];
	return NULL;
}

static int parse_version(const char *s, unsigned *major, unsigned *minor)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*major = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	*minor = strtoul(end + 1, &end, 10);
	return 0;
}

void merge_opts__set_kernel(struct merge_opts *o)
{
	struct utsname u;

	if (uname(&u) || parse_version(u.release, &o->kernel_major, &o->kernel_minor))
		o->kernel_major = o->kernel_minor = 0;
}

/* Docker names arches as Go does (runtime.GOARCH); libseccomp's names are taken too. */
static const struct {
	const char *name;
	uint32_t arch;
} go_arches[] = {
	{ "amd64", SCMP_ARCH_X86_64 }, { "x86_64", SCMP_ARCH_X86_64 }, { "386", SCMP_ARCH_X86 },
	{ "x86", SCMP_ARCH_X86 }, { "i386", SCMP_ARCH_X86 }, { "x32", SCMP_ARCH_X32 },
	{ "arm64", SCMP_ARCH_AARCH64 }, { "aarch64", SCMP_ARCH_AARCH64 },
	{ "arm", SCMP_ARCH_ARM }, { "riscv64", SCMP_ARCH_RISCV64 },
	{ "ppc64le", SCMP_ARCH_PPC64LE }, { "ppc64", SCMP_ARCH_PPC64 },
	{ "s390x", SCMP_ARCH_S390X }, { "s390", SCMP_ARCH_S390 },
	{ "mips64le", SCMP_ARCH_MIPSEL64 }, { "mips64", SCMP_ARCH_MIPS64 },
};

static uint32_t arch__from_docker_name(const char *name)
{
	for (size_t i = 0; i < sizeof(go_arches) / sizeof(go_arches[0]); i++)
		if (!strcmp(go_arches[i].name, name))
			return go_arches[i].arch;
	return audit_arch__from_oci_name(name);
}

/* The entry, named for a message: its index and first names, on one line. */
static void entry_name(const struct jv *rule, size_t idx, char *buf, size_t len)
{
	const struct jv *names = jv__get(rule, "names"), *name = jv__get(rule, "name");
	size_t n = names && names->type == JV_ARR ? names->n : 0, off, shown = 0;
	char *plain;

	off = snprintf(buf, len, "syscalls[%zu] (", idx);
	if (name && name->type == JV_STR && !n) {
		plain = decode__plain_dup(name->s);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s", plain ? plain : "?");
		free(plain);
	}
	for (size_t i = 0; i < n && shown < 3; i++) {
		if (names->items[i].type != JV_STR)
			continue;
		plain = decode__plain_dup(names->items[i].s);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", shown ? ", " : "",
				plain ? plain : "?");
		free(plain);
		shown++;
	}
	if (n > shown)
		off += snprintf(buf + off, off < len ? len - off : 0, " and %zu more", n - shown);
	snprintf(buf + off, off < len ? len - off : 0, ")");
}

static bool has_cap(const struct merge_opts *o, const char *cap)
{
	for (int i = 0; i < o->ncaps; i++)
		if (!strcmp(o->caps[i], cap))
			return true;
	return false;
}

enum verdict { APPLIES, NOT_HERE, LEFT_OUT };

/*
 * Docker's rules (moby profiles/seccomp): includes.caps all held,
 * includes.arches has the machine's, includes.minKernel <= the kernel,
 * excludes.caps none held, excludes.arches lacks the machine's. Anything
 * else in them cannot be decided, so the entry is left out. why is set for
 * LEFT_OUT.
 */
static enum verdict filter__check(const struct jv *f, bool include, bool arches_only,
				  uint32_t arch, const struct merge_opts *o, char *why, size_t len)
{
	const char *what = include ? "includes" : "excludes";

	if (!f)
		return APPLIES;
	if (f->type != JV_OBJ) {
		snprintf(why, len, "its %s is not an object", what);
		return LEFT_OUT;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct jv *v = &f->items[i];
		const char *key = f->keys[i];
		bool arches = !strcmp(key, "arches"), caps = !strcmp(key, "caps");
		bool any = false;
		unsigned maj, min;

		if (arches_only != arches)
			continue;

		if (include && !strcmp(key, "minKernel")) {
			if (v->type == JV_NULL || (v->type == JV_STR && !*v->s))
				continue;
			if (v->type != JV_STR || parse_version(v->s, &maj, &min)) {
				snprintf(why, len, "its includes.minKernel is not a version");
				return LEFT_OUT;
			}
			if (o->kernel_major * 1000ull + o->kernel_minor < maj * 1000ull + min) {
				snprintf(why, len, "it needs kernel %u.%u, this one is %u.%u", maj, min,
					 o->kernel_major, o->kernel_minor);
				return LEFT_OUT;
			}
			continue;
		}
		if (v->type == JV_NULL && (arches || caps))
			continue;
		if ((!arches && !caps) || v->type != JV_ARR) {
			char *plain = decode__plain_dup(key);

			snprintf(why, len, "seccomp-gen cannot decide its %s.%s", what,
				 plain ? plain : "?");
			free(plain);
			return LEFT_OUT;
		}
		for (size_t k = 0; k < v->n; k++) {
			const struct jv *e = &v->items[k];
			const char *cap;

			if (e->type != JV_STR) {
				snprintf(why, len, "its %s.%s holds a non-string", what, key);
				return LEFT_OUT;
			}
			if (arches) {
				uint32_t a = arch__from_docker_name(e->s);

				/* an unknown name in excludes might be ours */
				if (!a && !include) {
					snprintf(why, len, "its excludes.arches has a name seccomp-gen "
						 "does not know");
					return LEFT_OUT;
				}
				any |= a == arch;
				continue;
			}
			cap = cap__canonical(e->s);
			if (!cap) {
				snprintf(why, len, "its %s.caps has a name that is no capability",
					 what);
				return LEFT_OUT;
			}
			if (include && !has_cap(o, cap)) {
				snprintf(why, len, "it applies only with %s (give --cap %s if the "
					 "container has it)", cap, cap);
				return LEFT_OUT;
			}
			if (!include && has_cap(o, cap)) {
				snprintf(why, len, "it applies only without %s (--cap)", cap);
				return LEFT_OUT;
			}
		}
		/* another machine's entry: not for this profile, as on that machine */
		if (arches && v->n && any != include)
			return NOT_HERE;
	}
	return APPLIES;
}

static bool entry__applies(const struct jv *rule, size_t idx, uint32_t arch,
			   const struct merge_opts *o, const char *path)
{
	enum verdict v;
	char why[256], name[256];

	/* arches first: another machine's entry is not worth a message about its caps */
	v = APPLIES;
	for (int pass = 0; pass < 4 && v == APPLIES; pass++)
		v = filter__check(jv__get(rule, pass & 1 ? "includes" : "excludes"), pass & 1,
				  pass < 2, arch, o, why, sizeof(why));
	if (v == LEFT_OUT) {
		entry_name(rule, idx, name, sizeof(name));
		pr_warn("%s: warning: left out %s: %s", path, name, why);
	}
	return v == APPLIES;
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

int profile__merge_oci_opts(struct profile *p, const char *path, const struct merge_opts *o,
			    char *err, size_t errlen)
{
	uint32_t arch = p->narches ? p->arches[0] : seccomp_arch_native();
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
	ret = read_arches(p, &doc, arch, path, err, errlen);
	if (ret)
		goto cleanup;
	calls = jv__get(&doc, "syscalls");
	for (size_t i = 0; calls && calls->type == JV_ARR && i < calls->n && !ret; i++)
		if (entry__applies(&calls->items[i], i, arch, o, path))
			ret = read_rule(p, &calls->items[i], path, err, errlen);
cleanup:
	jv__free(&doc);
	free(text);
	return ret;
}

int profile__merge_oci(struct profile *p, const char *path, char *err, size_t errlen)
{
	struct merge_opts o = { 0 };

	merge_opts__set_kernel(&o);
	return profile__merge_oci_opts(p, path, &o, err, errlen);
}
