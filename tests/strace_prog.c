// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workload of tests/decode_strace.sh: syscalls with fixed arguments,
 * each made with syscall(2) so that no libc wrapper changes them, between
 * two failing openat()s of /nonexistent/tracetape-decode-{begin,end} that
 * mark where the comparison with strace starts and ends. Every call is
 * harmless: most fail (ENOENT, EBADF, ECHILD) or touch only the process's
 * own state. Descriptors come in a fixed order, so their numbers are the
 * same in every run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARK(what) syscall(SYS_openat, AT_FDCWD, "/nonexistent/tracetape-decode-" what, O_RDONLY)

static int futex_word;

int main(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct __user_cap_header_struct cap = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct epoll_event ev = { .events = EPOLLIN };
	int one = 1, val, fds[2], sv[2], fd, ep, s6, su, s4, snl;
	sigset_t set;
	socklen_t len = sizeof(val);
	char buf[64];
	struct timespec ts;
	struct rlimit rl;
	siginfo_t info;
	void *p;
	long pid;

	/* whatever the test's shell left open, so that ours start at 3 */
	syscall(SYS_close_range, 3, ~0U, 0);
	MARK("begin");

	/* files and descriptors */
	fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR | O_CLOEXEC); /* 3 */
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/f", O_WRONLY | O_CREAT | O_TRUNC, 0640);
#ifdef SYS_open
	syscall(SYS_open, "/nonexistent/f", O_RDONLY | O_DIRECTORY);
#endif
#ifdef SYS_access
	syscall(SYS_access, "/", R_OK | X_OK);
	syscall(SYS_access, "/nonexistent/f", F_OK);
#endif
	syscall(SYS_faccessat, AT_FDCWD, "/nonexistent/f", W_OK);
	syscall(SYS_fcntl, fd, F_GETFD);
	syscall(SYS_fcntl, fd, F_SETFD, 0);
	syscall(SYS_fcntl, fd, F_GETFD);
	syscall(SYS_fcntl, fd, F_GETFL);
	syscall(SYS_fcntl, fd, F_SETFL, O_RDWR | O_NONBLOCK);
	syscall(SYS_fcntl, fd, F_DUPFD, 10);         /* 10 */
	syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 11); /* 11 */
	syscall(SYS_lseek, fd, 0L, SEEK_END);
	syscall(SYS_lseek, fd, -1L, SEEK_SET);
	syscall(SYS_ioctl, fd, TCGETS, buf);
	syscall(SYS_ioctl, fd, TIOCGWINSZ, buf);
	syscall(SYS_flock, fd, LOCK_SH | LOCK_NB);
	syscall(SYS_dup3, fd, 20, O_CLOEXEC);
	syscall(SYS_close, 20);
	syscall(SYS_close, 10);
	syscall(SYS_close, 11);
	syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/d", 0755);
	syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent/d", AT_REMOVEDIR);
	syscall(SYS_umask, 022);
	syscall(SYS_umask, 022);
	syscall(SYS_pipe2, fds, O_CLOEXEC); /* 4, 5 */
	syscall(SYS_ioctl, fds[0], FIONREAD, &val);
	ep = syscall(SYS_epoll_create1, EPOLL_CLOEXEC); /* 6 */
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], &ev);
#ifdef SYS_poll
	syscall(SYS_poll, NULL, 0, 0);
#endif
	syscall(SYS_eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK); /* 7 */

	/* sockets */
	s6 = syscall(SYS_socket, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0); /* 8 */
	su = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);                 /* 9 */
	s4 = syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP); /* 10 */
	snl = syscall(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);   /* 11 */
	syscall(SYS_setsockopt, s6, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	syscall(SYS_setsockopt, s6, SOL_TCP, TCP_NODELAY, &one, sizeof(one));
	syscall(SYS_setsockopt, s6, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	syscall(SYS_getsockopt, s4, SOL_SOCKET, SO_TYPE, &val, &len);
	syscall(SYS_bind, s4, &in, sizeof(in));
	syscall(SYS_listen, s6, 5);
	syscall(SYS_shutdown, s4, SHUT_RDWR);
	/* an abstract name nobody listens on: refused */
	memcpy(un.sun_path, "\0tracetape-none", 15);
	syscall(SYS_connect, su, &un, offsetof(struct sockaddr_un, sun_path) + 15);
	in.sin_port = htons(9); /* UDP: connecting sends nothing */
	syscall(SYS_connect, s4, &in, sizeof(in));
	syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv); /* 12, 13 */
	syscall(SYS_close, snl);

	/* memory */
	p = (void *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	syscall(SYS_mprotect, p, 4096, PROT_NONE);
	syscall(SYS_madvise, p, 8192, MADV_DONTNEED);
	syscall(SYS_munmap, p, 8192);

	/* signals */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	syscall(SYS_rt_sigaction, SIGUSR2, NULL, buf, 8);
	syscall(SYS_kill, getpid(), SIGUSR1); /* blocked: stays pending */
	syscall(SYS_kill, getpid(), 0);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	syscall(SYS_kill, -1, 0xdead); /* no such signal: EINVAL, in hex */

	/* processes */
	syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
	syscall(SYS_waitid, P_ALL, 0, &info, WEXITED | WNOHANG, NULL);
	pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);
	if (!pid)
		syscall(SYS_exit_group, 0);
	syscall(SYS_wait4, pid, &val, 0, NULL);
	syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
	syscall(SYS_prctl, PR_SET_PDEATHSIG, 0, 0, 0, 0); /* already 0 */
	syscall(SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0);  /* likewise */
	syscall(SYS_personality, 0xffffffff);
	syscall(SYS_unshare, CLONE_FS);
	syscall(SYS_setns, -1, CLONE_NEWNET);
	syscall(SYS_capget, &cap, NULL);
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl);
	syscall(SYS_getuid);
	syscall(SYS_sched_yield);
	syscall(SYS_mount, "none", "/nonexistent/m", "tmpfs", MS_NOSUID | MS_NODEV, NULL);
	syscall(SYS_umount2, "/nonexistent/m", MNT_DETACH);

	/* futexes and time */
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0); /* EAGAIN */
	syscall(SYS_clock_getres, CLOCK_REALTIME, NULL);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	syscall(SYS_getrandom, buf, 8, GRND_NONBLOCK);

	/* buffers, for rec --datasize 16 against strace -s 16: cut, exactly
	 * 16 bytes, escaped, empty, a read of what is there, failed calls */
	syscall(SYS_pipe2, fds, O_CLOEXEC);
	syscall(SYS_write, fds[1], "root:x:0:0:root:/root:/bin/bash\n", 32);
	syscall(SYS_read, fds[0], buf, 10);
	syscall(SYS_read, fds[0], buf, sizeof(buf));
	syscall(SYS_write, fds[1], "0123456789abcdef", 16);
	syscall(SYS_read, fds[0], buf, sizeof(buf));
	syscall(SYS_write, fds[1], "\t\"\\\001\0017\377\v\f\r\n\0x", 13);
	syscall(SYS_read, fds[0], buf, sizeof(buf));
	syscall(SYS_write, fds[1], "", 0);
	syscall(SYS_close, fds[1]);
	syscall(SYS_read, fds[0], buf, sizeof(buf)); /* the end: "" */
	syscall(SYS_write, -1, "x", 1); /* EBADF: strace shows the buffer still */
	syscall(SYS_read, -1, buf, 4);  /* EBADF: the pointer */
	syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv);
	syscall(SYS_sendto, sv[0], "datagram\0with a NUL", 19, 0, NULL, 0);
	syscall(SYS_recvfrom, sv[1], buf, sizeof(buf), 0, NULL, NULL);
	fd = syscall(SYS_memfd_create, "tt", 0);
	syscall(SYS_pwrite64, fd, "pwritten", 8, 100);
	syscall(SYS_pread64, fd, buf, sizeof(buf), 96);

	MARK("end");
	return 0;
}
