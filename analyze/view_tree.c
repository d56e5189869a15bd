// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --tree: the process tree from the prologue and the fork, exec and exit events. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "decode.h"
#include "log.h"
#include "views.h"

#define MAX_DEPTH 64 /* deeper levels are shown at this indent */

/* A shown process below a shown parent. */
struct kid {
	const struct proc *parent, *p;
};

struct tree {
	struct table *tb;
	struct proc **procs;
	size_t n;
	struct kid *kids; /* sorted by parent, then pid: each parent's children */
	size_t nkids;
	bool failed; /* no memory for the index: nothing printed */
	bool with_container; /* the trace has containers: a column for them */
	struct col cols[7];  /* the table's, which it keeps pointing to */
};

static void *tree_new(struct tape *t, const struct view_opts *o, struct report *r, char *err,
		      size_t errlen)
{
	struct tree *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
	}
	return s;
}

static void tree_event(void *state, struct tape *t, const struct tt_record *rec)
{
	/* The process model is built by the tape; nothing to count here. */
}

static bool shown(struct tape *t, const struct proc *p)
{
	return filter__match_pid(&t->filter, t->procs, p->pid);
}

/* Its parent if the tree shows it, so that it hangs below; else NULL (a root). */
static const struct proc *shown_parent(struct tape *t, const struct proc *p)
{
	const struct proc *pp = p->ppid != p->pid ? procs__find(t->procs, p->ppid) : NULL;

	return pp && shown(t, pp) ? pp : NULL;
}

static void json_argv(struct json *j, const char *argv, uint32_t len)
{
	size_t i = 0;

	json__arr_begin(j, "argv");
	while (argv && i < len) {
		size_t n = strnlen(argv + i, len - i);

		json__strn(j, NULL, argv + i, n);
		i += n + 1;
	}
	json__arr_end(j);
}

/* The images before the last exec, oldest first, into list; their number. */
static int earlier_images(const struct proc *p, const struct proc_image **list)
{
	int n = p->nbefore;

	for (const struct proc_image *im = p->before; im && n > 0; im = im->next)
		list[--n] = im;
	return p->nbefore;
}

static void json_proc(struct json *j, struct tape *t, const struct proc *p, int depth,
		      bool with_container)
{
	const struct proc_image *imgs[PROC_MAX_IMAGES];
	int nimgs = earlier_images(p, imgs);

	json__obj_begin(j, NULL);
	json__uint(j, "pid", p->pid);
	json__uint(j, "ppid", p->ppid);
	json__int(j, "depth", depth);
	json__str(j, "comm", p->comm);
	json_argv(j, p->argv, p->argv_len);
	/* What it ran before its last exec, in order (a script that exec'd). */
	json__arr_begin(j, "execs_before");
	for (int i = 0; i < nimgs; i++) {
		json__obj_begin(j, NULL);
		json__str(j, "comm", imgs[i]->comm);
		json_argv(j, imgs[i]->argv, imgs[i]->argv_len);
		json__double(j, "start_offset_s",
			     imgs[i]->since_ns ? tape__offset(t, imgs[i]->since_ns) : 0);
		json__obj_end(j);
	}
	json__arr_end(j);
	if (p->before_dropped)
		json__uint(j, "execs_before_dropped", p->before_dropped);
	json__uint(j, "uid", p->uid);
	if (with_container) {
		const char *id = tape__proc_container_id(t, p->pid, true, NULL, 0);

		if (id)
			json__str(j, "container", id);
		else
			json__null(j, "container");
	}
	json__bool(j, "running_at_start", p->from_prologue);
	json__double(j, "start_offset_s", p->start_ns ? tape__offset(t, p->start_ns) : 0);
	if (p->exited && p->exit_status_unknown) {
		json__uint(j, "duration_ns", p->start_ns ? p->exit_ns - p->start_ns : 0);
		json__null(j, "exit_code");
		json__null(j, "signal");
	} else if (p->exited) {
		json__uint(j, "duration_ns", p->start_ns ? p->exit_ns - p->start_ns : 0);
		json__int(j, "exit_code", (p->exit_status >> 8) & 0xff);
		json__int(j, "signal", p->exit_status & 0x7f);
	} else {
		json__null(j, "duration_ns");
		json__null(j, "exit_code");
		json__null(j, "signal");
	}
	json__obj_end(j);
}

/* COMMAND: the indented name and command line. */
static void text_command(struct table *tb, int depth, const char *comm, const char *argv,
			 uint32_t argv_len, bool truncated)
{
	char *cmd = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&cmd, &len);

	if (m) {
		fprintf(m, "%*s%s%s", 2 * (depth < MAX_DEPTH ? depth : MAX_DEPTH), "",
			depth ? "\\_ " : "", comm);
		if (argv) {
			fputs("  ", m);
			decode__cmdline(m, argv, argv_len);
			if (truncated)
				fputs(" ...", m);
		}
		fclose(m);
	}
	table__str(tb, cmd ? cmd : comm);
	free(cmd);
}

static void text_start(struct table *tb, struct tape *t, uint64_t ns)
{
	char buf[32];

	if (!ns || ns < t->info.start_ns) {
		table__str(tb, "before"); /* running when the recording started */
	} else {
		snprintf(buf, sizeof(buf), "+%.3f", tape__offset(t, ns));
		table__str(tb, buf);
	}
}

/* A row per image the process had before its last exec, EXIT "exec". */
static void text_images(struct table *tb, struct tape *t, const struct proc *p, int depth,
			bool with_container)
{
	const struct proc_image *imgs[PROC_MAX_IMAGES];
	int n = earlier_images(p, imgs);
	char buf[64];

	for (int i = 0; i < n; i++) {
		table__row(tb);
		table__int(tb, p->pid);
		table__int(tb, p->uid);
		text_start(tb, t, imgs[i]->since_ns);
		if (imgs[i]->since_ns)
			table__int(tb, imgs[i]->until_ns - imgs[i]->since_ns);
		else
			table__none(tb);
		table__str(tb, "exec");
		if (with_container)
			table__str(tb, "");
		if (i == 0 && p->before_dropped) {
			snprintf(buf, sizeof(buf), "(%u earlier execs not kept) ", p->before_dropped);
			table__str(tb, buf);
			continue;
		}
		text_command(tb, depth, imgs[i]->comm, imgs[i]->argv, imgs[i]->argv_len,
			     imgs[i]->argv_truncated);
	}
}

static void text_proc(struct table *tb, struct tape *t, const struct proc *p, int depth,
		      bool with_container)
{
	char buf[CONTAINER_ID_SIZE];

	text_images(tb, t, p, depth, with_container);
	table__row(tb);
	table__int(tb, p->pid);
	table__int(tb, p->uid);
	text_start(tb, t, p->execs && p->nbefore ? p->image_ns : p->start_ns);
	if (p->exited && p->start_ns)
		table__int(tb, p->exit_ns - (p->execs && p->nbefore ? p->image_ns : p->start_ns));
	else
		table__none(tb);
	if (!p->exited)
		table__str(tb, "running");
	else if (p->exit_status_unknown)
		table__str(tb, "exited");
	else if (p->exit_status & 0x7f)
		table__str(tb, decode__signal_name(p->exit_status & 0x7f, buf, sizeof(buf)));
	else
		table__int(tb, (p->exit_status >> 8) & 0xff);
	if (with_container) {
		const char *id = tape__proc_container_id(t, p->pid, false, buf, sizeof(buf));

		table__str(tb, id ? id : "");
	}
	text_command(tb, depth, p->comm, p->argv, p->argv_len, p->argv_truncated);
}

static int by_parent(const void *a, const void *b)
{
	const struct kid *x = a, *y = b;

	if (x->parent != y->parent)
		return (uintptr_t)x->parent < (uintptr_t)y->parent ? -1 : 1;
	return (x->p->pid > y->p->pid) - (x->p->pid < y->p->pid);
}

/* Every shown process's place below its shown parent, once: the walk then
 * finds a process's children by search, in linear time overall. */
static int index_kids(struct tree *s, struct tape *t)
{
	s->kids = malloc((s->n ? s->n : 1) * sizeof(*s->kids));
	if (!s->kids)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct proc *pp;

		if (!shown(t, s->procs[i]))
			continue;
		pp = shown_parent(t, s->procs[i]);
		if (pp && pp != s->procs[i])
			s->kids[s->nkids++] = (struct kid){ pp, s->procs[i] };
	}
	if (s->nkids)
		qsort(s->kids, s->nkids, sizeof(*s->kids), by_parent);
	return 0;
}

/* The first of p's children in kids (by binary search), or nkids. */
static size_t first_kid(const struct tree *s, const struct proc *p)
{
	size_t lo = 0, hi = s->nkids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((uintptr_t)s->kids[mid].parent < (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Depth-first from p; its children in pid order. */
static void walk(struct tree *s, struct tape *t, struct report *r, const struct proc *p,
		 int depth)
{
	if (r->j)
		json_proc(r->j, t, p, depth, s->with_container);
	else
		text_proc(s->tb, t, p, depth, s->with_container);
	if (depth > 4096)
		return; /* a cycle from pid reuse: stop rather than recurse forever */
	for (size_t i = first_kid(s, p); i < s->nkids && s->kids[i].parent == p; i++)
		walk(s, t, r, s->kids[i].p, depth + 1);
}

static void tree_report(void *state, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "pid", "PID", COL_INT },
		{ "uid", "UID", COL_INT },
		{ "start", "START", COL_STR },
		{ "duration", "DURATION", COL_DUR },
		{ "exit", "EXIT", COL_STR },
		{ "container", "CONTAINER", COL_STR, 16, COL_CLIP_END },
		{ "command", "COMMAND", COL_STR },
	};
	struct tree *s = state;
	int n = 0;

	s->with_container = tape__any_container(t);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (s->with_container || strcmp(cols[i].key, "container"))
			s->cols[n++] = cols[i];
	s->procs = procs__all(t->procs, &s->n);
	if (procs__evicted(t->procs))
		pr_warn("--tree: %llu processes not shown: they exited, with no child left, "
			"when more than %u were known (replay/procs.h)",
			(unsigned long long)procs__evicted(t->procs), PROCS_KEEP);
	if (index_kids(s, t)) {
		s->failed = true;
		return;
	}
	s->tb = table__new("processes", "Process tree", s->cols, n);
	if (r->j)
		json__arr_begin(r->j, "processes");
	for (size_t i = 0; i < s->n; i++)
		if (shown(t, s->procs[i]) && !shown_parent(t, s->procs[i]))
			walk(s, t, r, s->procs[i], 0);
	if (r->j)
		json__arr_end(r->j);
	else
		table__print(s->tb, r);
}

static void tree_free(void *state)
{
	struct tree *s = state;

	if (!s)
		return;
	table__free(s->tb);
	free(s->procs);
	free(s->kids);
	free(s);
}

static int tree_status(void *state, const struct view_opts *o)
{
	struct tree *s = state;

	if (!s->failed)
		return 0;
	pr_warn("--tree: out of memory");
	return EXIT_FAIL;
}

const struct view view_tree = {
	.name = "tree",
	.new = tree_new,
	.event = tree_event,
	.report = tree_report,
	.free = tree_free,
	.status = tree_status,
};
