// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "procs.h"
#include "reorder.h"

/*
 * Eviction: the model keeps every process it meets until it has PROCS_KEEP
 * entries; past that, exited processes go, oldest exit first. An entry is
 * referred to (1) by the events of its process, (2) through the ppid of its
 * children (procs__descends, --tree), (3) by callers that hold it. So an
 * entry is evicted only when, at once:
 *  - its process exited (its last thread, or a prologue's exit time), more
 *    than REORDER_WINDOW_NS before the latest event applied: events are
 *    applied in time order out of the reorder window, so an event of it yet
 *    to come would be more than a window late, which the window does not
 *    order either (reorder.h);
 *  - no entry of the model has it as parent (kids counts them by ppid, so
 *    an ancestor stays while a descendant is known);
 *  - it is not held (procs__hold).
 * A pid looked up after its eviction is unknown ("?"), as one never seen;
 * it is never given another process's name (a FORK that reuses the pid
 * makes a new entry with or without eviction).
 */
struct evict_slot {
	uint32_t pid;
	uint64_t exit_ns; /* which life of the pid: a stale slot is skipped */
};

struct procs {
	struct hmap *map; /* u32 pid -> struct proc */
	struct hmap *threads; /* u32 tid -> char[TT_COMM_SIZE]: names of renamed threads */
	struct hmap *kids; /* u32 pid -> u32: entries whose ppid is pid (none: absent) */
	struct hmap *holds; /* u32 pid: procs__hold's, never evicted */
	struct evict_slot *queue; /* exited entries by exit, from queue[head] */
	size_t head, len, size;
	uint64_t now;     /* the latest event time applied */
	uint64_t evicted;
	bool no_evict;    /* a hold could not be kept */
	uint32_t rec_pid; /* the recorder's: its child that has not exec'd is a copy of it */
};

void procs__set_recorder(struct procs *p, uint32_t rec_pid)
{
	p->rec_pid = rec_pid;
}

struct procs *procs__new(void)
{
	struct procs *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->map = hmap__new(sizeof(struct proc));
	p->threads = hmap__new(TT_COMM_SIZE);
	p->kids = hmap__new(sizeof(uint32_t));
	p->holds = hmap__new(1);
	if (!p->map || !p->threads || !p->kids || !p->holds) {
		hmap__free(p->map);
		hmap__free(p->threads);
		hmap__free(p->kids);
		hmap__free(p->holds);
		free(p);
		return NULL;
	}
	return p;
}

static void free_images(struct proc *pr)
{
	for (struct proc_image *im = pr->before, *next; im; im = next) {
		next = im->next;
		free(im->argv);
		free(im);
	}
	pr->before = NULL;
	pr->nbefore = 0;
}

void procs__free(struct procs *p)
{
	struct hmap_entry *e;

	if (!p)
		return;
	e = hmap__entries(p->map, NULL);
	for (size_t i = 0; e && i < hmap__count(p->map); i++) {
		free(((struct proc *)e[i].value)->argv);
		free_images(e[i].value);
	}
	free(e);
	hmap__free(p->map);
	hmap__free(p->threads);
	hmap__free(p->kids);
	hmap__free(p->holds);
	free(p->queue);
	free(p);
}

struct proc *procs__find(const struct procs *p, uint32_t pid)
{
	return hmap__get(p->map, &pid, sizeof(pid), false, NULL);
}

static struct proc *get(struct procs *p, uint32_t pid)
{
	bool created;
	struct proc *pr = hmap__get(p->map, &pid, sizeof(pid), true, &created);

	if (pr && created)
		pr->pid = pid;
	return pr;
}

static bool held(const struct procs *p, uint32_t pid)
{
	return hmap__count(p->holds) && hmap__get(p->holds, &pid, sizeof(pid), false, NULL);
}

/* Queue pr for eviction (exited, no kids). On ENOMEM it stays: a bound
 * missed, never a wrong name. */
static void enqueue(struct procs *p, struct proc *pr)
{
	if (pr->queued || held(p, pr->pid))
		return;
	if (p->head + p->len == p->size) {
		if (p->head) { /* slide down before growing */
			memmove(p->queue, p->queue + p->head, p->len * sizeof(*p->queue));
			p->head = 0;
		}
		if (p->len == p->size) {
			size_t size = p->size ? 2 * p->size : 1024;
			struct evict_slot *q = realloc(p->queue, size * sizeof(*q));

			if (!q)
				return;
			p->queue = q;
			p->size = size;
		}
	}
	p->queue[p->head + p->len++] = (struct evict_slot){ pr->pid, pr->exit_ns };
	pr->queued = true;
}

static uint32_t *kids_of(struct procs *p, uint32_t pid, bool create)
{
	return hmap__get(p->kids, &pid, sizeof(pid), create, NULL);
}

/* Every change of an entry's ppid goes through here, for the kids counts. */
static void set_ppid(struct procs *p, struct proc *pr, uint32_t ppid)
{
	uint32_t *n;

	if (pr->ppid == ppid)
		return;
	if (pr->ppid && pr->ppid != pr->pid && (n = kids_of(p, pr->ppid, false))) {
		struct proc *parent;

		if (--*n == 0) {
			hmap__del(p->kids, &pr->ppid, sizeof(pr->ppid));
			parent = procs__find(p, pr->ppid);
			if (parent && parent->exited)
				enqueue(p, parent);
		}
	}
	pr->ppid = ppid;
	/* Without memory for the count, the child keeps no ppid rather than
	 * one whose parent could go while it names it. */
	if (ppid && ppid != pr->pid) {
		n = kids_of(p, ppid, true);
		if (n)
			++*n;
		else
			pr->ppid = 0;
	}
}

static void mark_exited(struct procs *p, struct proc *pr, uint64_t ts)
{
	pr->exited = true;
	pr->exit_ns = ts;
	pr->queued = false; /* an older slot is stale now (another exit_ns) */
	if (!kids_of(p, pr->pid, false))
		enqueue(p, pr);
}

static void forget(struct procs *p, struct proc *pr)
{
	uint32_t pid = pr->pid;

	set_ppid(p, pr, 0);
	free(pr->argv);
	free_images(pr);
	hmap__del(p->map, &pid, sizeof(pid));
	p->evicted++;
}

/* Evict what the rule above allows while the model is over PROCS_KEEP. */
static void evict(struct procs *p)
{
	while (p->len && hmap__count(p->map) > PROCS_KEEP && !p->no_evict) {
		struct evict_slot *q = &p->queue[p->head];
		struct proc *pr = procs__find(p, q->pid);

		if (pr && pr->queued && pr->exited && pr->exit_ns == q->exit_ns) {
			if (q->exit_ns + REORDER_WINDOW_NS >= p->now)
				break; /* and the later exits behind it */
			pr->queued = false;
			/* held or a parent since: a hold is for good, a parent is
			 * queued again when its last child goes */
			if (!held(p, pr->pid) && !kids_of(p, pr->pid, false))
				forget(p, pr);
		}
		p->head++;
		p->len--;
	}
	if (!p->len)
		p->head = 0;
}

static void set_comm(struct proc *pr, const char *s, size_t len)
{
	if (len >= TT_COMM_SIZE)
		len = TT_COMM_SIZE - 1;
	memcpy(pr->comm, s, len);
	pr->comm[len] = 0;
}

static void set_argv(struct proc *pr, const char *s, size_t len, bool truncated)
{
	char *copy = NULL;

	/* The model keeps every process, so what it keeps of each is bounded:
	 * the views show a command's start, and an exec record may carry
	 * ~1 MiB of arguments (README: Guarantees). */
	if (len > PROCS_ARGV_MAX) {
		len = PROCS_ARGV_MAX;
		truncated = true;
	}
	if (len) {
		copy = malloc(len);
		if (!copy)
			return; /* keep the old argv rather than none */
		memcpy(copy, s, len);
	}
	free(pr->argv);
	pr->argv = copy;
	pr->argv_len = len;
	pr->argv_truncated = truncated;
}

static void on_proc(struct procs *p, const struct tt_proc *r)
{
	struct proc *pr = get(p, r->pid);

	if (!pr)
		return;
	set_ppid(p, pr, r->ppid);
	pr->uid = r->uid;
	pr->cgroup_id = r->cgroup_id;
	/* A rotated file's prologue repeats what we know: keep what events taught us. */
	if (!pr->start_ns) {
		pr->from_prologue = true;
		pr->start_ns = r->start_ns;
	}
	/* The image it had, unless it is rec's child (rec -- CMD) before its
	 * exec, which traces before format 1.4 listed with rec's argv. */
	if (!pr->execs && r->argv.len && !(p->rec_pid && r->ppid == p->rec_pid))
		pr->image_exec = true;
	/* Not over an exec the events showed: a prologue may list a process
	 * as it was before a recent exec, which it restates. */
	if (!pr->execs && r->comm.len) { /* none: rec knew no name yet */
		set_comm(pr, r->comm.data, strnlen(r->comm.data, r->comm.len));
		memcpy(pr->image_comm, pr->comm, sizeof(pr->image_comm));
	}
	if (r->argv.len && !pr->execs)
		set_argv(pr, r->argv.data, r->argv.len, false);
	if (r->exit_ns && !pr->exited) { /* listed for its events still in flight */
		mark_exited(p, pr, r->exit_ns);
		pr->exit_status_unknown = true;
	}
}

static void on_fork(struct procs *p, const struct tt_fork *f)
{
	struct proc *parent, *pr;

	if (f->child_pid == f->parent_pid) {
		/* A new thread, not a process: it starts with its creator's
		 * name, not that of an earlier thread with its tid. */
		char *name = hmap__get(p->threads, &f->child_tid, sizeof(f->child_tid), false, NULL);

		if (name)
			snprintf(name, TT_COMM_SIZE, "%s", procs__task_comm(p, f->parent_pid, f->parent_tid));
		return;
	}
	pr = procs__find(p, f->child_pid);
	if (pr && (pr->image_ns > f->ts || (pr->from_prologue && pr->start_ns > f->ts)) &&
	    !(pr->exited && pr->exit_ns < f->ts)) {
		/*
		 * A fork that rec received after the child's exec (another CPU's
		 * batch), so written in the next file, after a prologue that
		 * already names the child: what is known of it is later, and
		 * stands.
		 */
		set_ppid(p, pr, f->parent_pid);
		pr->start_ns = f->ts;
		/* A prologue written before rec read this fork lists the child
		 * with no name before its exec: it was its parent's copy. */
		if (!pr->execs && !pr->comm[0]) {
			set_comm(pr, f->comm, strnlen(f->comm, TT_COMM_SIZE));
			memcpy(pr->image_comm, pr->comm, sizeof(pr->image_comm));
			parent = procs__find(p, f->parent_pid);
			if (!pr->argv && parent && parent->argv)
				set_argv(pr, parent->argv, parent->argv_len, parent->argv_truncated);
		}
		return;
	}
	pr = get(p, f->child_pid);
	if (!pr)
		return;
	set_ppid(p, pr, 0);
	free(pr->argv);
	free_images(pr);
	memset(pr, 0, sizeof(*pr));
	pr->pid = f->child_pid;
	set_ppid(p, pr, f->parent_pid);
	pr->uid = f->uid;
	pr->cgroup_id = f->cgroup_id;
	pr->start_ns = f->ts;
	set_comm(pr, f->comm, strnlen(f->comm, TT_COMM_SIZE));
	parent = procs__find(p, f->parent_pid);
	if (parent && parent->argv)
		set_argv(pr, parent->argv, parent->argv_len, parent->argv_truncated);
}

/*
 * Keep the image an exec replaces, when it was the process's own (from an
 * exec or the prologue); the argv moves over, the list is bounded.
 */
static void push_image(struct proc *pr, uint64_t until)
{
	struct proc_image *im;

	if (!pr->image_exec)
		return;
	if (pr->nbefore == PROC_MAX_IMAGES) {
		pr->before_dropped++;
		return;
	}
	im = calloc(1, sizeof(*im));
	if (!im)
		return;
	memcpy(im->comm, pr->image_comm, sizeof(im->comm));
	im->argv = pr->argv;
	im->argv_len = pr->argv_len;
	im->argv_truncated = pr->argv_truncated;
	im->since_ns = pr->image_ns;
	im->until_ns = until;
	im->next = pr->before;
	pr->before = im;
	pr->nbefore++;
	pr->argv = NULL;
	pr->argv_len = 0;
}

static void on_exec(struct procs *p, const struct tt_exec *e, bool restated)
{
	struct proc *pr;

	if (e->ret)
		return; /* a failed exec changes nothing */
	pr = get(p, e->pid);
	if (!pr)
		return;
	/* Applied already: a prologue restates a recent exec, which a reader
	 * of the whole recording meets twice, in either order. */
	if (pr->execs && (pr->image_ns == e->ts || (restated && pr->image_ns > e->ts)))
		return;
	push_image(pr, e->ts);
	pr->image_exec = true;
	pr->image_ns = e->ts;
	set_ppid(p, pr, e->ppid);
	pr->uid = e->uid;
	pr->cgroup_id = e->cgroup_id;
	pr->execs++;
	if (!pr->start_ns)
		pr->start_ns = e->ts;
	set_comm(pr, e->comm, strnlen(e->comm, TT_COMM_SIZE));
	memcpy(pr->image_comm, pr->comm, sizeof(pr->image_comm));
	if (e->argv.len)
		set_argv(pr, e->argv.data, e->argv.len, e->flags & TT_EXEC_ARGV_TRUNCATED);
	else
		set_argv(pr, e->filename.data, e->filename.len, e->flags & TT_EXEC_FILENAME_TRUNCATED);
}

void procs__exec_ahead(struct procs *p, const struct tt_exec *e)
{
	struct proc *parent, *pr;

	if (e->ret || e->pid == e->ppid || procs__find(p, e->pid) ||
	    !(parent = procs__find(p, e->ppid)))
		return;
	pr = get(p, e->pid);
	if (!pr)
		return;
	set_ppid(p, pr, e->ppid);
	pr->uid = e->uid;
	pr->cgroup_id = e->cgroup_id;
	memcpy(pr->comm, parent->comm, sizeof(pr->comm));
	memcpy(pr->image_comm, pr->comm, sizeof(pr->image_comm));
	if (parent->argv)
		set_argv(pr, parent->argv, parent->argv_len, parent->argv_truncated);
}

static void on_exit_(struct procs *p, const struct tt_exit *e)
{
	struct proc *pr;

	/* A thread's own name goes with it: its events came out before its
	 * exit (time order), and the map stays as small as the live threads. */
	if (e->tid != e->pid && hmap__count(p->threads))
		hmap__del(p->threads, &e->tid, sizeof(e->tid));
	if (!e->group_dead && e->tid != e->pid)
		return; /* one thread of a process that lives on */
	pr = get(p, e->pid);
	if (!pr)
		return;
	mark_exited(p, pr, e->ts);
	pr->exit_status = e->status;
	pr->exit_status_unknown = false;
}

/* A new name: the process's (tid == pid), or one thread's. */
static void on_rename(struct procs *p, const struct tt_rename *r)
{
	size_t len = strnlen(r->comm, TT_COMM_SIZE);
	struct proc *pr;
	char *name;

	if (r->tid == r->pid) {
		pr = get(p, r->pid);
		/* not over a later exec's name (a restated rename let out late) */
		if (pr && !(pr->execs && pr->image_ns > r->ts))
			set_comm(pr, r->comm, len);
		return;
	}
	name = hmap__get(p->threads, &r->tid, sizeof(r->tid), true, NULL);
	if (name) {
		if (len >= TT_COMM_SIZE)
			len = TT_COMM_SIZE - 1;
		memcpy(name, r->comm, len);
		name[len] = 0;
	}
}

const char *procs__task_comm(const struct procs *p, uint32_t pid, uint32_t tid)
{
	const char *name;

	if (tid != pid && hmap__count(p->threads) &&
	    (name = hmap__get(p->threads, &tid, sizeof(tid), false, NULL)) && name[0])
		return name;
	return procs__comm(p, pid);
}

void procs__update(struct procs *p, const struct tt_record *rec)
{
	uint64_t ts = 0;

	switch (rec->type) {
	case TT_REC_PROC: on_proc(p, &rec->proc); return;
	case TT_REC_FORK: on_fork(p, &rec->fork); ts = rec->fork.ts; break;
	case TT_REC_EXEC: on_exec(p, &rec->exec, tt_record__is_restated(rec)); ts = rec->exec.ts; break;
	case TT_REC_EXIT: on_exit_(p, &rec->exit); ts = rec->exit.ts; break;
	case TT_REC_RENAME: on_rename(p, &rec->rename); ts = rec->rename.ts; break;
	default: return;
	}
	if (ts > p->now)
		p->now = ts;
	evict(p);
}

void procs__hold(struct procs *p, uint32_t pid)
{
	/* by pid, whether or not the model has it yet (a queued slot of it is
	 * dropped when it comes up); without memory, held all the same: no
	 * eviction from then on */
	if (!hmap__get(p->holds, &pid, sizeof(pid), true, NULL))
		p->no_evict = true;
}

uint64_t procs__evicted(const struct procs *p)
{
	return p->evicted;
}

size_t procs__count(const struct procs *p)
{
	return hmap__count(p->map);
}

const char *procs__comm(const struct procs *p, uint32_t pid)
{
	struct proc *pr = procs__find(p, pid);

	return pr && pr->comm[0] ? pr->comm : "?";
}

bool procs__descends(const struct procs *p, uint32_t pid, uint32_t anc)
{
	/* Bounded: a pid reused as its own ancestor must not loop forever. */
	for (int depth = 0; depth < 256; depth++) {
		struct proc *pr;

		if (pid == anc)
			return true;
		pr = procs__find(p, pid);
		if (!pr || !pr->ppid || pr->ppid == pid)
			return false;
		pid = pr->ppid;
	}
	return false;
}

static int by_pid(const void *a, const void *b)
{
	const struct proc *x = *(struct proc *const *)a, *y = *(struct proc *const *)b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct proc **procs__all(const struct procs *p, size_t *n)
{
	struct hmap_entry *e = hmap__entries(p->map, NULL);
	struct proc **v;

	*n = 0;
	if (!e)
		return NULL;
	v = malloc(hmap__count(p->map) * sizeof(*v));
	if (v) {
		*n = hmap__count(p->map);
		for (size_t i = 0; i < *n; i++)
			v[i] = e[i].value;
		qsort(v, *n, sizeof(*v), by_pid);
	}
	free(e);
	return v;
}
