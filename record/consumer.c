// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "consumer.h"
#include "func_probes.h"
#include "log.h"
#include "trace.h"
#include "triggers.h"

/* Runs of syscall events are copied into SYSCALLS_SPLIT records as they
 * are, but for the columns the encoder splits them into: the layouts are one
 * (TRACE-FORMAT.md, bpf/events.h). */
_Static_assert(sizeof(struct ev_syscall) == TT_SYSCALLS_EVENT_SIZE, "a SYSCALLS event's fixed part");
_Static_assert(EV_SYSCALL == 1 && sizeof(struct ev_str) == 8, "a SYSCALLS event's type and strings");
_Static_assert(EV_SC_NORETURN == TT_SYSCALL_NORETURN && EV_SC_COMPAT == TT_SYSCALL_COMPAT &&
	       EV_SC_LONG == TT_SYSCALL_LONG, "a SYSCALLS event's flags");
_Static_assert((int)EV_STR_DATA == (int)TT_STR_DATA, "DATA strings are copied as they are");
_Static_assert((int)EV_STR_PATH == (int)TT_STR_PATH && (int)EV_STR_SOCKADDR == (int)TT_STR_SOCKADDR,
	       "a SYSCALLS event's string kinds");

#define POLL_MS 20              /* how often the ring is drained */
#define FLUSH_NS 1000000000ull  /* a killed rec loses at most this much */

#define MAX_RINGS 64

struct consumer;

/* A thread draining one event ring (the first one also the packet and
 * function rings, and the consumer's timer). */
struct drain {
	struct consumer *c;
	struct ring_buffer *rb;
	pthread_t thread;
	int ring;
	bool started;
};

struct consumer {
	struct consumer_opts o;
	struct drain drains[MAX_RINGS];
	int nrings;
	/* Held by every handler and by tick(): the threads take turns at what
	 * follows (the chunk, the file, the process table). A batch is copied,
	 * not decoded, so a turn is short; compressing is done elsewhere. */
	pthread_mutex_t mu;
	bool started, finished;
	bool rotating; /* writing a trailer or prologue */
	enum tt_close_reason end_reason; /* of the last file: consumer__set_end */
	int end_signal;
	atomic_bool stop, rotate_req;
	pthread_mutex_t lock;
	char *pending_config; /* under lock */
	struct tt_trigger pending[8]; /* consumer__trigger's, under lock */
	char pending_msg[8][128];
	int npending;

	/* Owned by the consumer thread. */
	struct chunk *chunk;
	uint32_t seq;
	uint64_t file_start, last_flush;
	uint64_t file_events, file_lost;
	uint64_t file_raw; /* record bytes handed to the writer for this file */
	int ncpus;
	struct ev_loss *loss_prev, *loss_cur;
	uint64_t loss_checked; /* time of the previous loss check */
	struct sampled_seen *sampled_seen; /* --max-rate: per CPU, else NULL */
	struct ev_sampled *sampled_cur;
	int error;
	uint64_t submitted_events, submitted_lost; /* of this file, in chunks submitted */
	/* rec --flight: the snapshot whose --post window is open */
	uint32_t snap_seq;
	bool snap_open;
	uint64_t post_end;
	const char *fired[32]; /* the rules that fired in the open snapshot */
	int nfired;

	struct fd_touch *touched; /* --flight: the batch's, for its last chunk */
	uint32_t ntouched, touched_cap;

	atomic_uint_fast64_t events[TT_MONITOR__COUNT], lost[TT_MONITOR__COUNT], batches;
	atomic_uint_fast64_t sampled, triggers;
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
	c->chunk->events = c->file_events - c->submitted_events;
	c->chunk->lost = c->file_lost - c->submitted_lost;
	c->submitted_events = c->file_events;
	c->submitted_lost = c->file_lost;
	c->file_raw += c->chunk->len;
	err = output__submit(c->o.output, c->chunk);
	c->chunk = next;
	if (err && !c->error)
		c->error = err;
	return err;
}

static void rotate(struct consumer *c);
static void fire(struct consumer *c, struct tt_trigger *t);

/* --trigger: does a rule match this event (emitted already)? */
static void match_rules(struct consumer *c, const struct tt_record *rec)
{
	struct tt_trigger t;

	if (c->o.triggers && triggers__match(c->o.triggers, rec, &t))
		fire(c, &t);
}

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

	if (c->o.triggers)
		triggers__note(c->o.triggers, rec); /* the rules' process model */
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
	c->submitted_events = c->submitted_lost = 0;
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
	if (c->o.flight)
		submit(c); /* a chunk of its own, which the flight ring leaves out */
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

/* What the SAMPLED records of one CPU have said so far, per slot. */
struct sampled_seen {
	uint64_t count[TT_SAMPLED_SLOTS];
	uint64_t last_ts[TT_SAMPLED_SLOTS];
};

/* Turn new counts of the calls --max-rate left out into SAMPLED records:
 * not losses (nothing goes to the trailer's lost), but counted all the same. */
static void check_sampled(struct consumer *c)
{
	if (!c->sampled_seen)
		return;
	for (int cpu = 0; cpu < c->ncpus; cpu++) {
		struct sampled_seen *seen = &c->sampled_seen[cpu];
		const struct ev_sampled *cur = c->sampled_cur;

		if (programs__read_sampled(c->o.programs, cpu, c->sampled_cur))
			continue;
		for (int slot = 0; slot < TT_SAMPLED_SLOTS; slot++) {
			struct tt_record rec = { .type = TT_REC_SAMPLED };
			uint64_t n = cur->count[slot] - seen->count[slot];

			if (!n)
				continue;
			rec.sampled.cpu = cpu;
			rec.sampled.nr = slot % TT_NR_SYSCALLS;
			rec.sampled.flags = slot >= TT_NR_SYSCALLS ? TT_SYSCALL_COMPAT : 0;
			rec.sampled.count = n;
			rec.sampled.from_ts = seen->count[slot] ? seen->last_ts[slot] : cur->first_ts[slot];
			rec.sampled.to_ts = cur->last_ts[slot];
			/* --flight: a close left out is a touch unseen */
			if (c->o.fdtouch && fdtouch__wants(c->o.fdtouch, rec.sampled.nr,
							   rec.sampled.flags & TT_SYSCALL_COMPAT))
				c->chunk->keep.touches_lost = true;
			if (!emit(&rec, c)) {
				seen->count[slot] = cur->count[slot];
				seen->last_ts[slot] = cur->last_ts[slot];
				atomic_fetch_add(&c->sampled, n);
			}
		}
	}
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
	check_sampled(c);
	if (c->o.funcs && func_probes__stats(c->o.funcs, c->file_start, mono_ns(), emit_func_stats, c))
		pr_warn("cannot read the function counts");
	rec.trailer.end_ns = mono_ns();
	rec.trailer.events = c->file_events;
	rec.trailer.lost = c->file_lost;
	rec.trailer.reason = reason;
	rec.trailer.signal = signal;
	if (!c->o.flight) /* each snapshot has a trailer of its own */
		emit(&rec, c);
	c->chunk->snap_close = c->snap_open;
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

/*
 * Which fields of its siginfo a signal holds, by signo and si_code: the
 * kernel's siginfo_layout() (kernel/signal.c), with the codes of the system
 * headers. A kernel-specific code past those the headers know reads as KILL.
 */
static enum tt_siginfo_layout siginfo_layout(int sig, int code)
{
	if (code > SI_USER && code < SI_KERNEL) {
		switch (sig) {
		case SIGILL: case SIGFPE: case SIGSEGV: case SIGBUS: case SIGTRAP:
			return TT_SIL_FAULT;
		case SIGCHLD:
			return TT_SIL_CHLD;
		case SIGPOLL:
			return TT_SIL_POLL;
		case SIGSYS:
			return TT_SIL_SYS;
		default:
			return code <= POLL_HUP ? TT_SIL_POLL : TT_SIL_KILL;
		}
	}
	if (code == SI_TIMER)
		return TT_SIL_TIMER;
	if (code == SI_SIGIO)
		return TT_SIL_POLL;
	return code < 0 ? TT_SIL_RT : TT_SIL_KILL;
}

/* An EV_SIGNAL event as a SIGNAL record: its siginfo union read as glibc's
 * siginfo_t (the kernel's layout, bpf/events.h), by its layout. */
static void signal_record(const struct ev_signal *e, uint16_t cpu, struct tt_signal *r)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	_Static_assert(offsetof(siginfo_t, si_pid) + sizeof(e->sifields) <= sizeof(si),
		       "the siginfo union fits siginfo_t");
	memcpy((char *)&si + offsetof(siginfo_t, si_pid), e->sifields, sizeof(e->sifields));
	*r = (struct tt_signal){
		.ts = e->hdr.ts, .pid = e->pid, .tid = e->hdr.tid, .cpu = cpu,
		.event = e->event == EV_SIG_GENERATE ? TT_SIGNAL_GENERATE : TT_SIGNAL_DELIVER,
		.signo = e->signo, .code = e->code, .errno_ = e->errno_,
		.target_pid = e->target_pid, .target_tid = e->target_tid, .result = e->result,
		.group = e->group, .handler = e->handler, .sa_flags = e->sa_flags,
	};
	if (!e->has_info) {
		/* SEND_SIG_NOINFO: the kernel fills in the sender; SEND_SIG_PRIV: none. */
		r->layout = e->code == SI_USER ? TT_SIL_KILL : TT_SIL_NONE;
		if (e->code == SI_USER) {
			r->info_pid = e->pid;
			r->info_uid = e->uid;
		}
		return;
	}
	r->layout = siginfo_layout(e->signo, e->code);
	switch (r->layout) {
	case TT_SIL_CHLD:
		r->info_status = si.si_status;
		/* fall through */
	case TT_SIL_KILL:
		r->info_pid = si.si_pid;
		r->info_uid = si.si_uid;
		break;
	case TT_SIL_RT:
		r->info_pid = si.si_pid;
		r->info_uid = si.si_uid;
		r->info_value = (uintptr_t)si.si_value.sival_ptr;
		break;
	case TT_SIL_TIMER:
		r->info_pid = si.si_timerid;
		r->info_status = si.si_overrun;
		r->info_value = (uintptr_t)si.si_value.sival_ptr;
		break;
	case TT_SIL_POLL:
		r->info_status = si.si_fd;
		r->info_value = si.si_band;
		break;
	case TT_SIL_FAULT:
		r->info_addr = (uintptr_t)si.si_addr;
		break;
	case TT_SIL_SYS:
		r->info_addr = (uintptr_t)si.si_call_addr;
		r->info_status = si.si_syscall;
		r->info_value = si.si_arch;
		break;
	case TT_SIL_NONE:
		break;
	}
}

/* One event of a batch; returns false if the batch is malformed. */
static bool handle_event(struct consumer *c, const struct ev_hdr *h, uint32_t size, uint16_t cpu)
{
	struct tt_record rec = { 0 };
	enum tt_monitor_id mon = TT_MONITOR_EXEC;

	switch (h->type) {
	case EV_EXEC: {
		const struct ev_exec *e = (const void *)h;
		const char *p = (const char *)(e + 1);

		if (size < sizeof(*e) || sizeof(*e) + e->filename_len + e->args_len +
						 (e->flags & EV_EXEC_ENVP ? e->env_len : 0) > size)
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
				 (e->flags & EV_EXEC_FILENAME_TRUNCATED ? TT_EXEC_FILENAME_TRUNCATED : 0) |
				 (e->flags & EV_EXEC_ENVP ? TT_EXEC_ENVP : 0) |
				 (e->flags & EV_EXEC_ENVP_TRUNCATED ? TT_EXEC_ENVP_TRUNCATED : 0);
		rec.exec.nargs = e->nargs;
		rec.exec.cpu = cpu;
		rec.exec.cgroup_id = e->cgroup_id;
		memcpy(rec.exec.comm, e->comm, sizeof(rec.exec.comm));
		rec.exec.filename.data = p;
		rec.exec.filename.len = e->filename_len && !p[e->filename_len - 1] ?
					e->filename_len - 1 : e->filename_len;
		rec.exec.argv.data = p + e->filename_len;
		rec.exec.argv.len = e->args_len;
		if (e->flags & EV_EXEC_ENVP) {
			rec.exec.nenv = e->nenv;
			rec.exec.envp.data = p + e->filename_len + e->args_len;
			rec.exec.envp.len = e->env_len;
		}
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
	case EV_SIGNAL:
		if (size < sizeof(struct ev_signal))
			return false;
		rec.type = TT_REC_SIGNAL;
		signal_record((const void *)h, cpu, &rec.signal);
		mon = TT_MONITOR_SIGNAL;
		break;
	default:
		return true; /* a newer BPF side; nothing to decode */
	}
	if (!emit(&rec, c)) {
		c->file_events++;
		atomic_fetch_add(&c->events[mon], 1);
	}
	if (rec.type == TT_REC_EXEC || rec.type == TT_REC_SIGNAL)
		match_rules(c, &rec);
	return true;
}

/* --trigger: a syscall event of a batch that a rule may match, decoded. */
static void match_syscall(struct consumer *c, const struct ev_batch *b, const struct ev_syscall *e)
{
	struct tt_syscalls one = { .cpu = b->cpu, .seq = b->seq, .count = 1, .base_ts = b->base_ts,
				   .events = { (const char *)e, e->size } };
	struct tt_syscalls_pos pos = { 0 };
	struct tt_record rec;

	if (triggers__wants_syscall(c->o.triggers, e->nr) && tt_syscalls__next(&one, &pos, &rec) == 1)
		match_rules(c, &rec);
}

/* --flight: an fd e may have given another meaning, noted until the
 * batch is done (then in the chunk that holds its last records, which the
 * ring lets go no sooner than the event's own). */
static void note_touch(struct consumer *c, const struct ev_batch *b, const struct ev_syscall *e)
{
	struct tt_syscalls one = { .cpu = b->cpu, .seq = b->seq, .count = 1, .base_ts = b->base_ts,
				   .events = { (const char *)e, e->size } };
	struct tt_syscalls_pos pos = { 0 };
	struct tt_record rec;
	struct fd_touch t;

	if (tt_syscalls__next(&one, &pos, &rec) != 1 || !fdtouch__of(c->o.fdtouch, &rec.syscall, &t))
		return;
	if (c->ntouched == c->touched_cap) {
		uint32_t cap = c->touched_cap ? c->touched_cap * 2 : 64;
		struct fd_touch *v = realloc(c->touched, cap * sizeof(*v));

		if (!v) {
			c->chunk->keep.touches_lost = true;
			return;
		}
		c->touched = v;
		c->touched_cap = cap;
	}
	c->touched[c->ntouched++] = t;
}

/*
 * A run of syscall events of one batch, as one SYSCALLS_SPLIT record: their
 * layout is the record's (bpf/events.h), so they are copied, not decoded
 * (the encoder codes them into the record's columns on the way). Only the
 * run's time span is read, for the chunk index.
 */
static void emit_syscalls(struct consumer *c, const struct ev_batch *b, const char *run,
			  uint32_t len, uint32_t count, uint64_t first_ts, uint64_t last_ts)
{
	struct tt_record rec = { .type = TT_REC_SYSCALLS_SPLIT };

	rec.syscalls = (struct tt_syscalls){
		.cpu = b->cpu, .seq = b->seq, .count = count, .base_ts = b->base_ts,
		.first_ts = first_ts, .last_ts = last_ts,
		.events = { .data = run, .len = len },
	};
	if (!emit(&rec, c)) {
		c->file_events += count;
		atomic_fetch_add(&c->events[TT_MONITOR_SYSCALL], count);
	}
}

/* The entry time of a syscall event (size already checked against the batch). */
static uint64_t syscall_entry_ts(const struct ev_batch *b, const struct ev_syscall *e)
{
	uint64_t duration = e->duration;

	if (e->flags & EV_SC_LONG)
		memcpy(&duration, e + 1, sizeof(duration));
	return b->base_ts + e->end_delta - duration;
}

static int handle_batch(struct consumer *c, void *data, size_t size)
{
	const struct ev_batch *b = data;
	const char *p = (const char *)(b + 1);
	uint32_t off = 0, done[TT_NR_MONITORS] = { 0 };
	uint32_t run = 0, nrun = 0; /* the syscall events not yet emitted: p[run..off) */
	uint64_t first_ts = 0, last_ts = 0;
	bool numbered = false; /* a SYSCALLS record carries the batch's seq */

	if (size < sizeof(*b) || b->len > size - sizeof(*b))
		return 0;
	if (b->len || b->seq) /* not a flusher's mark alone */
		atomic_fetch_add(&c->batches, 1);
	while (off + sizeof(struct ev_hdr) <= b->len) {
		const struct ev_hdr *h = (const void *)(p + off);
		bool ok = h->size >= sizeof(*h) && h->size <= b->len - off && !(h->size % 8);

		if (ok && h->type == EV_SYSCALL) {
			const struct ev_syscall *e = (const void *)h;
			uint64_t ts;

			ok = h->size >= sizeof(*e) + (e->flags & EV_SC_LONG ? 8 : 0);
			if (ok) {
				ts = syscall_entry_ts(b, e);
				if (!nrun || ts < first_ts)
					first_ts = ts;
				if (!nrun || ts > last_ts)
					last_ts = ts;
				nrun++;
				done[TT_MON_SYSCALL]++;
				if (c->o.triggers)
					match_syscall(c, b, e);
				if (c->o.fdtouch && fdtouch__wants(c->o.fdtouch, e->nr, e->flags & EV_SC_COMPAT))
					note_touch(c, b, e);
				off += h->size;
				continue;
			}
		}
		if (nrun) {
			emit_syscalls(c, b, p + run, off - run, nrun, first_ts, last_ts);
			numbered = true;
			nrun = 0;
		}
		if (!ok || !handle_event(c, h, h->size, b->cpu)) {
			pr_warn("malformed event in a batch from CPU %u; the rest of the batch "
				"skipped, counted as lost", b->cpu);
			/* The batch says how many events of each monitor it held. */
			for (int m = 0; m < TT_NR_MONITORS && m < TT_MONITOR__COUNT; m++)
				if (b->nevents[m] > done[m])
					lost_here(c, m, b->nevents[m] - done[m]);
			break;
		}
		done[h->type == EV_SIGNAL ? TT_MON_SIGNAL : TT_MON_EXEC]++;
		off += h->size;
		run = off;
	}
	if (nrun)
		emit_syscalls(c, b, p + run, off - run, nrun, first_ts, last_ts);
	else if (b->seq && !numbered)
		/* no syscalls in it: an empty record keeps the CPU's numbers
		 * without holes, so that a hole is a lost batch */
		emit_syscalls(c, b, NULL, 0, 0, 0, 0);
	/* Read up to the CPU's mark: what it made before is all in (its
	 * ring is one queue, and each CPU ships to one ring). */
	if (b->shipped_ts) {
		proctrack__shipped(c->o.procs, b->cpu, b->shipped_ts);
		/* and --flight's table, once this chunk is let go; without the
		 * mark (no memory) that table only waits longer, never errs */
		if (c->o.flight)
			chunk__mark(c->chunk, b->cpu, b->shipped_ts);
	}
	for (uint32_t i = 0; i < c->ntouched; i++)
		chunk__touch(c->chunk, c->touched[i].pid, c->touched[i].fd);
	c->ntouched = 0;
	return 0;
}

static int on_batch(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	pthread_mutex_lock(&c->mu);
	handle_batch(c, data, size);
	pthread_mutex_unlock(&c->mu);
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

static int on_packet(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	pthread_mutex_lock(&c->mu);
	handle_packet(c, data, size);
	pthread_mutex_unlock(&c->mu);
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

static int on_func(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	pthread_mutex_lock(&c->mu);
	handle_func(c, data, size);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

/*
 * rec --flight: a trigger fired. The chunk being built opens a snapshot
 * (the ring before it is the time before the trigger), or the open one's
 * --post window is extended; the TRIGGER record says which.
 */
static void fire(struct consumer *c, struct tt_trigger *t)
{
	struct tt_record rec = { .type = TT_REC_TRIGGER };
	uint64_t now = mono_ns();

	if (!c->o.flight)
		return;
	/* A rule that fired already in this snapshot extends it, silently:
	 * a rule matching every few calls does not fill the ring. */
	for (int i = 0; c->snap_open && t->kind == TT_TRIGGER_RULE && i < c->nfired; i++) {
		if (c->fired[i] == t->rule.data) {
			if (now + c->o.post_ns > c->post_end)
				c->post_end = now + c->o.post_ns;
			return;
		}
	}
	if (!c->snap_open) {
		c->nfired = 0;
		c->snap_open = true;
		c->chunk->snap_open = ++c->snap_seq;
		c->chunk->snap_wall_offset_ns = wall_offset_ns();
		c->chunk->snap_time_ns = (int64_t)now + c->chunk->snap_wall_offset_ns;
		c->post_end = now + c->o.post_ns;
	} else if (now + c->o.post_ns > c->post_end) {
		c->post_end = now + c->o.post_ns;
	}
	if (t->kind == TT_TRIGGER_RULE && c->nfired < (int)(sizeof(c->fired) / sizeof(c->fired[0])))
		c->fired[c->nfired++] = t->rule.data; /* the rule's id: the same pointer each time */
	t->snapshot = c->snap_seq;
	rec.trigger = *t;
	emit(&rec, c);
	atomic_fetch_add(&c->triggers, 1);
	pr_info("trigger: %.*s (snapshot %u)", (int)t->message.len, t->message.data, t->snapshot);
}

/* The triggers consumer__trigger queued, and the end of a --post window. */
static void flight_tick(struct consumer *c, uint64_t now)
{
	struct tt_trigger pending[8];
	char msg[8][128];
	int n;

	pthread_mutex_lock(&c->lock);
	n = c->npending;
	memcpy(pending, c->pending, n * sizeof(*pending));
	memcpy(msg, c->pending_msg, sizeof(msg));
	c->npending = 0;
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; i < n; i++) {
		pending[i].message = (struct tt_bytes){ msg[i], strlen(msg[i]) };
		fire(c, &pending[i]);
	}
	if (c->snap_open && now >= c->post_end) {
		c->chunk->snap_close = true;
		c->snap_open = false;
		check_losses(c); /* the snapshot counts what was lost until its end */
		submit(c);
	}
}

static void tick(struct consumer *c)
{
	uint64_t now = mono_ns();
	char *config = NULL;

	if (c->o.flight)
		flight_tick(c, now);
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
		check_sampled(c);
		proctrack__expire(c->o.procs); /* the dead, between prologues too */
		if (c->chunk->len)
			submit(c);
		c->last_flush = now;
	}
}

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	struct consumer *c = d->c;

	while (!atomic_load(&c->stop)) {
		ring_buffer__poll(d->rb, POLL_MS);
		ring_buffer__consume(d->rb); /* its handlers take mu */
		if (d->ring == 0) {
			pthread_mutex_lock(&c->mu);
			tick(c);
			pthread_mutex_unlock(&c->mu);
		}
	}
	return NULL;
}

static void stop_drains(struct consumer *c)
{
	atomic_store(&c->stop, true);
	for (int i = 0; i < c->nrings; i++) {
		if (c->drains[i].started)
			pthread_join(c->drains[i].thread, NULL);
		c->drains[i].started = false;
	}
}

struct consumer *consumer__start(const struct consumer_opts *opts, char *err, size_t errlen)
{
	struct consumer *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return NULL;
	c->o = *opts;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->mu, NULL);
	c->ncpus = programs__ncpus(opts->programs);
	c->nrings = programs__nrings(opts->programs);
	c->loss_prev = calloc(c->ncpus, sizeof(*c->loss_prev));
	c->loss_cur = calloc(c->ncpus, sizeof(*c->loss_cur));
	c->chunk = output__chunk(opts->output);
	if (!c->loss_prev || !c->loss_cur || !c->chunk || c->nrings > MAX_RINGS)
		goto nomem;
	for (int i = 0; i < c->nrings; i++) {
		c->drains[i] = (struct drain){ .c = c, .ring = i };
		c->drains[i].rb = programs__ring(opts->programs, i, on_batch, on_packet, on_func, c);
		if (!c->drains[i].rb)
			goto nomem;
	}
	if (programs__max_rate(opts->programs)) {
		c->sampled_seen = calloc(c->ncpus, sizeof(*c->sampled_seen));
		c->sampled_cur = malloc(sizeof(*c->sampled_cur));
		if (!c->sampled_seen || !c->sampled_cur) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	programs__read_losses(opts->programs, c->loss_prev);
	c->loss_checked = c->last_flush = mono_ns();
	start_file(c);
	for (int i = 0; i < c->nrings; i++) {
		char name[16];

		ret = pthread_create(&c->drains[i].thread, NULL, drain_main, &c->drains[i]);
		if (ret) {
			snprintf(err, errlen, "starting the consumer threads: %s", strerror(ret));
			stop_drains(c);
			goto fail;
		}
		c->drains[i].started = true;
		/* i < MAX_RINGS: two digits at most, as the compiler can see */
		snprintf(name, sizeof(name), "rec-ring%u", (unsigned)i % MAX_RINGS);
		pthread_setname_np(c->drains[i].thread, name);
	}
	c->started = true;
	return c;
nomem:
	snprintf(err, errlen, "setting up the ring buffer consumer: %s", strerror(errno ?: ENOMEM));
fail:
	consumer__free(c);
	return NULL;
}

void consumer__cpus_flushed(struct consumer *c, const bool *reached)
{
	pthread_mutex_lock(&c->mu);
	proctrack__watch_cpus(c->o.procs, reached, c->ncpus);
	if (c->o.flight) /* as above: lacking it, that table waits longer */
		chunk__watch(c->chunk, reached, c->ncpus);
	pthread_mutex_unlock(&c->mu);
}

void consumer__rotate(struct consumer *c)
{
	atomic_store(&c->rotate_req, true);
}

void consumer__trigger(struct consumer *c, enum tt_trigger_kind kind, int64_t value,
		       const char *message)
{
	pthread_mutex_lock(&c->lock);
	if (c->npending < (int)(sizeof(c->pending) / sizeof(c->pending[0]))) {
		c->pending[c->npending] = (struct tt_trigger){ .ts = mono_ns(), .kind = kind,
							       .value = value };
		snprintf(c->pending_msg[c->npending], sizeof(c->pending_msg[0]), "%s", message);
		c->npending++;
	}
	pthread_mutex_unlock(&c->lock);
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
	stop_drains(c);
	c->started = false;
	for (int i = 0; i < c->nrings; i++)
		ring_buffer__consume(c->drains[i].rb);
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
	st->sampled = atomic_load(&c->sampled);
	st->triggers = atomic_load(&c->triggers);
	pthread_mutex_lock(&c->mu);
	st->procs = proctrack__count(c->o.procs);
	pthread_mutex_unlock(&c->mu);
}

void consumer__free(struct consumer *c)
{
	if (!c)
		return;
	stop_drains(c);
	for (int i = 0; i < c->nrings; i++)
		ring_buffer__free(c->drains[i].rb);
	chunk__free(c->chunk);
	free(c->touched);
	free(c->loss_prev);
	free(c->loss_cur);
	free(c->sampled_seen);
	free(c->sampled_cur);
	free(c->pending_config);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
