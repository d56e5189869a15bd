// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The maps and settings every rec program shares (declared in rec.bpf.h). */
#include "rec.bpf.h"

const volatile __u32 self_tgid = 0;
const volatile __u32 monitors = 0;
const volatile __u32 strsize = 256;
const volatile __u32 argsize = 4096;
const volatile __u64 flush_ns = 50000000;
const volatile __u64 wakeup_bytes = 1 << 20;
const volatile __u32 sc_desc[TT_NR_SYSCALLS] = {};
const volatile __s32 nr_execve = -1, nr_execveat = -1, nr_exit = -1, nr_exit_group = -1;
const volatile __s32 nr_clone = -1, nr_clone3 = -1, nr_fork = -1, nr_vfork = -1;

volatile __u32 filter_pid = 0;
volatile __u32 filter_comm = 0;
volatile __u32 filter_uid = 0;
volatile __u64 syscall_mask[TT_NR_SYSCALLS / 64] = {};
volatile __u32 flusher_tid = 0;

/* Sizes marked "set by rec" are filled in before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* set by rec: --buffer-size */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set by rec: one per possible CPU */
	__type(key, __u32);
	__type(value, struct stage);
} stages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_loss);
} losses SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[TT_COMM_LEN]);
	__type(value, __u8);
} traced_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u8);
} traced_uids SEC(".maps");

char LICENSE[] SEC("license") = "Dual BSD/GPL";
