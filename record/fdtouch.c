// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fdtouch.h"
#include "trace.h"

/* The roles that end an fd or change what it names (common/syscalls.h);
 * opening one does not (its number was free). F_SETFD's close-on-exec
 * flag matters at an exec only, which leaves the process out anyway. */
#define TOUCHING (SYSCALL_FD_CLOSE | SYSCALL_FD_DUP2 | SYSCALL_FD_CLOSE_RANGE | SYSCALL_FD_CHDIR | \
		  SYSCALL_FD_CONNECT | SYSCALL_FD_LOCAL)

struct fdtouch {
	struct syscall_fds fds[2][SYSCALL_MAX_NR]; /* native, compat */
	uint64_t wants[2][SYSCALL_MAX_NR / 64];
};

static void fill(struct fdtouch *t, int which, const struct syscall_table *st)
{
	for (int nr = 0; st && nr < SYSCALL_MAX_NR; nr++) {
		struct syscall_fds *f = &t->fds[which][nr];

		if (syscall_table__fds(st, nr, f) && (f->roles & TOUCHING))
			t->wants[which][nr / 64] |= 1ull << (nr % 64);
	}
}

struct fdtouch *fdtouch__new(const struct syscall_table *native, const struct syscall_table *compat)
{
	struct fdtouch *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	fill(t, 0, native);
	fill(t, 1, compat);
	return t;
}

void fdtouch__free(struct fdtouch *t)
{
	free(t);
}

bool fdtouch__wants(const struct fdtouch *t, uint16_t nr, bool compat)
{
	return nr < SYSCALL_MAX_NR && (t->wants[compat][nr / 64] >> (nr % 64) & 1);
}

bool fdtouch__of(const struct fdtouch *t, const struct tt_syscall *sc, struct fd_touch *out)
{
	bool compat = sc->flags & TT_SYSCALL_COMPAT;
	const struct syscall_fds *f;

	if (!fdtouch__wants(t, sc->nr, compat))
		return false;
	f = &t->fds[compat][sc->nr];
	out->pid = sc->pid;
	if (f->roles & SYSCALL_FD_CLOSE_RANGE)
		out->fd = FDTOUCH_ALL;
	else if (f->roles & SYSCALL_FD_CHDIR)
		out->fd = TT_FD_CWD;
	else if (f->roles & SYSCALL_FD_DUP2)
		out->fd = (int32_t)sc->args[1]; /* the fd replaced */
	else if (f->arg >= 0)
		out->fd = (int32_t)sc->args[f->arg];
	else
		out->fd = FDTOUCH_ALL; /* a role without its fd: say all */
	/* A failed call touched nothing, but close (the fd is gone whatever
	 * it returns, EBADF aside) and a connect under way. */
	return sc->ret >= 0 || ((f->roles & SYSCALL_FD_CLOSE) && sc->ret != -EBADF) ||
	       ((f->roles & SYSCALL_FD_CONNECT) && sc->ret == -EINPROGRESS);
}

int fdtouch_set__add(struct fdtouch_set *s, uint32_t pid, int32_t fd)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct fd_touch *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct fd_touch){ .pid = pid, .fd = fd };
	s->sorted = false;
	return 0;
}

int fdtouch_set__add_pevents(struct fdtouch_set *s, const char *pevents, size_t len)
{
	struct tt_record rec;
	size_t off = 0;
	int n, err = 0;

	while (!err && off < len && (n = tt_record__decode(pevents + off, len - off, &rec)) > 0) {
		off += n;
		if (rec.type == TT_REC_FORK)
			err = fdtouch_set__add(s, rec.fork.child_pid, FDTOUCH_ALL);
		else if (rec.type == TT_REC_EXEC && !rec.exec.ret)
			err = fdtouch_set__add(s, rec.exec.pid, FDTOUCH_ALL);
	}
	return err;
}

static int cmp(const void *a, const void *b)
{
	const struct fd_touch *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

bool fdtouch_set__has(struct fdtouch_set *s, uint32_t pid, int32_t fd)
{
	struct fd_touch all = { pid, FDTOUCH_ALL }, one = { pid, fd };

	if (!s->n)
		return false;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp);
		s->sorted = true;
	}
	return bsearch(&all, s->v, s->n, sizeof(*s->v), cmp) ||
	       bsearch(&one, s->v, s->n, sizeof(*s->v), cmp);
}

void fdtouch_set__release(struct fdtouch_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
