// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include "collect.h"
#include "decode.h"
#include "hmap.h"
#include "log.h"
#include "tape.h"

uint32_t audit_arch__compat(uint32_t arch)
{
	switch (arch) {
	case AUDIT_ARCH_X86_64: return AUDIT_ARCH_I386;
	case AUDIT_ARCH_AARCH64: return AUDIT_ARCH_ARM;
	}
	return 0;
}

struct collector {
	struct profile *p;
	struct tape *t;
	struct syscall_table *compat;
	uint32_t compat_arch;
	struct hmap *pids;
	struct collect_result *res;
};

static int on_syscall(struct collector *c, const struct tt_syscall *s)
{
	const struct syscall_table *st = c->t->st;
	uint32_t arch = c->t->info.audit_arch;
	const char *name;
	bool created;

	if (s->flags & TT_SYSCALL_COMPAT) {
		if (!c->compat_arch)
			c->compat_arch = audit_arch__compat(arch);
		if (c->compat_arch && !c->compat)
			c->compat = syscall_table__new(c->compat_arch);
		if (!c->compat) {
			pr_warn("a 32-bit syscall (nr %u) on a machine (arch 0x%x) without a "
				"compat table libseccomp knows: left out", s->nr, arch);
			return 0;
		}
		st = c->compat;
		arch = c->compat_arch;
	}
	if (profile__add_arch(c->p, arch))
		return -ENOSPC;
	if (!hmap__get(c->pids, &s->pid, sizeof(s->pid), true, &created))
		return -ENOMEM;
	c->res->processes += created;
	c->res->calls++;
	name = syscall_table__name(st, s->nr);
	if (!name) {
		profile__note_unknown(c->p, arch, s->nr);
		return 0;
	}
	/* exit and exit_group are recorded at entry: they have no return value. */
	return profile__note(c->p, name, s->flags & TT_SYSCALL_NORETURN ? 0 : s->ret, s->args);
}

static void describe_losses(const struct tape *t, char *buf, size_t size)
{
	size_t used = 0;

	if (size)
		buf[0] = 0;
	for (int i = 0; i < t->nloss_windows && used < size; i++) {
		const struct tape_loss *l = &t->loss_windows[i];

		used += snprintf(buf + used, size - used, "%s%llu %s events", i ? "; " : "",
				 (unsigned long long)l->count, tt_monitor__name(l->monitor));
		if (used < size && l->cpu != TT_CPU_ANY)
			used += snprintf(buf + used, size - used, " on cpu %u", l->cpu);
		/* A window may open just before the header's start time. */
		if (used < size)
			used += snprintf(buf + used, size - used, " %.3f-%.3f s into the recording",
					 fmax(tape__offset(t, l->from_ts), 0),
					 fmax(tape__offset(t, l->to_ts), 0));
	}
	if (t->nlosses > t->nloss_windows && used < size)
		snprintf(buf + used, size - used, "; and %d more loss records",
			 t->nlosses - t->nloss_windows);
}

/* Every -p pid must be a process of the trace, or the profile is of nothing. */
static int check_pids(const struct tape *t, const char *path, char *err, size_t errlen)
{
	char list[1024];

	for (int i = 0; i < t->filter.npids; i++) {
		if (procs__find(t->procs, t->filter.pids[i]))
			continue;
		procs__describe(t->procs, list, sizeof(list));
		snprintf(err, errlen, "%s: no process %u in the trace; it has: %s", path,
			 t->filter.pids[i], list);
		return -ENOENT;
	}
	return 0;
}

/*
 * A chosen process that never exec'd in the trace was running before it
 * began, and one that never exited was still running at its end: either
 * way part of its life, and the syscalls of it, is not in the profile
 * (without exit_group, a kill profile ends the program at its exit).
 */
static void warn_incomplete(const struct tape *t, const char *path)
{
	for (int i = 0; i < t->filter.npids; i++) {
		const struct proc *pr = procs__find(t->procs, t->filter.pids[i]);
		char comm[4 * TT_COMM_SIZE + 1]; /* a traced name: escaped for the terminal */

		if (!pr)
			continue;
		decode__plain_to(pr->comm, strlen(pr->comm), comm, sizeof(comm));
		if (!pr->execs)
			pr_warn("%s: warning: process %u (%s) has no exec in the trace: the "
				"recording began after it started, so the syscalls of its start "
				"are missing from the profile", path, pr->pid, comm);
		if (!pr->exited)
			pr_warn("%s: warning: process %u (%s) never exited in the trace: the "
				"recording ended before it did, so the syscalls of its end "
				"(exit_group among them) are missing from the profile", path,
				pr->pid, comm);
	}
}

static uint64_t total_lost(const struct tape *t)
{
	uint64_t n = 0;

	for (int m = 0; m < TT_MONITOR__COUNT; m++)
		n += t->lost_events[m];
	return n;
}

int profile__collect(struct profile *p, const struct collect_opts *o, struct collect_result *res,
		     char *err, size_t errlen)
{
	struct collector c = { .p = p, .res = res };
	const struct tt_record *rec;
	struct selection sel;
	char *paths[] = { (char *)o->path };
	char buf[1024];
	int ret;

	memset(res, 0, sizeof(*res));
	ret = selection__resolve(&sel, o->select, o->path, err, errlen);
	if (ret)
		return ret;
	snprintf(res->what, sizeof(res->what), "%s", sel.what);
	ret = tape__open(&c.t, paths, 1, err, errlen);
	if (ret)
		return ret;
	ret = tape__filter(c.t, &sel.fo, err, errlen);
	if (ret)
		goto cleanup;
	ret = -ENOSPC;
	if (profile__add_arch(p, c.t->info.audit_arch)) {
		snprintf(err, errlen, "%s: too many architectures", o->path);
		goto cleanup;
	}
	ret = -ENOMEM;
	c.pids = hmap__new(1);
	if (!c.pids) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	while ((ret = tape__next(c.t, &rec)) > 0) {
		if (rec->type != TT_REC_SYSCALL)
			continue;
		ret = on_syscall(&c, &rec->syscall);
		if (ret) {
			snprintf(err, errlen, "%s: %s", o->path,
				 ret == -ENOSPC ? "too many architectures" : "out of memory");
			goto cleanup;
		}
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s", tape__error(c.t));
		goto cleanup;
	}
	ret = check_pids(c.t, o->path, err, errlen);
	if (ret)
		goto cleanup;
	res->lost = total_lost(c.t);
	if (c.t->nlosses) {
		describe_losses(c.t, buf, sizeof(buf));
		if (!o->allow_lossy) {
			snprintf(err, errlen, "%s: the recording lost %llu events (%s): a profile "
				 "from an incomplete trace breaks programs; record again with a "
				 "larger --buffer-size, or use --allow-lossy", o->path,
				 (unsigned long long)res->lost, buf);
			ret = -EPROTO;
			goto cleanup;
		}
		pr_warn("%s: warning: the recording lost %llu events (%s): the profile may miss "
			"syscalls", o->path, (unsigned long long)res->lost, buf);
	}
	if (tape__truncated(c.t, buf, sizeof(buf))) {
		if (!o->allow_lossy) {
			snprintf(err, errlen, "%s: truncated (recorder killed or file cut short): "
				 "the calls after its last complete chunk are missing; use "
				 "--allow-lossy to make a profile from what is there", buf);
			ret = -EPROTO;
			goto cleanup;
		}
		pr_warn("%s: warning: truncated: the profile holds the calls up to its last "
			"complete chunk", buf);
	}
	warn_incomplete(c.t, o->path);
	if (!res->calls) {
		procs__describe(c.t->procs, buf, sizeof(buf));
		snprintf(err, errlen, "%s: no syscalls of %s in the trace; it has: %s", o->path,
			 sel.what, buf);
		ret = -ENOENT;
		goto cleanup;
	}
	ret = 0;
cleanup:
	hmap__free(c.pids);
	syscall_table__free(c.compat);
	tape__close(c.t);
	return ret;
}
