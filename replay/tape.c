// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "fdtable.h"
#include "functab.h"
#include "hmap.h"
#include "reorder.h"
#include "tape.h"
#include "trace.h"

struct tape_priv {
	struct trace_set *set;
	struct syscall_table *st;
	struct reorder *reorder;
	struct tt_record loss;
	struct tt_record cur; /* the event handed out when unordered */
	struct hmap *cgroups; /* u64 id -> char * path */
	struct functab *funcs; /* the FUNC records */
	struct hmap *containers; /* u64 id -> struct tape_container, once its path is known */
	/* rec --max-rate: per slot (a native number, or SYSCALL_MAX_NR + a
	 * compat one), calls recorded and calls left out; NULL without it. */
	uint64_t *recorded, *sampled;
	/* Events in the reorder window, and whether it said none is due since
	 * the last push: a pop can only give one after a push or to drain, so
	 * an unordered reader, whose window holds only the few process events,
	 * does not ask for every syscall. */
	size_t held;
	bool none_due;
	bool unordered;
	bool flush;
	bool eof;
	const struct tt_record *fd_pending; /* handed out, for t->fds at the next call */
	int error; /* of the read that ended the stream */
};

static void copy_bytes(char *dst, size_t size, const struct tt_bytes *b)
{
	size_t n = strnlen(b->data ? b->data : "", b->len);

	if (n >= size)
		n = size - 1;
	memcpy(dst, b->data, n);
	dst[n] = 0;
}

/* The value of key in "key=value\n" lines, or NULL; its length in *len. */
static const char *option(const struct tt_bytes *opts, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = opts->data, *end = p + opts->len; p && p < end;) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = (nl ? nl : end) - p;

		if (n > klen && !memcmp(p, key, klen) && p[klen] == '=') {
			*len = n - klen - 1;
			return p + klen + 1;
		}
		p = nl ? nl + 1 : end;
	}
	return NULL;
}

static void read_volume(struct tape_volume *v, const struct tt_bytes *opts)
{
	char num[24] = "";
	const char *val;
	size_t len;

	val = option(opts, "errors_only", &len);
	v->errors_only = val && len == 1 && *val == '1';
	val = option(opts, "slow", &len);
	v->slow = val && len == 1 && *val == '1';
	val = option(opts, "slow_thresholds", &len);
	if (val)
		copy_bytes(v->thresholds, sizeof(v->thresholds), &(struct tt_bytes){ val, len });
	val = option(opts, "max_rate", &len);
	if (val && len < sizeof(num)) {
		memcpy(num, val, len);
		v->max_rate = strtoull(num, NULL, 10);
	}
}

static void read_info(struct tape_info *in, struct trace_set *set)
{
	const struct tt_file_header *h = trace_reader__header(trace_set__reader(set, 0));

	copy_bytes(in->host, sizeof(in->host), &h->hostname);
	copy_bytes(in->kernel, sizeof(in->kernel), &h->kernel_release);
	copy_bytes(in->machine, sizeof(in->machine), &h->machine);
	copy_bytes(in->tool_version, sizeof(in->tool_version), &h->tool_version);
	in->audit_arch = h->audit_arch;
	in->ncpus = h->ncpus;
	in->monitors = h->monitors;
	in->recording_id = h->recording_id;
	in->start_ns = h->start_ns;
	in->wall_offset_ns = h->wall_offset_ns;
	in->nfiles = trace_set__count(set);
	read_volume(&in->volume, &h->options);
}

/* The rest of an open, once the set is there. */
static int tape__init(struct tape *t, const char *name, char *err, size_t errlen)
{
	read_info(&t->info, t->priv->set);
	t->priv->st = syscall_table__new(t->info.audit_arch);
	if (!t->priv->st) {
		snprintf(err, errlen, "%s: unknown architecture 0x%x (libseccomp does not know it)",
			 name, t->info.audit_arch);
		return -EINVAL;
	}
	t->st = t->priv->st;
	t->procs = procs__new();
	if (t->procs)
		procs__set_recorder(t->procs,
				    trace_reader__header(trace_set__reader(t->priv->set, 0))->rec_pid);
	t->priv->reorder = reorder__new(REORDER_WINDOW_NS, REORDER_MAX_EVENTS);
	t->priv->cgroups = hmap__new(sizeof(char *));
	t->priv->funcs = functab__new();
	if (t->info.volume.max_rate) {
		t->priv->recorded = calloc(2 * SYSCALL_MAX_NR, sizeof(uint64_t));
		t->priv->sampled = calloc(2 * SYSCALL_MAX_NR, sizeof(uint64_t));
	}
	if (!t->procs || !t->priv->reorder || !t->priv->cgroups || !t->priv->funcs ||
	    (t->info.volume.max_rate && (!t->priv->recorded || !t->priv->sampled))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int tape__open_set(struct tape **out, const char *base, char *const *paths, int npaths,
			  char *err, size_t errlen)
{
	struct tape *t = calloc(1, sizeof(*t));
	int ret = -ENOMEM;

	*out = NULL;
	if (!t || !(t->priv = calloc(1, sizeof(*t->priv)))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	t->priv->set = base ? trace_set__follow(base, err, errlen) :
			      trace_set__open(paths, npaths, err, errlen);
	if (!t->priv->set) {
		ret = -errno ? -errno : -EIO;
		goto fail;
	}
	ret = tape__init(t, base ? base : paths[0], err, errlen);
	if (ret)
		goto fail;
	*out = t;
	return 0;
fail:
	tape__close(t);
	return ret;
}

int tape__open(struct tape **out, char *const *paths, int npaths, char *err, size_t errlen)
{
	return tape__open_set(out, NULL, paths, npaths, err, errlen);
}

int tape__open_follow(struct tape **out, const char *base, char *err, size_t errlen)
{
	return tape__open_set(out, base, NULL, 0, err, errlen);
}

struct tape_container {
	struct container c;
	bool has;     /* the path names a container */
	int8_t match; /* -c: 1 matches, 0 does not, -1 not decided yet */
};

static struct tape_container *container_of(struct tape *t, uint64_t id)
{
	const char *path = tape__cgroup_path(t, id);
	struct tape_container *tc;
	bool created;

	if (!path)
		return NULL; /* not cached: its CGROUP record may come later */
	if (!t->priv->containers && !(t->priv->containers = hmap__new(sizeof(*tc))))
		return NULL;
	tc = hmap__get(t->priv->containers, &id, sizeof(id), true, &created);
	if (tc && created) {
		tc->has = !container__from_path(path, &tc->c);
		tc->match = -1;
	}
	return tc;
}

const struct container *tape__container(struct tape *t, uint64_t cgroup_id)
{
	struct tape_container *tc = cgroup_id ? container_of(t, cgroup_id) : NULL;

	return tc && tc->has ? &tc->c : NULL;
}

const struct container *tape__proc_container(struct tape *t, uint32_t pid)
{
	const struct proc *p = procs__find(t->procs, pid);

	return p ? tape__container(t, p->cgroup_id) : NULL;
}

bool tape__any_container(struct tape *t)
{
	struct hmap_entry *e = hmap__entries(t->priv->cgroups, NULL);
	bool any = false;

	for (size_t i = 0; e && !any && i < hmap__count(t->priv->cgroups); i++)
		any = tape__container(t, *(const uint64_t *)e[i].key) != NULL;
	free(e);
	return any;
}

const char *tape__proc_container_id(struct tape *t, uint32_t pid, bool full, char *buf,
				    size_t size)
{
	const struct container *c = tape__proc_container(t, pid);

	if (!c)
		return NULL;
	return full ? c->id : container__short_id(c, buf, size);
}

static bool cgroup_match(void *ctx, uint64_t id)
{
	struct tape *t = ctx;
	struct tape_container *tc = container_of(t, id);
	const char *list = t->filter.containers, *path;
	char spec[256];
	size_t n;

	if (!tc)
		return false;
	if (tc->match >= 0)
		return tc->match;
	path = tape__cgroup_path(t, id);
	tc->match = 0;
	for (; *list && !tc->match; list += n + (list[n] == ',')) {
		n = strcspn(list, ",");
		snprintf(spec, sizeof(spec), "%.*s", (int)n, list);
		tc->match = container__spec_matches(spec, path);
	}
	return tc->match;
}

int tape__filter(struct tape *t, const struct filter_opts *fo, char *err, size_t errlen)
{
	int ret;

	t->utc = fo->utc;
	ret = filter__init(&t->filter, fo, t->st, t->info.start_ns, t->info.wall_offset_ns, err,
			   errlen);
	t->filter.cgroup_match = cgroup_match;
	t->filter.cgroup_ctx = t;
	/* looked up after the events (seccomp-gen -p), and the roots of
	 * --children */
	for (int i = 0; !ret && i < t->filter.npids; i++)
		procs__hold(t->procs, t->filter.pids[i]);
	return ret;
}

static void note_loss(struct tape *t, const struct tt_loss *l)
{
	/* a lost close, chdir or exec would leave names no longer true */
	if (t->fds && (l->monitor == TT_MONITOR_SYSCALL || l->monitor == TT_MONITOR_EXEC))
		fdtable__blind(t->fds, l->from_ts, l->to_ts);
	if (l->monitor < TT_MONITOR__COUNT)
		t->lost_events[l->monitor] += l->count;
	t->nlosses++;
	if (t->nloss_windows < TAPE_MAX_LOSS_WINDOWS)
		t->loss_windows[t->nloss_windows++] = (struct tape_loss){
			l->monitor, l->cpu, l->count, l->from_ts, l->to_ts,
		};
}

static void note_trigger(struct tape *t, const struct tt_trigger *g)
{
	struct tape_trigger *tr;

	t->ntriggers_seen++;
	if (t->ntriggers == TAPE_MAX_TRIGGERS)
		return;
	tr = &t->triggers[t->ntriggers++];
	tr->t = *g;
	snprintf(tr->rule, sizeof(tr->rule), "%.*s", (int)g->rule.len, g->rule.data);
	snprintf(tr->message, sizeof(tr->message), "%.*s", (int)g->message.len, g->message.data);
	tr->t.rule = (struct tt_bytes){ tr->rule, strlen(tr->rule) };
	tr->t.message = (struct tt_bytes){ tr->message, strlen(tr->message) };
}

const struct tape_trigger *tape__trigger_of(const struct tape *t, const struct tt_record *rec)
{
	uint32_t tid;

	if (!t->ntriggers)
		return NULL;
	switch (rec->type) {
	case TT_REC_SYSCALL:
		tid = rec->syscall.tid;
		break;
	case TT_REC_EXEC:
		tid = rec->exec.tid;
		break;
	case TT_REC_SIGNAL:
		tid = rec->signal.tid;
		break;
	default:
		return NULL;
	}
	for (int i = 0; i < t->ntriggers; i++) {
		const struct tt_trigger *g = &t->triggers[i].t;

		if (g->event_type == rec->type && g->tid == tid && g->event_ts == tt_record__ts(rec))
			return &t->triggers[i];
	}
	return NULL;
}

/* The slot of a syscall in the --max-rate counts. */
static size_t sampled_slot(uint16_t nr, bool compat)
{
	return (compat ? SYSCALL_MAX_NR : 0) + nr % SYSCALL_MAX_NR;
}

static void note_sampled(struct tape *t, const struct tt_sampled *s)
{
	struct syscall_fds fds;

	/* rec --max-rate left out calls: of one that changes fds, a name may
	 * no longer be true (a compat number is another table's: any) */
	if (t->fds && ((s->flags & TT_SYSCALL_COMPAT) || s->nr >= SYSCALL_MAX_NR ||
		       (syscall_table__fds(t->st, s->nr, &fds) &&
			(fds.roles & FDTABLE_ROLES_RENAMING))))
		fdtable__blind(t->fds, s->from_ts, s->to_ts);
	t->sampled_events += s->count;
	/* a trace whose header did not say --max-rate: counted, not per syscall */
	if (t->priv->sampled && s->nr < SYSCALL_MAX_NR)
		t->priv->sampled[sampled_slot(s->nr, s->flags & TT_SYSCALL_COMPAT)] += s->count;
}

uint64_t tape__sampled(const struct tape *t, uint16_t nr, bool compat, uint64_t *recorded)
{
	*recorded = 0;
	if (!t->priv->sampled || nr >= SYSCALL_MAX_NR)
		return 0;
	*recorded = t->priv->recorded[sampled_slot(nr, compat)];
	return t->priv->sampled[sampled_slot(nr, compat)];
}

static void note_event(struct tape *t, const struct tt_record *rec)
{
	uint64_t ts, end;

	if (rec->type == TT_REC_SYSCALL) {
		ts = rec->syscall.ts;
		end = ts + rec->syscall.duration;
		if (t->priv->recorded)
			t->priv->recorded[sampled_slot(rec->syscall.nr,
						       rec->syscall.flags & TT_SYSCALL_COMPAT)]++;
	} else {
		ts = end = tt_record__ts(rec);
	}
	if (!t->events || ts < t->first_ts)
		t->first_ts = ts;
	if (end > t->last_ts)
		t->last_ts = end;
	t->events++;
}

static void note_cgroup(struct tape_priv *p, const struct tt_cgroup *c)
{
	char **path = hmap__get(p->cgroups, &c->id, sizeof(c->id), true, NULL);
	char *copy;

	if (!path || (*path && strlen(*path) == c->path.len &&
		      !memcmp(*path, c->path.data, c->path.len)))
		return;
	copy = strndup(c->path.data, c->path.len);
	if (!copy)
		return;
	free(*path);
	*path = copy;
}

const char *tape__cgroup_path(const struct tape *t, uint64_t id)
{
	char **path = hmap__get(t->priv->cgroups, &id, sizeof(id), false, NULL);

	return path ? *path : NULL;
}

const struct tt_func *tape__func(const struct tape *t, uint32_t id)
{
	return functab__get(t->priv->funcs, id);
}

int tape__set_threads(struct tape *t, int n)
{
	return trace_set__set_threads(t->priv->set, n);
}

const char *tape__current_file(const struct tape *t)
{
	return trace_reader__path(trace_set__current(t->priv->set));
}

uint32_t tape__current_seq(const struct tape *t)
{
	return trace_reader__header(trace_set__current(t->priv->set))->seq;
}

void tape__flush(struct tape *t)
{
	t->priv->flush = true;
}

/* Without filters every event passes: no call per event to learn it. */
static inline bool tape__match(const struct tape *t, const struct tt_record *rec)
{
	return !t->filter.active || filter__match(&t->filter, t->procs, rec);
}

int tape__next(struct tape *t, const struct tt_record **out)
{
	struct tape_priv *p = t->priv;
	const struct tt_record *ev;
	struct tt_record *rec = &p->cur; /* decoded in place: no copy per event */
	bool drain;
	int ret;

	if (p->fd_pending) /* still valid: nothing was popped or read since */
		fdtable__update(t->fds, p->fd_pending);
	p->fd_pending = NULL;
	for (;;) {
		drain = p->eof || p->flush;
		ev = p->held && (drain || !p->none_due) ? reorder__pop(p->reorder, drain) : NULL;
		p->none_due = !ev && !drain;
		if (ev) {
			p->held--;
			if (ev->type != TT_REC_SYSCALL) /* the model takes no syscalls */
				procs__update(t->procs, ev);
			if (ev->type == TT_REC_RENAME || tt_record__is_restated(ev))
				continue; /* for the model, in time order: no view shows it */
			if (t->fds)
				fdtable__advance(t->fds, tt_record__ts(ev));
			if (!tape__match(t, ev)) {
				if (t->fds)
					fdtable__update(t->fds, ev);
				continue;
			}
			t->matched++;
			*out = ev;
			p->fd_pending = t->fds ? ev : NULL;
			return 1;
		}
		if (p->eof)
			return p->error;
		ret = trace_set__next(p->set, rec);
		if (ret == -EAGAIN)
			return ret; /* followed: more later */
		p->flush = false;
		if (ret < 0) {
			/* Hand out what was read before the error, then the error. */
			p->eof = true;
			p->error = ret;
			continue;
		}
		if (ret == 0) {
			p->eof = true;
			continue;
		}
		if (rec->type == TT_REC_SYSCALL || tt_record__is_event(rec)) {
			if (!tt_record__is_restated(rec)) /* state, not an event of the file */
				note_event(t, rec);
			/* Unordered, syscalls go straight out; the rare process events
			 * still take the window, as the process model needs their order. */
			if (p->unordered && rec->type == TT_REC_SYSCALL) {
				if (t->fds)
					fdtable__advance(t->fds, rec->syscall.ts);
				if (!tape__match(t, rec)) {
					if (t->fds)
						fdtable__update(t->fds, rec);
					continue;
				}
				t->matched++;
				*out = rec;
				p->fd_pending = t->fds ? rec : NULL;
				return 1;
			}
			if (rec->type == TT_REC_EXEC && !tt_record__is_restated(rec))
				procs__exec_ahead(t->procs, &rec->exec);
			ret = reorder__push(p->reorder, rec);
			if (ret)
				return p->error = ret; /* for tape__error */
			p->held++;
			p->none_due = false;
		} else if (rec->type == TT_REC_PROC) {
			procs__update(t->procs, rec);
		} else if (rec->type == TT_REC_FD) {
			if (t->fds) /* the fds at the file's start: from then on */
				fdtable__prologue(t->fds, &rec->fd,
						  trace_reader__header(trace_set__current(p->set))->start_ns);
		} else if (rec->type == TT_REC_CGROUP) {
			note_cgroup(p, &rec->cgroup);
		} else if (rec->type == TT_REC_FUNC) {
			functab__note(p->funcs, &rec->func);
		} else if (rec->type == TT_REC_TRAILER && rec->trailer.reason != TT_CLOSE_ROTATE) {
			t->end = rec->trailer;
		} else if (rec->type == TT_REC_SAMPLED) {
			note_sampled(t, &rec->sampled);
		} else if (rec->type == TT_REC_CONFIG) {
			char *text = strndup(rec->config.text.data, rec->config.text.len);

			if (text) { /* else the previous settings stay */
				free(t->config);
				t->config = text;
			}
		} else if (rec->type == TT_REC_TRIGGER) {
			note_trigger(t, &rec->trigger);
		} else if (rec->type == TT_REC_LOSS) {
			note_loss(t, &rec->loss);
			p->loss = *rec; /* no pointers: a plain copy outlives the reader's buffer */
			*out = &p->loss;
			return 1;
		}
	}
}

int tape__check_writer(struct tape *t)
{
	return trace_set__check_writer(t->priv->set);
}

const char *tape__error(const struct tape *t)
{
	const char *msg = trace_set__error(t->priv->set);

	/* An error of the tape's own (the reorder window out of memory) has
	 * no text in the set: an empty message would print as "tool: ". */
	if ((!msg || !*msg) && t->priv->error)
		return strerror(-t->priv->error);
	return msg;
}

int tape__truncated(const struct tape *t, char *buf, size_t size)
{
	size_t used = 0;
	int n = 0;

	if (size)
		buf[0] = 0;
	for (int i = 0; i < trace_set__count(t->priv->set); i++) {
		struct trace_reader *r = trace_set__reader(t->priv->set, i);

		if (!trace_reader__truncated(r))
			continue;
		if (used < size)
			used += snprintf(buf + used, size - used, "%s%s", n ? ", " : "",
					 trace_reader__path(r));
		n++;
	}
	return n;
}

uint64_t tape__batches_missing(const struct tape *t, int cpu)
{
	uint64_t n = 0;

	for (int i = 0; i < trace_set__count(t->priv->set); i++)
		n += trace_reader__batches_missing(trace_set__reader(t->priv->set, i), cpu);
	return n;
}

void tape__any_order(struct tape *t)
{
	/* A filter on names or descendants asks the process model about every
	 * syscall, and the model is only right in time order. */
	if (!t->filter.ncomms && !t->filter.children && !t->filter.containers)
		t->priv->unordered = true;
}

/*
 * Does the recording have every call that can make a name untrue (close,
 * close_range, dup2, fcntl, chdir, connect, bind...: FDTABLE_ROLES_RENAMING)
 * and every exec? Not with --errors-only or --slow, nor rec -e without
 * them, nor without the exec monitor.
 */
static bool has_fd_changes(const struct tape *t)
{
	const struct tt_file_header *h = trace_reader__header(trace_set__reader(t->priv->set, 0));
	uint64_t mask[SYSCALL_MAX_NR / 64] = { 0 };
	struct syscall_fds fds;
	char list[4096], bad[64];
	const char *val;
	size_t len;

	if (t->info.volume.errors_only || t->info.volume.slow ||
	    !(t->info.monitors & (1u << TT_MONITOR_EXEC)))
		return false;
	val = option(&h->options, "syscalls", &len);
	if (!val || !len)
		return true; /* every syscall */
	copy_bytes(list, sizeof(list), &(struct tt_bytes){ val, len });
	if (len >= sizeof(list) || syscall_table__select(t->st, list, mask, bad, sizeof(bad)))
		return false;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		if (syscall_table__fds(t->st, nr, &fds) && (fds.roles & FDTABLE_ROLES_RENAMING) &&
		    !(mask[nr / 64] >> (nr % 64) & 1))
			return false;
	return true;
}

int tape__track_fds(struct tape *t)
{
	if (t->fds)
		return 0;
	if (!(t->fds = fdtable__new(t->st)))
		return -ENOMEM;
	if (!has_fd_changes(t))
		fdtable__blind(t->fds, 0, UINT64_MAX);
	return 0;
}

void tape__close(struct tape *t)
{
	if (!t)
		return;
	if (t->priv) {
		trace_set__close(t->priv->set);
		syscall_table__free(t->priv->st);
		reorder__free(t->priv->reorder);
		if (t->priv->cgroups) {
			struct hmap_entry *e = hmap__entries(t->priv->cgroups, NULL);

			for (size_t i = 0; e && i < hmap__count(t->priv->cgroups); i++)
				free(*(char **)e[i].value);
			free(e);
			hmap__free(t->priv->cgroups);
		}
		hmap__free(t->priv->containers);
		functab__free(t->priv->funcs);
		free(t->priv->recorded);
		free(t->priv->sampled);
		free(t->priv);
	}
	procs__free(t->procs);
	fdtable__free(t->fds);
	free(t->config);
	free(t);
}
