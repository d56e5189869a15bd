// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rec -c: a task moved into (or out of) a cgroup keeps its cached scope
 * decision otherwise (syscall.bpf.c decides once per scope_gen). Moves are
 * rare next to syscalls, so any move makes every task decide again.
 */
#include "rec.bpf.h"

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(cgroup_attach_task, struct cgroup *dst, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	if (filter_cgroup)
		__sync_fetch_and_add(&scope_gen, 1);
	return 0;
}
