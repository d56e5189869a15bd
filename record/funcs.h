/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The function monitor's patterns (--func) resolved to the functions they
 * name: kernel globs against the kernel's traceable functions
 * (available_filter_functions, else the BTF's functions), user globs
 * (u:BINARY_OR_LIB:SYMBOL_GLOB) against the ELF symbol tables.
 */
#ifndef __TT_FUNCS_H
#define __TT_FUNCS_H

#include <stddef.h>
#include <stdint.h>

#define FUNC_DEFAULT_LIMIT 64

struct func {
	char *name;
	char *module;    /* "vmlinux", a kernel module, or the binary's absolute path */
	uint64_t addr;   /* user: the symbol's file offset (where the uprobe goes) */
	uint32_t btf_id; /* a vmlinux function's BTF id, 0 if none (no fentry) */
	uint8_t kind;    /* enum tt_func_kind */
	uint8_t probe;   /* enum tt_func_probe, once attached */
};

struct func_list {
	struct func *v;
	int n, cap;
	int nkernel; /* how many of v are kernel functions */
};

/*
 * Resolve comma-separated patterns. Each may match at most limit functions,
 * and all together at most limit too. Returns 0, or -errno with one line in
 * err: an unknown binary or symbol, a pattern matching nothing or too much.
 */
int funcs__resolve(struct func_list *out, const char *patterns, int limit, char *err,
		   size_t errlen);

/*
 * Where a user binary is: a path as given, "libc" (the C library this
 * program runs with), a library name ("libz", "libssl.so.3") looked up among
 * the loaded libraries and the system library directories, or a program in
 * $PATH. Returns 0 with the absolute path in buf, or -ENOENT.
 */
int funcs__find_binary(const char *what, char *buf, size_t size);

void funcs__free(struct func_list *l);

#endif /* __TT_FUNCS_H */
