// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "consumer.h"
#include "func_probes.h"
#include "log.h"
#include "syscalls.h"
#include "trace.h"

#define POLL_MS 20              /* how often the ring is drained */
#define FLUSH_NS 1000000000ull  /* a killed rec loses at most this much */

struct consumer {
	struct consumer_opts o;
	struct ring_buffer *rb;
	pthread_t thread;
	bool started, finished;
	bool rotating; /* writing a trailer or prologue */
	enum tt_close_reason end_reason; /* of the last file: consumer__set_end */
	int end_signal;
	atomic_bool stop, rotate_req;
	pthread_mutex_t lock;
	char *pending_config; /* under lock */

	/* Owned by the consumer thread. */
	struct chunk *chunk;
	uint32_t seq;
	uint64_t file_start, last_flush;
	uint64_t file_events, file_lost;
	uint64_t file_raw; /* record bytes handed to the writer for this file */
	int ncpus;
	struct ev_loss *loss_prev, *loss_cur;
	uint64_t loss_checked; /* time of the previous loss check */
	int error;

	atomic_uint_fast64_t events[TT_MONITOR__COUNT], lost[TT_MONITOR__COUNT], batches;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_offset_ns(void)
{
	struct timespec rt;
	uint64_t mono = mono_ns();

	clock_gettime(CLOCK_REALTIME, &rt);
	return (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - (int64_t)mono;
}

/* Hand the current chunk to the writer and start an empty one. */
static int submit(struct consumer *c)
{
	struct chunk *next = output__chunk(c->o.output);
	int err;

	if (!next)
		return -ENOMEM;
	c->file_raw += c->chunk->len;
	err = output__submit(c->o.output, c->chunk);
	c->chunk = next;
	if (err && !c->error)
		c->error = err;
	return err;
}

static void rotate(struct consumer *c);

static bool rotation_due(struct consumer *c, uint64_t now)
{
	if (c->rotating)
		return false;
	if (atomic_load(&c->rotate_req))
		return true;
	if (c->o.rotate_seconds && now - c->file_start >= c->o.rotate_seconds * 1000000000ull)
		return true;
	return output__would_rotate(c->o.output, c->file_raw + c->chunk->len);
}

static int emit(const struct tt_record *rec, void *ctx)
{
	struct consumer *c = ctx;
	int err = chunk__append(c->chunk, rec);

	if (err == -ENOSPC && c->chunk->len) {
		/* A chunk boundary: where a file may end (-C) as well. */
		if (rotation_due(c, mono_ns()))
			rotate(c);
		else
			submit(c);
		err = chunk__append(c->chunk, rec);
	}
	if (err)
		pr_warn("cannot encode a record of type %u: %s", rec->type, strerror(-err));
	return err;
}

/* The pcapng file cannot be written: stop like the writer does on error. */
static void packets_failed(struct consumer *c)
{
	if (!c->error) {
		pr_warn("%s", packet_sink__error(c->o.packets));
		c->error = -EIO;
	}
}

static void start_file(struct consumer *c)
{
	struct tt_record rec = { .type = TT_REC_FILE_HEADER };

	c->rotating = true;
	c->chunk->starts_file = true;
	c->file_start = mono_ns();
	c->file_events = c->file_lost = c->file_raw = 0;
	rec.header = c->o.header;
	rec.header.seq = c->seq;
	rec.header.start_ns = c->file_start;
	rec.header.wall_offset_ns = wall_offset_ns();
	emit(&rec, c);
	if (c->o.packets && packet_sink__open(c->o.packets, c->seq, rec.header.wall_offset_ns))
		packets_failed(c);
	proctrack__prologue(c->o.procs, emit, c);
	if (c->o.funcs)
		func_probes__table(c->o.funcs, emit, c);
	c->rotating = false;
}

/* Turn new counts of the kernel's loss counters into loss records. */
static void check_losses(struct consumer *c)
{
	uint64_t now = mono_ns();

	if (programs__read_losses(c->o.programs, c->loss_cur))
		return;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		for (int m = 0; m < TT_MONITOR__COUNT; m++) {
			uint64_t n = c->loss_cur[cpu].events[m] - c->loss_prev[cpu].events[m];
			struct tt_record rec = { .type = TT_REC_LOSS };

			if (!n)
				continue;
			rec.loss.monitor = m;
			rec.loss.cpu = cpu;
			rec.loss.count = n;
			rec.loss.from_ts = c->loss_checked;
			rec.loss.to_ts = c->loss_cur[cpu].last_ts > c->loss_checked ?
					 c->loss_cur[cpu].last_ts : now;
			emit(&rec, c);
			c->file_lost += n;
			atomic_fetch_add(&c->lost[m], n);
		}
	}
	memcpy(c->loss_prev, c->loss_cur, sizeof(*c->loss_cur) * c->ncpus);
	c->loss_checked = now;
}

/* Events rec itself had to drop (malformed in the ring): a LOSS record
 * now, as for the kernel's, so that nothing is lost silently. */
static void lost_here(struct consumer *c, enum tt_monitor_id m, uint64_t n)
{
	struct tt_record rec = { .type = TT_REC_LOSS };
	uint64_t now = mono_ns();

	rec.loss = (struct tt_loss){ .monitor = m, .cpu = TT_CPU_ANY, .count = n,
				     .from_ts = now, .to_ts = now };
	emit(&rec, c);
	c->file_lost += n;
	atomic_fetch_add(&c->lost[m], n);
}

/* Count mode: a FUNC_STATS record is an event, standing for its calls. */
static int emit_func_stats(const struct tt_record *rec, void *ctx)
{
	struct consumer *c = ctx;

	if (emit(rec, c))
		return -1;
	c->file_events++;
	atomic_fetch_add(&c->events[TT_MONITOR_FUNC], rec->func_stats.count);
	return 0;
}

static void end_file(struct consumer *c, enum tt_close_reason reason, int signal)
{
	struct tt_record rec = { .type = TT_REC_TRAILER };

	c->rotating = true;
	check_losses(c);
	if (c->o.funcs && func_probes__stats(c->o.funcs, c->file_start, mono_ns(), emit_func_stats, c))
		pr_warn("cannot read the function counts");
	rec.trailer.end_ns = mono_ns();
	rec.trailer.events = c->file_events;
	rec.trailer.lost = c->file_lost;
	rec.trailer.reason = reason;
	rec.trailer.signal = signal;
	emit(&rec, c);
	c->chunk->ends_file = true;
	submit(c);
	if (c->o.packets && packet_sink__close(c->o.packets))
		packets_failed(c);
	c->rotating = false;
}

static void rotate(struct consumer *c)
{
	atomic_store(&c->rotate_req, false);
	end_file(c, TT_CLOSE_ROTATE, 0);
	c->seq++;
	start_file(c);
}

static void note_cgroup(struct consumer *c, uint64_t id)
{
	struct tt_record rec;

	if (proctrack__new_cgroup(c->o.procs, id, &rec))
		emit(&rec, c);
}

/* One event of a batch; returns false if the batch is malformed. */
static bool handle_event(struct consumer *c, const struct ev_hdr *h, uint32_t size, uint16_t cpu)
{
	struct tt_record rec = { 0 };
	enum tt_monitor_id mon = TT_MONITOR_EXEC;

	switch (h->type) {
	case EV_SYSCALL: {
		const struct ev_syscall *e = (const void *)h;
		uint32_t off = sizeof(*e);

		if (size < sizeof(*e))
			return false;
		mon = TT_MONITOR_SYSCALL;
		rec.type = TT_REC_SYSCALL;
		rec.syscall.ts = h->ts;
		rec.syscall.duration = e->duration;
		rec.syscall.pid = e->pid;
		rec.syscall.tid = h->tid;
		rec.syscall.cpu = cpu;
		rec.syscall.nr = e->nr;
		rec.syscall.flags = (e->flags & EV_SC_NORETURN ? TT_SYSCALL_NORETURN : 0) |
				    (e->flags & EV_SC_COMPAT ? TT_SYSCALL_COMPAT : 0);
		rec.syscall.ret = e->ret;
		/* The arity table is the native one's; a compat call keeps all six. */
		rec.syscall.nargs = e->nr < SYSCALL_MAX_NR && !(e->flags & EV_SC_COMPAT) ?
				    c->o.nargs[e->nr] : 6;
		memcpy(rec.syscall.args, e->args, sizeof(e->args));
		for (int i = 0; i < e->nstr && i < TT_MAX_STRS; i++) {
			const struct ev_str *s = (const void *)((const char *)h + off);
			struct tt_str *d = &rec.syscall.strs[i];
			uint32_t len;

			if (off + sizeof(*s) > size || off + sizeof(*s) + s->len > size)
				return false;
			len = s->len;
			if (s->kind == EV_STR_PATH && len && ((const char *)(s + 1))[len - 1] == 0)
				len--;
			d->arg = s->arg;
			d->kind = s->kind == EV_STR_PATH ? TT_STR_PATH : TT_STR_SOCKADDR;
			d->flags = s->truncated ? TT_STR_TRUNCATED : 0;
			d->value.data = (const char *)(s + 1);
			d->value.len = len;
			rec.syscall.nstr++;
			off += (sizeof(*s) + s->len + 7) & ~7u;
		}
		break;
	}
	case EV_EXEC: {
		const struct ev_exec *e = (const void *)h;
		const char *p = (const char *)(e + 1);

		if (size < sizeof(*e) || sizeof(*e) + e->filename_len + e->args_len > size)
			return false;
		rec.type = TT_REC_EXEC;
		rec.exec.ts = h->ts;
		rec.exec.pid = e->pid;
		rec.exec.tid = h->tid;
		rec.exec.ppid = e->ppid;
		rec.exec.uid = e->uid;
		rec.exec.gid = e->gid;
		rec.exec.ret = e->ret;
		rec.exec.flags = (e->flags & EV_EXEC_ARGV_TRUNCATED ? TT_EXEC_ARGV_TRUNCATED : 0) |
				 (e->flags & EV_EXEC_FILENAME_TRUNCATED ? TT_EXEC_FILENAME_TRUNCATED : 0);
		rec.exec.nargs = e->nargs;
		rec.exec.cpu = cpu;
		rec.exec.cgroup_id = e->cgroup_id;
		memcpy(rec.exec.comm, e->comm, sizeof(rec.exec.comm));
		rec.exec.filename.data = p;
		rec.exec.filename.len = e->filename_len && !p[e->filename_len - 1] ?
					e->filename_len - 1 : e->filename_len;
		rec.exec.argv.data = p + e->filename_len;
		rec.exec.argv.len = e->args_len;
		note_cgroup(c, e->cgroup_id);
		proctrack__on_exec(c->o.procs, &rec.exec);
		break;
	}
	case EV_FORK: {
		const struct ev_fork *e = (const void *)h;

		if (size < sizeof(*e))
			return false;
		rec.type = TT_REC_FORK;
		rec.fork.ts = h->ts;
		rec.fork.parent_pid = e->parent_pid;
		rec.fork.parent_tid = h->tid;
		rec.fork.child_pid = e->child_pid;
		rec.fork.child_tid = e->child_tid;
		rec.fork.uid = e->uid;
		rec.fork.gid = e->gid;
		rec.fork.cpu = cpu;
		rec.fork.clone_flags = e->clone_flags;
		rec.fork.cgroup_id = e->cgroup_id;
		memcpy(rec.fork.comm, e->comm, sizeof(rec.fork.comm));
		note_cgroup(c, e->cgroup_id);
		proctrack__on_fork(c->o.procs, &rec.fork);
		break;
	}
	case EV_RENAME: {
		const struct ev_rename *e = (const void *)h;

		if (size < sizeof(*e))
			return false;
		rec.type = TT_REC_RENAME;
		rec.rename.ts = h->ts;
		rec.rename.pid = e->pid;
		rec.rename.tid = h->tid;
		rec.rename.cpu = cpu;
		memcpy(rec.rename.comm, e->comm, sizeof(rec.rename.comm));
		proctrack__on_rename(c->o.procs, &rec.rename);
		break;
	}
	case EV_EXIT: {
		const struct ev_exit *e = (const void *)h;

		if (size < sizeof(*e))
			return false;
		rec.type = TT_REC_EXIT;
		rec.exit.ts = h->ts;
		rec.exit.pid = e->pid;
		rec.exit.tid = h->tid;
		rec.exit.status = e->exit_code;
		rec.exit.group_dead = !!e->group_dead;
		rec.exit.cpu = cpu;
		proctrack__on_exit(c->o.procs, &rec.exit);
		break;
	}
	default:
		return true; /* a newer BPF side; nothing to decode */
	}
	if (!emit(&rec, c)) {
		c->file_events++;
		atomic_fetch_add(&c->events[mon], 1);
	}
	return true;
}

static int handle_batch(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const struct ev_batch *b = data;
	const char *p = (const char *)(b + 1);
	uint32_t off = 0, done[TT_NR_MONITORS] = { 0 };

	atomic_fetch_add(&c->batches, 1);
	if (size < sizeof(*b) || b->len > size - sizeof(*b))
		return 0;
	while (off + sizeof(struct ev_hdr) <= b->len) {
		const struct ev_hdr *h = (const void *)(p + off);

		if (h->size < sizeof(*h) || h->size > b->len - off || !handle_event(c, h, h->size, b->cpu)) {
			pr_warn("malformed event in a batch from CPU %u; the rest of the batch "
				"skipped, counted as lost", b->cpu);
			/* The batch says how many events of each monitor it held. */
			for (int m = 0; m < TT_NR_MONITORS && m < TT_MONITOR__COUNT; m++)
				if (b->nevents[m] > done[m])
					lost_here(c, m, b->nevents[m] - done[m]);
			break;
		}
		done[h->type == EV_SYSCALL ? TT_MON_SYSCALL : TT_MON_EXEC]++;
		off += h->size;
	}
	return 0;
}

/* One packet from the packet ring: to the pcapng file and the trace. */
static int handle_packet(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	struct tt_record rec;
	int ret = packet_sink__packet(c->o.packets, data, size, &rec);

	if (ret == -EBADMSG) {
		pr_warn("malformed packet event (%zu bytes) skipped, counted as lost", size);
		lost_here(c, TT_MONITOR_PACKET, 1);
		return 0;
	}
	if (ret < 0) {
		packets_failed(c);
		return 0;
	}
	if (ret == 1)
		return 0; /* left out by -f */
	note_cgroup(c, rec.packet.cgroup_id);
	if (!emit(&rec, c)) {
		c->file_events++;
		atomic_fetch_add(&c->events[TT_MONITOR_PACKET], 1);
	}
	return 0;
}

/* One function entry or return from the func ring (--func-mode calls). */
static int handle_func(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;
	const struct ev_func *e = data;
	struct tt_record rec = { .type = TT_REC_FUNC_CALL };

	if (size < sizeof(*e) || (e->hdr.type != EV_FUNC_ENTRY && e->hdr.type != EV_FUNC_RETURN)) {
		pr_warn("malformed function event (%zu bytes) skipped", size);
		return 0;
	}
	rec.func_call.ts = e->hdr.ts;
	rec.func_call.duration = e->duration;
	rec.func_call.pid = e->pid;
	rec.func_call.tid = e->hdr.tid;
	rec.func_call.func = e->func;
	rec.func_call.cpu = e->cpu;
	rec.func_call.depth = e->depth;
	rec.func_call.event = e->hdr.type == EV_FUNC_ENTRY ? TT_FUNC_ENTRY : TT_FUNC_RETURN;
	if (!emit(&rec, c)) {
		c->file_events++;
		atomic_fetch_add(&c->events[TT_MONITOR_FUNC], 1);
	}
	return 0;
}

static void tick(struct consumer *c)
{
	uint64_t now = mono_ns();
	char *config = NULL;

	pthread_mutex_lock(&c->lock);
	config = c->pending_config;
	c->pending_config = NULL;
	pthread_mutex_unlock(&c->lock);
	if (config) {
		struct tt_record rec = { .type = TT_REC_CONFIG };

		rec.config.ts = now;
		rec.config.text.data = config;
		rec.config.text.len = strlen(config);
		emit(&rec, c);
		free(config);
	}
	if (rotation_due(c, now)) {
		rotate(c);
		c->last_flush = now;
		return;
	}
	if (now - c->last_flush >= FLUSH_NS) {
		check_losses(c);
		if (c->chunk->len)
			submit(c);
		c->last_flush = now;
	}
}

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;

	while (!atomic_load(&c->stop)) {
		uint64_t before;

		ring_buffer__poll(c->rb, POLL_MS);
		before = mono_ns();
		if (ring_buffer__consume(c->rb) == 0) /* caught up with the kernel */
			proctrack__caught_up(c->o.procs, before);
		tick(c);
	}
	return NULL;
}

struct consumer *consumer__start(const struct consumer_opts *opts, char *err, size_t errlen)
{
	struct consumer *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return NULL;
	c->o = *opts;
	pthread_mutex_init(&c->lock, NULL);
	c->ncpus = programs__ncpus(opts->programs);
	c->loss_prev = calloc(c->ncpus, sizeof(*c->loss_prev));
	c->loss_cur = calloc(c->ncpus, sizeof(*c->loss_cur));
	c->chunk = output__chunk(opts->output);
	c->rb = programs__ring(opts->programs, handle_batch, handle_packet, handle_func, c);
	if (!c->loss_prev || !c->loss_cur || !c->chunk || !c->rb) {
		snprintf(err, errlen, "setting up the ring buffer consumer: %s", strerror(errno ?: ENOMEM));
		goto fail;
	}
	programs__read_losses(opts->programs, c->loss_prev);
	c->loss_checked = c->last_flush = mono_ns();
	start_file(c);
	ret = pthread_create(&c->thread, NULL, consumer_main, c);
	if (!ret)
		pthread_setname_np(c->thread, "rec-consumer");
	if (ret) {
		snprintf(err, errlen, "starting the consumer thread: %s", strerror(ret));
		goto fail;
	}
	c->started = true;
	return c;
fail:
	consumer__free(c);
	return NULL;
}

void consumer__rotate(struct consumer *c)
{
	atomic_store(&c->rotate_req, true);
}

void consumer__config_changed(struct consumer *c, const char *text)
{
	char *copy = strdup(text);

	pthread_mutex_lock(&c->lock);
	free(c->pending_config);
	c->pending_config = copy;
	pthread_mutex_unlock(&c->lock);
}

void consumer__set_end(struct consumer *c, enum tt_close_reason reason, int signal)
{
	c->end_reason = reason;
	c->end_signal = signal;
}

int consumer__finish(struct consumer *c)
{
	int err;

	if (c->finished)
		return c->error;
	c->finished = true;
	atomic_store(&c->stop, true);
	if (c->started)
		pthread_join(c->thread, NULL);
	c->started = false;
	ring_buffer__consume(c->rb);
	tick(c); /* a pending config change or rotation still lands */
	end_file(c, c->end_reason, c->end_signal);
	err = output__finish(c->o.output);
	if (err && !c->error)
		c->error = err;
	return c->error;
}

void consumer__stats(struct consumer *c, struct consumer_stats *st)
{
	for (int m = 0; m < TT_MONITOR__COUNT; m++) {
		st->events[m] = atomic_load(&c->events[m]);
		st->lost[m] = atomic_load(&c->lost[m]);
	}
	st->batches = atomic_load(&c->batches);
}

void consumer__free(struct consumer *c)
{
	if (!c)
		return;
	if (c->started) {
		atomic_store(&c->stop, true);
		pthread_join(c->thread, NULL);
	}
	ring_buffer__free(c->rb);
	chunk__free(c->chunk);
	free(c->loss_prev);
	free(c->loss_cur);
	free(c->pending_config);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
