// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/*
 * A process's fds live in a table that CLONE_FILES children share (counted
 * references) and other children copy; an exec unshares it and drops the
 * close-on-exec fds. Threads are their process. A socket's name is rebuilt
 * from what is known of it: its protocol (socket's domain and type), its
 * own address (bind, getsockname) and its peer's (connect, getpeername,
 * accept), as strace -yy writes them, with "->P" alone for a peer whose
 * local end the trace does not have.
 *
 * What takes effect later than the event that says it waits in a queue by
 * time, which fdtable__advance works through as the events go by: the fd a
 * call returns (from the call's end), a prologue's FD records (from their
 * file's start) and blind spells (fdtable__blind).
 *
 * Memory grows with the processes alive and their fds, at most
 * FDTABLE_MAX_FDS a table, and with the queue: calls not yet ended, and
 * the prologue records ahead of the events.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fdtable.h"
#include "hmap.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

enum fd_kind {
	FD_PATH = 1, /* a file by its absolute path: a base for openat, fchdir */
	FD_SOCKET,
	FD_OTHER,    /* named by an FD record (pipe:[ino], anon_inode:...) */
};

struct fd_entry {
	uint8_t kind;
	bool cloexec;
	bool cloexec_unknown; /* an exec may have closed it: forgotten then */
	char proto[16];     /* FD_SOCKET: "TCP", "" if not named */
	char *local, *peer; /* FD_SOCKET: the addresses known, else NULL */
	char *name;         /* as fdtable__name gives it; NULL if none */
	uint32_t mark;      /* fdtable__set_mark's */
};

struct files {
	uint32_t refs;
	struct hmap *fds; /* int32_t fd -> struct fd_entry */
};

struct fd_proc {
	struct files *files;
	char *cwd; /* NULL if unknown */
};

/* An FD record, a blind spell's start or end, or a returned fd, waiting
 * for its time. */
enum queued_what { QUEUED_FD, QUEUED_BLIND, QUEUED_SEE, QUEUED_NEW };

struct queued_fd {
	uint64_t ts;
	uint8_t what;    /* enum queued_what */
	uint64_t until;  /* QUEUED_BLIND: its end */
	struct tt_fd fd; /* QUEUED_FD: its name malloc'd */
	/* QUEUED_NEW: the fd a call returns, from its end (the number is
	 * another file's until then: another thread may use and close it
	 * while an accept waits), and what it is, if known */
	uint32_t pid;
	int32_t newfd;
	bool has_entry;
	struct fd_entry entry;
};

struct fdtable {
	struct syscall_fds nrs[SYSCALL_MAX_NR]; /* by number, from the syscall table */
	const struct syscall_table *st;
	struct hmap *procs; /* uint32_t pid -> struct fd_proc */
	struct queued_fd *queue; /* by time */
	size_t head, nqueue, capqueue;
	uint64_t now;         /* fdtable__advance's latest */
	uint64_t blind_until; /* no names while now < it */
};

/* In a blind spell: nothing the table holds is sure. */
static bool blind(const struct fdtable *ft)
{
	return ft->now < ft->blind_until;
}

void path__normalize(char *p)
{
	bool abs = *p == '/';
	char *out = p, *in = p;
	size_t ups = 0; /* bytes of a relative path's leading "../..": kept */

	while (*in) {
		size_t n;

		while (*in == '/')
			in++;
		n = strcspn(in, "/");
		if (!n || (n == 1 && in[0] == '.')) {
			/* nothing */
		} else if (n == 2 && in[0] == '.' && in[1] == '.') {
			if (out > p + ups) {
				while (out > p + ups && *--out != '/')
					;
			} else if (!abs) {
				if (out > p)
					*out++ = '/';
				memcpy(out, "..", 2);
				out += 2;
				ups = out - p;
			} /* else never above "/" */
		} else {
			if (out > p || abs)
				*out++ = '/';
			memmove(out, in, n);
			out += n;
		}
		in += n;
	}
	if (out == p)
		*out++ = abs ? '/' : '.';
	*out = 0;
}

static void entry__clear(struct fd_entry *e)
{
	free(e->local);
	free(e->peer);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

/* The name from what is known of the socket. */
static void entry__name_socket(struct fd_entry *e)
{
	char *s = NULL;
	int n;

	free(e->name);
	e->name = NULL;
	if (!e->proto[0])
		return;
	if (e->local && e->peer)
		n = asprintf(&s, "%s:[%s->%s]", e->proto, e->local, e->peer);
	else if (e->local)
		n = asprintf(&s, "%s:[%s]", e->proto, e->local);
	else if (e->peer)
		n = asprintf(&s, "%s:[->%s]", e->proto, e->peer);
	else
		n = (s = strdup(e->proto)) ? 0 : -1;
	e->name = n < 0 ? NULL : s; /* out of memory: unnamed */
}

static int entry__copy(struct fd_entry *dst, const struct fd_entry *src)
{
	*dst = *src;
	dst->local = src->local ? strdup(src->local) : NULL;
	dst->peer = src->peer ? strdup(src->peer) : NULL;
	dst->name = src->name ? strdup(src->name) : NULL;
	if ((src->local && !dst->local) || (src->peer && !dst->peer) ||
	    (src->name && !dst->name)) {
		entry__clear(dst);
		return -ENOMEM;
	}
	return 0;
}

static void files__put(struct files *f)
{
	struct hmap_entry *e;

	if (!f || --f->refs)
		return;
	e = hmap__entries(f->fds, NULL);
	for (size_t i = 0; e && i < hmap__count(f->fds); i++)
		entry__clear(e[i].value);
	free(e);
	hmap__free(f->fds);
	free(f);
}

static struct files *files__new(void)
{
	struct files *f = calloc(1, sizeof(*f));

	if (f && !(f->fds = hmap__new(sizeof(struct fd_entry)))) {
		free(f);
		return NULL;
	}
	if (f)
		f->refs = 1;
	return f;
}

/* A copy of src with one reference, its close-on-exec fds left out if
 * exec; NULL on ENOMEM. */
static struct files *files__copy(const struct files *src, bool exec)
{
	struct files *f = files__new();
	struct hmap_entry *e;

	if (!f)
		return NULL;
	e = hmap__entries(src->fds, NULL);
	for (size_t i = 0; e && i < hmap__count(src->fds); i++) {
		const struct fd_entry *from = e[i].value;
		struct fd_entry *to;

		if (exec && (from->cloexec || from->cloexec_unknown))
			continue;
		to = hmap__get(f->fds, e[i].key, e[i].klen, true, NULL);
		if (to && entry__copy(to, from))
			hmap__del(f->fds, e[i].key, e[i].klen);
	}
	free(e);
	return f;
}

struct fdtable *fdtable__new(const struct syscall_table *st)
{
	struct fdtable *ft = calloc(1, sizeof(*ft));

	if (!ft || !(ft->procs = hmap__new(sizeof(struct fd_proc)))) {
		free(ft);
		return NULL;
	}
	ft->st = st;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		syscall_table__fds(st, nr, &ft->nrs[nr]);
	return ft;
}

static void proc__clear(struct fd_proc *p)
{
	files__put(p->files);
	free(p->cwd);
	memset(p, 0, sizeof(*p));
}

void fdtable__free(struct fdtable *ft)
{
	struct hmap_entry *e;

	if (!ft)
		return;
	e = hmap__entries(ft->procs, NULL);
	for (size_t i = 0; e && i < hmap__count(ft->procs); i++)
		proc__clear(e[i].value);
	free(e);
	hmap__free(ft->procs);
	for (size_t i = ft->head; i < ft->nqueue; i++) {
		free((char *)ft->queue[i].fd.name.data);
		entry__clear(&ft->queue[i].entry);
	}
	free(ft->queue);
	free(ft);
}

static struct fd_proc *find_proc(const struct fdtable *ft, uint32_t pid)
{
	return hmap__get(ft->procs, &pid, sizeof(pid), false, NULL);
}

/* pid's entry, made with an empty table if new; NULL on ENOMEM. */
static struct fd_proc *get_proc(struct fdtable *ft, uint32_t pid)
{
	bool created;
	struct fd_proc *p = hmap__get(ft->procs, &pid, sizeof(pid), true, &created);

	if (p && !p->files && !(p->files = files__new())) {
		hmap__del(ft->procs, &pid, sizeof(pid));
		return NULL;
	}
	return p;
}

static struct fd_entry *find_fd(const struct fdtable *ft, uint32_t pid, int32_t fd)
{
	const struct fd_proc *p = find_proc(ft, pid);

	return p ? hmap__get(p->files->fds, &fd, sizeof(fd), false, NULL) : NULL;
}

static void del_fd(struct fd_proc *p, int32_t fd)
{
	struct fd_entry *e = hmap__get(p->files->fds, &fd, sizeof(fd), false, NULL);

	if (e) {
		entry__clear(e);
		hmap__del(p->files->fds, &fd, sizeof(fd));
	}
}

/* fd, emptied for a new file; NULL when the table is full (the fd is then
 * unknown) or on ENOMEM. */
static struct fd_entry *new_fd(struct fd_proc *p, int32_t fd)
{
	struct fd_entry *e;

	del_fd(p, fd);
	if (fd < 0 || hmap__count(p->files->fds) >= FDTABLE_MAX_FDS)
		return NULL;
	e = hmap__get(p->files->fds, &fd, sizeof(fd), true, NULL);
	return e;
}

const char *fdtable__name(const struct fdtable *ft, uint32_t pid, int32_t fd)
{
	const struct fd_entry *e = blind(ft) ? NULL : find_fd(ft, pid, fd);

	return e ? e->name : NULL;
}

uint32_t fdtable__mark(const struct fdtable *ft, uint32_t pid, int32_t fd)
{
	const struct fd_entry *e = find_fd(ft, pid, fd);

	return e ? e->mark : 0;
}

void fdtable__set_mark(struct fdtable *ft, uint32_t pid, int32_t fd, uint32_t mark)
{
	struct fd_proc *p = mark ? get_proc(ft, pid) : find_proc(ft, pid);
	struct fd_entry *e;

	if (!p || fd < 0)
		return;
	e = hmap__get(p->files->fds, &fd, sizeof(fd), false, NULL);
	if (!e && mark && hmap__count(p->files->fds) < FDTABLE_MAX_FDS)
		e = hmap__get(p->files->fds, &fd, sizeof(fd), true, NULL);
	if (e)
		e->mark = mark;
}

void fdtable__set_result_mark(struct fdtable *ft, const struct tt_syscall *sc, uint32_t mark)
{
	for (size_t i = ft->nqueue; i > ft->head; i--) {
		struct queued_fd *q = &ft->queue[i - 1];

		if (q->what == QUEUED_NEW && q->pid == sc->pid && q->newfd == (int32_t)sc->ret) {
			q->has_entry = true; /* unnamed, if it was not known */
			q->entry.mark = mark;
			return;
		}
	}
	fdtable__set_mark(ft, sc->pid, (int32_t)sc->ret, mark);
}

const char *fdtable__cwd(const struct fdtable *ft, uint32_t pid)
{
	const struct fd_proc *p = blind(ft) ? NULL : find_proc(ft, pid);

	return p ? p->cwd : NULL;
}

/* A captured sockaddr as strace -yy writes an address: "10.0.0.1:80",
 * "[::1]:80", "\"/run/x.sock\"" (into buf); NULL if none or another family. */
static const char *sockaddr_text(const struct tt_str *str, char *buf, size_t size)
{
	struct sockaddr_storage ss = { 0 };
	char addr[INET6_ADDRSTRLEN];
	size_t len = str->value.len < sizeof(ss) ? str->value.len : sizeof(ss);

	memcpy(&ss, str->value.data, len);
	if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)&ss;

		inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
		snprintf(buf, size, "%s:%u", addr, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, size, "[%s]:%u", addr, ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX && len > sizeof(sa_family_t)) {
		const char *path = (const char *)&ss + sizeof(sa_family_t);
		size_t n = strnlen(path, len - sizeof(sa_family_t));

		if (!n) /* abstract: @name, as strace */
			snprintf(buf, size, "@\"%.*s\"", (int)(len - sizeof(sa_family_t) - 1), path + 1);
		else
			snprintf(buf, size, "\"%.*s\"", (int)n, path);
	} else {
		return NULL;
	}
	return buf;
}

static const struct tt_str *find_str(const struct tt_syscall *sc, enum tt_str_kind kind)
{
	for (int i = 0; i < sc->nstr && i < TT_MAX_STRS; i++)
		if (sc->strs[i].kind == kind)
			return &sc->strs[i];
	return NULL;
}

/* The protocol of a socket(domain, type, protocol) as strace -yy names it,
 * "" for one it does not (never a guess). */
static void socket_proto(char *buf, size_t size, uint64_t domain, uint64_t type, uint64_t proto)
{
	int t = type & 0xf; /* SOCK_NONBLOCK and SOCK_CLOEXEC are above */
	const char *v6 = domain == AF_INET6 ? "v6" : "";

	buf[0] = 0;
	if (domain == AF_INET || domain == AF_INET6) {
		if (t == SOCK_STREAM && (proto == 0 || proto == IPPROTO_TCP))
			snprintf(buf, size, "TCP%s", v6);
		else if (t == SOCK_DGRAM && (proto == 0 || proto == IPPROTO_UDP))
			snprintf(buf, size, "UDP%s", v6);
	} else if (domain == AF_UNIX) {
		if (t == SOCK_STREAM)
			snprintf(buf, size, "UNIX-STREAM");
		else if (t == SOCK_DGRAM)
			snprintf(buf, size, "UNIX-DGRAM");
		else if (t == SOCK_SEQPACKET)
			snprintf(buf, size, "UNIX-SEQPACKET");
	} else if (domain == AF_NETLINK) {
		snprintf(buf, size, "NETLINK");
	}
}

/* Is text a wildcard address ("0.0.0.0:80", "[::]:80"), which an accepted
 * socket's own end is not? */
static bool is_wildcard(const char *text)
{
	return !strncmp(text, "0.0.0.0:", 8) || !strncmp(text, "[::]:", 5);
}

/*
 * sc's dirfd argument for its path argument i: the argument before a path
 * is a dirfd when the signature says so ('d'), as openat's. -1 for none.
 */
static int dirfd_arg(const struct fdtable *ft, int nr, int i)
{
	const char *sig = syscall_table__signature(ft->st, nr);

	return sig && i > 0 && (int)strnlen(sig, 6) > i && sig[i - 1] == 'd' ? i - 1 : -1;
}

enum fdtable_path fdtable__path(const struct fdtable *ft, const struct tt_syscall *sc, char *buf,
				size_t size)
{
	const struct tt_str *str = find_str(sc, TT_STR_PATH);
	const struct fd_entry *e;
	const char *base = NULL;
	size_t n;
	int d;

	if (!str || !size)
		return FDTABLE_PATH_NONE;
	n = str->value.len < size ? str->value.len : size - 1;
	if (n && str->value.data[0] == '/') {
		memcpy(buf, str->value.data, n);
		buf[n] = 0;
		path__normalize(buf);
		return FDTABLE_PATH_ABSOLUTE;
	}
	d = ft ? dirfd_arg(ft, sc->nr, str->arg) : -1;
	if (ft && (d < 0 || (int32_t)sc->args[d] == AT_FDCWD))
		base = fdtable__cwd(ft, sc->pid);
	else if (ft && !blind(ft) && (e = find_fd(ft, sc->pid, (int32_t)sc->args[d])) &&
		 e->kind == FD_PATH)
		base = e->name;
	if (base && snprintf(buf, size, "%s/%.*s", base, (int)str->value.len,
			     str->value.data) < (int)size) {
		path__normalize(buf);
		return FDTABLE_PATH_ABSOLUTE;
	}
	memcpy(buf, str->value.data, n);
	buf[n] = 0;
	path__normalize(buf);
	return FDTABLE_PATH_RELATIVE;
}

/*
 * What the fd that sc returns is, into *e (a fresh entry): the path of an
 * open, a socket's protocol, an accepted socket with its ends. Returns
 * false if sc returns no fd the trace names (then *e is left empty).
 */
static bool result_entry(const struct fdtable *ft, const struct tt_syscall *sc,
			 struct fd_entry *e)
{
	const struct syscall_fds *fds = &ft->nrs[sc->nr];
	const struct fd_entry *from;
	const struct tt_str *str;
	char buf[4096];

	memset(e, 0, sizeof(*e));
	if (sc->ret < 0 || (sc->flags & TT_SYSCALL_NORETURN))
		return false;
	if (fds->roles & SYSCALL_FD_OPEN) {
		if (fdtable__path(ft, sc, buf, sizeof(buf)) != FDTABLE_PATH_ABSOLUTE)
			return false;
		e->kind = FD_PATH;
		e->name = strdup(buf);
	} else if (fds->roles & SYSCALL_FD_SOCKET) {
		e->kind = FD_SOCKET;
		socket_proto(e->proto, sizeof(e->proto), sc->args[0], sc->args[1], sc->args[2]);
		entry__name_socket(e);
	} else if (fds->roles & SYSCALL_FD_ACCEPT) {
		from = find_fd(ft, sc->pid, (int32_t)sc->args[0]);
		if (!from || from->kind != FD_SOCKET)
			return false;
		e->kind = FD_SOCKET;
		memcpy(e->proto, from->proto, sizeof(e->proto));
		if (from->local && !is_wildcard(from->local))
			e->local = strdup(from->local);
		if ((str = find_str(sc, TT_STR_SOCKADDR)) && sockaddr_text(str, buf, sizeof(buf)))
			e->peer = strdup(buf);
		entry__name_socket(e);
	} else if ((fds->roles & SYSCALL_FD_DUP) ||
		   ((fds->roles & SYSCALL_FD_FCNTL) &&
		    (sc->args[1] == F_DUPFD || sc->args[1] == F_DUPFD_CLOEXEC))) {
		from = find_fd(ft, sc->pid, (int32_t)sc->args[fds->arg]);
		if (!from || entry__copy(e, from))
			return false;
		e->cloexec = sc->args[1] == F_DUPFD_CLOEXEC && (fds->roles & SYSCALL_FD_FCNTL);
	} else {
		return false;
	}
	if (fds->cloexec >= 0 && (fds->roles & (SYSCALL_FD_OPEN | SYSCALL_FD_SOCKET |
						SYSCALL_FD_ACCEPT | SYSCALL_FD_DUP)))
		e->cloexec = sc->args[fds->cloexec] & O_CLOEXEC;
	e->cloexec_unknown = (fds->roles & SYSCALL_FD_CLOEXEC_UNKNOWN) != 0;
	return true;
}

const char *fdtable__result_name(const struct fdtable *ft, const struct tt_syscall *sc,
				 char *buf, size_t size)
{
	struct fd_entry e;
	const char *ret = NULL;

	if (sc->nr >= SYSCALL_MAX_NR || blind(ft) || !result_entry(ft, sc, &e))
		return NULL;
	if (e.name && size) {
		snprintf(buf, size, "%s", e.name);
		ret = buf;
	}
	entry__clear(&e);
	return ret;
}

/* A socket's address from a successful bind, connect, getsockname... */
static void learn_address(struct fd_proc *p, const struct tt_syscall *sc, int32_t fd, bool peer)
{
	struct fd_entry *e = hmap__get(p->files->fds, &fd, sizeof(fd), false, NULL);
	const struct tt_str *str = find_str(sc, TT_STR_SOCKADDR);
	char buf[256];
	char **to;

	if (!e || e->kind != FD_SOCKET || !e->proto[0] || !str ||
	    !sockaddr_text(str, buf, sizeof(buf)))
		return; /* a socket of a protocol not known keeps its name */
	to = peer ? &e->peer : &e->local;
	free(*to);
	*to = strdup(buf);
	entry__name_socket(e);
}

/* A table of its own for p (close_range's CLOSE_RANGE_UNSHARE, exec). */
static void unshare_files(struct fd_proc *p, bool exec)
{
	struct files *copy;

	if (p->files->refs == 1 && !exec)
		return;
	copy = files__copy(p->files, exec);
	if (!copy)
		return;
	files__put(p->files);
	p->files = copy;
}

static void close_range(struct fd_proc *p, uint32_t first, uint32_t last, uint64_t flags)
{
	struct hmap_entry *e;

	if (flags & CLOSE_RANGE_UNSHARE)
		unshare_files(p, false);
	e = hmap__entries(p->files->fds, NULL);
	for (size_t i = 0; e && i < hmap__count(p->files->fds); i++) {
		int32_t fd = *(const int32_t *)e[i].key;

		if (fd < 0 || (uint32_t)fd < first || (uint32_t)fd > last)
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			((struct fd_entry *)e[i].value)->cloexec = true; /* known now */
		else
			e[i].value = NULL; /* deleted below: not while walking */
	}
	for (size_t i = 0, n = e ? hmap__count(p->files->fds) : 0; i < n; i++)
		if (!e[i].value)
			del_fd(p, *(const int32_t *)e[i].key);
	free(e);
}

static void set_cwd(struct fd_proc *p, const char *path)
{
	char *copy = path ? strdup(path) : NULL;

	free(p->cwd);
	p->cwd = copy;
}

static struct queued_fd *queue_at(struct fdtable *ft, uint64_t ts);

static void on_syscall(struct fdtable *ft, const struct tt_syscall *sc)
{
	const struct syscall_fds *fds;
	struct queued_fd *q;
	struct fd_proc *p;
	struct fd_entry e, *to;
	int32_t fd;
	bool ok = sc->ret >= 0 && !(sc->flags & TT_SYSCALL_NORETURN);
	char buf[4096];

	if (sc->nr >= SYSCALL_MAX_NR || !(fds = &ft->nrs[sc->nr])->roles || !(p = get_proc(ft, sc->pid)))
		return;
	fd = fds->arg >= 0 ? (int32_t)sc->args[fds->arg] : -1;
	if ((fds->roles & SYSCALL_FD_CONNECT) && (ok || sc->ret == -EINPROGRESS))
		learn_address(p, sc, fd, true);
	if ((fds->roles & SYSCALL_FD_LOCAL) && ok)
		learn_address(p, sc, fd, false);
	if ((fds->roles & SYSCALL_FD_CHDIR) && sc->ret == 0) {
		const struct fd_entry *d = fd >= 0 ? find_fd(ft, sc->pid, fd) : NULL;

		if (fds->arg >= 0)
			set_cwd(p, d && d->kind == FD_PATH ? d->name : NULL);
		else
			set_cwd(p, fdtable__path(ft, sc, buf, sizeof(buf)) == FDTABLE_PATH_ABSOLUTE ?
				   buf : NULL);
	}
	if ((fds->roles & SYSCALL_FD_FCNTL) && sc->args[1] == F_SETFD && sc->ret == 0 &&
	    (to = hmap__get(p->files->fds, &fd, sizeof(fd), false, NULL))) {
		to->cloexec = sc->args[2] & FD_CLOEXEC;
		to->cloexec_unknown = false;
	}
	if ((fds->roles & SYSCALL_FD_CLOSE_RANGE) && sc->ret == 0)
		close_range(p, sc->args[0], sc->args[1], sc->args[2]);
	if ((fds->roles & SYSCALL_FD_CLOSE) && sc->ret == 0)
		del_fd(p, fd);
	/* Whatever sc returns is a new fd, from the call's end: the number is
	 * free of what it held then. */
	if (ok && (fds->roles & (SYSCALL_FD_OPEN | SYSCALL_FD_NEW | SYSCALL_FD_SOCKET |
				 SYSCALL_FD_ACCEPT | SYSCALL_FD_DUP) ||
		   ((fds->roles & SYSCALL_FD_FCNTL) &&
		    (sc->args[1] == F_DUPFD || sc->args[1] == F_DUPFD_CLOEXEC)))) {
		bool known = result_entry(ft, sc, &e);

		if (!(q = queue_at(ft, sc->ts + sc->duration))) {
			entry__clear(&e);
			del_fd(p, (int32_t)sc->ret); /* out of memory: unknown */
			return;
		}
		q->what = QUEUED_NEW;
		q->pid = sc->pid;
		q->newfd = (int32_t)sc->ret;
		q->has_entry = known;
		q->entry = e;
	}
}

static void on_fork(struct fdtable *ft, const struct tt_fork *k)
{
	struct fd_proc *parent, *child;
	struct files *files;
	char *cwd;

	if (k->child_pid == k->parent_pid)
		return; /* a thread: its process's table */
	if ((child = find_proc(ft, k->child_pid))) { /* a pid used again */
		proc__clear(child);
		hmap__del(ft->procs, &k->child_pid, sizeof(k->child_pid));
	}
	parent = find_proc(ft, k->parent_pid);
	if (!parent)
		return; /* nothing known to inherit */
	if (k->clone_flags & CLONE_FILES) {
		files = parent->files;
		files->refs++;
	} else if (!(files = files__copy(parent->files, false))) {
		return;
	}
	cwd = parent->cwd ? strdup(parent->cwd) : NULL;
	child = hmap__get(ft->procs, &k->child_pid, sizeof(k->child_pid), true, NULL);
	if (!child) {
		files__put(files);
		free(cwd);
		return;
	}
	child->files = files;
	child->cwd = cwd;
}

/* An FD record: a prologue's fd, unless the trace already said what the
 * number holds (its own events come first). */
static void on_fd(struct fdtable *ft, const struct tt_fd *r)
{
	struct fd_proc *p = get_proc(ft, r->pid);
	struct fd_entry *e;
	size_t n;

	if (p && r->fd == TT_FD_CWD) { /* unless the trace's own chdir said */
		if (!p->cwd && r->kind == TT_FD_PATH && r->name.len && r->name.data[0] == '/')
			p->cwd = strndup(r->name.data, r->name.len);
		return;
	}
	if (!p || hmap__get(p->files->fds, &r->fd, sizeof(r->fd), false, NULL) ||
	    !(e = new_fd(p, r->fd)))
		return;
	e->kind = r->kind == TT_FD_PATH ? FD_PATH : r->kind == TT_FD_SOCKET ? FD_SOCKET : FD_OTHER;
	e->cloexec = r->flags & TT_FD_CLOEXEC;
	e->name = r->name.len ? strndup(r->name.data, r->name.len) : NULL;
	if (e->kind == FD_PATH && (!e->name || e->name[0] != '/'))
		e->kind = FD_OTHER;
	/* "TCP:[...]": its protocol, for the sockets accept gives */
	if (e->kind == FD_SOCKET && e->name && (n = strcspn(e->name, ":")) < sizeof(e->proto) &&
	    e->name[n] == ':')
		memcpy(e->proto, e->name, n);
}

/* A slot in the queue for time ts, after those of the same time; NULL on
 * ENOMEM. */
static struct queued_fd *queue_at(struct fdtable *ft, uint64_t ts)
{
	struct queued_fd *q;
	size_t i;

	if (ft->head == ft->nqueue)
		ft->head = ft->nqueue = 0;
	if (ft->nqueue == ft->capqueue) {
		size_t cap = ft->capqueue ? ft->capqueue * 2 : 256;

		if (!(q = realloc(ft->queue, cap * sizeof(*q))))
			return NULL;
		ft->queue = q;
		ft->capqueue = cap;
	}
	/* nearly always at the end: files, then losses, come in time order */
	for (i = ft->nqueue; i > ft->head && ft->queue[i - 1].ts > ts; i--)
		;
	memmove(&ft->queue[i + 1], &ft->queue[i], (ft->nqueue - i) * sizeof(*q));
	ft->nqueue++;
	q = &ft->queue[i];
	memset(q, 0, sizeof(*q));
	q->ts = ts;
	return q;
}

void fdtable__prologue(struct fdtable *ft, const struct tt_fd *fd, uint64_t ts)
{
	struct queued_fd *q;
	char *name = NULL;

	if (fd->name.len && !(name = malloc(fd->name.len)))
		return; /* out of memory: the fd stays unknown */
	if (!(q = queue_at(ft, ts))) {
		free(name);
		return;
	}
	if (name)
		memcpy(name, fd->name.data, fd->name.len);
	q->what = QUEUED_FD;
	q->fd = *fd;
	q->fd.name.data = name;
}

void fdtable__blind(struct fdtable *ft, uint64_t from, uint64_t to)
{
	struct queued_fd *q = queue_at(ft, from);

	if (q) {
		q->what = QUEUED_BLIND;
		q->until = to;
	} else { /* out of memory: blind from now on, rather than wrong */
		ft->blind_until = UINT64_MAX;
	}
}

/* Every fd and cwd, of every process, unknown. */
static void forget_all(struct fdtable *ft)
{
	struct hmap_entry *e = hmap__entries(ft->procs, NULL);

	for (size_t i = 0; e && i < hmap__count(ft->procs); i++) {
		struct fd_proc *p = e[i].value;

		close_range(p, 0, UINT32_MAX, 0);
		set_cwd(p, NULL);
	}
	free(e);
}

void fdtable__advance(struct fdtable *ft, uint64_t ts)
{
	if (ts > ft->now)
		ft->now = ts;
	while (ft->head < ft->nqueue && ft->queue[ft->head].ts <= ts) {
		struct queued_fd q = ft->queue[ft->head++];

		if (q.what == QUEUED_FD) {
			on_fd(ft, &q.fd);
			free((char *)q.fd.name.data);
			continue;
		}
		if (q.what == QUEUED_NEW) {
			struct fd_proc *p = get_proc(ft, q.pid);
			struct fd_entry *to = p ? new_fd(p, q.newfd) : NULL;

			if (to && q.has_entry)
				*to = q.entry;
			else
				entry__clear(&q.entry);
			if (to && !q.has_entry)
				del_fd(p, q.newfd);
			continue;
		}
		forget_all(ft);
		/* a spell's end forgets again what it learnt while blind */
		if (q.what == QUEUED_BLIND && q.until > ft->blind_until) {
			struct queued_fd *see = q.until == UINT64_MAX ? NULL :
						queue_at(ft, q.until);

			ft->blind_until = see || q.until == UINT64_MAX ? q.until : UINT64_MAX;
			if (see)
				see->what = QUEUED_SEE;
		}
	}
}

void fdtable__update(struct fdtable *ft, const struct tt_record *rec)
{
	struct fd_proc *p;

	if (rec->type != TT_REC_FD)
		fdtable__advance(ft, tt_record__ts(rec)); /* what ended before it */

	switch (rec->type) {
	case TT_REC_SYSCALL:
		on_syscall(ft, &rec->syscall);
		break;
	case TT_REC_FORK:
		on_fork(ft, &rec->fork);
		break;
	case TT_REC_EXEC:
		if (!rec->exec.ret && (p = find_proc(ft, rec->exec.pid)))
			unshare_files(p, true);
		break;
	case TT_REC_EXIT:
		if (rec->exit.group_dead && (p = find_proc(ft, rec->exit.pid))) {
			proc__clear(p);
			hmap__del(ft->procs, &rec->exit.pid, sizeof(rec->exit.pid));
		}
		break;
	case TT_REC_FD:
		on_fd(ft, &rec->fd);
		break;
	}
}
