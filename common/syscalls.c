// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "syscalls.h"

static const char *const category_names[CAT__COUNT] = {
	[CAT_FILE_IO] = "file_io",
	[CAT_NETWORK] = "network",
	[CAT_MEMORY] = "memory",
	[CAT_PROCESS] = "process",
	[CAT_SIGNAL] = "signal",
	[CAT_TIME] = "time",
	[CAT_IPC] = "ipc",
	[CAT_OTHER] = "other",
};

/*
 * Argument indexes are stored + 1, as in sc_desc (bpf/events.h), so that a
 * field left out of an entry means "none".
 */
#define A(i) ((i) + 1)

struct syscall_info {
	const char *name;
	enum syscall_category cat;
	uint8_t path[2];
	uint8_t addr, addrlen;
	bool addrlen_ptr;
};

/*
 * Keyed by name so one table serves every architecture; a name missing here
 * is CAT_OTHER with nothing captured. The order is for the reader only.
 */
static const struct syscall_info syscall_infos[] = {
	/* file_io: files, directories, descriptors and their multiplexing */
	{ "read", CAT_FILE_IO },
	{ "write", CAT_FILE_IO },
	{ "open", CAT_FILE_IO, .path = { A(0) } },
	{ "openat", CAT_FILE_IO, .path = { A(1) } },
	{ "openat2", CAT_FILE_IO, .path = { A(1) } },
	{ "creat", CAT_FILE_IO, .path = { A(0) } },
	{ "open_by_handle_at", CAT_FILE_IO },
	{ "name_to_handle_at", CAT_FILE_IO },
	{ "close", CAT_FILE_IO },
	{ "close_range", CAT_FILE_IO },
	{ "stat", CAT_FILE_IO, .path = { A(0) } },
	{ "lstat", CAT_FILE_IO, .path = { A(0) } },
	{ "fstat", CAT_FILE_IO },
	{ "newfstatat", CAT_FILE_IO, .path = { A(1) } },
	{ "statx", CAT_FILE_IO, .path = { A(1) } },
	{ "statfs", CAT_FILE_IO, .path = { A(0) } },
	{ "fstatfs", CAT_FILE_IO },
	{ "ustat", CAT_FILE_IO },
	{ "access", CAT_FILE_IO, .path = { A(0) } },
	{ "faccessat", CAT_FILE_IO, .path = { A(1) } },
	{ "faccessat2", CAT_FILE_IO, .path = { A(1) } },
	{ "lseek", CAT_FILE_IO },
	{ "pread64", CAT_FILE_IO },
	{ "pwrite64", CAT_FILE_IO },
	{ "readv", CAT_FILE_IO },
	{ "writev", CAT_FILE_IO },
	{ "preadv", CAT_FILE_IO },
	{ "pwritev", CAT_FILE_IO },
	{ "preadv2", CAT_FILE_IO },
	{ "pwritev2", CAT_FILE_IO },
	{ "sendfile", CAT_FILE_IO },
	{ "splice", CAT_FILE_IO },
	{ "tee", CAT_FILE_IO },
	{ "vmsplice", CAT_FILE_IO },
	{ "copy_file_range", CAT_FILE_IO },
	{ "readahead", CAT_FILE_IO },
	{ "fadvise64", CAT_FILE_IO },
	{ "fallocate", CAT_FILE_IO },
	{ "truncate", CAT_FILE_IO, .path = { A(0) } },
	{ "ftruncate", CAT_FILE_IO },
	{ "fsync", CAT_FILE_IO },
	{ "fdatasync", CAT_FILE_IO },
	{ "sync", CAT_FILE_IO },
	{ "syncfs", CAT_FILE_IO },
	{ "sync_file_range", CAT_FILE_IO },
	{ "ioctl", CAT_FILE_IO },
	{ "fcntl", CAT_FILE_IO },
	{ "flock", CAT_FILE_IO },
	{ "dup", CAT_FILE_IO },
	{ "dup2", CAT_FILE_IO },
	{ "dup3", CAT_FILE_IO },
	{ "getdents", CAT_FILE_IO },
	{ "getdents64", CAT_FILE_IO },
	{ "getcwd", CAT_FILE_IO },
	{ "chdir", CAT_FILE_IO, .path = { A(0) } },
	{ "fchdir", CAT_FILE_IO },
	{ "chroot", CAT_FILE_IO, .path = { A(0) } },
	{ "pivot_root", CAT_FILE_IO, .path = { A(0), A(1) } },
	{ "mkdir", CAT_FILE_IO, .path = { A(0) } },
	{ "mkdirat", CAT_FILE_IO, .path = { A(1) } },
	{ "rmdir", CAT_FILE_IO, .path = { A(0) } },
	{ "mknod", CAT_FILE_IO, .path = { A(0) } },
	{ "mknodat", CAT_FILE_IO, .path = { A(1) } },
	{ "unlink", CAT_FILE_IO, .path = { A(0) } },
	{ "unlinkat", CAT_FILE_IO, .path = { A(1) } },
	{ "rename", CAT_FILE_IO, .path = { A(0), A(1) } },
	{ "renameat", CAT_FILE_IO, .path = { A(1), A(3) } },
	{ "renameat2", CAT_FILE_IO, .path = { A(1), A(3) } },
	{ "link", CAT_FILE_IO, .path = { A(0), A(1) } },
	{ "linkat", CAT_FILE_IO, .path = { A(1), A(3) } },
	{ "symlink", CAT_FILE_IO, .path = { A(0), A(1) } },
	{ "symlinkat", CAT_FILE_IO, .path = { A(0), A(2) } },
	{ "readlink", CAT_FILE_IO, .path = { A(0) } },
	{ "readlinkat", CAT_FILE_IO, .path = { A(1) } },
	{ "chmod", CAT_FILE_IO, .path = { A(0) } },
	{ "fchmod", CAT_FILE_IO },
	{ "fchmodat", CAT_FILE_IO, .path = { A(1) } },
	{ "fchmodat2", CAT_FILE_IO, .path = { A(1) } },
	{ "chown", CAT_FILE_IO, .path = { A(0) } },
	{ "lchown", CAT_FILE_IO, .path = { A(0) } },
	{ "fchown", CAT_FILE_IO },
	{ "fchownat", CAT_FILE_IO, .path = { A(1) } },
	{ "umask", CAT_FILE_IO },
	{ "utime", CAT_FILE_IO, .path = { A(0) } },
	{ "utimes", CAT_FILE_IO, .path = { A(0) } },
	{ "futimesat", CAT_FILE_IO, .path = { A(1) } },
	{ "utimensat", CAT_FILE_IO, .path = { A(1) } },
	{ "setxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "lsetxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "fsetxattr", CAT_FILE_IO },
	{ "getxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "lgetxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "fgetxattr", CAT_FILE_IO },
	{ "listxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "llistxattr", CAT_FILE_IO, .path = { A(0) } },
	{ "flistxattr", CAT_FILE_IO },
	{ "removexattr", CAT_FILE_IO, .path = { A(0) } },
	{ "lremovexattr", CAT_FILE_IO, .path = { A(0) } },
	{ "fremovexattr", CAT_FILE_IO },
	{ "mount", CAT_FILE_IO, .path = { A(0), A(1) } },
	{ "umount2", CAT_FILE_IO, .path = { A(0) } },
	{ "mount_setattr", CAT_FILE_IO },
	{ "open_tree", CAT_FILE_IO },
	{ "move_mount", CAT_FILE_IO },
	{ "fsopen", CAT_FILE_IO },
	{ "fsconfig", CAT_FILE_IO },
	{ "fsmount", CAT_FILE_IO },
	{ "fspick", CAT_FILE_IO },
	{ "inotify_init", CAT_FILE_IO },
	{ "inotify_init1", CAT_FILE_IO },
	{ "inotify_add_watch", CAT_FILE_IO, .path = { A(1) } },
	{ "inotify_rm_watch", CAT_FILE_IO },
	{ "fanotify_init", CAT_FILE_IO },
	{ "fanotify_mark", CAT_FILE_IO },
	{ "poll", CAT_FILE_IO },
	{ "ppoll", CAT_FILE_IO },
	{ "select", CAT_FILE_IO },
	{ "pselect6", CAT_FILE_IO },
	{ "epoll_create", CAT_FILE_IO },
	{ "epoll_create1", CAT_FILE_IO },
	{ "epoll_ctl", CAT_FILE_IO },
	{ "epoll_wait", CAT_FILE_IO },
	{ "epoll_pwait", CAT_FILE_IO },
	{ "epoll_pwait2", CAT_FILE_IO },
	{ "io_setup", CAT_FILE_IO },
	{ "io_destroy", CAT_FILE_IO },
	{ "io_submit", CAT_FILE_IO },
	{ "io_cancel", CAT_FILE_IO },
	{ "io_getevents", CAT_FILE_IO },
	{ "io_pgetevents", CAT_FILE_IO },
	{ "io_uring_setup", CAT_FILE_IO },
	{ "io_uring_enter", CAT_FILE_IO },
	{ "io_uring_register", CAT_FILE_IO },
	{ "cachestat", CAT_FILE_IO },

	/* network */
	{ "socket", CAT_NETWORK },
	{ "socketpair", CAT_NETWORK },
	{ "connect", CAT_NETWORK, .addr = A(1), .addrlen = A(2) },
	{ "bind", CAT_NETWORK, .addr = A(1), .addrlen = A(2) },
	{ "listen", CAT_NETWORK },
	{ "accept", CAT_NETWORK, .addr = A(1), .addrlen = A(2), .addrlen_ptr = true },
	{ "accept4", CAT_NETWORK, .addr = A(1), .addrlen = A(2), .addrlen_ptr = true },
	{ "sendto", CAT_NETWORK, .addr = A(4), .addrlen = A(5) },
	{ "recvfrom", CAT_NETWORK, .addr = A(4), .addrlen = A(5), .addrlen_ptr = true },
	{ "sendmsg", CAT_NETWORK },
	{ "recvmsg", CAT_NETWORK },
	{ "sendmmsg", CAT_NETWORK },
	{ "recvmmsg", CAT_NETWORK },
	{ "shutdown", CAT_NETWORK },
	{ "getsockname", CAT_NETWORK, .addr = A(1), .addrlen = A(2), .addrlen_ptr = true },
	{ "getpeername", CAT_NETWORK, .addr = A(1), .addrlen = A(2), .addrlen_ptr = true },
	{ "getsockopt", CAT_NETWORK },
	{ "setsockopt", CAT_NETWORK },
	{ "socketcall", CAT_NETWORK }, /* i386's multiplexer */

	/* memory */
	{ "mmap", CAT_MEMORY },
	{ "mmap2", CAT_MEMORY },
	{ "munmap", CAT_MEMORY },
	{ "mprotect", CAT_MEMORY },
	{ "pkey_mprotect", CAT_MEMORY },
	{ "pkey_alloc", CAT_MEMORY },
	{ "pkey_free", CAT_MEMORY },
	{ "brk", CAT_MEMORY },
	{ "mremap", CAT_MEMORY },
	{ "remap_file_pages", CAT_MEMORY },
	{ "msync", CAT_MEMORY },
	{ "mincore", CAT_MEMORY },
	{ "madvise", CAT_MEMORY },
	{ "process_madvise", CAT_MEMORY },
	{ "mlock", CAT_MEMORY },
	{ "mlock2", CAT_MEMORY },
	{ "munlock", CAT_MEMORY },
	{ "mlockall", CAT_MEMORY },
	{ "munlockall", CAT_MEMORY },
	{ "mbind", CAT_MEMORY },
	{ "set_mempolicy", CAT_MEMORY },
	{ "get_mempolicy", CAT_MEMORY },
	{ "set_mempolicy_home_node", CAT_MEMORY },
	{ "migrate_pages", CAT_MEMORY },
	{ "move_pages", CAT_MEMORY },
	{ "memfd_create", CAT_MEMORY },
	{ "memfd_secret", CAT_MEMORY },
	{ "userfaultfd", CAT_MEMORY },
	{ "membarrier", CAT_MEMORY },
	{ "map_shadow_stack", CAT_MEMORY },
	{ "process_vm_readv", CAT_MEMORY },
	{ "process_vm_writev", CAT_MEMORY },
	{ "swapon", CAT_MEMORY, .path = { A(0) } },
	{ "swapoff", CAT_MEMORY, .path = { A(0) } },

	/* process: lifecycle, identity, credentials, scheduling, limits */
	{ "fork", CAT_PROCESS },
	{ "vfork", CAT_PROCESS },
	{ "clone", CAT_PROCESS },
	{ "clone3", CAT_PROCESS },
	{ "execve", CAT_PROCESS, .path = { A(0) } },
	{ "execveat", CAT_PROCESS, .path = { A(1) } },
	{ "exit", CAT_PROCESS },
	{ "exit_group", CAT_PROCESS },
	{ "wait4", CAT_PROCESS },
	{ "waitid", CAT_PROCESS },
	{ "getpid", CAT_PROCESS },
	{ "getppid", CAT_PROCESS },
	{ "gettid", CAT_PROCESS },
	{ "set_tid_address", CAT_PROCESS },
	{ "getpgrp", CAT_PROCESS },
	{ "getpgid", CAT_PROCESS },
	{ "setpgid", CAT_PROCESS },
	{ "getsid", CAT_PROCESS },
	{ "setsid", CAT_PROCESS },
	{ "getuid", CAT_PROCESS },
	{ "geteuid", CAT_PROCESS },
	{ "getgid", CAT_PROCESS },
	{ "getegid", CAT_PROCESS },
	{ "setuid", CAT_PROCESS },
	{ "setgid", CAT_PROCESS },
	{ "setreuid", CAT_PROCESS },
	{ "setregid", CAT_PROCESS },
	{ "setresuid", CAT_PROCESS },
	{ "getresuid", CAT_PROCESS },
	{ "setresgid", CAT_PROCESS },
	{ "getresgid", CAT_PROCESS },
	{ "setfsuid", CAT_PROCESS },
	{ "setfsgid", CAT_PROCESS },
	{ "getgroups", CAT_PROCESS },
	{ "setgroups", CAT_PROCESS },
	{ "capget", CAT_PROCESS },
	{ "capset", CAT_PROCESS },
	{ "prctl", CAT_PROCESS },
	{ "arch_prctl", CAT_PROCESS },
	{ "personality", CAT_PROCESS },
	{ "ptrace", CAT_PROCESS },
	{ "seccomp", CAT_PROCESS },
	{ "unshare", CAT_PROCESS },
	{ "setns", CAT_PROCESS },
	{ "kcmp", CAT_PROCESS },
	{ "pidfd_open", CAT_PROCESS },
	{ "pidfd_getfd", CAT_PROCESS },
	{ "process_mrelease", CAT_PROCESS },
	{ "rseq", CAT_PROCESS },
	{ "set_thread_area", CAT_PROCESS },
	{ "get_thread_area", CAT_PROCESS },
	{ "modify_ldt", CAT_PROCESS },
	{ "getcpu", CAT_PROCESS },
	{ "getrlimit", CAT_PROCESS },
	{ "setrlimit", CAT_PROCESS },
	{ "prlimit64", CAT_PROCESS },
	{ "getrusage", CAT_PROCESS },
	{ "getpriority", CAT_PROCESS },
	{ "setpriority", CAT_PROCESS },
	{ "ioprio_get", CAT_PROCESS },
	{ "ioprio_set", CAT_PROCESS },
	{ "sched_yield", CAT_PROCESS },
	{ "sched_setparam", CAT_PROCESS },
	{ "sched_getparam", CAT_PROCESS },
	{ "sched_setscheduler", CAT_PROCESS },
	{ "sched_getscheduler", CAT_PROCESS },
	{ "sched_get_priority_max", CAT_PROCESS },
	{ "sched_get_priority_min", CAT_PROCESS },
	{ "sched_rr_get_interval", CAT_PROCESS },
	{ "sched_setaffinity", CAT_PROCESS },
	{ "sched_getaffinity", CAT_PROCESS },
	{ "sched_setattr", CAT_PROCESS },
	{ "sched_getattr", CAT_PROCESS },

	/* signal */
	{ "kill", CAT_SIGNAL },
	{ "tkill", CAT_SIGNAL },
	{ "tgkill", CAT_SIGNAL },
	{ "pidfd_send_signal", CAT_SIGNAL },
	{ "rt_sigaction", CAT_SIGNAL },
	{ "rt_sigprocmask", CAT_SIGNAL },
	{ "rt_sigreturn", CAT_SIGNAL },
	{ "rt_sigpending", CAT_SIGNAL },
	{ "rt_sigtimedwait", CAT_SIGNAL },
	{ "rt_sigqueueinfo", CAT_SIGNAL },
	{ "rt_tgsigqueueinfo", CAT_SIGNAL },
	{ "rt_sigsuspend", CAT_SIGNAL },
	{ "sigaltstack", CAT_SIGNAL },
	{ "pause", CAT_SIGNAL },
	{ "signalfd", CAT_SIGNAL },
	{ "signalfd4", CAT_SIGNAL },
	{ "restart_syscall", CAT_SIGNAL }, /* only ever after a signal */
	{ "signal", CAT_SIGNAL },
	{ "sigaction", CAT_SIGNAL },
	{ "sigprocmask", CAT_SIGNAL },
	{ "sigreturn", CAT_SIGNAL },
	{ "sigsuspend", CAT_SIGNAL },
	{ "sigpending", CAT_SIGNAL },

	/* time */
	{ "time", CAT_TIME },
	{ "times", CAT_TIME },
	{ "gettimeofday", CAT_TIME },
	{ "settimeofday", CAT_TIME },
	{ "adjtimex", CAT_TIME },
	{ "clock_gettime", CAT_TIME },
	{ "clock_settime", CAT_TIME },
	{ "clock_getres", CAT_TIME },
	{ "clock_adjtime", CAT_TIME },
	{ "clock_nanosleep", CAT_TIME },
	{ "nanosleep", CAT_TIME },
	{ "alarm", CAT_TIME },
	{ "getitimer", CAT_TIME },
	{ "setitimer", CAT_TIME },
	{ "timer_create", CAT_TIME },
	{ "timer_settime", CAT_TIME },
	{ "timer_gettime", CAT_TIME },
	{ "timer_getoverrun", CAT_TIME },
	{ "timer_delete", CAT_TIME },
	{ "timerfd_create", CAT_TIME },
	{ "timerfd_settime", CAT_TIME },
	{ "timerfd_gettime", CAT_TIME },

	/* ipc */
	{ "pipe", CAT_IPC },
	{ "pipe2", CAT_IPC },
	{ "eventfd", CAT_IPC },
	{ "eventfd2", CAT_IPC },
	{ "futex", CAT_IPC },
	{ "futex_waitv", CAT_IPC },
	{ "futex_wait", CAT_IPC },
	{ "futex_wake", CAT_IPC },
	{ "futex_requeue", CAT_IPC },
	{ "set_robust_list", CAT_IPC },
	{ "get_robust_list", CAT_IPC },
	{ "shmget", CAT_IPC },
	{ "shmat", CAT_IPC },
	{ "shmdt", CAT_IPC },
	{ "shmctl", CAT_IPC },
	{ "semget", CAT_IPC },
	{ "semop", CAT_IPC },
	{ "semtimedop", CAT_IPC },
	{ "semctl", CAT_IPC },
	{ "msgget", CAT_IPC },
	{ "msgsnd", CAT_IPC },
	{ "msgrcv", CAT_IPC },
	{ "msgctl", CAT_IPC },
	{ "ipc", CAT_IPC }, /* i386's multiplexer */
	{ "mq_open", CAT_IPC },
	{ "mq_unlink", CAT_IPC },
	{ "mq_timedsend", CAT_IPC },
	{ "mq_timedreceive", CAT_IPC },
	{ "mq_notify", CAT_IPC },
	{ "mq_getsetattr", CAT_IPC },

	/* other, listed only for their captured paths */
	{ "acct", CAT_OTHER, .path = { A(0) } },
	{ "uselib", CAT_OTHER, .path = { A(0) } },
};

struct syscall_table {
	uint32_t arch;
	char *names[SYSCALL_MAX_NR];                     /* from libseccomp */
	const struct syscall_info *info[SYSCALL_MAX_NR]; /* NULL: other, no args */
};

const char *syscall_category__name(enum syscall_category cat)
{
	if ((unsigned int)cat >= CAT__COUNT)
		return NULL;
	return category_names[cat];
}

int syscall_category__from_name(const char *name)
{
	for (int i = 0; i < CAT__COUNT; i++) {
		if (!strcmp(category_names[i], name))
			return i;
	}
	return -EINVAL;
}

static const struct syscall_info *syscall_info__find(const char *name)
{
	for (size_t i = 0; i < sizeof(syscall_infos) / sizeof(syscall_infos[0]); i++) {
		if (!strcmp(syscall_infos[i].name, name))
			return &syscall_infos[i];
	}
	return NULL;
}

struct syscall_table *syscall_table__new(uint32_t audit_arch)
{
	struct syscall_table *t;
	int known = 0;

	/* libseccomp takes 0 to mean the native arch: not what a trace means */
	if (!audit_arch) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->arch = audit_arch;
	/* Resolved once: libseccomp allocates a new string on every call. */
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++) {
		t->names[nr] = seccomp_syscall_resolve_num_arch(audit_arch, nr);
		if (!t->names[nr])
			continue;
		t->info[nr] = syscall_info__find(t->names[nr]);
		known++;
	}
	/* An arch libseccomp does not know resolves nothing. */
	if (!known) {
		syscall_table__free(t);
		errno = EINVAL;
		return NULL;
	}
	return t;
}

struct syscall_table *syscall_table__native(void)
{
	return syscall_table__new(seccomp_arch_native());
}

void syscall_table__free(struct syscall_table *t)
{
	if (!t)
		return;
	for (int nr = 0; nr < SYSCALL_MAX_NR; nr++)
		free(t->names[nr]);
	free(t);
}

uint32_t syscall_table__arch(const struct syscall_table *t)
{
	return t->arch;
}

const char *syscall_table__name(const struct syscall_table *t, int nr)
{
	if (nr < 0 || nr >= SYSCALL_MAX_NR)
		return NULL;
	return t->names[nr];
}

int syscall_table__nr(const struct syscall_table *t, const char *name)
{
	/* Negative results also cover pseudo numbers of other arches' syscalls. */
	int nr = seccomp_syscall_resolve_name_arch(t->arch, name);

	if (nr < 0 || nr >= SYSCALL_MAX_NR || !t->names[nr])
		return -ENOENT;
	return nr;
}

enum syscall_category syscall_table__category(const struct syscall_table *t, int nr)
{
	if (nr < 0 || nr >= SYSCALL_MAX_NR || !t->info[nr])
		return CAT_OTHER;
	return t->info[nr]->cat;
}

bool syscall_table__args(const struct syscall_table *t, int nr, struct syscall_args *args)
{
	const struct syscall_info *info = NULL;

	if (nr >= 0 && nr < SYSCALL_MAX_NR)
		info = t->info[nr];
	if (!info) {
		*args = (struct syscall_args){ .path = { -1, -1 }, .addr = -1, .addrlen = -1 };
		return false;
	}
	args->path[0] = info->path[0] - 1;
	args->path[1] = info->path[1] - 1;
	args->addr = info->addr - 1;
	args->addrlen = info->addrlen - 1;
	args->addrlen_ptr = info->addrlen_ptr;
	return info->path[0] || info->addr;
}

static void mask_set(uint64_t *mask, int nr)
{
	mask[nr / 64] |= 1ull << (nr % 64);
}

int syscall_table__select(const struct syscall_table *t, const char *list, uint64_t *mask,
			  char *bad, size_t badlen)
{
	uint64_t sel[SYSCALL_MAX_NR / 64] = {};
	char *copy, *rest, *word;
	int err = 0;

	if (!list || !*list) {
		snprintf(bad, badlen, "%s", list ? list : "");
		return -EINVAL;
	}
	copy = rest = strdup(list);
	if (!copy)
		return -ENOMEM;
	while ((word = strsep(&rest, ","))) {
		/* A category wins over a syscall of the same name ("time"): it
		 * includes that syscall anyway. */
		int cat = syscall_category__from_name(word);
		int nr;

		if (cat >= 0) {
			for (nr = 0; nr < SYSCALL_MAX_NR; nr++) {
				if (t->names[nr] && syscall_table__category(t, nr) == (enum syscall_category)cat)
					mask_set(sel, nr);
			}
			continue;
		}
		nr = *word ? syscall_table__nr(t, word) : -ENOENT;
		if (nr < 0) {
			snprintf(bad, badlen, "%s", word);
			err = -EINVAL;
			break;
		}
		mask_set(sel, nr);
	}
	free(copy);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++)
		mask[i] |= sel[i];
	return 0;
}
