// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The function monitor: entry and return of kernel functions (fentry/fexit,
 * else kprobe/kretprobe) and user functions (uprobe/uretprobe). Every
 * program here is off (not even loaded) unless rec -m func asks for it.
 *
 * Each thread keeps a stack of its open probed calls, so a return finds its
 * own entry time even in recursion. Count mode adds each call's latency to a
 * per-CPU histogram per (process, function); calls mode sends one event per
 * entry and per return through the func_events ring.
 */
#include "rec.bpf.h"

const volatile __u32 func_calls = 0; /* 1: --func-mode calls, 0: count */
const volatile __u64 func_wakeup_bytes = 1 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096); /* set by rec: --buffer-size, with -m func */
} func_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct func_key);
	__type(value, struct func_stat);
} func_stats SEC(".maps");

static __always_inline void func_lost(__u64 now)
{
	__u32 zero = 0;
	struct ev_loss *l = bpf_map_lookup_elem(&losses, &zero);

	if (l) {
		l->events[TT_MON_FUNC]++;
		l->last_ts = now;
	}
}

static __always_inline void func_event(__u16 type, __u32 id, __u64 now, __u64 duration, __u32 depth)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 flags = BPF_RB_NO_WAKEUP;
	struct ev_func *e;

	e = bpf_ringbuf_reserve(&func_events, sizeof(*e), 0);
	if (!e) {
		func_lost(now);
		return;
	}
	e->hdr.type = type;
	e->hdr.size = sizeof(*e);
	e->hdr.tid = (__u32)pid_tgid;
	e->hdr.ts = now;
	e->pid = pid_tgid >> 32;
	e->func = id;
	e->duration = duration;
	e->cpu = bpf_get_smp_processor_id();
	e->depth = depth;
	e->pad = 0;
	if (bpf_ringbuf_query(&func_events, BPF_RB_AVAIL_DATA) >= func_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
}

static __always_inline __u32 log2_bucket(__u64 v)
{
	__u32 r = 0;

	/* floor(log2(v)) by halving steps: straight-line code for the verifier. */
	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r < TT_FUNC_BUCKETS ? r : TT_FUNC_BUCKETS - 1;
}

static __always_inline void func_count(__u32 id, __u64 duration, __u64 now)
{
	struct func_key key = { .pid = bpf_get_current_pid_tgid() >> 32, .func = id };
	struct func_stat *st = bpf_map_lookup_elem(&func_stats, &key);

	if (!st) {
		struct func_stat zero = {};

		bpf_map_update_elem(&func_stats, &key, &zero, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&func_stats, &key);
		if (!st) {
			func_lost(now); /* the map is full */
			return;
		}
	}
	st->count++;
	st->total_ns += duration;
	if (duration > st->max_ns)
		st->max_ns = duration;
	st->hist[log2_bucket(duration) & (TT_FUNC_BUCKETS - 1)]++;
}

static __always_inline int func_enter(__u32 id)
{
	__u64 now = bpf_ktime_get_ns();
	struct func_stack *s;
	__u32 d;

	if (!in_scope(bpf_get_current_pid_tgid() >> 32))
		return 0;
	s = task_data(&func_stacks, true);
	if (!s) {
		func_lost(now);
		return 0;
	}
	d = s->depth;
	if (d < TT_FUNC_DEPTH) {
		s->f[d & (TT_FUNC_DEPTH - 1)].ts = now;
		s->f[d & (TT_FUNC_DEPTH - 1)].func = id;
	}
	s->depth = d + 1;
	if (func_calls)
		func_event(EV_FUNC_ENTRY, id, now, 0, d);
	return 0;
}

/*
 * Pop this function's frame. Frames above it belong to calls whose return
 * was missed (a kretprobe out of instances), so they go too; a return with
 * no frame of its function near the top was not entered in scope.
 */
static __always_inline int func_return(__u32 id)
{
	__u64 now = bpf_ktime_get_ns(), duration = 0;
	struct func_stack *s;
	__u32 d, found = 0;

	s = task_data(&func_stacks, false);
	if (!s || !s->depth)
		return 0;
	d = s->depth;
	if (d > TT_FUNC_DEPTH) {
		/* Untimed depth: trust the nesting. */
		s->depth = d - 1;
		found = 1;
	} else {
		for (__u32 i = 1; i <= 4; i++) {
			__u32 k;

			if (d < i)
				break;
			/* d <= TT_FUNC_DEPTH here: the mask changes nothing but
			 * shows the verifier the bound clang's code loses. */
			k = (d - i) & (TT_FUNC_DEPTH - 1);
			if (s->f[k].func == id) {
				duration = now - s->f[k].ts;
				s->depth = k;
				d = k + 1;
				found = 1;
				break;
			}
		}
	}
	if (!found)
		return 0;
	if (func_calls)
		func_event(EV_FUNC_RETURN, id, now, duration, d - 1);
	else if (d <= TT_FUNC_DEPTH)
		func_count(id, duration, now);
	else
		func_lost(now); /* too deep to be timed: no bucket to count it in */
	return 0;
}

/*
 * The id of the function a probe fires for: rec patches TT_FUNC_ID_MARK
 * into each clone of the fentry/fexit templates (the kernel has no attach
 * cookies for trampolines before 6.5), and into each clone of the
 * kprobe/uprobe programs before 5.15; from 5.15 those carry it as their
 * attach cookie instead, and are loaded once.
 */
static __always_inline __u32 marked_id(void)
{
	__u32 id;

	asm volatile("%0 = %1" : "=r"(id) : "i"(TT_FUNC_ID_MARK));
	return id;
}

static __always_inline __u32 probe_id(void *ctx)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_attach_cookie))
		return bpf_get_attach_cookie(ctx);
	return marked_id();
}

/* The probes. kprobe and uprobe programs are one type: these two serve
 * both, told apart by nothing but where rec attaches them. */
SEC("kprobe")
int BPF_KPROBE(func_entry)
{
	return func_enter(probe_id(ctx));
}

SEC("kretprobe")
int BPF_KRETPROBE(func_return_probe)
{
	return func_return(probe_id(ctx));
}

/* The fentry/fexit templates, loaded against one real function; the
 * templates themselves are not attached. */
SEC("fentry/vfs_read")
int BPF_PROG(func_fentry)
{
	return func_enter(marked_id());
}

SEC("fexit/vfs_read")
int BPF_PROG(func_fexit)
{
	return func_return(marked_id());
}
