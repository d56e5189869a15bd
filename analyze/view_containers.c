// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
/* --containers: events, syscalls, errors and top processes per container
 * (container.h says how a cgroup path names one); the rest is "host". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "groupby.h"
#include "views.h"

#define TOP_PROCS 3 /* processes listed per container */

struct containers {
	int n;
	struct groupby *events; /* container id: every event */
	struct groupby *calls;  /* container id: syscalls */
	struct groupby *procs;  /* (pid, container id): syscalls */
};

/* Containers are keyed "runtime/id" ("" for the host); processes by pid
 * then that. */
struct pid_key {
	uint32_t pid;
	char id[CONTAINER_ID_SIZE + 16];
};

static void *containers_new(struct tape *t, const struct view_opts *o, struct report *r,
			    char *err, size_t errlen)
{
	struct containers *s = calloc(1, sizeof(*s));

	if (s) {
		s->n = o->top_n;
		s->events = groupby__new();
		s->calls = groupby__new();
		s->procs = groupby__new();
		if (s->events && s->calls && s->procs)
			return s;
		view_containers.free(s);
	}
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

static uint32_t event_pid(const struct tt_record *rec)
{
	switch (rec->type) {
	case TT_REC_SYSCALL: return rec->syscall.pid;
	case TT_REC_EXEC: return rec->exec.pid;
	case TT_REC_FORK: return rec->fork.child_pid;
	case TT_REC_EXIT: return rec->exit.pid;
	case TT_REC_PACKET: return rec->packet.pid;
	default: return 0;
	}
}

static void containers_event(void *state, struct tape *t, const struct tt_record *rec)
{
	struct containers *s = state;
	uint32_t pid = event_pid(rec);
	const struct container *c;
	struct pid_key k = { .pid = pid };
	struct agg *a;
	size_t idlen;

	if (!pid)
		return;
	c = tape__proc_container(t, pid);
	idlen = c ? (size_t)snprintf(k.id, sizeof(k.id), "%s/%s", c->runtime, c->id) : 0;
	groupby__add(s->events, k.id, idlen, 0, false);
	if (rec->type != TT_REC_SYSCALL)
		return;
	groupby__add(s->calls, k.id, idlen, rec->syscall.duration, syscall_failed(rec->syscall.ret));
	a = groupby__add(s->procs, &k, sizeof(k.pid) + idlen, rec->syscall.duration,
			 syscall_failed(rec->syscall.ret));
	if (a && a->count == 1) /* a new row, named at the end */
		procs__hold(t->procs, pid);
}

/* "comm[pid] calls, ..." for the container's busiest processes. */
static void top_procs(struct tape *t, const struct hmap_entry *e, size_t n, const char *id,
		      size_t idlen, char *buf, size_t size, uint64_t *nprocs)
{
	size_t len = 0;
	int shown = 0;

	buf[0] = 0;
	*nprocs = 0;
	for (size_t i = 0; e && i < n; i++) {
		const struct pid_key *k = e[i].key;

		if (e[i].klen != sizeof(k->pid) + idlen || memcmp(k->id, id, idlen))
			continue;
		++*nprocs;
		if (shown++ < TOP_PROCS && len < size)
			len += snprintf(buf + len, size - len, "%s%s[%u] %llu", len ? ", " : "",
					procs__comm(t->procs, k->pid), k->pid,
					(unsigned long long)((const struct agg *)e[i].value)->count);
	}
}

static void containers_report(void *state, struct tape *t, struct report *r)
{
	static const struct col cols[] = {
		{ "container", "CONTAINER", COL_STR },
		{ "runtime", "RUNTIME", COL_STR },
		{ "processes", "PROCS", COL_INT },
		{ "events", "EVENTS", COL_INT },
		{ "syscalls", "SYSCALLS", COL_INT },
		{ "errors", "ERRORS", COL_INT },
		{ "time_ns", "TIME", COL_DUR },
		{ "top_processes", "TOP PROCESSES (SYSCALLS)", COL_STR, 60, COL_CLIP_END },
	};
	struct containers *s = state;
	struct table *tb = table__new("containers", "Containers (by events)", cols, 8);
	struct hmap_entry *e = groupby__sorted(s->events, GROUPBY_BY_COUNT);
	struct hmap_entry *pe = groupby__sorted(s->procs, GROUPBY_BY_COUNT);
	size_t npe = groupby__count(s->procs);
	char top[512], key[CONTAINER_ID_SIZE + 16], shown[CONTAINER_ID_SIZE];

	for (size_t i = 0; e && i < groupby__count(s->events) && (int)i < s->n; i++) {
		const struct agg *calls = groupby__find(s->calls, e[i].key, e[i].klen);
		struct container c = { 0 };
		uint64_t nprocs;

		char *id;

		snprintf(key, sizeof(key), "%.*s", (int)e[i].klen, (const char *)e[i].key);
		top_procs(t, pe, npe, key, e[i].klen, top, sizeof(top), &nprocs);
		id = strchr(key, '/');
		if (id)
			*id++ = 0;
		snprintf(c.id, sizeof(c.id), "%s", id ? id : "");
		table__row(tb);
		/* JSON keeps the whole id; text shows it as docker ps does. */
		table__str(tb, !id ? "host" : r->j ? id : container__short_id(&c, shown, sizeof(shown)));
		table__str(tb, id ? key : "");
		table__int(tb, nprocs);
		table__int(tb, ((const struct agg *)e[i].value)->count);
		table__int(tb, calls ? calls->count : 0);
		table__int(tb, calls ? calls->errors : 0);
		table__int(tb, calls ? calls->total_ns : 0);
		table__str(tb, top);
	}
	table__print(tb, r);
	free(e);
	free(pe);
	table__free(tb);
}

static void containers_free(void *state)
{
	struct containers *s = state;

	if (!s)
		return;
	groupby__free(s->events);
	groupby__free(s->calls);
	groupby__free(s->procs);
	free(s);
}

const struct view view_containers = {
	.name = "containers",
	.new = containers_new,
	.event = containers_event,
	.report = containers_report,
	.free = containers_free,
};
