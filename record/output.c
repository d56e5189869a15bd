// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flight.h"
#include "log.h"
#include "outfile.h"
#include "output.h"
#include "trace.h"

struct compressor {
	struct output *o;
	struct trace_compressor *z;
	int level; /* the level z compresses at now */
	pthread_t thread;
	bool started;
};

struct output {
	struct output_opts opts;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct chunk *head, *tail; /* the queue: compressed in any order, written in this one */
	int queued;
	struct chunk *spare; /* written chunks kept for reuse: no page faults */
	int nspare;
	bool finishing;  /* no more chunks: the writer thread ends once the queue is empty */
	bool stopping;   /* the writer thread has ended: so do the compressing threads */
	struct compressor *compressors;
	int ncompressors;
	struct flight *flight; /* rec --flight: owned by the writer thread */

	/* Owned by the writer thread. */
	struct trace_writer *writer;
	uint32_t seq;        /* of the file being written */
	uint32_t oldest;     /* of the oldest file of this recording still on disk */
	uint32_t dropped;    /* files deleted to make room (--on-full drop-oldest) */
	atomic_uint files;
	char name[PATH_MAX]; /* of the file being written, without .partial */

	/* Read by other threads. */
	atomic_uint_fast64_t file_bytes;
	atomic_uint_fast64_t written_bytes, raw_bytes;
	atomic_uint_fast64_t caught_up[OUTPUT_CATCH_UP_STEPS]; /* chunks at each catch-up level */
	atomic_int failed;
	char error[PATH_MAX + 128];
};

struct chunk *chunk__new(size_t cap)
{
	struct chunk *c = calloc(1, sizeof(*c));

	if (!c || !(c->buf = malloc(cap))) {
		free(c);
		return NULL;
	}
	c->cap = cap;
	return c;
}

void chunk_keep__release(struct chunk_keep *k)
{
	free(k->pevents);
	free(k->marks);
	free(k->watched);
	free(k->touches);
	memset(k, 0, sizeof(*k));
}

/* Emptied for the chunk's next use, its arrays kept. */
static void chunk_keep__reset(struct chunk_keep *k)
{
	k->pevents_len = 0;
	k->nmarks = 0;
	k->ntouches = 0;
	k->touches_lost = false;
	free(k->watched);
	k->watched = NULL;
	k->nwatched = 0;
}

/* *dst = a copy of len bytes of src (none for 0): 0 or -ENOMEM. */
static int copy_array(void *dst, const void *src, size_t len)
{
	void *p = NULL;

	if (len && !(p = malloc(len)))
		return -ENOMEM;
	if (len)
		memcpy(p, src, len);
	*(void **)dst = p;
	return 0;
}

int chunk_keep__copy(struct chunk_keep *dst, const struct chunk_keep *src)
{
	*dst = (struct chunk_keep){
		.pevents_len = src->pevents_len, .pevents_cap = src->pevents_len,
		.nmarks = src->nmarks, .marks_cap = src->nmarks,
		.nwatched = src->watched ? src->nwatched : 0,
		.ntouches = src->ntouches, .touches_cap = src->ntouches,
		.touches_lost = src->touches_lost,
	};
	if (copy_array(&dst->pevents, src->pevents, dst->pevents_len) ||
	    copy_array(&dst->marks, src->marks, dst->nmarks * sizeof(*dst->marks)) ||
	    copy_array(&dst->watched, src->watched, dst->nwatched * sizeof(*dst->watched)) ||
	    copy_array(&dst->touches, src->touches, dst->ntouches * sizeof(*dst->touches))) {
		chunk_keep__release(dst);
		return -ENOMEM;
	}
	return 0;
}

size_t chunk_keep__bytes(const struct chunk_keep *k)
{
	return k->pevents_len + k->nmarks * sizeof(*k->marks) +
	       (k->watched ? k->nwatched * sizeof(*k->watched) : 0) + k->ntouches * sizeof(*k->touches);
}

void chunk__free(struct chunk *c)
{
	if (!c)
		return;
	trace_frame__release(&c->frame);
	chunk_keep__release(&c->keep);
	free(c->buf);
	free(c);
}

int chunk__mark(struct chunk *c, uint32_t cpu, uint64_t ts)
{
	struct chunk_keep *k = &c->keep;
	struct chunk_mark *m;

	/* a CPU's marks only grow: its newest is the one that counts */
	for (uint32_t i = 0; i < k->nmarks; i++) {
		if (k->marks[i].cpu == cpu) {
			if (ts > k->marks[i].ts)
				k->marks[i].ts = ts;
			return 0;
		}
	}
	if (k->nmarks == k->marks_cap) {
		uint32_t cap = k->marks_cap ? k->marks_cap * 2 : 16;

		if (!(m = realloc(k->marks, cap * sizeof(*m))))
			return -ENOMEM;
		k->marks = m;
		k->marks_cap = cap;
	}
	k->marks[k->nmarks++] = (struct chunk_mark){ .cpu = cpu, .ts = ts };
	return 0;
}

int chunk__touch(struct chunk *c, uint32_t pid, int32_t fd)
{
	struct chunk_keep *k = &c->keep;

	if (k->ntouches && k->touches[k->ntouches - 1].pid == pid && k->touches[k->ntouches - 1].fd == fd)
		return 0; /* the same again: a close loop */
	if (k->ntouches == k->touches_cap) {
		uint32_t cap = k->touches_cap ? k->touches_cap * 2 : 64;
		struct fd_touch *v = realloc(k->touches, cap * sizeof(*v));

		if (!v) {
			k->touches_lost = true;
			return -ENOMEM;
		}
		k->touches = v;
		k->touches_cap = cap;
	}
	k->touches[k->ntouches++] = (struct fd_touch){ .pid = pid, .fd = fd };
	return 0;
}

int chunk__watch(struct chunk *c, const bool *watched, int ncpus)
{
	bool *w = malloc(ncpus * sizeof(*w));

	if (!w)
		return -ENOMEM;
	memcpy(w, watched, ncpus * sizeof(*w));
	free(c->keep.watched);
	c->keep.watched = w;
	c->keep.nwatched = ncpus;
	return 0;
}

/* A process event, kept apart as well for rec --flight's table (flight.c). */
static int keep_pevents(struct chunk_keep *k, const struct tt_record *rec, size_t size)
{
	if (k->pevents_len + size > k->pevents_cap) {
		size_t cap = k->pevents_cap ? k->pevents_cap : 4096;
		char *s;

		while (cap < k->pevents_len + size)
			cap *= 2;
		if (!(s = realloc(k->pevents, cap)))
			return -ENOMEM;
		k->pevents = s;
		k->pevents_cap = cap;
	}
	k->pevents_len += tt_record__encode(k->pevents + k->pevents_len, k->pevents_cap - k->pevents_len, rec);
	return 0;
}

int chunk__append(struct chunk *c, const struct tt_record *rec)
{
	int n = tt_record__encode(c->buf + c->len, c->cap - c->len, rec);
	uint64_t ts;

	if (n < 0)
		return n;
	if (c->keep_pevents && !tt_record__is_restated(rec) &&
	    (rec->type == TT_REC_FORK || rec->type == TT_REC_EXEC || rec->type == TT_REC_EXIT ||
	     rec->type == TT_REC_RENAME) && keep_pevents(&c->keep, rec, n))
		return -ENOMEM;
	c->len += n;
	c->nrecords++;
	ts = tt_record__ts(rec);
	if (ts) {
		if (!c->first_ts || ts < c->first_ts)
			c->first_ts = ts;
		ts = tt_record__last_ts(rec);
		if (ts > c->last_ts)
			c->last_ts = ts;
	}
	return 0;
}

static void fail_msg(struct output *o, int err, const char *msg)
{
	if (atomic_load(&o->failed))
		return;
	snprintf(o->error, sizeof(o->error), "%s", msg);
	atomic_store(&o->failed, err);
}

static void fail(struct output *o, int err, const char *what, const char *path)
{
	char msg[PATH_MAX + 128];

	snprintf(msg, sizeof(msg), "%s %s: %s", what, path, strerror(-err));
	if (err == -ENOSPC || err == -EDQUOT)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			 "; the file ends at its last whole chunk");
	fail_msg(o, err, msg);
}

static int partial_name(char *buf, size_t size, const char *name)
{
	return snprintf(buf, size, "%s.partial", name) < (int)size ? 0 : -ENAMETOOLONG;
}

static bool is_trace(const char *path)
{
	char err[256];
	struct trace_reader *r = trace_reader__open(path, err, sizeof(err));

	trace_reader__close(r);
	return r != NULL;
}

int output__check_name(const char *path, bool force, bool (*is_ours)(const char *path),
			const char *what, char *why, size_t whylen)
{
	char partial[PATH_MAX + 16];
	struct stat st;

	if (partial_name(partial, sizeof(partial), path))
		return -ENAMETOOLONG;
	if (!lstat(partial, &st) && trace_file__writer_alive(partial)) {
		/* Its writer holds a lock on it: --force does not take it away. */
		snprintf(why, whylen, "%s is being written by a running rec: choose another -o",
			 partial);
		return -EBUSY;
	}
	if (!lstat(partial, &st) && !(force && !unlink(partial))) {
		snprintf(why, whylen, "%s exists (left by a rec that was killed?): remove it, "
			 "or use --force", partial);
		return -EEXIST;
	}
	if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
		/* --force replaces files, never a directory's contents. */
		snprintf(why, whylen, "%s is a directory: name a file in it (%s/%s)", path, path,
			 is_ours == is_trace ? "trace.zst" : "NAME");
		return -EISDIR;
	}
	/* the rules of every output (formats/outfile.c); an older trace is
	 * replaced, as the recording it is a file of is rerun; the .partial
	 * is renamed over a symlink at the name, never through it */
	return outfile__check(path, force ? OUTFILE_FORCE : 0, is_ours, what, why, whylen);
}

int output__check_path(const char *path, bool force, char *why, size_t whylen)
{
	return output__check_name(path, force, is_trace, "a tracetape trace", why, whylen);
}

static int open_next(struct output *o)
{
	struct trace_writer_opts wopts = { .level = o->opts.level, .exclusive = true };
	char partial[PATH_MAX + 16], why[PATH_MAX + 128];
	int err;

	if (o->files)
		o->seq++;
	err = trace_rotation__name(o->name, sizeof(o->name), o->opts.base, o->seq);
	if (!err)
		err = partial_name(partial, sizeof(partial), o->name);
	if (err) {
		fail(o, err, "naming", o->opts.base);
		return err;
	}
	if (output__check_path(o->name, o->opts.force, why, sizeof(why))) {
		fail_msg(o, -EEXIST, why);
		return -EEXIST;
	}
	/* O_EXCL|O_NOFOLLOW: nothing planted at the name is followed or reused. */
	o->writer = trace_writer__open(partial, &wopts);
	if (!o->writer) {
		err = -errno;
		fail(o, err, "creating", partial);
		return err;
	}
	o->files++;
	atomic_store(&o->file_bytes, 0);
	/* A ring of files: the oldest goes when the newest arrives. */
	if (o->opts.rotate_count && o->seq >= o->opts.rotate_count) {
		char old[PATH_MAX];

		if (!trace_rotation__name(old, sizeof(old), o->opts.base, o->seq - o->opts.rotate_count))
			unlink(old);
		o->oldest = o->seq - o->opts.rotate_count + 1;
	}
	return 0;
}

/* --on-full drop-oldest: make room by deleting this recording's oldest file. */
static bool drop_oldest(struct output *o)
{
	char old[PATH_MAX];

	while (o->oldest < o->seq) {
		if (trace_rotation__name(old, sizeof(old), o->opts.base, o->oldest++))
			return false;
		if (!unlink(old)) {
			o->dropped++;
			return true;
		}
	}
	return false;
}

static int close_current(struct output *o)
{
	char partial[PATH_MAX + 16];
	int err;

	if (!o->writer)
		return 0;
	err = trace_writer__seal(o->writer);
	while ((err == -ENOSPC || err == -EDQUOT) && o->opts.drop_oldest && drop_oldest(o))
		err = trace_writer__seal(o->writer);
	err = trace_writer__close(o->writer) ?: err;
	o->writer = NULL;
	partial_name(partial, sizeof(partial), o->name);
	/* Even a failed close leaves a file cut at its last whole chunk: it is
	 * closed, and readers say it is truncated. */
	if (err)
		fail(o, err, "closing", partial);
	if (rename(partial, o->name)) {
		err = -errno;
		fail(o, err, "renaming", partial);
	}
	return err;
}

static void write_chunk(struct output *o, struct chunk *c)
{
	struct trace_writer_stats st;
	int err;

	if (atomic_load(&o->failed))
		return; /* keep draining the queue so the consumer never blocks */
	if ((c->starts_file || !o->writer) && (close_current(o) || open_next(o)))
		return;
	err = c->zerr ?: trace_writer__append_frame(o->writer, c->buf, c->len, c->nrecords, c->first_ts,
						     c->last_ts, &c->frame);
	/* Nothing of it is in the file on a full disk: again once there is room. */
	while ((err == -ENOSPC || err == -EDQUOT) && o->opts.drop_oldest && drop_oldest(o))
		err = trace_writer__append_frame(o->writer, c->buf, c->len, c->nrecords, c->first_ts,
						 c->last_ts, &c->frame);
	if (err) {
		char partial[PATH_MAX + 16];

		partial_name(partial, sizeof(partial), o->name);
		fail(o, err, "writing", partial);
		return;
	}
	trace_writer__stats(o->writer, &st);
	atomic_store(&o->file_bytes, st.written_bytes);
	atomic_fetch_add(&o->raw_bytes, c->len);
	if (c->ends_file)
		close_current(o);
}

static void flight_chunk(struct output *o, struct chunk *c)
{
	char err[PATH_MAX + 128];

	/* A snapshot that cannot be written is said, and the ring goes on:
	 * the next trigger may find room. */
	if (flight__chunk(o->flight, c, err, sizeof(err)))
		pr_warn("%s", err);
	atomic_fetch_add(&o->raw_bytes, c->len);
}

static void *writer_main(void *arg)
{
	struct output *o = arg;
	struct chunk *c;

	for (;;) {
		uint64_t before;

		pthread_mutex_lock(&o->lock);
		/* The oldest chunk goes first, once it is compressed. */
		while (!(o->head && o->head->state == CHUNK_COMPRESSED) && !(!o->head && o->finishing))
			pthread_cond_wait(&o->cond, &o->lock);
		c = o->head;
		if (!c) {
			pthread_mutex_unlock(&o->lock);
			break;
		}
		o->head = c->next;
		if (!o->head)
			o->tail = NULL;
		o->queued--;
		pthread_cond_broadcast(&o->cond);
		pthread_mutex_unlock(&o->lock);

		before = c->starts_file ? 0 : atomic_load(&o->file_bytes);
		if (o->flight)
			flight_chunk(o, c);
		else
			write_chunk(o, c);
		atomic_fetch_add(&o->written_bytes, atomic_load(&o->file_bytes) - before);
		pthread_mutex_lock(&o->lock);
		if (o->nspare < 4) {
			c->next = o->spare;
			o->spare = c;
			o->nspare++;
			c = NULL;
		}
		pthread_mutex_unlock(&o->lock);
		chunk__free(c);
	}
	if (o->flight) {
		char err[PATH_MAX + 128];

		if (flight__finish(o->flight, err, sizeof(err)))
			pr_warn("%s", err);
	}
	close_current(o);
	return NULL;
}

const int output_catch_up_levels[OUTPUT_CATCH_UP_STEPS] = { -5, -30, -100 };

/*
 * The catch-up step for a chunk with waiting chunks queued behind it: none
 * (-1) while the compressing threads can take them, then one step faster
 * for each third of the queue's remaining room taken. The alternative to a
 * faster level is a consumer blocked on a full queue and the kernel's ring
 * filling up, events lost (zstd --adapt does the like for its output).
 */
int output__catch_up_step(int waiting, int ncompressors, int max_queued)
{
	int per_step, k;

	if (waiting <= ncompressors)
		return -1;
	per_step = (max_queued - 2 * ncompressors) / OUTPUT_CATCH_UP_STEPS;
	per_step = per_step < 1 ? 1 : per_step;
	k = (waiting - ncompressors - 1) / per_step;
	return k < OUTPUT_CATCH_UP_STEPS ? k : OUTPUT_CATCH_UP_STEPS - 1;
}

/* The level for chunk c (under the lock): rec's own, or a catch-up step's
 * when that is faster; *step is the step taken, -1 for none. */
static int catch_up_level(const struct output *o, const struct chunk *c, int *step)
{
	int waiting = 0;

	for (const struct chunk *next = c->next; next; next = next->next)
		waiting += next->state == CHUNK_QUEUED;
	*step = output__catch_up_step(waiting, o->ncompressors, o->opts.max_queued);
	if (*step < 0 || o->opts.level <= output_catch_up_levels[*step]) {
		*step = -1; /* none, or rec's own level is as fast already */
		return o->opts.level;
	}
	return output_catch_up_levels[*step];
}

/* A compressing thread: the oldest chunk no thread has taken yet, until
 * the writer thread has ended. */
static void *compressor_main(void *arg)
{
	struct compressor *z = arg;
	struct output *o = z->o;
	int level, step;

	pthread_mutex_lock(&o->lock);
	for (;;) {
		struct chunk *c = o->head;
		int err;

		while (c && c->state != CHUNK_QUEUED)
			c = c->next;
		if (!c) {
			if (o->stopping)
				break;
			pthread_cond_wait(&o->cond, &o->lock);
			continue;
		}
		c->state = CHUNK_COMPRESSING;
		level = catch_up_level(o, c, &step);
		pthread_mutex_unlock(&o->lock);
		if (level != z->level && !trace_compressor__set_level(z->z, level))
			z->level = level;
		if (step >= 0 && z->level == level)
			atomic_fetch_add(&o->caught_up[step], 1);
		err = c->len ? trace_compressor__compress(z->z, c->buf, c->len, &c->frame) : 0;
		pthread_mutex_lock(&o->lock);
		c->zerr = err;
		c->state = CHUNK_COMPRESSED;
		pthread_cond_broadcast(&o->cond);
	}
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

static void stop_compressors(struct output *o)
{
	pthread_mutex_lock(&o->lock);
	o->stopping = true;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	for (int i = 0; i < o->ncompressors; i++) {
		if (o->compressors[i].started)
			pthread_join(o->compressors[i].thread, NULL);
		o->compressors[i].started = false;
		trace_compressor__free(o->compressors[i].z);
		o->compressors[i].z = NULL;
	}
}

/* Half the online CPUs, 1 to 8: zstd at level 1 takes ~25 ns per syscall
 * event (format 1.14), so 8 threads keep up with ~300 M events/s, more than
 * 16 CPUs make; the other half is left to the traced programs. */
static int default_compressors(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) / 2;

	return n < 1 ? 1 : n > 8 ? 8 : n;
}

struct output *output__start(const struct output_opts *opts)
{
	struct output *o = calloc(1, sizeof(*o));
	int err = ENOMEM;

	if (!o)
		return NULL;
	o->opts = *opts;
	if (!o->opts.level)
		o->opts.level = TT_DEFAULT_LEVEL;
	if (opts->flight && !(o->flight = flight__new(opts->flight))) {
		free(o);
		return NULL;
	}
	o->ncompressors = opts->compressors > 0 ? opts->compressors : default_compressors();
	/* room for every thread to compress one while the writer writes one */
	if (o->opts.max_queued <= 0)
		o->opts.max_queued = 8;
	if (o->opts.max_queued < 2 * o->ncompressors + 2)
		o->opts.max_queued = 2 * o->ncompressors + 2;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	o->compressors = calloc(o->ncompressors, sizeof(*o->compressors));
	if (!o->compressors)
		goto fail;
	for (int i = 0; i < o->ncompressors; i++) {
		struct compressor *z = &o->compressors[i];

		z->o = o;
		z->level = o->opts.level;
		z->z = trace_compressor__new(z->level, 0);
		if (!z->z) {
			err = errno;
			goto fail;
		}
		err = pthread_create(&z->thread, NULL, compressor_main, z);
		if (err)
			goto fail;
		z->started = true;
		pthread_setname_np(z->thread, "rec-zstd");
	}
	err = pthread_create(&o->thread, NULL, writer_main, o);
	if (err)
		goto fail;
	pthread_setname_np(o->thread, "rec-writer");
	return o;
fail:
	if (o->compressors)
		stop_compressors(o);
	free(o->compressors);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	flight__free(o->flight);
	free(o);
	errno = err;
	return NULL;
}

struct chunk *output__chunk(struct output *o)
{
	struct chunk *c;

	pthread_mutex_lock(&o->lock);
	c = o->spare;
	if (c) {
		o->spare = c->next;
		o->nspare--;
	}
	pthread_mutex_unlock(&o->lock);
	if (!c) {
		c = chunk__new(TT_CHUNK_SIZE);
		if (c)
			c->keep_pevents = o->flight != NULL;
		return c;
	}
	c->len = 0;
	c->nrecords = 0;
	c->first_ts = c->last_ts = 0;
	c->starts_file = c->ends_file = false;
	c->keep_pevents = o->flight != NULL;
	chunk_keep__reset(&c->keep);
	c->events = c->lost = 0;
	c->snap_open = 0;
	c->snap_time_ns = c->snap_wall_offset_ns = 0;
	c->snap_close = false;
	c->state = CHUNK_QUEUED;
	c->zerr = 0;
	c->next = NULL;
	return c;
}

int output__submit(struct output *o, struct chunk *c)
{
	c->next = NULL;
	c->state = CHUNK_QUEUED;
	pthread_mutex_lock(&o->lock);
	/* Back-pressure: a slow disk stalls the consumer, the ring fills and
	 * the kernel side counts what it drops. */
	while (o->queued >= o->opts.max_queued)
		pthread_cond_wait(&o->cond, &o->lock);
	if (o->tail)
		o->tail->next = c;
	else
		o->head = c;
	o->tail = c;
	o->queued++;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	return atomic_load(&o->failed);
}

bool output__would_rotate(const struct output *o, uint64_t raw_bytes)
{
	uint64_t raw = atomic_load(&o->raw_bytes), written = atomic_load(&o->written_bytes);

	if (!o->opts.rotate_bytes)
		return false;
	/* No ratio yet: the first chunk is still being compressed. */
	if (!raw || !written)
		return false;
	return raw_bytes / ((double)raw / written) >= o->opts.rotate_bytes;
}

int output__finish(struct output *o)
{
	pthread_mutex_lock(&o->lock);
	o->finishing = true;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	pthread_join(o->thread, NULL);
	stop_compressors(o);
	return atomic_load(&o->failed);
}

const char *output__error(const struct output *o)
{
	return atomic_load(&o->failed) ? o->error : "";
}

void output__stats(struct output *o, struct output_stats *st)
{
	st->written_bytes = atomic_load(&o->written_bytes);
	st->raw_bytes = atomic_load(&o->raw_bytes);
	st->files = atomic_load(&o->files);
	for (int k = 0; k < OUTPUT_CATCH_UP_STEPS; k++)
		st->caught_up[k] = atomic_load(&o->caught_up[k]);
	pthread_mutex_lock(&o->lock);
	st->queued = o->queued;
	pthread_mutex_unlock(&o->lock);
}

const char *output__current_name(struct output *o)
{
	return o->name;
}

bool output__flight_stats(struct output *o, struct flight_stats *st)
{
	if (o->flight)
		flight__stats(o->flight, st);
	return o->flight != NULL;
}

void output__free(struct output *o)
{
	struct chunk *c, *n;

	if (!o)
		return;
	if (!o->stopping)
		output__finish(o);
	for (c = o->head; c; c = n) {
		n = c->next;
		chunk__free(c);
	}
	for (c = o->spare; c; c = n) {
		n = c->next;
		chunk__free(c);
	}
	free(o->compressors);
	flight__free(o->flight);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	free(o);
}
