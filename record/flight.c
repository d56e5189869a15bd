// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdtouch.h"
#include "flight.h"
#include "log.h"
#include "trace.h"

/* A chunk kept in the ring: its frame alone (exactly its size, so that the
 * ring's bytes are what it holds) and what else the ring keeps of it. */
struct kept {
	struct kept *next;
	void *frame;
	size_t frame_len, raw_len;
	struct chunk_keep keep;
	uint32_t nrecords;
	uint64_t first_ts, last_ts, events, lost;
};

struct flight {
	struct flight_opts o;
	struct kept *head, *tail; /* oldest first */
	/* written by the writer thread alone, read live by rec's status line */
	_Atomic uint64_t bytes, nchunks, dropped;
	/* the snapshot being written, NULL if none */
	struct trace_writer *w;
	char name[PATH_MAX];
	uint64_t events, lost, last_ts;
	/* this run's snapshots, oldest first (for max_snapshots) */
	char **names;
	uint32_t nnames;
	_Atomic uint32_t snapshots;
};

struct flight *flight__new(const struct flight_opts *opts)
{
	struct flight *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->o = *opts;
	return f;
}

static void kept__free(struct kept *k)
{
	free(k->frame);
	chunk_keep__release(&k->keep);
	free(k);
}

/*
 * The process events of a chunk let go, applied to the table as of the
 * ring's start, which is now the next chunk's; and its shipping marks, so
 * that the table's position in event time (proctrack.c) is exact: every
 * event before it is in a chunk let go. Chunks hold batches of several
 * CPUs, shipped at different times, so the ring's oldest events can be
 * older than the newest of those let go: the position, the least mark,
 * says which execs a snapshot restates and which dead processes it still
 * lists, as a rotated file's prologue does.
 */
static void apply_state(struct flight *f, const struct kept *k)
{
	struct tt_record rec;
	size_t off = 0;
	int n;

	while (off < k->keep.pevents_len &&
	       (n = tt_record__decode(k->keep.pevents + off, k->keep.pevents_len - off, &rec)) > 0) {
		off += n;
		switch (rec.type) {
		case TT_REC_FORK:
			proctrack__on_fork(f->o.procs, &rec.fork);
			break;
		case TT_REC_EXEC:
			proctrack__on_exec(f->o.procs, &rec.exec);
			break;
		case TT_REC_EXIT:
			proctrack__on_exit(f->o.procs, &rec.exit);
			break;
		case TT_REC_RENAME:
			proctrack__on_rename(f->o.procs, &rec.rename);
			break;
		default:
			break;
		}
	}
	if (k->keep.watched)
		proctrack__watch_cpus(f->o.procs, k->keep.watched, k->keep.nwatched);
	for (uint32_t i = 0; i < k->keep.nmarks; i++)
		proctrack__shipped(f->o.procs, k->keep.marks[i].cpu, k->keep.marks[i].ts);
	/* A process dead well before the position made all its events in
	 * chunks let go: forget it now, or a ring that runs for days without
	 * a trigger keeps every process that ever ran. */
	if (k->keep.nmarks)
		proctrack__expire(f->o.procs);
}

/* What a kept chunk takes of the ring's SIZE. */
static size_t kept_bytes(const struct kept *k)
{
	return k->frame_len + chunk_keep__bytes(&k->keep);
}

static bool over_bounds(const struct flight *f)
{
	if (f->nchunks <= 1)
		return false; /* the newest stays, whatever its size */
	if (f->o.max_bytes && f->bytes > f->o.max_bytes)
		return true;
	return f->o.max_ns && f->head->first_ts && f->tail->last_ts > f->head->first_ts &&
	       f->tail->last_ts - f->head->first_ts > f->o.max_ns;
}

/* Keep c's frame at the ring's end, dropping the oldest past the bounds. */
static int keep(struct flight *f, const struct chunk *c)
{
	struct kept *k = calloc(1, sizeof(*k));

	if (!k || !(k->frame = malloc(c->frame.len)) || chunk_keep__copy(&k->keep, &c->keep)) {
		if (k)
			kept__free(k);
		return -ENOMEM;
	}
	memcpy(k->frame, c->frame.buf, c->frame.len);
	k->frame_len = c->frame.len;
	k->raw_len = c->len;
	k->nrecords = c->nrecords;
	k->first_ts = c->first_ts;
	k->last_ts = c->last_ts;
	k->events = c->events;
	k->lost = c->lost;
	if (f->tail)
		f->tail->next = k;
	else
		f->head = k;
	f->tail = k;
	f->bytes += kept_bytes(k);
	f->nchunks++;
	while (over_bounds(f)) {
		struct kept *old = f->head;

		f->head = old->next;
		f->bytes -= kept_bytes(old);
		f->nchunks--;
		f->dropped++;
		apply_state(f, old);
		kept__free(old);
	}
	return 0;
}

/* BASE-YYYYmmddTHHMMSS.mmmZ.zst (UTC), BASE being -o without its .zst. */
static int snapshot_name(char *buf, size_t size, const char *base, int64_t unix_ns)
{
	size_t len = strlen(base);
	time_t secs = unix_ns / 1000000000;
	char when[32];
	struct tm tm;

	if (len > 4 && !strcmp(base + len - 4, ".zst"))
		len -= 4;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	if (snprintf(buf, size, "%.*s-%s.%03dZ.zst", (int)len, base, when,
		     (int)(unix_ns / 1000000 % 1000)) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

/* The prologue's records, but the FD records of the fds the ring's calls
 * touched (fdtouch.h); none at all if touched is NULL. */
struct prologue_ctx {
	struct trace_writer *w;
	struct fdtouch_set *touched;
	uint64_t fds_left_out;
};

static int emit_record(const struct tt_record *rec, void *ctx)
{
	struct prologue_ctx *p = ctx;

	if (rec->type == TT_REC_FD &&
	    (!p->touched || fdtouch_set__has(p->touched, rec->fd.pid, rec->fd.fd))) {
		p->fds_left_out++;
		return 0;
	}
	return trace_writer__append(p->w, rec);
}

/* The touches of one chunk into s: false if one may be missing (it could
 * not keep one, or its calls were lost or left out by --max-rate). */
static bool add_touches(struct fdtouch_set *s, const struct chunk_keep *k, uint64_t lost)
{
	if (k->touches_lost || lost)
		return false;
	for (uint32_t i = 0; i < k->ntouches; i++)
		if (fdtouch_set__add(s, k->touches[i].pid, k->touches[i].fd))
			return false;
	return !fdtouch_set__add_pevents(s, k->pevents, k->pevents_len);
}

/* Every touch of the ring's chunks and of c (the trigger's, whose calls
 * are before rec reads /proc too) into s; false if one may be missing. */
static bool ring_touches(const struct flight *f, const struct chunk *c, struct fdtouch_set *s)
{
	bool whole = add_touches(s, &c->keep, c->lost);

	for (const struct kept *k = f->head; whole && k; k = k->next)
		whole = add_touches(s, &k->keep, k->lost);
	return whole;
}

/*
 * The CGROUP records a snapshot lacks for the cgroups of the forks and
 * execs of a chunk: the consumer wrote each cgroup once, maybe in a chunk
 * the ring let go. proctrack__new_cgroup says each once per snapshot.
 */
static int add_cgroups(struct flight *f, const char *pevents, size_t len)
{
	struct tt_record rec, cg;
	size_t off = 0;
	int n, err = 0;

	while (!err && off < len && (n = tt_record__decode(pevents + off, len - off, &rec)) > 0) {
		uint64_t id = rec.type == TT_REC_FORK ? rec.fork.cgroup_id :
			      rec.type == TT_REC_EXEC ? rec.exec.cgroup_id : 0;

		off += n;
		if (proctrack__new_cgroup(f->o.procs, id, &cg))
			err = trace_writer__append(f->w, &cg);
	}
	return err;
}

/* A ring's chunk appended to the snapshot as it was compressed. */
static int append_kept(struct flight *f, const struct kept *k)
{
	struct trace_frame fr = { .buf = k->frame, .len = k->frame_len, .cap = k->frame_len };
	int err = add_cgroups(f, k->keep.pevents, k->keep.pevents_len);

	err = err ?: trace_writer__append_frame(f->w, NULL, k->raw_len, k->nrecords, k->first_ts,
						k->last_ts, &fr);

	if (!err) {
		f->events += k->events;
		f->lost += k->lost;
		if (k->last_ts > f->last_ts)
			f->last_ts = k->last_ts;
	}
	return err;
}

/* Forget all but the newest max_snapshots of this run's snapshots. */
static void bound_snapshots(struct flight *f)
{
	char **names = realloc(f->names, (f->nnames + 1) * sizeof(*names));

	if (!names || !(names[f->nnames] = strdup(f->name))) {
		f->names = names ?: f->names;
		return;
	}
	f->names = names;
	f->nnames++;
	while (f->o.max_snapshots && f->nnames > f->o.max_snapshots) {
		unlink(f->names[0]);
		pr_info("snapshot %s deleted (--max-snapshots %u)", f->names[0], f->o.max_snapshots);
		free(f->names[0]);
		memmove(f->names, f->names + 1, --f->nnames * sizeof(*f->names));
	}
}

/* The time of the ring's oldest event (not always its oldest chunk's:
 * see apply_state), 0 if it holds none. */
static uint64_t ring_start(const struct flight *f)
{
	uint64_t ts = 0;

	for (const struct kept *k = f->head; k; k = k->next)
		if (k->first_ts && (!ts || k->first_ts < ts))
			ts = k->first_ts;
	return ts;
}

/* Open snapshot seq: its header, the prologue as of the ring's oldest chunk,
 * then the ring. */
static int snapshot_open(struct flight *f, const struct chunk *c, char *err, size_t errlen)
{
	struct trace_writer_opts wopts = { .level = f->o.level, .exclusive = true };
	struct tt_record rec = { .type = TT_REC_FILE_HEADER };
	char partial[PATH_MAX + 16], why[PATH_MAX + 128];
	struct fdtouch_set touched = { 0 };
	struct prologue_ctx pctx = { 0 };
	int ret;

	ret = snapshot_name(f->name, sizeof(f->name), f->o.base, c->snap_time_ns);
	if (!ret && snprintf(partial, sizeof(partial), "%s.partial", f->name) >= (int)sizeof(partial))
		ret = -ENAMETOOLONG;
	if (ret) {
		snprintf(err, errlen, "naming a snapshot after %s: %s", f->o.base, strerror(-ret));
		return ret;
	}
	if ((ret = output__check_path(f->name, f->o.force, why, sizeof(why)))) {
		snprintf(err, errlen, "%s", why);
		return ret;
	}
	f->w = trace_writer__open(partial, &wopts);
	if (!f->w) {
		ret = -errno;
		snprintf(err, errlen, "creating %s: %s", partial, strerror(errno));
		return ret;
	}
	f->events = f->lost = f->last_ts = 0;
	pctx.w = f->w;
	rec.header = f->o.header;
	rec.header.seq = c->snap_open;
	rec.header.start_ns = ring_start(f) ?: c->first_ts;
	rec.header.wall_offset_ns = c->snap_wall_offset_ns;
	ret = trace_writer__append(f->w, &rec);
	pctx.touched = ring_touches(f, c, &touched) ? &touched : NULL;
	ret = ret ?: proctrack__prologue(f->o.procs, emit_record, &pctx);
	fdtouch_set__release(&touched);
	if (!ret && pctx.fds_left_out)
		pr_debug("snapshot %s: %llu fds of the prologue left out, touched in the ring", f->name,
			 (unsigned long long)pctx.fds_left_out);
	ret = ret ?: trace_writer__flush(f->w);
	for (const struct kept *k = f->head; k && !ret; k = k->next)
		ret = append_kept(f, k);
	if (ret) {
		snprintf(err, errlen, "writing %s: %s", partial, strerror(-ret));
		trace_writer__close(f->w);
		f->w = NULL;
		unlink(partial);
		return ret;
	}
	f->snapshots++;
	bound_snapshots(f);
	return 0;
}

/* The trailer: what the snapshot holds, and the name it takes. */
static int snapshot_close(struct flight *f, char *err, size_t errlen)
{
	struct tt_record rec = { .type = TT_REC_TRAILER };
	char partial[PATH_MAX + 16];
	struct timespec now;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &now);
	rec.trailer.end_ns = (uint64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	rec.trailer.events = f->events;
	rec.trailer.lost = f->lost;
	rec.trailer.reason = TT_CLOSE_END;
	ret = trace_writer__append(f->w, &rec);
	ret = trace_writer__close(f->w) ?: ret;
	f->w = NULL;
	snprintf(partial, sizeof(partial), "%s.partial", f->name);
	if (!ret && rename(partial, f->name))
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "closing %s: %s", partial, strerror(-ret));
		return ret;
	}
	pr_warn("snapshot %s written: %llu events, %llu lost", f->name,
		(unsigned long long)f->events, (unsigned long long)f->lost);
	return 0;
}

int flight__chunk(struct flight *f, const struct chunk *c, char *err, size_t errlen)
{
	int ret = 0;

	/* The recording's own header and prologue: a snapshot makes its own. */
	if (c->starts_file)
		return 0;
	if (c->snap_open && !f->w)
		ret = snapshot_open(f, c, err, errlen);
	if (f->w && c->len && !c->zerr) {
		ret = add_cgroups(f, c->keep.pevents, c->keep.pevents_len);
		ret = ret ?: trace_writer__append_frame(f->w, c->buf, c->len, c->nrecords,
							c->first_ts, c->last_ts, &c->frame);
		if (ret) {
			snprintf(err, errlen, "writing %s.partial: %s", f->name, strerror(-ret));
			trace_writer__close(f->w);
			f->w = NULL; /* cut at its last whole chunk, left as .partial */
		} else {
			f->events += c->events;
			f->lost += c->lost;
			if (c->last_ts > f->last_ts)
				f->last_ts = c->last_ts;
		}
	}
	if (f->w && (c->snap_close || c->ends_file))
		ret = snapshot_close(f, err, errlen) ?: ret;
	if (c->len && !c->zerr && !c->ends_file && keep(f, c) && !ret) {
		snprintf(err, errlen, "keeping a chunk in the flight ring: %s", strerror(ENOMEM));
		ret = -ENOMEM;
	}
	return ret;
}

int flight__finish(struct flight *f, char *err, size_t errlen)
{
	return f->w ? snapshot_close(f, err, errlen) : 0;
}

void flight__stats(const struct flight *f, struct flight_stats *st)
{
	st->ring_bytes = f->bytes;
	st->ring_chunks = f->nchunks;
	st->dropped_chunks = f->dropped;
	st->snapshots = f->snapshots;
}

void flight__free(struct flight *f)
{
	if (!f)
		return;
	if (f->w)
		trace_writer__close(f->w);
	while (f->head) {
		struct kept *k = f->head;

		f->head = k->next;
		kept__free(k);
	}
	for (uint32_t i = 0; i < f->nnames; i++)
		free(f->names[i]);
	free(f->names);
	free(f);
}
