// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The syscall monitor: one event per completed syscall, emitted at exit.
 * Entry only filters and stamps the start time in task storage; arguments
 * are read at exit from the saved user registers, where they still are, and
 * user strings are read then too, when the kernel has just faulted them in.
 */
#include "rec.bpf.h"

static __always_inline __u64 reg_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

static __always_inline bool syscall_selected(long nr)
{
	__u32 n = nr;

	if (nr < 0 || nr >= TT_NR_SYSCALLS)
		return false;
	/* The mask restates n < TT_NR_SYSCALLS: the check above is on nr, not on n. */
	return syscall_mask[(n >> 6) & (TT_NR_SYSCALLS / 64 - 1)] & (1ull << (n & 63));
}

/* Append a string read from user memory after the event; returns bytes used. */
static __always_inline __u32 put_user_str(struct ev_str *st, __u8 arg, const void *uptr)
{
	long n = bpf_probe_read_user_str((void *)(st + 1), str_cap(), uptr);

	if (n < 0)
		return 0;
	st->arg = arg;
	st->kind = EV_STR_PATH;
	st->len = n;
	st->truncated = n == (str_cap());
	return align8(sizeof(*st) + n);
}

static __always_inline __u32 put_sockaddr(struct ev_str *st, __u8 arg, const void *uptr, __u32 len)
{
	if (len > TT_SOCKADDR_MAX)
		len = TT_SOCKADDR_MAX;
	/* len <= TT_SOCKADDR_MAX already; the mask is a bound the verifier always tracks. */
	if (!len || bpf_probe_read_user((void *)(st + 1), len & (2 * TT_SOCKADDR_MAX - 1), uptr))
		return 0;
	st->arg = arg;
	st->kind = EV_STR_SOCKADDR;
	st->len = len;
	st->truncated = 0;
	return align8(sizeof(*st) + len);
}

/* rec --datasize: the first bytes of a buffer the call read or wrote, of
 * the len it did (a read's return value, a write's count). An empty one
 * (a read at the end of a file) is a string of none, as strace's "". */
static __always_inline __u32 put_data(struct ev_str *st, __u8 arg, const void *uptr, __s64 len)
{
	__u32 n = len > datasize ? datasize : len;

	if (n > TT_MAX_DATASIZE)
		n = TT_MAX_DATASIZE;
	/* n <= TT_MAX_DATASIZE already; the mask is the bound the verifier tracks. */
	if (n && bpf_probe_read_user((void *)(st + 1), n & (2 * TT_MAX_DATASIZE - 1), uptr))
		return 0;
	st->arg = arg;
	st->kind = EV_STR_DATA;
	st->len = n;
	st->truncated = len > n;
	return align8(sizeof(*st) + n);
}

static __always_inline void emit(struct pt_regs *regs, long nr, long ret, __u64 start, __u8 flags)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 id = bpf_get_current_pid_tgid();
	__u64 duration = start ? now - start : 0;
	struct stage *s = stage_get();
	struct ev_syscall *e;
	__u32 size = sizeof(*e), desc, idx, n, nargs;
	__u64 *args;

	if (!s)
		return;
	e = stage_reserve(s, now);
	if (!e)
		return;
	/* sc_desc describes native syscalls; a compat call keeps its raw arguments. */
	/* The callers checked nr < TT_NR_SYSCALLS; the mask is the bound the verifier sees. */
	desc = flags & EV_SC_COMPAT ? 0 : sc_desc[nr & (TT_NR_SYSCALLS - 1)];
	nargs = flags & EV_SC_COMPAT ? 6 : SC_FIELD(desc, SC_NARGS_SHIFT);
	if (nargs > 6)
		nargs = 6;
	if (duration >> 32)
		flags |= EV_SC_LONG;
	e->type = EV_SYSCALL;
	e->flags = flags;
	e->nr = nr;
	e->nargs = nargs;
	e->nstr = 0;
	e->tid = (__u32)id;
	e->pid = id >> 32;
	e->end_delta = now > s->batch.base_ts ? now - s->batch.base_ts : 0;
	e->duration = flags & EV_SC_LONG ? 0 : duration;
	e->ret = ret;
	args = (__u64 *)(e + 1);
	if (flags & EV_SC_LONG) {
		*args++ = duration;
		size += 8;
	}
	if (nargs > 0) args[0] = regs->di;
	if (nargs > 1) args[1] = regs->si;
	if (nargs > 2) args[2] = regs->dx;
	if (nargs > 3) args[3] = regs->r10;
	if (nargs > 4) args[4] = regs->r8;
	if (nargs > 5) args[5] = regs->r9;
	size += 8 * nargs;

	if (desc && !(flags & EV_SC_NORETURN)) {
		/* size <= 88 here; every string offset is masked below TT_MAX_EVENT / 2,
		 * a bound the verifier keeps. */
		char *p = (char *)e + (size & (TT_MAX_EVENT / 2 - 1));

		if ((nr == nr_execve || nr == nr_execveat) && ret == 0) {
			struct exec_path *ep = task_data(&exec_paths, false);
			/* len <= TT_MAX_STRSIZE by construction; the mask shows the
			 * verifier (a range check gets folded by clang into a form
			 * the verifier cannot tie to n). */
			__u32 n = ep ? ep->len & (2 * TT_MAX_STRSIZE - 1) : 0;

			if (n) {
				struct ev_str *st = (void *)p;

				bpf_probe_read_kernel(st + 1, n, ep->data);
				st->arg = nr == nr_execve ? 0 : 1;
				st->kind = EV_STR_PATH;
				st->len = n;
				st->truncated = ep->truncated;
				size += align8(sizeof(*st) + n);
				e->nstr = 1;
				/* The registers were replaced by the new program's:
				 * the arguments are the ones kept at entry. */
				for (int i = 0; i < 6; i++)
					if (i < nargs)
						args[i] = ep->args[i];
				ep->len = 0;
			}
		} else {
			idx = SC_FIELD(desc, SC_STR1_SHIFT);
			if (idx) {
				n = put_user_str((void *)p, idx - 1, (void *)reg_arg(regs, idx - 1));
				if (n) {
					size += n;
					e->nstr++;
				}
			}
			idx = SC_FIELD(desc, SC_STR2_SHIFT);
			if (idx && size < TT_MAX_EVENT / 2) {
				/* size < TT_MAX_EVENT / 2, as a bound the verifier keeps. */
				n = put_user_str((void *)((char *)e + (size & (TT_MAX_EVENT / 2 - 1))), idx - 1,
						 (void *)reg_arg(regs, idx - 1));
				if (n) {
					size += n;
					e->nstr++;
				}
			}
			idx = SC_FIELD(desc, SC_ADDR_SHIFT);
			if (idx && ret >= 0 && size < TT_MAX_EVENT / 2) {
				__u32 alen_idx = SC_FIELD(desc, SC_ALEN_SHIFT);
				__u64 alen = alen_idx ? reg_arg(regs, alen_idx - 1) : 0;
				__u32 len = 0;

				if (desc & SC_ALEN_PTR) {
					if (alen)
						bpf_probe_read_user(&len, sizeof(len), (void *)alen);
				} else {
					len = alen;
				}
				/* The same bound on the offset, for the sockaddr. */
				n = put_sockaddr((void *)((char *)e + (size & (TT_MAX_EVENT / 2 - 1))), idx - 1,
						 (void *)reg_arg(regs, idx - 1), len);
				if (n) {
					size += n;
					e->nstr++;
				}
			}
			/* rec --datasize, last (it may be the largest): rodata, so
			 * with 0 the verifier prunes all of it. Alone in its test, so
			 * that clang computes nothing of it before. */
			if (datasize) {
				idx = SC_FIELD(desc, SC_DATA_SHIFT);
				if (idx && size < TT_MAX_EVENT / 2) {
					__u32 lidx = SC_FIELD(desc, SC_DLEN_SHIFT);
					__s64 len = desc & SC_DATA_RET ? ret :
						    lidx ? (__s64)reg_arg(regs, lidx - 1) : 0;

					/* The same bound on the offset; the data is the
					 * last string, so the event stays within
					 * TT_MAX_EVENT (TT_MAX_DATASIZE). */
					if (len >= 0) {
						n = put_data((void *)((char *)e + (size & (TT_MAX_EVENT / 2 - 1))),
							     idx - 1, (void *)reg_arg(regs, idx - 1), len);
						if (n) {
							size += n;
							e->nstr++;
						}
					}
				}
			}
		}
	}
	e->size = size;
	stage_commit(s, e, TT_MON_SYSCALL);
}

/*
 * The strings of a user vector (argv, or envp when env), read one by one
 * from the caller's memory into e after its filename (or its argv), each
 * with its NUL: at most cap bytes and TT_MAX_ARGS strings. Returns the
 * bytes used; *count is the strings read, and cut_flag goes into e->flags
 * when some did not fit. Results go straight to the event, and the
 * destination is computed again from e at each string, so that the
 * verifier carries no pointer or flag of this walk from one string to the
 * next, nor into the next walk: its states stay few enough to prune.
 */
static __always_inline __u32 read_strv(struct ev_exec *e, bool env, const char *const *vec, __u32 cap,
				       __u32 *count, __u32 cut_flag)
{
	__u32 off = 0;
	long n;
	int i;

	for (i = 0; i < TT_MAX_ARGS; i++) {
		const char *arg = NULL;

		if (!vec || bpf_probe_read_user(&arg, sizeof(arg), &vec[i]) || !arg)
			break;
		if (off >= cap) {
			e->flags |= cut_flag;
			break;
		}
		/* off < cap <= the bound, restated for the verifier (rec.bpf.h). */
		if (env)
			n = bpf_probe_read_user_str(exec_envp(e) + (off & EXEC_ENVOFF_MASK),
						    (cap - off) & EXEC_ENVLEN_MASK, arg);
		else
			n = bpf_probe_read_user_str(exec_argv(e) + (off & EXEC_ARGOFF_MASK),
						    (cap - off) & EXEC_ARGLEN_MASK, arg);
		if (n <= 0)
			break;
		if (n == cap - off) {
			/* It filled the room: cut, unless its own NUL came
			 * there (the helper writes a NUL either way). */
			char last = 0;

			bpf_probe_read_user(&last, 1, arg + n - 1);
			if (last)
				e->flags |= cut_flag;
		}
		off += n;
	}
	if (i == TT_MAX_ARGS)
		e->flags |= cut_flag;
	*count = i;
	return off;
}

/* An execve/execveat that failed: the exec monitor's record of it, with the
 * argv (and with rec --envsize the envp) the caller passed, read from its
 * memory, string by string. */
static __always_inline void emit_exec_failed(struct pt_regs *regs, long nr, long ret)
{
	__u64 now = bpf_ktime_get_ns();
	struct exec_scratch *x;
	struct ev_exec *e;
	long n;

	e = exec_begin(&x, now);
	if (!e)
		return;
	e->ret = ret;
	n = bpf_probe_read_user_str(e + 1, str_cap(), (void *)(nr == nr_execve ? regs->di : regs->si));
	if (n <= 0) {
		n = 1;
		*(char *)(e + 1) = 0;
	}
	if (n == str_cap())
		e->flags |= EV_EXEC_FILENAME_TRUNCATED;
	e->filename_len = n;
	e->args_len = read_strv(e, false, (void *)(nr == nr_execve ? regs->si : regs->dx), arg_cap(),
				&e->nargs, EV_EXEC_ARGV_TRUNCATED);
	/* rec --envsize; rodata, so with 0 the verifier prunes it */
	if (envsize) {
		e->flags |= EV_EXEC_ENVP;
		e->env_len = read_strv(e, true, (void *)(nr == nr_execve ? regs->dx : regs->r10),
				       env_cap(), &e->nenv, EV_EXEC_ENVP_TRUNCATED);
	}
	exec_ship(x, e);
}

/*
 * rec --errors-only, --slow and --max-rate: does this call's event go on to
 * be staged? The first two are filters the user asked for (as -e is); a
 * call over the rate is counted, per CPU and slot, for the consumer's
 * SAMPLED records. Each setting is rodata: off, the verifier prunes it.
 */
static __always_inline bool volume_keep(long nr, long ret, __u64 start, __u8 flags)
{
	struct ev_sampled *s;
	__u64 now, ts;
	__u32 cpu, slot;

	/* First and alone: clang would otherwise compute the slot and compare
	 * ret before testing the flags, code the verifier cannot prune. */
	if (!volume_on)
		return true;
	/* The callers checked 0 <= nr < TT_NR_SYSCALLS; the masks restate it. */
	slot = (nr & (TT_NR_SYSCALLS - 1)) + (flags & EV_SC_COMPAT ? TT_NR_SYSCALLS : 0);
	/* An error is -4095..-1, as decode takes it; a call that never
	 * returns has no result, nor a duration for --slow. */
	if (errors_only && (flags & EV_SC_NORETURN || ret >= 0 || ret < -4095))
		return false;
	if (slow_only && (flags & EV_SC_NORETURN ||
			  bpf_ktime_get_ns() - start <= slow_ns[slot & (TT_SAMPLED_SLOTS - 1)]))
		return false;
	if (!max_rate)
		return true;
	cpu = bpf_get_smp_processor_id();
	s = bpf_map_lookup_elem(&sampled, &cpu);
	if (!s)
		return true;
	now = bpf_ktime_get_ns();
	if (now - s->window_start >= 1000000000ull) {
		s->window_start = now;
		s->window_events = 0;
	}
	if (s->window_events < max_rate) {
		s->window_events++;
		return true;
	}
	slot &= TT_SAMPLED_SLOTS - 1;
	ts = start ?: now; /* the time its event would have had */
	if (!s->count[slot])
		s->first_ts[slot] = ts;
	s->last_ts[slot] = ts;
	/* Atomic: where syscall tracepoints may sleep (faultable, 6.14),
	 * two tasks can run this on one CPU; the count must stay exact. */
	__sync_fetch_and_add(&s->count[slot], 1);
	return false;
}

static __always_inline bool is_exec(long nr)
{
	return nr == nr_execve || nr == nr_execveat;
}

/* Does this call need its entry stamped? */
static __always_inline bool wanted(long nr, bool compat)
{
	if (compat)
		return monitor_on(TT_MON_SYSCALL) && compat_all && nr >= 0 && nr < TT_NR_SYSCALLS;
	if (monitor_on(TT_MON_SYSCALL) && syscall_selected(nr))
		return true;
	return monitor_on(TT_MON_EXEC) && is_exec(nr);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_state *st;
	__u32 gen = scope_gen;
	bool compat;

	if ((__u32)id == flusher_tid) {
		struct stage *s = stage_get();

		if (s)
			stage_mark(s);
		return 0;
	}
	compat = in_compat_syscall();
	if (!wanted(nr, compat))
		return 0;
	st = task_data(&task_states, true);
	if (!st) {
		/* No memory for the entry stamp: this call is lost, and counted. */
		__u32 zero = 0;
		struct ev_loss *l = bpf_map_lookup_elem(&losses, &zero);

		if (l)
			l->events[TT_MON_SYSCALL]++;
		return 0;
	}
	if (st->scope_gen != gen) {
		st->in_scope = in_pid_comm_scope(id >> 32);
		st->scope_gen = gen;
	}
	if (!st->in_scope || !in_uid_scope())
		return 0;
	/* These never reach sys_exit with their number: exit and exit_group do
	 * not return, and rt_sigreturn's exit sees orig_ax reset to -1. */
	if (compat ? nr == nr_exit_compat || nr == nr_exit_group_compat
		   : nr == nr_exit || nr == nr_exit_group || nr == nr_rt_sigreturn) {
		__u8 flags = EV_SC_NORETURN | (compat ? EV_SC_COMPAT : 0);

		if (volume_keep(nr, 0, 0, flags))
			emit(regs, nr, 0, 0, flags);
		return 0;
	}
	st->ts = bpf_ktime_get_ns();
	if (!compat && is_exec(nr) && monitor_on(TT_MON_SYSCALL)) {
		struct exec_path *ep = task_data(&exec_paths, true);
		long n;

		if (!ep)
			return 0;
		ep->args[0] = regs->di;
		ep->args[1] = regs->si;
		ep->args[2] = regs->dx;
		ep->args[3] = regs->r10;
		ep->args[4] = regs->r8;
		ep->args[5] = regs->r9;
		n = bpf_probe_read_user_str(ep->data, str_cap(),
					    (void *)(nr == nr_execve ? regs->di : regs->si));
		ep->len = n > 0 ? n : 0;
		ep->truncated = n == str_cap();
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	struct task_state *st;
	__u64 start;
	long nr;

	st = task_data(&task_states, false);
	if (!st || !st->ts)
		return 0;
	start = st->ts;
	st->ts = 0;
	nr = regs->orig_ax;
	if (nr < 0 || nr >= TT_NR_SYSCALLS)
		return 0;
	if (in_compat_syscall()) {
		if (monitor_on(TT_MON_SYSCALL) && compat_all && volume_keep(nr, ret, start, EV_SC_COMPAT))
			emit(regs, nr, ret, start, EV_SC_COMPAT);
		return 0;
	}
	if (ret < 0 && is_exec(nr) && monitor_on(TT_MON_EXEC))
		emit_exec_failed(regs, nr, ret);
	if (monitor_on(TT_MON_SYSCALL) && syscall_selected(nr) && volume_keep(nr, ret, start, 0))
		emit(regs, nr, ret, start, 0);
	return 0;
}
