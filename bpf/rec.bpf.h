/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every rec BPF program shares: the maps and settings defined once in
 * rec.bpf.c (linked together with `bpftool gen object`), the scope filter and
 * the per-CPU batching of events.
 */
#ifndef __TT_REC_BPF_H
#define __TT_REC_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

/* Fixed at load time (the verifier prunes what they switch off). */
extern const volatile __u32 self_tgid;
extern const volatile __u32 monitors;      /* 1 << enum tt_monitor */
extern const volatile __u32 strsize;       /* bytes kept of a path */
extern const volatile __u32 argsize;       /* bytes kept of an argv */
extern const volatile __u32 datasize;      /* rec --datasize: bytes kept of a buffer; 0 none */
extern const volatile __u32 envsize;       /* rec --envsize: bytes kept of an envp; 0 none */
extern const volatile __u64 flush_ns;      /* oldest a batch may grow */
extern const volatile __u64 wakeup_bytes;  /* ring fill that wakes rec */
extern const volatile __u32 nrings;        /* event rings: CPU c ships to ring c % nrings */
extern const volatile __u32 sc_desc[TT_NR_SYSCALLS];
extern const volatile __s32 nr_execve, nr_execveat, nr_exit, nr_exit_group;
extern const volatile __s32 nr_clone, nr_clone3, nr_fork, nr_vfork;
extern const volatile __s32 nr_exit_compat, nr_exit_group_compat, nr_rt_sigreturn;
/* rec --errors-only, --slow (a threshold per slot, as ev_sampled's slots)
 * and --max-rate (events a second per CPU; 0 for no limit). */
extern const volatile bool volume_on; /* any of them: without, nothing of them is computed */
extern const volatile bool errors_only;
extern const volatile bool slow_only;
extern const volatile __u64 slow_ns[TT_SAMPLED_SLOTS];
extern const volatile __u64 max_rate;
/* Whether the kernel has task-local storage, bpf_get_current_task_btf and
 * socket storage in tracing programs (all 5.11), probed by rec: task_data()
 * falls back to hashes without them. */
extern const volatile bool task_storage;

/* Changed by rec while it runs (SIGHUP re-reads filters without a gap). */
extern volatile __u32 filter_pid;  /* only tgids in traced_pids */
extern volatile __u32 filter_comm; /* only comms in traced_comms */
extern volatile __u32 filter_uid;  /* only uids in traced_uids */
extern volatile __u32 filter_cgroup; /* only tasks under the first filter_cgroup traced_cgroups (-c) */
extern volatile __u64 syscall_mask[TT_NR_SYSCALLS / 64];
extern volatile __u32 flusher_tid; /* its syscalls ship the CPU's batch */
extern volatile __u32 scope_gen;   /* bumped when the pid/comm scope changes */
extern volatile __u32 compat_all;  /* record 32-bit syscalls (no -e: its names are native) */

struct stage {
	__u32 seq; /* of the last batch shipped */
	__u32 pad;
	struct ev_batch batch; /* shipped with the data right behind it */
	/* Room for one maximal event past TT_STAGE_SIZE keeps every write
	 * provably in bounds for the verifier. */
	char data[TT_STAGE_SIZE + 2 * TT_MAX_EVENT];
};

/*
 * The maps, defined in rec.bpf.c (TT_DEFINE_MAPS) and extern elsewhere: the
 * linker wants every declaration to match, so there is one text of them.
 * Sizes marked "set by rec" are changed before load.
 */
#ifdef TT_DEFINE_MAPS
#define TT_MAP
#else
#define TT_MAP extern
#endif

/* The event rings, one per group of CPUs, each drained by its own thread
 * of rec: rec makes the rings (of the template's size) and puts them in. */
struct event_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* set by rec: --buffer-size / --rings */
};

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* set by rec: --rings */
	__type(key, __u32);
	__array(values, struct event_ring);
} event_rings SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by rec: one per possible CPU */
	__type(key, __u32);
	__type(value, struct stage);
} stages SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_loss);
} losses SEC(".maps");

/* rec --max-rate: one per CPU (set by rec: one per possible CPU with it on). */
TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_sampled);
} sampled SEC(".maps");

/* Where an exec event is built: a batch of its own, too large for the
 * staging area (TT_MAX_ARGSIZE of argv). */
struct exec_scratch {
	struct ev_batch batch; /* shipped with the data right behind it */
	char data[TT_EXEC_SCRATCH];
};

/* One per CPU (an array: a per-CPU map cannot hold values this large). */
TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by rec: one per possible CPU */
	__type(key, __u32);
	__type(value, struct exec_scratch);
} exec_scratches SEC(".maps");

/*
 * Per task: the syscall entry stamp, and whether the task is in the pid/comm
 * scope, decided once per scope generation rather than by hashing its comm
 * on every syscall (exec resets it, since the comm changes).
 */
struct task_state {
	__u64 ts;        /* entry time of the syscall in flight, 0 if none */
	__u32 scope_gen; /* the scope_gen in_scope was computed for */
	__u32 in_scope;
};

/* A successful execve replaces the registers: its arguments and path are
 * kept at entry (syscall.bpf.c). */
struct exec_path {
	__u64 args[6];
	__u32 len;
	__u32 truncated;
	char data[TT_MAX_STRSIZE];
};

struct func_frame {
	__u64 ts;
	__u32 func;
	__u32 pad;
};

/* A thread's open probed calls (func.bpf.c). */
struct func_stack {
	__u32 depth; /* may exceed TT_FUNC_DEPTH: deeper frames are counted, not timed */
	__u32 pad;
	struct func_frame f[TT_FUNC_DEPTH];
};

/*
 * The per-task maps. Task-local storage where the kernel has it; before
 * 5.11 rec makes them hashes keyed by thread id, which sched_process_exit
 * empties (task_data() is the one place that tells the two apart).
 */
TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_states SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct exec_path);
} exec_paths SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct func_stack);
} func_stacks SEC(".maps");

/* Zeroes, the first value of a thread's entry in those hashes. */
struct task_zeroes {
	char bytes[sizeof(struct exec_path)];
};
_Static_assert(sizeof(struct task_zeroes) >= sizeof(struct task_state) &&
	       sizeof(struct task_zeroes) >= sizeof(struct func_stack),
	       "task_zeroes covers every per-task value");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct task_zeroes);
} task_zeroes SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_pids SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[TT_COMM_LEN]);
	__type(value, __u8);
} traced_comms SEC(".maps");

TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} traced_uids SEC(".maps");

/* rec -c: the cgroup directories (fds) whose tasks, in them or in any cgroup
 * below them, even one made later, are in scope. */
#define TT_MAX_CGROUPS 8
TT_MAP struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, TT_MAX_CGROUPS);
	__type(key, __u32);
	__type(value, __u32);
} traced_cgroups SEC(".maps");

#ifndef TT_DEFINE_MAPS

static __always_inline bool monitor_on(enum tt_monitor m)
{
	return monitors & (1u << m);
}

/* Is the current task in one of the -c cgroups or below one? The kernel
 * walks the task's cgroup ancestors: cheap, and cached with the scope. */
static __always_inline bool in_cgroup_scope(void)
{
	for (__u32 i = 0; i < TT_MAX_CGROUPS && i < filter_cgroup; i++)
		if (bpf_current_task_under_cgroup(&traced_cgroups, i) == 1)
			return true;
	return false;
}

/*
 * Is the current task, of process tgid, in the pid (-p, -- CMD), comm and
 * cgroup (-c) scope? Callers may cache the answer per task until scope_gen
 * changes: exec (a new comm) and a move to another cgroup change it.
 */
static __always_inline bool in_pid_comm_scope(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (filter_pid && !bpf_map_lookup_elem(&traced_pids, &tgid))
		return false;
	if (filter_cgroup && !in_cgroup_scope())
		return false;
	if (filter_comm) {
		char comm[TT_COMM_LEN] = {};

		bpf_get_current_comm(comm, sizeof(comm));
		if (!bpf_map_lookup_elem(&traced_comms, comm))
			return false;
	}
	return true;
}

/* The uid is checked live: setuid() may change it at any syscall. */
static __always_inline bool in_uid_scope(void)
{
	__u32 uid;

	if (!filter_uid)
		return true;
	uid = (__u32)bpf_get_current_uid_gid();
	return bpf_map_lookup_elem(&traced_uids, &uid);
}

/* Does the scope (-p / -- CMD, --comm, -u) include the current task? */
static __always_inline bool in_scope(__u32 tgid)
{
	return in_pid_comm_scope(tgid) && in_uid_scope();
}

#define TS_COMPAT 0x0002 /* x86: a 32-bit syscall is running */

/*
 * Is the current syscall a 32-bit one (int 0x80, sysenter), numbered in
 * the ia32 table rather than the native one? Asked at every syscall: where
 * the kernel gives a BTF pointer to the task (5.11, as task storage) it is
 * read directly; bpf_probe_read_kernel, the only way before, made each of
 * rec's syscall programs ~30 ns slower (tools/bench/GAPS.md).
 */
static __always_inline bool in_compat_syscall(void)
{
	struct task_struct *task;

	if (!bpf_core_field_exists(((struct task_struct *)0)->thread_info.status))
		return false;
	if (task_storage)
		return bpf_get_current_task_btf()->thread_info.status & TS_COMPAT;
	task = (void *)bpf_get_current_task();
	return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
}

/*
 * The current thread's value in a per-task map (task_states, exec_paths,
 * func_stacks), made zeroed first if create and it has none. NULL when
 * there is none, or no memory for one.
 */
static __always_inline void *task_data(void *map, bool create)
{
	__u32 tid, zero = 0;
	void *v, *z;

	if (task_storage)
		return bpf_task_storage_get(map, bpf_get_current_task_btf(), 0,
					    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	tid = (__u32)bpf_get_current_pid_tgid();
	v = bpf_map_lookup_elem(map, &tid);
	if (v || !create)
		return v;
	z = bpf_map_lookup_elem(&task_zeroes, &zero);
	if (!z || bpf_map_update_elem(map, &tid, z, BPF_NOEXIST))
		return NULL;
	return bpf_map_lookup_elem(map, &tid);
}

/* A thread has exited: its entries in the per-task hashes go (task
 * storage is freed by the kernel). */
static __always_inline void task_data_free(__u32 tid)
{
	if (task_storage)
		return;
	bpf_map_delete_elem(&task_states, &tid);
	bpf_map_delete_elem(&exec_paths, &tid);
	bpf_map_delete_elem(&func_stacks, &tid);
}

static __always_inline struct stage *stage_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct stage *s = bpf_map_lookup_elem(&stages, &cpu);

	if (s)
		s->batch.cpu = cpu;
	return s;
}

/* A batch the ring had no room for: its events are counted as lost. */
static __always_inline void count_batch_lost(const struct ev_batch *b)
{
	__u32 zero = 0;
	struct ev_loss *l = bpf_map_lookup_elem(&losses, &zero);

	if (!l)
		return;
	for (int m = 0; m < TT_NR_MONITORS; m++)
		l->events[m] += b->nevents[m];
	l->batches++;
	l->last_ts = bpf_ktime_get_ns();
}

/* The ring of this CPU's group, NULL if rec has not put it in. */
static __always_inline void *event_ring(__u32 cpu)
{
	__u32 i = nrings > 1 ? cpu % nrings : 0;

	return bpf_map_lookup_elem(&event_rings, &i);
}

/* Write a batch to ring (wake rec when the ring is filling up); count it as
 * lost if there is no room. */
static __always_inline void ring_write(void *ring, struct ev_batch *b, __u32 size)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (!ring) {
		count_batch_lost(b);
		return;
	}
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(ring, b, size, flags))
		count_batch_lost(b);
}

/*
 * Ship the staged batch with one ring write; count it as lost if no room.
 * now is a time no event staged so far is later than: the batch carries it
 * as the CPU's shipping mark (ev_batch.shipped_ts). Programs that stage
 * never run on one CPU in the middle of each other (interrupt-context
 * programs ship on their own), so no event with an earlier time is still
 * being built.
 */
static __always_inline void stage_flush(struct stage *s, __u64 now)
{
	__u32 len = s->batch.len;

	if (!len)
		return;
	if (len > TT_STAGE_SIZE + 2 * TT_MAX_EVENT)
		len = TT_STAGE_SIZE + 2 * TT_MAX_EVENT; /* never true; for the verifier */
	s->batch.seq = ++s->seq; /* from 1: 0 is an exec's batch */
	s->batch.shipped_ts = now;
	ring_write(event_ring(s->batch.cpu), &s->batch, sizeof(s->batch) + len);
	s->batch.len = 0;
	for (int m = 0; m < TT_NR_MONITORS; m++)
		s->batch.nevents[m] = 0;
}

/*
 * Where the next event goes in this CPU's batch. The batch is shipped first
 * when it has reached TT_STAGE_SIZE or is older than flush_ns; an event may
 * run up to 2 * TT_MAX_EVENT past the mark. The caller fills the event, sets
 * hdr.size, then calls stage_commit().
 */
static __always_inline void *stage_reserve(struct stage *s, __u64 now)
{
	__u32 off = s->batch.len;

	if (off && (off >= TT_STAGE_SIZE || now - s->batch.base_ts > flush_ns)) {
		stage_flush(s, now);
		off = 0;
	}
	if (!off)
		s->batch.base_ts = now;
	if (off >= TT_STAGE_SIZE)
		return NULL; /* never true; for the verifier */
	return s->data + off;
}

static __always_inline void stage_commit(struct stage *s, void *ev, enum tt_monitor m)
{
	/* Every staged event starts with its size (struct ev_hdr, ev_syscall). */
	s->batch.len += *(__u16 *)ev;
	if (m < TT_NR_MONITORS)
		s->batch.nevents[m]++;
}

/*
 * rec's flusher, on this CPU: ship what is staged, or, with nothing staged,
 * a batch of no events, either way marked now. An idle CPU's mark then
 * moves on with the flusher's passes, and a CPU holding a batch ships it.
 * A mark the ring has no room for is not counted as lost: the next pass
 * sends another.
 */
static __always_inline void stage_mark(struct stage *s)
{
	__u64 now = bpf_ktime_get_ns();
	void *ring;

	if (s->batch.len) {
		stage_flush(s, now);
		return;
	}
	ring = event_ring(s->batch.cpu);
	if (!ring)
		return;
	s->batch.seq = 0; /* numbers no staged batch (reset by the next flush) */
	s->batch.base_ts = now;
	s->batch.shipped_ts = now;
	bpf_ringbuf_output(ring, &s->batch, sizeof(s->batch), BPF_RB_NO_WAKEUP);
}

static __always_inline __u32 align8(__u32 n)
{
	return (n + 7) & ~7u;
}

/* strsize, as a bound the verifier can check. */
static __always_inline __u32 str_cap(void)
{
	return strsize && strsize <= TT_MAX_STRSIZE ? strsize : TT_MAX_STRSIZE;
}

static __always_inline __u32 arg_cap(void)
{
	return argsize && argsize <= TT_MAX_ARGSIZE ? argsize : TT_MAX_ARGSIZE;
}

/* envsize, as a bound the verifier can check (only called when it is set). */
static __always_inline __u32 env_cap(void)
{
	return envsize <= TT_MAX_ENVSIZE ? envsize : TT_MAX_ENVSIZE;
}

/*
 * Verifier bounds of an exec event's parts. The kernel side keeps
 * filename_len <= TT_MAX_STRSIZE, the argv length <= TT_MAX_ARGSIZE and the
 * envp length <= TT_MAX_ENVSIZE; the masks (powers of two, twice each
 * bound) restate that in a form every verifier from 5.10 on tracks, where a
 * comparison may be folded by clang into one it cannot tie to the register
 * used. The scratch area holds the largest sum of them: 80 + 8191 + 65535
 * (argv) + 16383 (offset) + 32767 (size) < 2^17.
 */
#define EXEC_FNAME_MASK (2 * TT_MAX_STRSIZE - 1)
#define EXEC_ARGOFF_MASK (TT_MAX_ARGSIZE - 1) /* an offset is < the bound */
#define EXEC_ARGLEN_MASK (2 * TT_MAX_ARGSIZE - 1)
#define EXEC_ENVOFF_MASK (TT_MAX_ENVSIZE - 1)
#define EXEC_ENVLEN_MASK (2 * TT_MAX_ENVSIZE - 1)
_Static_assert(sizeof(struct ev_exec) + EXEC_FNAME_MASK + EXEC_ARGOFF_MASK + EXEC_ARGLEN_MASK <
	       TT_EXEC_SCRATCH, "the exec scratch area holds the largest argv");
_Static_assert(sizeof(struct ev_exec) + EXEC_FNAME_MASK + EXEC_ARGLEN_MASK + EXEC_ENVOFF_MASK +
	       EXEC_ENVLEN_MASK < TT_EXEC_SCRATCH, "the exec scratch area holds the largest envp");
_Static_assert(sizeof(struct ev_exec) + TT_MAX_STRSIZE + TT_MAX_ARGSIZE + TT_MAX_ENVSIZE + 7 <=
	       0xffff, "an exec event's size fits ev_hdr.size");

/* This CPU's exec scratch area, with an event begun at its start. */
static __always_inline struct ev_exec *exec_begin(struct exec_scratch **xp, __u64 now)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *x = bpf_map_lookup_elem(&exec_scratches, &cpu);
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	__u64 ugid = bpf_get_current_uid_gid();
	struct ev_exec *e;

	*xp = x;
	if (!x)
		return NULL;
	x->batch.cpu = cpu;
	e = (void *)x->data;
	e->hdr.type = EV_EXEC;
	e->hdr.tid = (__u32)id;
	e->hdr.ts = now;
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)ugid;
	e->gid = ugid >> 32;
	e->ret = 0;
	e->flags = 0;
	e->nargs = 0;
	e->filename_len = 0;
	e->args_len = 0;
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (envsize) { /* rodata: off, the default program does not change */
		e->env_len = 0;
		e->nenv = 0;
	}
	return e;
}

/* Where the argv of e goes: right after its filename. */
static __always_inline char *exec_argv(struct ev_exec *e)
{
	/* filename_len <= TT_MAX_STRSIZE; the mask restates it for the verifier. */
	return (char *)(e + 1) + (e->filename_len & EXEC_FNAME_MASK);
}

/* Where the envp of e goes (rec --envsize): right after its argv. */
static __always_inline char *exec_envp(struct ev_exec *e)
{
	/* args_len <= TT_MAX_ARGSIZE; the mask restates it for the verifier. */
	return exec_argv(e) + (e->args_len & EXEC_ARGLEN_MASK);
}

/*
 * Ship an exec event as a batch of its own. This CPU's staged events go
 * first, so the consumer still sees the CPU's events in the order they came.
 */
static __always_inline void exec_ship(struct exec_scratch *x, struct ev_exec *e)
{
	struct stage *s = stage_get();
	__u32 len = sizeof(*e) + e->filename_len + e->args_len;

	if (envsize)
		len += e->env_len;
	len = align8(len);
	if (s)
		stage_flush(s, e->hdr.ts);
	e->hdr.size = len;
	x->batch.len = len;
	x->batch.seq = 0;
	x->batch.base_ts = e->hdr.ts;
	/* Everything this CPU made before the exec has just been shipped. */
	x->batch.shipped_ts = s ? e->hdr.ts : 0;
	for (int m = 0; m < TT_NR_MONITORS; m++)
		x->batch.nevents[m] = 0;
	x->batch.nevents[TT_MON_EXEC] = 1;
	/* len < TT_EXEC_SCRATCH (asserted above), restated for the verifier. */
	ring_write(event_ring(x->batch.cpu), &x->batch, sizeof(x->batch) + (len & (TT_EXEC_SCRATCH - 1)));
}

#endif /* !TT_DEFINE_MAPS */
#endif /* __TT_REC_BPF_H */
