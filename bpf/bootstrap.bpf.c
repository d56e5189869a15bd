// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The owners of sockets that existed before rec started (a server's
 * listener, a long connection), for the packet monitor. rec runs these
 * iterators once, after the packet programs are attached: the packet hooks
 * only see sockets as they are used from then on.
 *
 * A separate object, loaded after rec's own: it only improves attribution,
 * so a kernel that refuses it costs that and nothing else (rec warns).
 *
 * Two passes, because no one program can both see who holds a socket and
 * write the socket's storage on every kernel: in iter/task_file the socket
 * pointer reached through the file is untrusted on newer kernels ("Fix
 * verifier assumptions about socket->sk"), so bpf_sk_storage_get refuses it.
 * The first pass keeps each socket's address, as a number, with its holder;
 * iter/tcp and iter/udp then hand out trusted pointers to the same sockets.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"

/* rec's map (packet.bpf.c), reused by rec before load. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sk_owner);
} sk_owners SEC(".maps");

/* struct sock address -> the process holding a file of it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1 << 16); /* set by rec */
	__type(key, __u64);
	__type(value, struct sk_owner);
} held_socks SEC(".maps");

volatile __u64 held_full = 0; /* sockets left out: held_socks was full */

SEC("iter/task_file")
int owners_by_file(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct sk_owner o = {};
	struct socket *sock;
	__u64 addr;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	addr = (__u64)BPF_CORE_READ(sock, sk);
	if (!addr)
		return 0;
	o.pid = task->tgid;
	o.tid = task->pid;
	o.uid = BPF_CORE_READ(task, cred, uid.val);
	o.cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	BPF_CORE_READ_STR_INTO(&o.comm, task, comm);
	/* A socket shared by several processes keeps the last one visited. */
	if (bpf_map_update_elem(&held_socks, &addr, &o, BPF_ANY))
		__sync_fetch_and_add(&held_full, 1);
	return 0;
}

/* Give sk (trusted) the owner the first pass found, unless it has one. */
static __always_inline void owner_from_held(struct sock_common *sk)
{
	__u64 addr = (__u64)sk;
	struct sk_owner *held, *o;

	if (!sk)
		return;
	held = bpf_map_lookup_elem(&held_socks, &addr);
	if (!held)
		return;
	o = bpf_sk_storage_get(&sk_owners, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (o && !o->pid)
		*o = *held;
}

SEC("iter/tcp")
int owners_tcp(struct bpf_iter__tcp *ctx)
{
	owner_from_held(ctx->sk_common);
	return 0;
}

SEC("iter/udp")
int owners_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;

	if (udp)
		owner_from_held(&udp->inet.sk.__sk_common);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
