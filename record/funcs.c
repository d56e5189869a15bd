// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "funcs.h"
#include "records.h"
#include "tracefs.h"

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int list_add(struct func_list *l, const char *name, const char *module, uint64_t addr,
		    uint32_t btf_id, uint8_t kind)
{
	struct func *f;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 64;
		struct func *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	*f = (struct func){ .addr = addr, .btf_id = btf_id, .kind = kind };
	f->name = strdup(name);
	f->module = strdup(module);
	if (!f->name || !f->module) {
		free(f->name);
		free(f->module);
		return -ENOMEM;
	}
	l->n++;
	if (kind == TT_FUNC_KERNEL)
		l->nkernel++;
	return 0;
}

static bool list_has(const struct func_list *l, const char *name, const char *module, uint64_t addr,
		     uint8_t kind)
{
	for (int i = 0; i < l->n; i++) {
		const struct func *f = &l->v[i];

		if (f->kind != kind || strcmp(f->module, module))
			continue;
		/* user aliases (malloc, __libc_malloc) share an offset: one probe */
		if (kind == TT_FUNC_USER ? f->addr == addr : !strcmp(f->name, name))
			return true;
	}
	return false;
}

/* User binaries ------------------------------------------------------------ */

/* A loaded library whose file name starts with name followed by '.' or '-'. */
static int find_loaded(const char *name, char *buf, size_t size)
{
	char line[PATH_MAX + 256];
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/maps", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/'), *base;

		if (!path)
			continue;
		path[strcspn(path, "\n")] = 0;
		base = strrchr(path, '/') + 1;
		if (!strncmp(base, name, n) && (base[n] == '.' || base[n] == '-' || !base[n]) &&
		    strstr(base, ".so")) {
			snprintf(buf, size, "%s", path);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* name, name.so, name.so.* in the system library directories. */
static int find_in_libdirs(const char *name, char *buf, size_t size)
{
	static const char *const dirs[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
		"/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
		"/usr/local/lib",
	};
	char pat[PATH_MAX];
	int ret = -ENOENT;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && ret; i++) {
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s%s", dirs[i], name, strstr(name, ".so") ? "" : ".so*");
		if (glob(pat, 0, NULL, &g))
			continue;
		if (g.gl_pathc && realpath(g.gl_pathv[0], buf))
			ret = 0;
		globfree(&g);
	}
	(void)size;
	return ret;
}

static int find_in_path(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";
	char *copy = strdup(path), *save = NULL, try[PATH_MAX];
	int ret = -ENOENT;

	if (!copy)
		return -ENOMEM;
	for (char *d = strtok_r(copy, ":", &save); d && ret; d = strtok_r(NULL, ":", &save)) {
		snprintf(try, sizeof(try), "%s/%s", d, name);
		if (!access(try, X_OK) && realpath(try, buf))
			ret = 0;
	}
	free(copy);
	(void)size;
	return ret;
}

int funcs__find_binary(const char *what, char *buf, size_t size)
{
	char tmp[PATH_MAX];

	if (size < PATH_MAX)
		return -EINVAL;
	if (strchr(what, '/'))
		return realpath(what, buf) ? 0 : -errno;
	if (!strcmp(what, "libc"))
		what = "libc.so.6";
	/* The loaded copy is the one processes like this one use. */
	if (!find_loaded(what, tmp, sizeof(tmp)) && realpath(tmp, buf))
		return 0;
	if (!strncmp(what, "lib", 3) && !find_in_libdirs(what, buf, size))
		return 0;
	return find_in_path(what, buf, size);
}

/* A symbol's value to a file offset, through the section that holds it. */
static bool sym_offset(Elf *elf, const GElf_Sym *sym, uint64_t *off)
{
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh) || sym->st_value < sh.sh_addr ||
	    sym->st_value >= sh.sh_addr + sh.sh_size)
		return false;
	*off = sym->st_value - sh.sh_addr + sh.sh_offset;
	return true;
}

/* Prefer public names among aliases: malloc over __libc_malloc. */
static bool better_name(const char *a, const char *b)
{
	size_t ua = strspn(a, "_"), ub = strspn(b, "_");

	return ua != ub ? ua < ub : strlen(a) < strlen(b);
}

struct usym {
	char *name;
	uint64_t off;
};

static int cmp_usym(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The defined functions of path matching glob, one per offset. */
static int elf_match(const char *path, const char *glob, struct usym **out, int *nout,
		     char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n = 0, cap = 0, ret = 0;
	struct usym *v = NULL;
	Elf_Scn *scn = NULL;
	Elf *elf;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		ret = -EINVAL;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn)) && !ret) {
		Elf_Data *data;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			uint64_t off;

			if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || fnmatch(glob, name, 0) || !sym_offset(elf, &sym, &off))
				continue;
			if (n == cap) {
				struct usym *nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

				if (!nv) {
					ret = -ENOMEM;
					break;
				}
				v = nv;
			}
			v[n].name = strdup(name);
			v[n++].off = off;
		}
	}
	/* .symtab and .dynsym repeat each other, and aliases share an offset. */
	if (n)
		qsort(v, n, sizeof(*v), cmp_usym);
	{
		int k = 0;

		for (int i = 0; i < n; i++) {
			if (k && v[k - 1].off == v[i].off) {
				if (v[i].name && (!v[k - 1].name || better_name(v[i].name, v[k - 1].name))) {
					free(v[k - 1].name);
					v[k - 1].name = v[i].name;
				} else {
					free(v[i].name);
				}
				continue;
			}
			v[k++] = v[i];
		}
		n = k;
	}
	*out = v;
	*nout = n;
	v = NULL;
out:
	free(v);
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

static int resolve_user(struct func_list *l, const char *spec, int limit, char *err, size_t errlen)
{
	char bin[PATH_MAX], what[PATH_MAX];
	const char *colon = strrchr(spec, ':'), *glob;
	struct usym *syms = NULL;
	int n = 0, ret;

	if (!colon || colon == spec || !colon[1]) {
		snprintf(err, errlen, "--func 'u:%s': expected u:BINARY_OR_LIB:SYMBOL_GLOB", spec);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "%.*s", (int)(colon - spec), spec);
	glob = colon + 1;
	if (funcs__find_binary(what, bin, sizeof(bin))) {
		snprintf(err, errlen, "--func 'u:%s': no binary or library '%s' found", spec, what);
		return -ENOENT;
	}
	ret = elf_match(bin, glob, &syms, &n, err, errlen);
	if (ret)
		return ret;
	if (!n) {
		snprintf(err, errlen, "--func 'u:%s': no function %s '%s' in %s", spec,
			 is_glob(glob) ? "matches" : "named", glob, bin);
		ret = -ENOENT;
	} else if (n > limit) {
		snprintf(err, errlen, "--func 'u:%s' matches %d functions, more than --probe-limit %d",
			 spec, n, limit);
		ret = -E2BIG;
	}
	for (int i = 0; i < n; i++) {
		if (!ret && syms[i].name && !list_has(l, syms[i].name, bin, syms[i].off, TT_FUNC_USER))
			ret = list_add(l, syms[i].name, bin, syms[i].off, 0, TT_FUNC_USER);
		free(syms[i].name);
	}
	free(syms);
	return ret;
}

/* Kernel functions ---------------------------------------------------------- */

/*
 * The kernel's traceable functions, "name" or "name [module]" per line:
 * available_filter_functions, else (ftrace locked down) the vmlinux BTF's
 * functions, which are what fentry can attach to.
 */
struct kfuncs {
	char **names, **modules;
	int n;
	const char *source;
};

static int kfuncs_add(struct kfuncs *k, const char *name, const char *module, int *cap)
{
	if (k->n == *cap) {
		int c = *cap ? 2 * *cap : 4096;
		char **nn = realloc(k->names, c * sizeof(char *));
		char **nm = nn ? realloc(k->modules, c * sizeof(char *)) : NULL;

		if (nn)
			k->names = nn;
		if (!nm)
			return -ENOMEM;
		k->modules = nm;
		*cap = c;
	}
	k->names[k->n] = strdup(name);
	k->modules[k->n] = strdup(module);
	if (!k->names[k->n] || !k->modules[k->n])
		return -ENOMEM;
	k->n++;
	return 0;
}

static int kfuncs_load(struct kfuncs *k)
{
	FILE *f = tracefs__fopen("available_filter_functions");
	char line[512], name[256], module[128];
	int cap = 0, ret = 0;

	if (f) {
		k->source = "available_filter_functions";
		while (!ret && fgets(line, sizeof(line), f)) {
			int got = sscanf(line, "%255s [%127[^]]]", name, module);

			if (got >= 1)
				ret = kfuncs_add(k, name, got == 2 ? module : "vmlinux", &cap);
		}
		fclose(f);
		return ret;
	}
	k->source = "the kernel's BTF";
	{
		struct btf *btf = btf__load_vmlinux_btf();
		int n = btf ? (int)btf__type_cnt(btf) : 0;

		if (!btf)
			return -errno;
		for (int id = 1; id < n && !ret; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);

			if (btf_is_func(t))
				ret = kfuncs_add(k, btf__name_by_offset(btf, t->name_off), "vmlinux", &cap);
		}
		btf__free(btf);
	}
	return ret;
}

static void kfuncs_free(struct kfuncs *k)
{
	for (int i = 0; i < k->n; i++) {
		free(k->names[i]);
		free(k->modules[i]);
	}
	free(k->names);
	free(k->modules);
}

static int resolve_kernel(struct func_list *l, struct kfuncs *k, const struct btf *btf,
			  const char *glob, int limit, char *err, size_t errlen)
{
	int matched = 0, ret = 0;

	for (int i = 0; i < k->n && !ret; i++) {
		int id = 0;

		if (fnmatch(glob, k->names[i], 0) ||
		    list_has(l, k->names[i], k->modules[i], 0, TT_FUNC_KERNEL))
			continue;
		if (++matched > limit)
			continue; /* only counted, for the message */
		/* fentry needs the function in vmlinux's BTF (modules: kprobes) */
		if (btf && !strcmp(k->modules[i], "vmlinux"))
			id = btf__find_by_name_kind(btf, k->names[i], BTF_KIND_FUNC);
		ret = list_add(l, k->names[i], k->modules[i], 0, id > 0 ? id : 0, TT_FUNC_KERNEL);
	}
	if (ret)
		return ret;
	if (!matched) {
		snprintf(err, errlen, "--func '%s': no traceable kernel function %s it (looked in %s)",
			 glob, is_glob(glob) ? "matches" : "is named", k->source);
		return -ENOENT;
	}
	if (matched > limit) {
		snprintf(err, errlen, "--func '%s' matches %d kernel functions, more than --probe-limit %d",
			 glob, matched, limit);
		return -E2BIG;
	}
	return 0;
}

int funcs__resolve(struct func_list *out, const char *patterns, int limit, char *err,
		   size_t errlen)
{
	char *copy = strdup(patterns), *save = NULL;
	struct kfuncs k = { 0 };
	struct btf *btf = NULL;
	bool kloaded = false;
	int ret = copy ? 0 : -ENOMEM;

	memset(out, 0, sizeof(*out));
	for (char *p = strtok_r(copy, ",", &save); p && !ret; p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ')
			p++;
		if (!*p)
			continue;
		if (!strncmp(p, "u:", 2)) {
			ret = resolve_user(out, p + 2, limit, err, errlen);
			continue;
		}
		if (!kloaded) {
			kloaded = true;
			ret = kfuncs_load(&k);
			if (ret) {
				snprintf(err, errlen, "--func '%s': cannot list the kernel's functions "
					 "(no readable available_filter_functions, no BTF): %s", p, strerror(-ret));
				break;
			}
			btf = btf__load_vmlinux_btf();
		}
		ret = resolve_kernel(out, &k, btf, p, limit, err, errlen);
	}
	if (!ret && !out->n) {
		snprintf(err, errlen, "--func names no function");
		ret = -EINVAL;
	}
	if (!ret && out->n > limit) {
		snprintf(err, errlen, "--func patterns match %d functions together, more than --probe-limit %d",
			 out->n, limit);
		ret = -E2BIG;
	}
	btf__free(btf);
	kfuncs_free(&k);
	free(copy);
	if (ret)
		funcs__free(out);
	return ret;
}

void funcs__free(struct func_list *l)
{
	for (int i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].module);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
