// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "decode.h"
#include "select.h"
#include "trace.h"

#define SELECT_MAX_MATCHES 4096 /* processes one selector may match */

struct cgroup_name {
	uint64_t id;
	char *path;
};

/* A process seen in some cgroup: the path is known only once the trace is read. */
struct in_cgroup {
	uint32_t pid;
	uint64_t id;
};

struct scan {
	const struct select_opts *o;
	uint32_t rec_pid;
	struct procs *procs;
	uint32_t *matches;
	size_t nmatches;
	struct cgroup_name *cgroups;
	size_t ncgroups;
	struct in_cgroup *members;
	size_t nmembers, members_cap;
};

/* Is word one of list's comma-separated words? */
static bool in_list(const char *list, const char *word, size_t len)
{
	size_t wl;

	for (const char *p = list; *p; p += wl + (p[wl] == ',')) {
		wl = strcspn(p, ",");
		if (wl == len && !memcmp(p, word, len))
			return true;
	}
	return false;
}

/* --exe: a word with a slash is a path, matched whole; one without is a file name. */
static bool exe_matches(const char *list, const char *exe, size_t len)
{
	const char *base = exe;
	size_t wl;

	for (size_t i = 0; i < len; i++)
		if (exe[i] == '/')
			base = exe + i + 1;
	for (const char *p = list; *p; p += wl + (p[wl] == ',')) {
		wl = strcspn(p, ",");
		if (memchr(p, '/', wl) ? wl == len && !memcmp(p, exe, len)
				       : wl == (size_t)(exe + len - base) && !memcmp(p, base, wl))
			return true;
	}
	return false;
}

/* -c: as the views' filter takes it (container__spec_matches). */
static bool cgroup_matches(const char *list, const char *path)
{
	size_t wl;
	char word[4096];

	for (const char *p = list; *p; p += wl + (p[wl] == ',')) {
		wl = strcspn(p, ",");
		if (!wl || wl >= sizeof(word))
			continue;
		memcpy(word, p, wl);
		word[wl] = 0;
		if (container__spec_matches(word, path))
			return true;
	}
	return false;
}

static int add_match(struct scan *sc, uint32_t pid)
{
	for (size_t i = 0; i < sc->nmatches; i++)
		if (sc->matches[i] == pid)
			return 0;
	if (sc->nmatches == SELECT_MAX_MATCHES)
		return -E2BIG;
	sc->matches[sc->nmatches++] = pid;
	procs__hold(sc->procs, pid); /* keep_roots walks from it at the end */
	return 0;
}

static int add_member(struct scan *sc, uint32_t pid, uint64_t id)
{
	if (sc->nmembers && sc->members[sc->nmembers - 1].pid == pid &&
	    sc->members[sc->nmembers - 1].id == id)
		return 0;
	if (sc->nmembers == sc->members_cap) {
		size_t cap = sc->members_cap ? 2 * sc->members_cap : 256;
		struct in_cgroup *m = realloc(sc->members, cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		sc->members = m;
		sc->members_cap = cap;
	}
	sc->members[sc->nmembers++] = (struct in_cgroup){ pid, id };
	return 0;
}

static int add_cgroup(struct scan *sc, const struct tt_cgroup *c)
{
	struct cgroup_name *n = realloc(sc->cgroups, (sc->ncgroups + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	sc->cgroups = n;
	n[sc->ncgroups].id = c->id;
	n[sc->ncgroups].path = strndup(c->path.data ? c->path.data : "", c->path.len);
	if (!n[sc->ncgroups].path)
		return -ENOMEM;
	sc->ncgroups++;
	return 0;
}

/* One process as a record shows it: does it match a selector? */
static int consider(struct scan *sc, uint32_t pid, uint32_t ppid, const char *comm,
		    size_t comm_len, const char *exe, size_t exe_len, uint64_t cgroup_id)
{
	const struct select_opts *o = sc->o;
	bool hit;

	if (o->cgroups && cgroup_id && add_member(sc, pid, cgroup_id))
		return -ENOMEM;
	if (o->comms || o->exes || o->cgroups)
		hit = (o->comms && in_list(o->comms, comm, strnlen(comm, comm_len))) ||
		      (o->exes && exe_len && exe_matches(o->exes, exe, exe_len));
	else
		hit = ppid == sc->rec_pid; /* the default: what 'rec -- COMMAND' ran */
	return hit ? add_match(sc, pid) : 0;
}

static int scan_record(struct scan *sc, const struct tt_record *rec)
{
	procs__update(sc->procs, rec);
	switch (rec->type) {
	case TT_REC_PROC: {
		const struct tt_proc *p = &rec->proc;

		return consider(sc, p->pid, p->ppid, p->comm.data, p->comm.len, p->exe.data,
				p->exe.len, p->cgroup_id);
	}
	case TT_REC_EXEC: {
		const struct tt_exec *e = &rec->exec;

		if (e->ret)
			return 0;
		return consider(sc, e->pid, e->ppid, e->comm, TT_COMM_SIZE, e->filename.data,
				e->filename.len, e->cgroup_id);
	}
	case TT_REC_FORK: {
		const struct tt_fork *f = &rec->fork;

		if (f->child_pid == f->parent_pid)
			return 0;
		return consider(sc, f->child_pid, f->parent_pid, f->comm, TT_COMM_SIZE, "", 0,
				f->cgroup_id);
	}
	case TT_REC_CGROUP:
		return sc->o->cgroups ? add_cgroup(sc, &rec->cgroup) : 0;
	}
	return 0;
}

/* The processes in the cgroups --cgroup names, now that every path is known. */
static int match_cgroups(struct scan *sc)
{
	for (size_t i = 0; i < sc->ncgroups; i++) {
		if (!cgroup_matches(sc->o->cgroups, sc->cgroups[i].path))
			continue;
		for (size_t k = 0; k < sc->nmembers; k++)
			if (sc->members[k].id == sc->cgroups[i].id && add_match(sc, sc->members[k].pid))
				return -E2BIG;
	}
	return 0;
}

void procs__describe(const struct procs *procs, char *buf, size_t size)
{
	size_t n, used = 0;
	struct proc **all = procs__all(procs, &n);

	if (size)
		buf[0] = 0;
	for (size_t i = 0; i < n && used < size; i++) {
		char comm[4 * TT_COMM_SIZE + 1]; /* a traced name: escaped for the terminal */

		used += snprintf(buf + used, size - used, "%s%u (%s)", i ? ", " : "", all[i]->pid,
				 all[i]->comm[0] ? decode__plain_to(all[i]->comm, strlen(all[i]->comm),
								  comm, sizeof(comm)) : "?");
	}
	if (!n)
		snprintf(buf, size, "no processes");
	else if (used >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
	free(all);
}

/* With --children, a match under another match adds nothing: keep the tops. */
static size_t keep_roots(struct scan *sc)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->nmatches; i++) {
		bool under = false;

		for (size_t k = 0; k < sc->nmatches && !under; k++)
			under = k != i && procs__descends(sc->procs, sc->matches[i], sc->matches[k]);
		if (!under)
			sc->matches[n++] = sc->matches[i];
	}
	return n;
}

static void describe_selectors(const struct select_opts *o, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s%s%s", o->comms ? "--comm " : "", o->comms ? o->comms : "",
		 o->exes ? (o->comms ? ", --exe " : "--exe ") : "", o->exes ? o->exes : "",
		 o->cgroups ? (o->comms || o->exes ? ", --cgroup " : "--cgroup ") : "",
		 o->cgroups ? o->cgroups : "",
		 o->comms || o->exes || o->cgroups ? "" : "the command rec ran");
}

static int scan_trace(struct scan *sc, const char *path, char *err, size_t errlen)
{
	char *paths[] = { (char *)path };
	struct trace_set *set = trace_set__open(paths, 1, err, errlen);
	struct tt_record rec;
	int ret;

	if (!set)
		return errno ? -errno : -EIO;
	sc->rec_pid = trace_reader__header(trace_set__reader(set, 0))->rec_pid;
	while ((ret = trace_set__next(set, &rec)) > 0)
		if ((ret = scan_record(sc, &rec)))
			break;
	if (ret < 0 && ret != -E2BIG && ret != -ENOMEM)
		snprintf(err, errlen, "%s", trace_set__error(set));
	trace_set__close(set);
	return ret < 0 ? ret : match_cgroups(sc);
}

int selection__resolve(struct selection *s, const struct select_opts *o, const char *path,
		       char *err, size_t errlen)
{
	struct scan sc = { .o = o };
	char sel[256], list[1024];
	size_t used = 0, nroots;
	int ret;

	memset(s, 0, sizeof(*s));
	s->fo.children = !o->no_children;
	if (o->pids) {
		/* Checked against the trace once it is read (tape's process model). */
		s->fo.pids = o->pids;
		snprintf(s->what, sizeof(s->what), "-p %s%s", o->pids,
			 s->fo.children ? " and descendants" : "");
		return 0;
	}
	describe_selectors(o, sel, sizeof(sel));
	if (o->comms && !o->exes && !o->cgroups && o->no_children) {
		/* The filter matches names as they are at each call. */
		s->fo.comms = o->comms;
		snprintf(s->what, sizeof(s->what), "%s", sel);
		return 0;
	}
	sc.procs = procs__new();
	sc.matches = calloc(SELECT_MAX_MATCHES, sizeof(*sc.matches));
	ret = -ENOMEM;
	if (!sc.procs || !sc.matches) {
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	ret = scan_trace(&sc, path, err, errlen);
	if (ret == -E2BIG) {
		snprintf(err, errlen, "%s: %s matches more than %d processes", path, sel,
			 SELECT_MAX_MATCHES);
		ret = -EINVAL;
		goto cleanup;
	}
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (ret)
		goto cleanup;
	if (!sc.nmatches) {
		procs__describe(sc.procs, list, sizeof(list));
		if (o->comms || o->exes || o->cgroups) {
			snprintf(err, errlen, "%s: no process matches %s; the trace has: %s", path, sel,
				 list);
			ret = -ENOENT;
		} else {
			snprintf(err, errlen, "%s: was not recorded with 'rec -- COMMAND': choose the "
				 "processes with -p, --comm, --exe or --cgroup (the trace has: %s)",
				 path, list);
			ret = -EINVAL;
		}
		goto cleanup;
	}
	nroots = s->fo.children ? keep_roots(&sc) : sc.nmatches;
	if (nroots > FILTER_MAX) {
		snprintf(err, errlen, "%s: %s matches %zu processes%s; at most %d can be chosen",
			 path, sel, nroots, s->fo.children ? " that descend from no other" : "",
			 FILTER_MAX);
		ret = -EINVAL;
		goto cleanup;
	}
	for (size_t i = 0; i < nroots; i++)
		used += snprintf(s->pids + used, sizeof(s->pids) - used, "%s%u", i ? "," : "",
				 sc.matches[i]);
	s->fo.pids = s->pids;
	snprintf(s->what, sizeof(s->what), "%s (pid %s%s)", sel, s->pids,
		 s->fo.children ? " and descendants" : "");
	ret = 0;
cleanup:
	for (size_t i = 0; i < sc.ncgroups; i++)
		free(sc.cgroups[i].path);
	free(sc.cgroups);
	free(sc.members);
	free(sc.matches);
	procs__free(sc.procs);
	return ret;
}
