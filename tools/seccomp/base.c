// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h" /* _GNU_SOURCE */
#include <errno.h>
#include <string.h>

#include "base.h"

static const char *const vdso_calls[] = {
	"clock_gettime", "gettimeofday", "time", "getcpu", NULL,
};

static const char *const unseen_calls[] = { "rt_sigreturn", NULL };

/*
 * The base sets are the Security Profiles Operator's published runtime base
 * profiles (examples/baseprofile-runc.yaml, recorded with runc 1.0.0-rc92;
 * examples/baseprofile-crun.yaml, crun 1.18): what each runtime was seen to
 * call in a container's init process, which a profile must allow for the
 * container to start at all.
 */
static const char *const runc_calls[] = {
	"capget", "capset", "chdir", "close", "epoll_ctl", "epoll_pwait", "execve", "fchown",
	"fcntl", "fstat", "fstatfs", "futex", "getdents64", "getpid", "getppid", "nanosleep",
	"newfstatat", "openat", "prctl", "read", "sched_yield", "setgid", "setgroups", "setuid",
	"write", NULL,
};

static const char *const crun_calls[] = {
	"access", "arch_prctl", "brk", "capset", "chdir", "chmod", "chown", "close",
	"close_range", "dup2", "execve", "exit_group", "fchdir", "fchown", "fstat", "fstatfs",
	"getcwd", "getegid", "geteuid", "getgid", "getuid", "ioctl", "lseek", "mkdirat",
	"mknodat", "mmap", "mount", "mprotect", "nanosleep", "newfstatat", "openat", "openat2",
	"pivot_root", "prctl", "pselect6", "read", "readlink", "rt_sigaction", "rt_sigprocmask",
	"set_tid_address", "setgroups", "sethostname", "setns", "setresgid", "setresuid",
	"setsid", "statfs", "statx", "symlinkat", "umask", "umount2", "unshare", "write", NULL,
};

static int add_all(struct profile *p, const char *const *names, enum profile_reason why)
{
	for (; *names; names++)
		if (profile__allow(p, *names, why))
			return -ENOMEM;
	return 0;
}

int profile__add_vdso(struct profile *p)
{
	return add_all(p, vdso_calls, PROFILE_VDSO);
}

int profile__add_unseen(struct profile *p)
{
	return add_all(p, unseen_calls, PROFILE_UNSEEN);
}

int profile__add_base(struct profile *p, const char *runtime)
{
	if (!strcmp(runtime, "none"))
		return 0;
	if (!strcmp(runtime, "runc"))
		return add_all(p, runc_calls, PROFILE_BASE);
	if (!strcmp(runtime, "crun"))
		return add_all(p, crun_calls, PROFILE_BASE);
	return -EINVAL;
}
