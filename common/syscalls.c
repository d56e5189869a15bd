// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "syscalls.h"

static const char *const category_names[CAT__COUNT] = {
	[CAT_FILE_IO] = "file_io",
	[CAT_NETWORK] = "network",
	[CAT_MEMORY] = "memory",
	[CAT_PROCESS] = "process",
	[CAT_SIGNAL] = "signal",
	[CAT_TIME] = "time",
	[CAT_IPC] = "ipc",
	[CAT_OTHER] = "other",
};

#include "syscall_rows.c"

/* The masks of syscall_table__select are arrays of u64 words. */
_Static_assert(SYSCALL_MAX_NR % 64 == 0, "SYSCALL_MAX_NR is not a multiple of 64");

struct syscall_table {
	uint32_t arch;
	char *names[SYSCALL_MAX_NR];                   /* from libseccomp */
	const struct syscall_row *rows[SYSCALL_MAX_NR]; /* NULL: no row, as CAT_OTHER */
};

const char *syscall_category__name(enum syscall_category cat)
{
	if ((unsigned int)cat >= CAT__COUNT)
		return NULL;
	return category_names[cat];
}

int syscall_category__from_name(const char *name)
{
	for (int i = 0; i < CAT__COUNT; i++) {
		if (!strcmp(category_names[i], name))
			return i;
	}
	return -EINVAL;
}

#define NROWS (sizeof(syscall_rows) / sizeof(syscall_rows[0]))

/* The rows by name, sorted once: a table is made on every trace opened,
 * and a linear search per syscall made that the readers' slowest step. */
static const struct syscall_row *rows_by_name[NROWS];
static pthread_once_t rows_by_name_once = PTHREAD_ONCE_INIT;

static int cmp_row_name(const void *a, const void *b)
{
	return strcmp((*(const struct syscall_row *const *)a)->name,
		      (*(const struct syscall_row *const *)b)->name);
}

static void rows_by_name__sort(void)
{
	for (size_t i = 0; i < NROWS; i++)
		rows_by_name[i] = &syscall_rows[i];
	qsort(rows_by_name, NROWS, sizeof(rows_by_name[0]), cmp_row_name);
}

static const struct syscall_row *syscall_row__find(const char *name)
{
	struct syscall_row key = { .name = name };
	const struct syscall_row *k = &key, *const *found;

	pthread_once(&rows_by_name_once, rows_by_name__sort);
	found = bsearch(&k, rows_by_name, NROWS, sizeof(rows_by_name[0]), cmp_row_name);
	return found ? *found : NULL;
}

/* The row of nr, NULL if the arch has no such number or no row names it. */
static const struct syscall_row *syscall_table__row(const struct syscall_table *t, int nr)
{
	return nr >= 0 && nr < SYSCALL_MAX_NR ? t->rows[nr] : NULL;
}

struct syscall_table *syscall_table__new(uint32_t audit_arch)
{
	struct syscall_table *t;
	int known = 0;

	/* libseccomp takes 0 to mean the native arch: not what a trace means */
	if (!audit_arch) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->arch = audit_arch;
	/* Resolved once: libseccomp allocates a new string on every call. */
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++) {
		t->names[nr] = seccomp_syscall_resolve_num_arch(audit_arch, nr);
		if (!t->names[nr])
			continue;
		t->rows[nr] = syscall_row__find(t->names[nr]);
		known++;
	}
	/* An arch libseccomp does not know resolves nothing. */
	if (!known) {
		syscall_table__free(t);
		errno = EINVAL;
		return NULL;
	}
	return t;
}

struct syscall_table *syscall_table__native(void)
{
	return syscall_table__new(seccomp_arch_native());
}

void syscall_table__free(struct syscall_table *t)
{
	if (!t)
		return;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		free(t->names[nr]);
	free(t);
}

uint32_t syscall_table__arch(const struct syscall_table *t)
{
	return t->arch;
}

const char *syscall_table__name(const struct syscall_table *t, int nr)
{
	if (nr < 0 || nr >= SYSCALL_MAX_NR)
		return NULL;
	return t->names[nr];
}

int syscall_table__nr(const struct syscall_table *t, const char *name)
{
	/* Negative results also cover pseudo numbers of other arches' syscalls. */
	int nr = seccomp_syscall_resolve_name_arch(t->arch, name);

	if (nr < 0 || nr >= SYSCALL_MAX_NR || !t->names[nr])
		return -ENOENT;
	return nr;
}

enum syscall_category syscall_table__category(const struct syscall_table *t, int nr)
{
	const struct syscall_row *row = syscall_table__row(t, nr);

	return row ? row->cat : CAT_OTHER;
}

bool syscall_table__args(const struct syscall_table *t, int nr, struct syscall_args *args)
{
	const struct syscall_row *row = syscall_table__row(t, nr);

	if (!row) {
		*args = (struct syscall_args){ .path = { -1, -1 }, .addr = -1, .addrlen = -1,
					       .data = -1, .datalen = -1 };
		return false;
	}
	args->path[0] = row->path[0] - 1;
	args->path[1] = row->path[1] - 1;
	args->addr = row->addr - 1;
	args->addrlen = row->addrlen - 1;
	args->addrlen_ptr = row->addrlen_ptr;
	args->data = row->data - 1;
	args->datalen = row->datalen - 1;
	args->data_ret = row->data_ret;
	return row->path[0] || row->addr || row->data;
}

const char *syscall_table__signature(const struct syscall_table *t, int nr)
{
	const struct syscall_row *row = syscall_table__row(t, nr);

	return row ? row->sig : NULL;
}

char syscall_table__ret_kind(const struct syscall_table *t, int nr)
{
	const struct syscall_row *row = syscall_table__row(t, nr);

	return row ? row->ret : 0;
}

bool syscall_table__fds(const struct syscall_table *t, int nr, struct syscall_fds *fds)
{
	const struct syscall_row *row = syscall_table__row(t, nr);

	if (!row || (!row->fd && !row->fd_roles)) {
		*fds = (struct syscall_fds){ .arg = -1, .cloexec = -1 };
		return false;
	}
	fds->arg = row->fd - 1;
	fds->cloexec = row->cloexec - 1;
	fds->roles = row->fd_roles;
	return true;
}

static void mask_set(uint64_t *mask, int nr)
{
	mask[nr / 64] |= 1ull << (nr % 64);
}

int syscall_table__select(const struct syscall_table *t, const char *list, uint64_t *mask,
			  char *bad, size_t badlen)
{
	uint64_t sel[SYSCALL_MAX_NR / 64] = {};
	char *copy, *rest, *word;
	int err = 0;

	if (!list || !*list) {
		snprintf(bad, badlen, "%s", list ? list : "");
		return -EINVAL;
	}
	copy = rest = strdup(list);
	if (!copy)
		return -ENOMEM;
	while ((word = strsep(&rest, ","))) {
		/* A category wins over a syscall of the same name ("time"): it
		 * includes that syscall anyway. */
		int cat = syscall_category__from_name(word);
		int nr;

		if (cat >= 0) {
			for (nr = 0; nr < SYSCALL_MAX_NR; nr++) {
				if (t->names[nr] && syscall_table__category(t, nr) == (enum syscall_category)cat)
					mask_set(sel, nr);
			}
			continue;
		}
		nr = *word ? syscall_table__nr(t, word) : -ENOENT;
		if (nr < 0) {
			snprintf(bad, badlen, "%s", word);
			err = -EINVAL;
			break;
		}
		mask_set(sel, nr);
	}
	free(copy);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++)
		mask[i] |= sel[i];
	return 0;
}
