// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The signal monitor: a signal generated (sent, signal_generate) and a
 * signal delivered (signal_deliver), with the siginfo the kernel holds.
 * The tp_btf arguments are those of include/trace/events/signal.h, the same
 * from 5.10 on: (sig, info, task, group, result) and (sig, info, ka).
 *
 * Scope: a delivery runs in the receiving task, which must be in scope
 * (strace -f shows the deliveries to the traced processes). A generation
 * is in scope when its sender (the current task) is, or when the target
 * process is one of -p / -- CMD's (a kill(1) from outside the scope).
 *
 * Each event is shipped as a batch of its own, built on the stack and never
 * in the per-CPU staging area: signal_generate also fires in interrupt
 * context (timer signals, SIGIO), where it could land in the middle of the
 * event another program on this CPU is staging. Signals are rare, so the
 * ring write per event costs little.
 */
#include "rec.bpf.h"

#define SEND_SIG_PRIV 1 /* (struct kernel_siginfo *)1: include/linux/sched/signal.h */
#define SI_USER 0
#define SI_KERNEL 0x80

struct signal_batch {
	struct ev_batch batch;
	struct ev_signal e;
};

static __always_inline void signal_begin(struct signal_batch *b, int sig, struct kernel_siginfo *info,
					 __u8 event)
{
	__u64 id = bpf_get_current_pid_tgid();

	__builtin_memset(b, 0, sizeof(*b));
	b->batch.cpu = bpf_get_smp_processor_id();
	b->batch.len = sizeof(b->e);
	b->batch.nevents[TT_MON_SIGNAL] = 1;
	b->batch.base_ts = bpf_ktime_get_ns();
	b->e.hdr.size = sizeof(b->e);
	b->e.hdr.type = EV_SIGNAL;
	b->e.hdr.tid = (__u32)id;
	b->e.hdr.ts = b->batch.base_ts;
	b->e.pid = id >> 32;
	b->e.uid = (__u32)bpf_get_current_uid_gid();
	b->e.signo = sig;
	b->e.event = event;
	/* The kernel's special info pointers, as the tracepoint reads them. */
	if ((unsigned long)info <= SEND_SIG_PRIV) {
		b->e.code = info ? SI_KERNEL : SI_USER;
		return;
	}
	b->e.has_info = 1;
	b->e.code = BPF_CORE_READ(info, si_code);
	b->e.errno_ = BPF_CORE_READ(info, si_errno);
	bpf_core_read(b->e.sifields, sizeof(b->e.sifields), &info->_sifields);
}

static __always_inline void signal_ship(struct signal_batch *b)
{
	ring_write(event_ring(b->batch.cpu), &b->batch, sizeof(*b));
}

SEC("tp_btf/signal_generate")
int BPF_PROG(signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u32 target = BPF_CORE_READ(task, tgid);
	struct signal_batch b;

	if (!in_scope(bpf_get_current_pid_tgid() >> 32) &&
	    !(filter_pid && target != self_tgid && bpf_map_lookup_elem(&traced_pids, &target)))
		return 0;
	signal_begin(&b, sig, info, EV_SIG_GENERATE);
	b.e.target_pid = target;
	b.e.target_tid = BPF_CORE_READ(task, pid);
	b.e.group = !!group;
	b.e.result = result;
	signal_ship(&b);
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct signal_batch b;

	/* No siginfo: the SIGKILL each thread of a dying group is handed
	 * (get_signal's group-exit path, with no sigaction either). It is no
	 * signal of its own: the exit record says what killed the process. */
	if ((unsigned long)info <= SEND_SIG_PRIV)
		return 0;
	if (!in_scope(bpf_get_current_pid_tgid() >> 32))
		return 0;
	signal_begin(&b, sig, info, EV_SIG_DELIVER);
	b.e.target_pid = b.e.pid;
	b.e.target_tid = b.e.hdr.tid;
	b.e.handler = (__u64)BPF_CORE_READ(ka, sa.sa_handler);
	b.e.sa_flags = BPF_CORE_READ(ka, sa.sa_flags);
	signal_ship(&b);
	return 0;
}
