// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The process lifecycle: exec, fork/clone and exit. These programs are always
 * attached, because following `-p PID` and `-- CMD` into new children needs
 * the fork hook and the trace needs the process state; the exec monitor adds
 * argv capture, envp with rec --envsize (and failed execs, in syscall.bpf.c).
 */
#include "rec.bpf.h"

#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define SIGCHLD 17

/*
 * The new image's strings in [start, end) of its memory (its argv or envp,
 * as the kernel copied them to its stack) into dst: at most cap bytes,
 * cut_flag in e->flags when there were more. len_mask restates for the
 * verifier that a size is <= cap (rec.bpf.h). Returns the bytes read.
 */
static __always_inline __u32 read_image_strs(struct ev_exec *e, char *dst, __u64 start, __u64 end,
					     __u32 cap, __u32 len_mask, __u32 cut_flag)
{
	__u32 len = end > start ? end - start : 0;

	if (len > cap) {
		len = cap;
		e->flags |= cut_flag;
	}
	if (bpf_probe_read_user(dst, len & len_mask, (void *)start))
		return 0;
	return len;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 now = bpf_ktime_get_ns();
	struct exec_scratch *x;
	struct ev_exec *e;
	long n;

	struct task_state *st = task_data(&task_states, false); /* p is current */

	if (st)
		st->scope_gen = 0; /* a new comm: decide the scope again */
	if (!in_scope(bpf_get_current_pid_tgid() >> 32))
		return 0;
	e = exec_begin(&x, now);
	if (!e)
		return 0;
	e->nargs = bprm->argc;
	n = bpf_probe_read_kernel_str(e + 1, str_cap(), bprm->filename);
	if (n <= 0) {
		n = 1;
		*(char *)(e + 1) = 0;
	}
	if (n == str_cap())
		e->flags |= EV_EXEC_FILENAME_TRUNCATED;
	e->filename_len = n;
	if (monitor_on(TT_MON_EXEC)) {
		e->args_len = read_image_strs(e, exec_argv(e), p->mm->arg_start, p->mm->arg_end,
					      arg_cap(), EXEC_ARGLEN_MASK, EV_EXEC_ARGV_TRUNCATED);
		/* rec --envsize: the environment, after argv. The caller's
		 * envp is gone: this is what the new image got. */
		if (envsize) {
			e->env_len = read_image_strs(e, exec_envp(e), p->mm->env_start, p->mm->env_end,
						     env_cap(), EXEC_ENVLEN_MASK, EV_EXEC_ENVP_TRUNCATED);
			e->nenv = bprm->envc;
			e->flags |= EV_EXEC_ENVP;
		}
	}
	exec_ship(x, e);
	return 0;
}

/* x86-64's THREAD_SIZE (KASAN, which doubles it, is off in distribution
 * kernels) and TOP_OF_KERNEL_STACK_PADDING (0). */
#define TT_THREAD_SIZE (4096 << 2)

/*
 * The current task's user registers, as they were at syscall entry: with
 * bpf_task_pt_regs from 5.15; before it, where x86-64's task_pt_regs()
 * finds them, at the top of the task's kernel stack.
 */
static __always_inline int current_user_regs(struct pt_regs *regs)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	void *stack;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs))
		return bpf_probe_read_kernel(regs, sizeof(*regs),
					     (void *)bpf_task_pt_regs(bpf_get_current_task_btf()));
	stack = BPF_CORE_READ(task, stack);
	return bpf_probe_read_kernel(regs, sizeof(*regs),
				     stack + TT_THREAD_SIZE - sizeof(struct pt_regs));
}

/* The flags the parent passed to clone/clone3, or those fork/vfork imply. */
static __always_inline __u64 clone_flags(void)
{
	struct pt_regs regs;
	__u64 flags = 0;
	long nr;

	if (current_user_regs(&regs))
		return 0;
	nr = regs.orig_ax;
	if (nr == nr_clone)
		return regs.di;
	if (nr == nr_clone3) {
		bpf_probe_read_user(&flags, sizeof(flags), (void *)regs.di);
		return flags;
	}
	if (nr == nr_vfork)
		return CLONE_VM | CLONE_VFORK | SIGCHLD;
	if (nr == nr_fork)
		return SIGCHLD;
	return 0; /* a kernel thread, or a clone we cannot attribute */
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_pid = parent->tgid, child_pid = child->tgid;
	__u64 now = bpf_ktime_get_ns();
	__u64 ugid = bpf_get_current_uid_gid();
	struct ev_fork *e;
	struct stage *s;
	__u8 one = 1;

	/* Follow new processes of a traced one, whatever else is filtered. */
	if (filter_pid && parent_pid != child_pid && bpf_map_lookup_elem(&traced_pids, &parent_pid))
		bpf_map_update_elem(&traced_pids, &child_pid, &one, BPF_ANY);
	if (!in_scope(parent_pid))
		return 0;
	s = stage_get();
	if (!s || !(e = stage_reserve(s, now)))
		return 0;
	e->hdr.type = EV_FORK;
	e->hdr.size = sizeof(*e);
	e->hdr.tid = parent->pid;
	e->hdr.ts = now;
	e->parent_pid = parent_pid;
	e->child_pid = child_pid;
	e->child_tid = child->pid;
	e->uid = (__u32)ugid;
	e->gid = ugid >> 32;
	e->pad = 0;
	e->clone_flags = clone_flags();
	e->cgroup_id = bpf_get_current_cgroup_id();
	bpf_probe_read_kernel(e->comm, sizeof(e->comm), child->comm);
	stage_commit(s, e, TT_MON_EXEC);
	return 0;
}

/*
 * A task's new name: prctl(PR_SET_NAME), pthread_setname_np, a write to
 * /proc/PID/task/TID/comm, and exec (before sched_process_exec). The
 * process model takes names from these, so that views show the name in
 * force at each event, per thread.
 */
SEC("tp_btf/task_rename")
int BPF_PROG(task_rename, struct task_struct *task, const char *comm)
{
	__u64 now = bpf_ktime_get_ns();
	struct ev_rename *e;
	struct stage *s;

	if (!in_scope(task->tgid))
		return 0;
	s = stage_get();
	if (!s || !(e = stage_reserve(s, now)))
		return 0;
	e->hdr.type = EV_RENAME;
	e->hdr.size = sizeof(*e);
	e->hdr.tid = task->pid;
	e->hdr.ts = now;
	e->pid = task->tgid;
	e->pad = 0;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), comm);
	stage_commit(s, e, TT_MON_EXEC);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	__u32 pid = p->tgid;
	__u64 now = bpf_ktime_get_ns();
	bool group_dead = p->signal->live.counter == 0;
	struct ev_exit *e;
	struct stage *s;

	if (in_scope(pid)) {
		s = stage_get();
		if (s && (e = stage_reserve(s, now))) {
			e->hdr.type = EV_EXIT;
			e->hdr.size = sizeof(*e);
			e->hdr.tid = p->pid;
			e->hdr.ts = now;
			e->pid = pid;
			e->exit_code = p->exit_code;
			e->group_dead = group_dead;
			e->pad = 0;
			stage_commit(s, e, TT_MON_EXEC);
		}
	}
	if (group_dead && filter_pid)
		bpf_map_delete_elem(&traced_pids, &pid);
	task_data_free(p->pid);
	return 0;
}
