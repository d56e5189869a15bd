// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup2.h"
#include "procfds.h"
#include "proctrack.h"

/* A thread with a name of its own (not its process's), and since when. */
struct thread_name {
	uint32_t tid;
	uint64_t ts;
	char comm[TT_COMM_SIZE];
};

struct proc {
	struct proc *next;
	struct tt_proc p;
	char comm[TT_COMM_SIZE];
	char *exe;
	bool exe_cut; /* exe is cut short (an exec's filename at its limit) */
	char *argv;
	bool dead; /* exited: still listed for events in flight (DEAD_GRACE_NS) */
	uint64_t died_ns;
	uint64_t exec_ns; /* time of the exec that set exe and argv, 0 if none seen */
	struct thread_name *threads; /* its threads named otherwise, for prologues */
	int nthreads, capthreads;
	struct recent_exec *recent; /* its last exec, while recent (RESTATE_NS) */
	/* The name before its last rename, and when that came: an exec
	 * renames the task just before its exec event. */
	char comm_before_rename[TT_COMM_SIZE];
	uint64_t renamed_ns;
};

/*
 * An exec less than RESTATE_NS before rec's position: events from before it
 * may still be on their way, to land in the next file. That file's
 * prologue then lists the process as it was before its oldest such exec
 * (before_*) and restates each, so that those events are named as they
 * were, even in the file read alone. Kept in a queue in the order they
 * came, and let go as rec's position passes them.
 */
struct recent_exec {
	struct recent_exec *next;
	struct recent_exec *older, *newer; /* the same process's recent execs */
	struct tt_exec exec;
	char *filename, *argv;
	char before_comm[TT_COMM_SIZE];
	char *before_exe, *before_argv;
	size_t before_exe_len, before_argv_len;
	bool before_exe_cut;
};

/*
 * What a prologue holds is decided by rec's position in event time (see
 * position()), never by the clock: a rec lagging behind the kernel has not
 * yet written what the clock says is past.
 *
 * The position is exact: every event made before it has been read. Each
 * batch a CPU ships carries its shipping mark (bpf/events.h, ev_batch
 * shipped_ts): every event that CPU made before the mark is in that batch
 * or an earlier one of the CPU's ring, a queue rec reads in order. rec's
 * flusher visits every CPU it can run on each FLUSHER_PERIOD_NS and ships
 * its batch, or a batch of no events, marked then, so that an idle CPU's
 * mark moves on too; an exec ships at once, marked at its time. The
 * position is the least mark of the CPUs the flusher reaches (0 until it
 * has reported them), however long a batch was held or rec lagged.
 *
 * A dead process is listed, with its exit time, until the position is
 * DEAD_GRACE_NS past its exit. Past its exit, every event it made has been
 * read; the grace is for the packets of its sockets, which the kernel sends
 * as its files close, after its exit, through the packet ring (no marks
 * there): a reader of the next file alone names them only if it is listed.
 *
 * An exec is restated while rec's position is less than RESTATE_NS past it:
 * the reorder window of readers (replay/reorder.h, 1 s). A reader of the
 * whole recording names an event from before an exec by the old image only
 * while that exec is in its window; a reader of the next file alone does so
 * only if the exec is restated (the execve call itself began before its
 * exec and ends after it). Restating an exec that nothing older follows
 * changes no name, so the margin costs nothing but the records. A rename of
 * a process since its last exec is restated the same way.
 *
 * What the marks leave out: a CPU the flusher cannot run on (offline, or
 * outside rec's cpuset) is not waited for, since nothing would move its
 * mark while it is idle: its events count only when its own batches ship.
 * Packets and function calls come through rings of their own, unmarked.
 */
#define DEAD_GRACE_NS 500000000ull
#define RESTATE_NS 1000000000ull

struct cgroup {
	struct cgroup *next;
	uint64_t id;
	char *path;
	bool written; /* in the current file already */
};

#define NBUCKETS 4096 /* chains stay short for tens of thousands of tasks */

struct proctrack {
	struct proc *procs[NBUCKETS];
	struct cgroup *cgroups[NBUCKETS];
	int nprocs;
	char cgroot[PATH_MAX]; /* the cgroup2 mount point, "" if none */
	int64_t boot_to_mono_ns; /* CLOCK_MONOTONIC - CLOCK_BOOTTIME */
	proctrack_filter_fn filter;
	void *ctx;
	struct recent_exec *recent_head, *recent_tail;
	/* Per possible CPU, its shipping mark as read, and whether the
	 * position waits for it (the flusher reaches it). */
	uint64_t *marks;
	bool *watched;
	int ncpus;
	uint64_t pos;   /* their least mark, as position() last found it */
	bool pos_stale; /* a mark that may have been the least has moved */
};

static unsigned int hash(uint64_t key)
{
	return (unsigned int)((key * 0x9E3779B97F4A7C15ull) >> 52) & (NBUCKETS - 1);
}

static struct proc **proc_slot(struct proctrack *t, uint32_t pid)
{
	struct proc **pp = &t->procs[hash(pid)];

	while (*pp && (*pp)->p.pid != pid)
		pp = &(*pp)->next;
	return pp;
}

static struct proc *proc_get(struct proctrack *t, uint32_t pid, bool create)
{
	struct proc **pp = proc_slot(t, pid);

	if (!*pp && create) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			return NULL;
		(*pp)->p.pid = pid;
		t->nprocs++;
	}
	return *pp;
}

static void proc_set_bytes(char **dst, struct tt_bytes *b, const char *src, size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return; /* keep the old value rather than fail the recording */
	memcpy(copy, src, len);
	copy[len] = 0;
	free(*dst);
	*dst = copy;
	b->data = copy;
	b->len = len;
}

static void proc_set_comm(struct proc *p, const char *comm)
{
	size_t n = strnlen(comm, TT_COMM_SIZE - 1);

	memcpy(p->comm, comm, n);
	p->comm[n] = 0;
	p->p.comm.data = p->comm;
	p->p.comm.len = n;
}

static void proc_free(struct proc *p)
{
	free(p->exe);
	free(p->argv);
	free(p->threads);
	free(p);
}

static char *dup_bytes(const char *data, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		memcpy(c, data ? data : "", len);
		c[len] = 0;
	}
	return c;
}

static int64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void recent_free(struct recent_exec *r)
{
	free(r->filename);
	free(r->argv);
	free(r->before_exe);
	free(r->before_argv);
	free(r);
}

/* Keep exec e, and what p was before it, for the next prologue. */
static void recent_add(struct proctrack *t, struct proc *p, const struct tt_exec *e)
{
	struct recent_exec *r = calloc(1, sizeof(*r));

	if (!r)
		return; /* the prologue lists it as it is now */
	r->exec = *e;
	/* A restatement names the new image: the environment stays with
	 * the exec's own record. */
	r->exec.flags &= ~(TT_EXEC_ENVP | TT_EXEC_ENVP_TRUNCATED);
	r->exec.nenv = 0;
	r->exec.envp = (struct tt_bytes){ 0 };
	r->filename = dup_bytes(e->filename.data, e->filename.len);
	r->argv = dup_bytes(e->argv.data, e->argv.len);
	/* Its name before the exec's own rename, if that came first. */
	memcpy(r->before_comm, p->renamed_ns > p->exec_ns ? p->comm_before_rename : p->comm,
	       TT_COMM_SIZE);
	r->before_exe = dup_bytes(p->exe, p->p.exe.len);
	r->before_exe_len = p->p.exe.len;
	r->before_exe_cut = p->exe_cut;
	r->before_argv = dup_bytes(p->argv, p->p.argv.len);
	r->before_argv_len = p->p.argv.len;
	if (!r->filename || !r->argv || !r->before_exe || !r->before_argv) {
		recent_free(r);
		return;
	}
	if (t->recent_tail)
		t->recent_tail->next = r;
	else
		t->recent_head = r;
	t->recent_tail = r;
	r->older = p->recent;
	if (p->recent)
		p->recent->newer = r;
	p->recent = r;
}

/*
 * The fork of p, read after its exec: what p was before its first recent
 * exec, unknown then, was a copy of its parent (the exec ships at once, the
 * fork in its CPU's batch, so this is common).
 */
static void recent_set_before(struct proc *p, const struct tt_fork *f, const struct proc *parent)
{
	struct recent_exec *r = p->recent;
	char *exe, *argv;

	while (r && r->older)
		r = r->older;
	if (!r || r->exec.ts < f->ts || r->before_comm[0] || r->before_argv_len)
		return;
	exe = dup_bytes(parent ? parent->exe : NULL, parent ? parent->p.exe.len : 0);
	argv = dup_bytes(parent ? parent->argv : NULL, parent ? parent->p.argv.len : 0);
	if (!exe || !argv) {
		free(exe);
		free(argv);
		return;
	}
	memcpy(r->before_comm, f->comm, TT_COMM_SIZE);
	free(r->before_exe);
	free(r->before_argv);
	r->before_exe = exe;
	r->before_exe_len = parent ? parent->p.exe.len : 0;
	r->before_exe_cut = parent && parent->exe_cut;
	r->before_argv = argv;
	r->before_argv_len = parent ? parent->p.argv.len : 0;
}

/* rec's position in event time: every event made before it has been read
 * (the least shipping mark of the CPUs waited for); 0 before any is. Found
 * again only when the CPU that held it back has moved on. */
static uint64_t position(struct proctrack *t)
{
	uint64_t pos = UINT64_MAX;

	if (!t->pos_stale)
		return t->pos;
	for (int cpu = 0; cpu < t->ncpus; cpu++)
		if (t->watched[cpu] && t->marks[cpu] < pos)
			pos = t->marks[cpu];
	t->pos = pos == UINT64_MAX ? 0 : pos;
	t->pos_stale = false;
	return t->pos;
}

/* Was p renamed (after its last exec) less than RESTATE_NS before rec's
 * position? Restated like an exec: an exec's own rename comes just before
 * it, and calls from before either may still be on their way. */
static bool recent_rename(struct proctrack *t, const struct proc *p)
{
	return p->renamed_ns && p->renamed_ns >= p->exec_ns &&
	       p->renamed_ns + RESTATE_NS > position(t);
}

int proctrack__watch_cpus(struct proctrack *t, const bool *watched, int ncpus)
{
	if (ncpus != t->ncpus) {
		uint64_t *marks = calloc(ncpus, sizeof(*marks));
		bool *w = calloc(ncpus, sizeof(*w));

		if (!marks || !w) {
			free(marks);
			free(w);
			return -ENOMEM;
		}
		for (int cpu = 0; cpu < ncpus && cpu < t->ncpus; cpu++)
			marks[cpu] = t->marks[cpu];
		free(t->marks);
		free(t->watched);
		t->marks = marks;
		t->watched = w;
		t->ncpus = ncpus;
	}
	memcpy(t->watched, watched, ncpus * sizeof(*watched));
	t->pos_stale = true;
	return 0;
}

void proctrack__shipped(struct proctrack *t, uint32_t cpu, uint64_t ts)
{
	if (cpu >= (uint32_t)t->ncpus || ts <= t->marks[cpu])
		return;
	if (t->marks[cpu] <= t->pos) /* it may have held the position back */
		t->pos_stale = true;
	t->marks[cpu] = ts;
}

/* Let go of the execs RESTATE_NS or more before rec's position. */
static void recent_expire(struct proctrack *t)
{
	uint64_t pos = position(t);

	while (t->recent_head && t->recent_head->exec.ts + RESTATE_NS <= pos) {
		struct recent_exec *r = t->recent_head;
		struct proc *p = proc_get(t, r->exec.pid, false);

		if (r->newer)
			r->newer->older = NULL;
		if (p && p->recent == r)
			p->recent = NULL;
		t->recent_head = r->next;
		if (!t->recent_head)
			t->recent_tail = NULL;
		recent_free(r);
	}
}

/* Thread tid of p is named comm since ts; a thread named as its process
 * needs no entry. */
static void thread_set(struct proc *p, uint32_t tid, uint64_t ts, const char *comm)
{
	int i;

	for (i = 0; i < p->nthreads && p->threads[i].tid != tid; i++)
		;
	if (!strncmp(comm, p->comm, TT_COMM_SIZE)) {
		if (i < p->nthreads)
			p->threads[i] = p->threads[--p->nthreads];
		return;
	}
	if (i == p->nthreads) {
		if (p->nthreads == p->capthreads) {
			int cap = p->capthreads ? 2 * p->capthreads : 4;
			struct thread_name *v = realloc(p->threads, cap * sizeof(*v));

			if (!v)
				return; /* the thread's events show the process's name */
			p->threads = v;
			p->capthreads = cap;
		}
		p->nthreads++;
	}
	p->threads[i].tid = tid;
	p->threads[i].ts = ts;
	memset(p->threads[i].comm, 0, TT_COMM_SIZE); /* NUL-padded, as records want */
	memcpy(p->threads[i].comm, comm, strnlen(comm, TT_COMM_SIZE));
}

static void thread_drop(struct proc *p, uint32_t tid)
{
	for (int i = 0; i < p->nthreads; i++) {
		if (p->threads[i].tid == tid) {
			p->threads[i] = p->threads[--p->nthreads];
			return;
		}
	}
}

static struct cgroup *cgroup_get(struct proctrack *t, uint64_t id)
{
	struct cgroup *c = t->cgroups[hash(id)];

	while (c && c->id != id)
		c = c->next;
	return c;
}

static struct cgroup *cgroup_put(struct proctrack *t, uint64_t id, const char *path)
{
	struct cgroup *c = cgroup_get(t, id);

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return NULL;
	}
	c->id = id;
	c->next = t->cgroups[hash(id)];
	t->cgroups[hash(id)] = c;
	return c;
}

static int walk_one(void *ctx, const char *path, uint64_t id)
{
	cgroup_put(ctx, id, path);
	return 0;
}

static void walk_cgroups(struct proctrack *t)
{
	cgroup2__walk(t->cgroot, "/", walk_one, t);
}

struct proctrack *proctrack__new(proctrack_filter_fn filter, void *ctx)
{
	struct proctrack *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->filter = filter;
	t->ctx = ctx;
	t->boot_to_mono_ns = clock_ns(CLOCK_MONOTONIC) - clock_ns(CLOCK_BOOTTIME);
	if (cgroup2__mount(t->cgroot, sizeof(t->cgroot)))
		t->cgroot[0] = 0;
	if (t->cgroot[0])
		walk_cgroups(t);
	return t;
}

void proctrack__free(struct proctrack *t)
{
	if (!t)
		return;
	for (int i = 0; i < NBUCKETS; i++) {
		for (struct proc *p = t->procs[i], *n; p; p = n) {
			n = p->next;
			proc_free(p);
		}
		for (struct cgroup *c = t->cgroups[i], *n; c; c = n) {
			n = c->next;
			free(c->path);
			free(c);
		}
	}
	for (struct recent_exec *r = t->recent_head, *n; r; r = n) {
		n = r->next;
		recent_free(r);
	}
	free(t->marks);
	free(t->watched);
	free(t);
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < size && (n = read(fd, buf + total, size - total)) > 0)
		total += n;
	close(fd);
	return total;
}

static uint64_t cgroup_of(struct proctrack *t, uint32_t pid)
{
	char path[64], buf[PATH_MAX + 8], full[PATH_MAX * 2];
	struct stat st;
	ssize_t n;
	char *line;

	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0 || !t->cgroot[0])
		return 0;
	buf[n] = 0;
	/* The unified hierarchy's line is "0::/path". */
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "0::", 3))
			continue;
		snprintf(full, sizeof(full), "%s%s", t->cgroot, line + 3);
		if (stat(full, &st))
			return 0;
		cgroup_put(t, st.st_ino, line[3] && strcmp(line + 3, "/") ? line + 3 : "/");
		return st.st_ino;
	}
	return 0;
}

/* The threads of p that have names of their own (a JVM's, a browser's). */
static void scan_threads(struct proctrack *t, struct proc *p)
{
	char path[64], comm[TT_COMM_SIZE + 1];
	uint64_t now;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%u/task", p->p.pid);
	d = opendir(path);
	if (!d)
		return;
	now = clock_ns(CLOCK_MONOTONIC); /* the clock of the events' times */
	while ((de = readdir(d))) {
		unsigned long tid = strtoul(de->d_name, NULL, 10);
		ssize_t n;

		if (!tid || tid == p->p.pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%u/task/%lu/comm", p->p.pid, tid);
		n = read_file(path, comm, sizeof(comm));
		if (n <= 0)
			continue;
		comm[n - (comm[n - 1] == '\n')] = 0;
		thread_set(p, tid, now, comm);
	}
	closedir(d);
	(void)t;
}

int proctrack__add_pid(struct proctrack *t, uint32_t pid)
{
	static long ticks;
	char path[64], buf[8192];
	struct stat st;
	struct proc *p;
	unsigned long long start;
	unsigned int ppid;
	ssize_t n;
	char *s;

	if (!ticks)
		ticks = sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? (int)n : -ENOENT;
	buf[n] = 0;
	/* comm may hold spaces and parentheses: parse after the last ')'. */
	s = strrchr(buf, ')');
	if (!s || sscanf(s + 2, "%*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &ppid, &start) != 2)
		return -EINVAL;
	p = proc_get(t, pid, true);
	if (!p)
		return -ENOMEM;
	p->p.ppid = ppid;
	p->p.start_ns = start * (1000000000ull / ticks) + t->boot_to_mono_ns;
	*s = 0;
	proc_set_comm(p, strchr(buf, '(') ? strchr(buf, '(') + 1 : "");

	snprintf(path, sizeof(path), "/proc/%u", pid);
	if (!stat(path, &st)) {
		p->p.uid = st.st_uid;
		p->p.gid = st.st_gid;
	}
	/* rec's own child (rec -- CMD), waiting to exec, is still a copy of
	 * rec: its image is not the command's, and is left empty. */
	p->exe_cut = false;
	if (ppid == (unsigned int)getpid()) {
		proc_set_bytes(&p->exe, &p->p.exe, "", 0);
		proc_set_bytes(&p->argv, &p->p.argv, "", 0);
	} else {
		snprintf(path, sizeof(path), "/proc/%u/exe", pid);
		n = readlink(path, buf, sizeof(buf) - 1);
		proc_set_bytes(&p->exe, &p->p.exe, buf, n > 0 ? n : 0);
		p->exe_cut = n == (ssize_t)sizeof(buf) - 1; /* readlink cuts silently */
		snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
		n = read_file(path, buf, sizeof(buf));
		proc_set_bytes(&p->argv, &p->p.argv, buf, n > 0 ? n : 0);
	}
	p->p.cgroup_id = cgroup_of(t, pid);
	scan_threads(t, p);
	return 0;
}

static void drop(struct proctrack *t, uint32_t pid);

int proctrack__scan(struct proctrack *t)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid)
			continue;
		/* it may be gone already */
		if (!proctrack__add_pid(t, pid) && t->filter) {
			struct proc *p = proc_get(t, pid, false);

			if (p && !t->filter(&p->p, t->ctx))
				drop(t, pid);
		}
	}
	closedir(d);
	return 0;
}

/*
 * Fork, exec and exit come in per-CPU batches: a child's exec or exit, made
 * on another CPU, can arrive before the fork that made it. Each is applied
 * by its time, not its arrival: a fork never overwrites what a later exec
 * set, and never brings back a process whose exit came after it.
 */
void proctrack__on_fork(struct proctrack *t, const struct tt_fork *f)
{
	struct proc *parent, *p;

	if (f->child_pid == f->parent_pid) {
		/* A new thread, named after the thread that made it. */
		p = proc_get(t, f->child_pid, false);
		if (p)
			thread_set(p, f->child_tid, f->ts, f->comm);
		return;
	}
	p = proc_get(t, f->child_pid, false);
	if (p && (p->exec_ns > f->ts || (p->dead && p->died_ns >= f->ts))) {
		p->p.ppid = f->parent_pid;
		p->p.start_ns = f->ts;
		recent_set_before(p, f, proc_get(t, f->parent_pid, false));
		return; /* its own exec or exit came first: they stand */
	}
	p = proc_get(t, f->child_pid, true);
	if (!p)
		return;
	parent = proc_get(t, f->parent_pid, false);
	p->dead = false; /* a new process, maybe on a reused pid */
	p->exec_ns = 0;
	p->recent = NULL;
	p->p.ppid = f->parent_pid;
	p->p.uid = f->uid;
	p->p.gid = f->gid;
	p->p.start_ns = f->ts;
	p->p.cgroup_id = f->cgroup_id;
	proc_set_comm(p, f->comm);
	proc_set_bytes(&p->exe, &p->p.exe, parent && parent->p.exe.data ? parent->p.exe.data : "",
		       parent ? parent->p.exe.len : 0);
	p->exe_cut = parent && parent->exe_cut;
	proc_set_bytes(&p->argv, &p->p.argv, parent && parent->p.argv.data ? parent->p.argv.data : "",
		       parent ? parent->p.argv.len : 0);
}

void proctrack__on_exec(struct proctrack *t, const struct tt_exec *e)
{
	struct proc *p;

	if (e->ret)
		return; /* a failed exec changes nothing */
	p = proc_get(t, e->pid, true);
	if (!p || e->ts < p->exec_ns)
		return; /* a later exec of it came first */
	if (p->dead && p->died_ns < e->ts)
		p->dead = false; /* a new process on a reused pid, its fork still on its way */
	recent_expire(t);
	recent_add(t, p, e);
	p->exec_ns = e->ts;
	p->nthreads = 0; /* exec ends every other thread */
	p->p.ppid = e->ppid;
	p->p.uid = e->uid;
	p->p.gid = e->gid;
	p->p.cgroup_id = e->cgroup_id;
	if (!p->p.start_ns)
		p->p.start_ns = e->ts;
	proc_set_comm(p, e->comm);
	proc_set_bytes(&p->exe, &p->p.exe, e->filename.data, e->filename.len);
	p->exe_cut = e->flags & TT_EXEC_FILENAME_TRUNCATED;
	proc_set_bytes(&p->argv, &p->p.argv, e->argv.data ?: "", e->argv.len);
}

/*
 * Events reach rec in per-CPU batches, so a process's last syscalls can
 * arrive after its exit, and land in the next file: it stays in the table,
 * listed with its exit, until the position is DEAD_GRACE_NS past its exit.
 */
void proctrack__on_exit(struct proctrack *t, const struct tt_exit *e)
{
	struct proc *p;

	p = proc_get(t, e->pid, false);
	if (!e->group_dead) {
		if (p)
			thread_drop(p, e->tid);
		return;
	}
	if (p && e->ts >= p->p.start_ns) { /* not an older process of a reused pid */
		p->dead = true;
		p->died_ns = e->ts;
	}
}

void proctrack__on_rename(struct proctrack *t, const struct tt_rename *r)
{
	struct proc *p;

	p = proc_get(t, r->pid, false);
	/* Not one an exec made later, whose name came first from another CPU. */
	if (!p || r->ts < p->exec_ns)
		return;
	if (r->tid != r->pid) {
		thread_set(p, r->tid, r->ts, r->comm);
		return;
	}
	memcpy(p->comm_before_rename, p->comm, TT_COMM_SIZE);
	p->renamed_ns = r->ts;
	proc_set_comm(p, r->comm);
}

static void drop(struct proctrack *t, uint32_t pid)
{
	struct proc **pp = proc_slot(t, pid), *p = *pp;

	if (!p)
		return;
	*pp = p->next;
	proc_free(p);
	t->nprocs--;
}

static void drop_dead(struct proctrack *t)
{
	uint64_t pos = position(t);

	for (int i = 0; i < NBUCKETS; i++) {
		struct proc **pp = &t->procs[i];

		while (*pp) {
			struct proc *p = *pp;

			if (!p->dead || p->died_ns + DEAD_GRACE_NS > pos) {
				pp = &p->next;
				continue;
			}
			drop(t, p->p.pid);
		}
	}
}

void proctrack__expire(struct proctrack *t)
{
	recent_expire(t);
	drop_dead(t);
}

/* cgroup_get, walking the hierarchy again for one created since. */
static struct cgroup *cgroup_find(struct proctrack *t, uint64_t id)
{
	struct cgroup *c = cgroup_get(t, id);

	if (!c && id && t->cgroot[0]) {
		walk_cgroups(t);
		c = cgroup_get(t, id);
	}
	return c;
}

const char *proctrack__cgroup_path(struct proctrack *t, uint64_t id)
{
	struct cgroup *c = cgroup_find(t, id);

	return c ? c->path : NULL;
}

bool proctrack__new_cgroup(struct proctrack *t, uint64_t id, struct tt_record *rec)
{
	struct cgroup *c;

	if (!id)
		return false;
	c = cgroup_find(t, id);
	if (!c || c->written)
		return false;
	c->written = true;
	memset(rec, 0, sizeof(*rec));
	rec->type = TT_REC_CGROUP;
	rec->cgroup.id = id;
	rec->cgroup.path.data = c->path;
	rec->cgroup.path.len = strlen(c->path);
	return true;
}


/*
 * The cwd and fds of each live process as /proc has them now (FD records):
 * read again for every file, so that each file's prologue says what a
 * reader of it alone needs. A dead process's are gone from /proc.
 */
static int prologue_fds(struct proctrack *t, proctrack_emit_fn emit, void *ctx)
{
	struct procfds *s = procfds__new();
	int err = 0;

	for (int i = 0; s && !err && i < NBUCKETS; i++)
		for (struct proc *p = t->procs[i]; p && !err; p = p->next)
			if (!p->dead)
				err = procfds__emit(s, p->p.pid, emit, ctx);
	procfds__free(s);
	return err;
}

int proctrack__prologue(struct proctrack *t, proctrack_emit_fn emit, void *ctx)
{
	struct tt_record rec;
	int err;

	/* What the position has passed is let go first: a process dead since
	 * before it (and the grace) has no event left to name in this file. */
	proctrack__expire(t);
	for (int i = 0; i < NBUCKETS; i++)
		for (struct cgroup *c = t->cgroups[i]; c; c = c->next)
			c->written = false;
	for (int i = 0; i < NBUCKETS; i++) {
		for (struct proc *p = t->procs[i]; p; p = p->next) {
			if (proctrack__new_cgroup(t, p->p.cgroup_id, &rec) && (err = emit(&rec, ctx)))
				return err;
		}
	}
	for (int i = 0; i < NBUCKETS; i++) {
		for (struct proc *p = t->procs[i]; p; p = p->next) {
			memset(&rec, 0, sizeof(rec));
			rec.type = TT_REC_PROC;
			rec.proc = p->p;
			rec.proc.exit_ns = p->dead ? p->died_ns : 0;
			if (recent_rename(t, p) && !p->recent) /* as before it */
				rec.proc.comm = (struct tt_bytes){
					p->comm_before_rename,
					strnlen(p->comm_before_rename, TT_COMM_SIZE) };
			if (p->recent) {
				/* As it was before its recent execs, which follow
				 * (a dead one's too: its events may be in flight). */
				struct recent_exec *r = p->recent;

				while (r->older)
					r = r->older;
				rec.proc.comm = (struct tt_bytes){ r->before_comm,
								   strnlen(r->before_comm, TT_COMM_SIZE) };
				rec.proc.exe = (struct tt_bytes){ r->before_exe, r->before_exe_len };
				rec.proc.argv = (struct tt_bytes){ r->before_argv, r->before_argv_len };
			}
			if ((err = emit(&rec, ctx)))
				return err;
		}
	}
	if ((err = prologue_fds(t, emit, ctx)))
		return err;
	/* Then the recent execs, and the names of threads named otherwise,
	 * as at the file's start: restated (cpu TT_CPU_ANY), not events. */
	for (int i = 0; i < NBUCKETS; i++) {
		for (struct proc *p = t->procs[i]; p; p = p->next) {
			struct recent_exec *r = p->recent;

			while (r && r->older)
				r = r->older;
			for (; r; r = r->newer) { /* oldest first */
				memset(&rec, 0, sizeof(rec));
				rec.type = TT_REC_EXEC;
				rec.exec = r->exec;
				rec.exec.cpu = TT_CPU_ANY;
				rec.exec.filename = (struct tt_bytes){ r->filename, r->exec.filename.len };
				rec.exec.argv = (struct tt_bytes){ r->argv, r->exec.argv.len };
				if ((err = emit(&rec, ctx)))
					return err;
			}
			if (recent_rename(t, p)) {
				memset(&rec, 0, sizeof(rec));
				rec.type = TT_REC_RENAME;
				rec.rename.ts = p->renamed_ns;
				rec.rename.pid = rec.rename.tid = p->p.pid;
				rec.rename.cpu = TT_CPU_ANY;
				memcpy(rec.rename.comm, p->comm, TT_COMM_SIZE);
				if ((err = emit(&rec, ctx)))
					return err;
			}
			for (int k = 0; k < p->nthreads && !p->dead; k++) {
				memset(&rec, 0, sizeof(rec));
				rec.type = TT_REC_RENAME;
				rec.rename.ts = p->threads[k].ts;
				rec.rename.pid = p->p.pid;
				rec.rename.tid = p->threads[k].tid;
				rec.rename.cpu = TT_CPU_ANY;
				memcpy(rec.rename.comm, p->threads[k].comm, TT_COMM_SIZE);
				if ((err = emit(&rec, ctx)))
					return err;
			}
		}
	}
	return 0;
}

static bool comm_is(const char *a, const char *b)
{
	return !strncmp(a, b, TT_COMM_SIZE);
}

/* Did a thread of p have the name comm since its last exec? */
static bool comm_of_image(const struct proc *p, const char *comm)
{
	if (comm_is(comm, p->comm))
		return true;
	if (p->renamed_ns && p->renamed_ns >= p->exec_ns && comm_is(comm, p->comm_before_rename))
		return true;
	for (int i = 0; i < p->nthreads; i++)
		if (comm_is(comm, p->threads[i].comm))
			return true;
	return false;
}

/*
 * Which image ran at ts: the current one from the last exec on, a recent
 * exec's before that, and before the oldest recent exec what came before it,
 * but only while no exec after ts can have been let go (RESTATE_NS). After
 * its exit, the pid may be a new process whose fork is still on its way:
 * the dead one's image only for a name it had (its sockets' last packets,
 * sent as its files close).
 */
const char *proctrack__exe_at(struct proctrack *t, uint32_t pid, uint64_t ts, const char *comm,
			      size_t *len)
{
	struct proc *p = proc_get(t, pid, false);
	const struct recent_exec *r;
	const char *exe;
	size_t n;
	bool cut;

	if (!p || ts < p->p.start_ns)
		return NULL;
	if (ts >= p->exec_ns) {
		if (p->dead && ts > p->died_ns && !comm_of_image(p, comm))
			return NULL;
		exe = p->exe, n = p->p.exe.len, cut = p->exe_cut;
	} else {
		/* none kept, or not the last (out of memory): no history */
		if (!p->recent || p->recent->exec.ts != p->exec_ns)
			return NULL;
		for (r = p->recent; r->exec.ts > ts && r->older; r = r->older)
			;
		if (r->exec.ts <= ts) {
			exe = r->filename, n = r->exec.filename.len;
			cut = r->exec.flags & TT_EXEC_FILENAME_TRUNCATED;
		} else {
			if (ts + RESTATE_NS <= position(t))
				return NULL;
			exe = r->before_exe, n = r->before_exe_len, cut = r->before_exe_cut;
		}
	}
	/* A relative filename names nothing without the cwd; the kernel
	 * takes no path of PATH_MAX bytes or more. */
	if (!exe || !n || cut || exe[0] != '/' || n >= PATH_MAX || memchr(exe, 0, n))
		return NULL;
	*len = n;
	return exe;
}

int proctrack__count(const struct proctrack *t)
{
	return t->nprocs;
}
