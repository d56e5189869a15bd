// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The syscall table's rows against libseccomp, which gives the names: a
 * syscall without a row would be decoded as "other" with its arguments in
 * hex, and a row that names no syscall would never be used.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <seccomp.h>

#include "decode_args.h"
#include "syscalls.h"
#include "syscall_rows.c" /* the rows themselves, not what the table makes of them */

#define NROWS (sizeof(syscall_rows) / sizeof(syscall_rows[0]))

static const struct syscall_row *find_row(const char *name)
{
	for (size_t i = 0; i < NROWS; i++)
		if (!strcmp(syscall_rows[i].name, name))
			return &syscall_rows[i];
	return NULL;
}

Test(syscall_rows, every_x86_64_syscall_has_a_row)
{
	int known = 0;

	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);

		if (!name)
			continue;
		known++;
		cr_expect_not_null(find_row(name), "no row for %s (%d)", name, nr);
		free(name);
	}
	cr_assert_gt(known, 300);
}

/* Rows may name other arches' syscalls (i386's socketcall): libseccomp
 * gives those a negative pseudo number on x86_64, and an error only to a
 * name it does not know at all. */
Test(syscall_rows, every_row_names_a_syscall)
{
	for (size_t i = 0; i < NROWS; i++)
		cr_expect_neq(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, syscall_rows[i].name),
			      __NR_SCMP_ERROR, "libseccomp does not know %s", syscall_rows[i].name);
}

Test(syscall_rows, one_row_per_name)
{
	for (size_t i = 0; i < NROWS; i++)
		cr_expect_eq(find_row(syscall_rows[i].name), &syscall_rows[i], "two rows for %s",
			     syscall_rows[i].name);
}

/* decode.c reads at most six letters, and only those it or decode_args.c
 * knows; each of decode_args.c's writes something. */
Test(syscall_rows, signatures)
{
	struct tt_syscall s = { 0 };
	char buf[64];

	for (size_t i = 0; i < NROWS; i++) {
		const char *sig = syscall_rows[i].sig;

		if (!sig)
			continue;
		cr_expect_leq(strlen(sig), 6, "%s", syscall_rows[i].name);
		for (const char *c = sig; *c; c++)
			cr_expect(strchr("dilupxsam", *c) || strchr(decode_args__kinds, *c),
				  "%s: %s", syscall_rows[i].name, sig);
		cr_expect(!syscall_rows[i].ret || strchr("xmFY", syscall_rows[i].ret), "%s",
			  syscall_rows[i].name);
	}
	for (const char *c = decode_args__kinds; *c; c++) {
		FILE *f = fmemopen(buf, sizeof(buf), "w");

		cr_assert_not_null(f);
		cr_expect(decode_args__put(f, *c, &s, 0), "%c", *c);
		cr_expect_gt(ftell(f), 0, "%c writes nothing", *c);
		fclose(f);
	}
}
