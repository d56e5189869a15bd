// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One counter per way of hooking a kernel function, all on vfs_read and all
 * for one thread: tests/vm/probe.c loads one program at a time and compares
 * its count with the reads it made.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tid;

/* Indexed by hook, in the order of probe.c's hooks[]. */
__u64 hits[4];

static __always_inline void hit(int hook)
{
	if ((__u32)bpf_get_current_pid_tgid() == target_tid)
		__sync_fetch_and_add(&hits[hook], 1);
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(on_kprobe)
{
	hit(0);
	return 0;
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(on_kretprobe)
{
	hit(1);
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(on_fentry)
{
	hit(2);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(on_fexit)
{
	hit(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
