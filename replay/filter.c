// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "human.h"

int filter_opts__parse(struct filter_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'p': o->pids = arg; return 1;
	case OPT_CHILDREN: o->children = true; return 1;
	case OPT_COMM: o->comms = arg; return 1;
	case 'c': o->containers = arg; return 1;
	case 'e': o->syscalls = arg; return 1;
	case OPT_SINCE: o->since = arg; return 1;
	case OPT_UNTIL: o->until = arg; return 1;
	case OPT_FAILED: o->failed = true; return 1;
	case OPT_UTC: o->utc = true; return 1;
	}
	return 0;
}

void filter_opts__describe(const struct filter_opts *o, char *buf, size_t size)
{
	const struct {
		const char *opt, *value;
		bool set;
	} parts[] = {
		{ "-p", o->pids, o->pids }, { "--children", NULL, o->children },
		{ "--comm", o->comms, o->comms }, { "-c", o->containers, o->containers },
		{ "-e", o->syscalls, o->syscalls }, { "--since", o->since, o->since },
		{ "--until", o->until, o->until }, { "--failed", NULL, o->failed },
	};
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && used < size; i++) {
		if (!parts[i].set)
			continue;
		used += snprintf(buf + used, size - used, "%s%s%s%s", used ? " " : "", parts[i].opt,
				 parts[i].value ? " " : "", parts[i].value ? parts[i].value : "");
	}
}

/* Call fn on each word of a comma list; stops at its first error. */
static int each_word(const char *list, int (*fn)(struct filter *f, const char *w), struct filter *f)
{
	char *copy = strdup(list), *save = NULL, *w;
	int err = copy ? 0 : -ENOMEM;

	for (w = copy ? strtok_r(copy, ",", &save) : NULL; w && !err; w = strtok_r(NULL, ",", &save))
		err = fn(f, w);
	free(copy);
	return err;
}

static int add_pid(struct filter *f, const char *w)
{
	uint64_t v;

	if (f->npids == FILTER_MAX || cli__parse_u64(w, &v) || !v || v > UINT32_MAX)
		return -EINVAL;
	f->pids[f->npids++] = v;
	return 0;
}

static int add_comm(struct filter *f, const char *w)
{
	if (f->ncomms == FILTER_MAX)
		return -EINVAL;
	/* The kernel keeps 15 bytes of a name: match what it could have kept. */
	snprintf(f->comms[f->ncomms++], TT_COMM_SIZE, "%s", w);
	return 0;
}

/* TIME as --since/--until take it, into CLOCK_MONOTONIC ns. */
static int parse_when(const char *s, bool utc, uint64_t start_ns, int64_t wall_offset_ns,
		      uint64_t *out)
{
	int64_t unix_ns, mono;
	double sec;

	if (!strchr(s, ':')) {
		/* Past ~300 years the ns count would not fit. */
		if (cli__parse_seconds(s, &sec) || sec > 1e10)
			return -EINVAL;
		*out = start_ns + (uint64_t)(sec * 1e9);
		return 0;
	}
	if (human__parse_time(s, (int64_t)start_ns + wall_offset_ns, utc, &unix_ns))
		return -EINVAL;
	mono = unix_ns - wall_offset_ns;
	*out = mono < 0 ? 0 : (uint64_t)mono;
	return 0;
}

int filter__init(struct filter *f, const struct filter_opts *o, const struct syscall_table *st,
		 uint64_t start_ns, int64_t wall_offset_ns, char *err, size_t errlen)
{
	char bad[64];

	memset(f, 0, sizeof(*f));
	f->children = o->children;
	f->failed = o->failed;
	f->containers = o->containers;
	if (o->containers && (!*o->containers || strstr(o->containers, ",,") ||
			      o->containers[strlen(o->containers) - 1] == ',')) {
		snprintf(err, errlen, "-c: empty item in the container list '%s'", o->containers);
		return -EINVAL;
	}
	if (o->pids && each_word(o->pids, add_pid, f)) {
		snprintf(err, errlen, "-p: bad process id list '%s'", o->pids);
		return -EINVAL;
	}
	if (o->comms && each_word(o->comms, add_comm, f)) {
		snprintf(err, errlen, "--comm: too many names in '%s'", o->comms);
		return -EINVAL;
	}
	if (o->syscalls) {
		f->have_mask = true;
		if (syscall_table__select(st, o->syscalls, f->mask, bad, sizeof(bad))) {
			snprintf(err, errlen, "-e: unknown syscall or category '%s'", bad);
			return -EINVAL;
		}
	}
	if (o->since && parse_when(o->since, o->utc, start_ns, wall_offset_ns, &f->since_ts)) {
		snprintf(err, errlen, "--since: bad time '%s'", o->since);
		return -EINVAL;
	}
	if (o->until && parse_when(o->until, o->utc, start_ns, wall_offset_ns, &f->until_ts)) {
		snprintf(err, errlen, "--until: bad time '%s'", o->until);
		return -EINVAL;
	}
	f->active = f->npids || f->children || f->ncomms || f->containers || f->have_mask ||
		    f->since_ts || f->until_ts || f->failed;
	return 0;
}

bool filter__match_pid(const struct filter *f, const struct procs *procs, uint32_t pid)
{
	return filter__match_task(f, procs, pid, pid);
}

bool filter__match_task(const struct filter *f, const struct procs *procs, uint32_t pid, uint32_t tid)
{
	if (f->npids) {
		bool hit = false;

		for (int i = 0; i < f->npids && !hit; i++)
			hit = pid == f->pids[i] ||
			      (f->children && procs__descends(procs, pid, f->pids[i]));
		if (!hit)
			return false;
	}
	if (f->containers) {
		const struct proc *p = procs__find(procs, pid);

		if (!p || !p->cgroup_id || !f->cgroup_match ||
		    !f->cgroup_match(f->cgroup_ctx, p->cgroup_id))
			return false;
	}
	if (f->ncomms) {
		/* The thread's name if it has one of its own, else the process's. */
		const char *comm = procs__task_comm(procs, pid, tid);

		for (int i = 0; i < f->ncomms; i++)
			if (!strcmp(comm, f->comms[i]))
				return true;
		return false;
	}
	return true;
}

bool filter__match(const struct filter *f, const struct procs *procs, const struct tt_record *rec)
{
	uint64_t ts;
	uint32_t pid, tid = 0;

	switch (rec->type) {
	case TT_REC_SYSCALL: {
		const struct tt_syscall *s = &rec->syscall;

		if (f->have_mask && (s->nr >= SYSCALL_MAX_NR ||
				     !(f->mask[s->nr / 64] & (1ull << (s->nr % 64)))))
			return false;
		if (f->failed && !syscall_failed(s->ret))
			return false;
		pid = s->pid;
		tid = s->tid;
		break;
	}
	case TT_REC_EXEC:
		if (f->failed && !rec->exec.ret)
			return false;
		pid = rec->exec.pid;
		tid = rec->exec.tid;
		break;
	case TT_REC_FORK:
		if (f->failed)
			return false;
		pid = rec->fork.parent_pid;
		/* The child is known only once the fork is: a fork into the
		 * selection counts. */
		if (!filter__match_pid(f, procs, pid) &&
		    !filter__match_pid(f, procs, rec->fork.child_pid))
			return false;
		goto time;
	case TT_REC_EXIT:
		if (f->failed)
			return false;
		pid = rec->exit.pid;
		tid = rec->exit.tid;
		break;
	case TT_REC_PACKET:
		if (f->failed)
			return false;
		pid = rec->packet.pid; /* 0, unattributed: only without a process filter */
		break;
	case TT_REC_SIGNAL:
		if (f->failed)
			return false;
		/* A signal sent into the selection counts, as a fork does. */
		pid = rec->signal.pid;
		tid = rec->signal.tid;
		if (!filter__match_task(f, procs, pid, tid) &&
		    !filter__match_task(f, procs, rec->signal.target_pid, rec->signal.target_tid))
			return false;
		goto time;
	case TT_REC_FUNC_CALL:
	case TT_REC_FUNC_STATS:
		if (f->failed)
			return false;
		pid = rec->type == TT_REC_FUNC_CALL ? rec->func_call.pid : rec->func_stats.pid;
		break;
	default:
		return true;
	}
	if (!filter__match_task(f, procs, pid, tid ? tid : pid))
		return false;
time:
	ts = tt_record__ts(rec);
	if (ts < f->since_ts || (f->until_ts && ts > f->until_ts))
		return false;
	return true;
}
