// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The maps and settings every rec program shares (declared in rec.bpf.h). */
#define TT_DEFINE_MAPS
#include "rec.bpf.h"

const volatile __u32 self_tgid = 0;
const volatile __u32 monitors = 0;
const volatile __u32 strsize = 256;
const volatile __u32 datasize = 0;
const volatile __u32 argsize = 4096;
const volatile __u32 envsize = 0;
const volatile __u64 flush_ns = 50000000;
const volatile __u64 wakeup_bytes = 1 << 20;
const volatile __u32 nrings = 1;
const volatile __u32 sc_desc[TT_NR_SYSCALLS] = {};
const volatile __s32 nr_execve = -1, nr_execveat = -1, nr_exit = -1, nr_exit_group = -1;
const volatile __s32 nr_clone = -1, nr_clone3 = -1, nr_fork = -1, nr_vfork = -1;
const volatile __s32 nr_exit_compat = -1, nr_exit_group_compat = -1, nr_rt_sigreturn = -1;
const volatile bool task_storage = true;
const volatile bool volume_on = false;
const volatile bool errors_only = false;
const volatile bool slow_only = false;
const volatile __u64 slow_ns[TT_SAMPLED_SLOTS] = {};
const volatile __u64 max_rate = 0;

volatile __u32 filter_pid = 0;
volatile __u32 filter_comm = 0;
volatile __u32 filter_uid = 0;
volatile __u32 filter_cgroup = 0;
volatile __u64 syscall_mask[TT_NR_SYSCALLS / 64] = {};
volatile __u32 flusher_tid = 0;
volatile __u32 scope_gen = 1;
volatile __u32 compat_all = 0;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
