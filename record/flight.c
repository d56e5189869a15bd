// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flight.h"
#include "log.h"
#include "trace.h"

/* A chunk kept in the ring: its frame alone (exactly its size, so that the
 * ring's bytes are what it holds) and its process events. */
struct kept {
	struct kept *next;
	void *frame;
	size_t frame_len, raw_len, state_len;
	char *state;
	uint32_t nrecords;
	uint64_t first_ts, last_ts, events, lost;
};

struct flight {
	struct flight_opts o;
	struct kept *head, *tail; /* oldest first */
	uint64_t bytes, nchunks, dropped;
	/* the snapshot being written, NULL if none */
	struct trace_writer *w;
	char name[PATH_MAX];
	uint64_t events, lost, last_ts;
	/* this run's snapshots, oldest first (for max_snapshots) */
	char **names;
	uint32_t nnames, snapshots;
};

struct flight *flight__new(const struct flight_opts *opts)
{
	struct flight *f = calloc(1, sizeof(*f));
	const bool one = true;

	if (!f)
		return NULL;
	f->o = *opts;
	/* The table's position in event time (proctrack.c) is the ring's
	 * start: one mark, moved on as chunks are let go. */
	if (proctrack__watch_cpus(f->o.procs, &one, 1)) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

static void kept__free(struct kept *k)
{
	free(k->frame);
	free(k->state);
	free(k);
}

/* The process events of a chunk let go, applied to the table as of the
 * ring's start, which is now the next chunk's. */
static void apply_state(struct flight *f, const struct kept *k)
{
	struct tt_record rec;
	size_t off = 0;
	int n;

	while (off < k->state_len && (n = tt_record__decode(k->state + off, k->state_len - off, &rec)) > 0) {
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
	/* one mark for the ring: every event before it has been applied */
	if (k->last_ts)
		proctrack__shipped(f->o.procs, 0, k->last_ts);
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

	if (!k || !(k->frame = malloc(c->frame.len)) ||
	    (c->pevents_len && !(k->state = malloc(c->pevents_len)))) {
		if (k)
			kept__free(k);
		return -ENOMEM;
	}
	memcpy(k->frame, c->frame.buf, c->frame.len);
	if (c->pevents_len)
		memcpy(k->state, c->pevents, c->pevents_len);
	k->frame_len = c->frame.len;
	k->state_len = c->pevents_len;
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
	f->bytes += k->frame_len + k->state_len;
	f->nchunks++;
	while (over_bounds(f)) {
		struct kept *old = f->head;

		f->head = old->next;
		f->bytes -= old->frame_len + old->state_len;
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

static int emit_record(const struct tt_record *rec, void *ctx)
{
	return trace_writer__append(ctx, rec);
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
	int err = add_cgroups(f, k->state, k->state_len);

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

/* Open snapshot seq: its header, the prologue as of the ring's oldest chunk,
 * then the ring. */
static int snapshot_open(struct flight *f, const struct chunk *c, char *err, size_t errlen)
{
	struct trace_writer_opts wopts = { .level = f->o.level, .exclusive = true };
	struct tt_record rec = { .type = TT_REC_FILE_HEADER };
	char partial[PATH_MAX + 16], why[PATH_MAX + 128];
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
	rec.header = f->o.header;
	rec.header.seq = c->snap_open;
	rec.header.start_ns = f->head && f->head->first_ts ? f->head->first_ts : c->first_ts;
	rec.header.wall_offset_ns = c->snap_wall_offset_ns;
	ret = trace_writer__append(f->w, &rec);
	ret = ret ?: proctrack__prologue(f->o.procs, emit_record, f->w);
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
		ret = add_cgroups(f, c->pevents, c->pevents_len);
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
