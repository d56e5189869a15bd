// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Numbers with names, one table per argument kind of the syscall table's
 * signatures (common/syscall_rows.c lists the letters). The values come
 * from the system headers of the build machine, which are the kernel's
 * (the same on x86_64 and arm64 for all of these but arch_prctl, which is
 * x86's alone). A number, or the bits of one, that no table names is shown
 * in hex: never a wrong name. Names and their order follow strace, so
 * that the two read alike (tests/decode_strace.sh compares them).
 */
#include "config.h" /* _GNU_SOURCE */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sched.h>
#include <signal.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#if __has_include(<asm/prctl.h>)
#include <asm/prctl.h> /* x86 only */
#endif

#include "decode_args.h"

#define N(x) { x, #x }
#define END { 0, NULL }

/* Enums: one value each. */
static const struct decode_named socket_domains[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_AX25), N(AF_IPX), N(AF_APPLETALK),
	N(AF_X25), N(AF_INET6), N(AF_KEY), N(AF_NETLINK), N(AF_PACKET), N(AF_CAN),
	N(AF_BLUETOOTH), N(AF_ALG), N(AF_VSOCK),
#ifdef AF_XDP
	N(AF_XDP),
#endif
	END,
};
static const struct decode_named socket_types[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_SEQPACKET),
	N(SOCK_DCCP), N(SOCK_PACKET), END,
};
static const struct decode_named ip_protocols[] = {
	N(IPPROTO_IP), N(IPPROTO_ICMP), N(IPPROTO_IGMP), N(IPPROTO_TCP), N(IPPROTO_UDP),
	N(IPPROTO_IPV6), N(IPPROTO_ICMPV6), N(IPPROTO_SCTP), N(IPPROTO_UDPLITE), N(IPPROTO_RAW),
#ifdef IPPROTO_MPTCP
	N(IPPROTO_MPTCP),
#endif
	END,
};
static const struct decode_named netlink_protocols[] = {
	N(NETLINK_ROUTE), N(NETLINK_USERSOCK), N(NETLINK_FIREWALL), N(NETLINK_SOCK_DIAG),
	N(NETLINK_NFLOG), N(NETLINK_XFRM), N(NETLINK_SELINUX), N(NETLINK_ISCSI),
	N(NETLINK_AUDIT), N(NETLINK_FIB_LOOKUP), N(NETLINK_CONNECTOR), N(NETLINK_NETFILTER),
	N(NETLINK_IP6_FW), N(NETLINK_DNRTMSG), N(NETLINK_KOBJECT_UEVENT), N(NETLINK_GENERIC),
	N(NETLINK_SCSITRANSPORT), N(NETLINK_ECRYPTFS), N(NETLINK_RDMA), N(NETLINK_CRYPTO),
	END,
};
static const struct decode_named socket_levels[] = {
	N(SOL_IP), N(SOL_SOCKET), N(SOL_TCP), N(SOL_UDP), N(SOL_IPV6), N(SOL_ICMPV6),
	N(SOL_RAW), N(SOL_PACKET), N(SOL_NETLINK), END,
};
static const struct decode_named socket_options[] = {
	N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE),
	N(SO_BROADCAST), N(SO_SNDBUF), N(SO_RCVBUF), N(SO_KEEPALIVE), N(SO_OOBINLINE),
	N(SO_NO_CHECK), N(SO_PRIORITY), N(SO_LINGER), N(SO_BSDCOMPAT), N(SO_REUSEPORT),
	N(SO_PASSCRED), N(SO_PEERCRED), N(SO_RCVLOWAT), N(SO_SNDLOWAT),
	/* the names strace gives; SO_RCVTIMEO is _OLD or _NEW by time_t's size */
	N(SO_RCVTIMEO_OLD), N(SO_SNDTIMEO_OLD), N(SO_TIMESTAMP_OLD),
	N(SO_BINDTODEVICE), N(SO_ATTACH_FILTER), N(SO_DETACH_FILTER), N(SO_PEERNAME),
	N(SO_ACCEPTCONN), N(SO_PEERSEC), N(SO_SNDBUFFORCE), N(SO_RCVBUFFORCE),
	N(SO_PASSSEC), N(SO_MARK), N(SO_PROTOCOL), N(SO_DOMAIN), N(SO_RXQ_OVFL),
	N(SO_BUSY_POLL), N(SO_INCOMING_CPU), N(SO_ZEROCOPY), END,
};
static const struct decode_named tcp_options[] = {
	N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL),
	N(TCP_KEEPCNT), N(TCP_SYNCNT), N(TCP_LINGER2), N(TCP_DEFER_ACCEPT),
	N(TCP_WINDOW_CLAMP), N(TCP_INFO), N(TCP_QUICKACK), N(TCP_CONGESTION),
	N(TCP_MD5SIG), N(TCP_USER_TIMEOUT), N(TCP_FASTOPEN), N(TCP_NOTSENT_LOWAT),
	N(TCP_FASTOPEN_CONNECT), END,
};
static const struct decode_named ip_options[] = {
	N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_RECVERR), N(IP_PKTINFO),
	N(IP_MTU_DISCOVER), N(IP_RECVTOS), N(IP_MULTICAST_IF), N(IP_MULTICAST_TTL),
	N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP), N(IP_DROP_MEMBERSHIP), N(IP_FREEBIND),
	N(IP_TRANSPARENT), N(IP_BIND_ADDRESS_NO_PORT), END,
};
static const struct decode_named ipv6_options[] = {
	N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS),
	N(IPV6_MULTICAST_LOOP), N(IPV6_ADD_MEMBERSHIP), N(IPV6_DROP_MEMBERSHIP),
	N(IPV6_MTU_DISCOVER), N(IPV6_RECVERR), N(IPV6_V6ONLY), N(IPV6_RECVPKTINFO),
	N(IPV6_TCLASS), END,
};
static const struct decode_named fcntl_cmds[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK),
	N(F_SETLKW), N(F_SETOWN), N(F_GETOWN), N(F_SETSIG), N(F_GETSIG), N(F_SETOWN_EX),
	N(F_GETOWN_EX), N(F_OFD_GETLK), N(F_OFD_SETLK), N(F_OFD_SETLKW), N(F_SETLEASE),
	N(F_GETLEASE), N(F_NOTIFY), N(F_DUPFD_CLOEXEC), N(F_SETPIPE_SZ), N(F_GETPIPE_SZ),
	N(F_ADD_SEALS), N(F_GET_SEALS), END,
};
/* ioctl requests: the terminal's and the sockets' that programs use most.
 * A number with two names (SIOCINQ is FIONREAD) has the one strace gives. */
static const struct decode_named ioctl_requests[] = {
	N(TCGETS), N(TCSETS), N(TCSETSW), N(TCSETSF), N(TCGETA), N(TCSETA), N(TCSETAW),
	N(TCSETAF), N(TCSBRK), N(TCXONC), N(TCFLSH), N(TIOCEXCL), N(TIOCNXCL), N(TIOCSCTTY),
	N(TIOCGPGRP), N(TIOCSPGRP), N(TIOCOUTQ), N(TIOCSTI), N(TIOCGWINSZ), N(TIOCSWINSZ),
	N(TIOCMGET), N(TIOCMSET), N(FIONREAD), N(TIOCLINUX), N(TIOCCONS), N(FIONBIO),
	N(TIOCNOTTY), N(TIOCSETD), N(TIOCGETD), N(TIOCGSID), N(TIOCGPTN), N(TIOCSPTLCK),
	N(FIONCLEX), N(FIOCLEX), N(FIOASYNC), N(FIOQSIZE), N(FIOSETOWN), N(SIOCSPGRP),
	N(FIOGETOWN), N(SIOCGPGRP), N(SIOCATMARK), N(SIOCADDRT), N(SIOCDELRT),
	N(SIOCGIFNAME), N(SIOCGIFCONF), N(SIOCGIFFLAGS), N(SIOCSIFFLAGS), N(SIOCGIFADDR),
	N(SIOCSIFADDR), N(SIOCGIFBRDADDR), N(SIOCGIFNETMASK), N(SIOCGIFMTU), N(SIOCSIFMTU),
	N(SIOCGIFHWADDR), N(SIOCGIFINDEX), N(SIOCGIFTXQLEN), N(SIOCETHTOOL), END,
};
static const struct decode_named prctl_options[] = {
	N(PR_SET_PDEATHSIG), N(PR_GET_PDEATHSIG), N(PR_GET_DUMPABLE), N(PR_SET_DUMPABLE),
	N(PR_GET_UNALIGN), N(PR_SET_UNALIGN), N(PR_GET_KEEPCAPS), N(PR_SET_KEEPCAPS),
	N(PR_GET_FPEMU), N(PR_SET_FPEMU), N(PR_GET_FPEXC), N(PR_SET_FPEXC), N(PR_GET_TIMING),
	N(PR_SET_TIMING), N(PR_SET_NAME), N(PR_GET_NAME), N(PR_GET_ENDIAN), N(PR_SET_ENDIAN),
	N(PR_GET_SECCOMP), N(PR_SET_SECCOMP), N(PR_CAPBSET_READ), N(PR_CAPBSET_DROP),
	N(PR_GET_TSC), N(PR_SET_TSC), N(PR_GET_SECUREBITS), N(PR_SET_SECUREBITS),
	N(PR_SET_TIMERSLACK), N(PR_GET_TIMERSLACK), N(PR_TASK_PERF_EVENTS_DISABLE),
	N(PR_TASK_PERF_EVENTS_ENABLE), N(PR_MCE_KILL), N(PR_MCE_KILL_GET), N(PR_SET_MM),
	N(PR_SET_CHILD_SUBREAPER), N(PR_GET_CHILD_SUBREAPER), N(PR_SET_NO_NEW_PRIVS),
	N(PR_GET_NO_NEW_PRIVS), N(PR_GET_TID_ADDRESS), N(PR_SET_THP_DISABLE),
	N(PR_GET_THP_DISABLE), N(PR_MPX_ENABLE_MANAGEMENT), N(PR_MPX_DISABLE_MANAGEMENT),
	N(PR_SET_FP_MODE), N(PR_GET_FP_MODE), N(PR_CAP_AMBIENT), N(PR_SVE_SET_VL),
	N(PR_SVE_GET_VL), N(PR_GET_SPECULATION_CTRL), N(PR_SET_SPECULATION_CTRL),
	N(PR_PAC_RESET_KEYS), N(PR_SET_TAGGED_ADDR_CTRL), N(PR_GET_TAGGED_ADDR_CTRL),
	N(PR_SET_IO_FLUSHER), N(PR_GET_IO_FLUSHER), N(PR_SET_SYSCALL_USER_DISPATCH),
	N(PR_SCHED_CORE),
#ifdef PR_SET_VMA
	N(PR_SET_VMA),
#endif
	N(PR_SET_PTRACER), END,
};
/* The prctl options the kernel reads no argument of: strace shows the
 * option alone. (PR_GET_NO_NEW_PRIVS and the like require the others to be
 * 0, and strace shows them.) */
static const int prctl_no_args[] = {
	PR_GET_DUMPABLE, PR_GET_KEEPCAPS, PR_GET_TIMING, PR_GET_SECCOMP, PR_GET_SECUREBITS,
	PR_GET_TIMERSLACK, PR_TASK_PERF_EVENTS_DISABLE, PR_TASK_PERF_EVENTS_ENABLE,
	PR_GET_FP_MODE,
};
/* Those that read one, a number or (prctl_ptr_arg) a pointer. */
static const int prctl_one_arg[] = {
	PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_UNALIGN, PR_SET_KEEPCAPS, PR_SET_FPEMU,
	PR_SET_FPEXC, PR_SET_TIMING, PR_SET_ENDIAN, PR_CAPBSET_READ, PR_CAPBSET_DROP,
	PR_SET_TSC, PR_SET_SECUREBITS, PR_SET_TIMERSLACK, PR_SET_CHILD_SUBREAPER,
	PR_SET_FP_MODE,
};
static const int prctl_ptr_arg[] = {
	PR_GET_PDEATHSIG, PR_GET_UNALIGN, PR_GET_FPEMU, PR_GET_FPEXC, PR_SET_NAME, PR_GET_NAME,
	PR_GET_ENDIAN, PR_GET_TSC, PR_GET_CHILD_SUBREAPER, PR_GET_TID_ADDRESS,
};
static const struct decode_named arch_prctl_codes[] = {
#ifdef ARCH_SET_GS
	N(ARCH_SET_GS), N(ARCH_SET_FS), N(ARCH_GET_FS), N(ARCH_GET_GS), N(ARCH_GET_CPUID),
	N(ARCH_SET_CPUID),
#endif
#ifdef ARCH_GET_XCOMP_SUPP
	N(ARCH_GET_XCOMP_SUPP), N(ARCH_GET_XCOMP_PERM), N(ARCH_REQ_XCOMP_PERM),
#endif
#ifdef ARCH_MAP_VDSO_X32
	N(ARCH_MAP_VDSO_X32), N(ARCH_MAP_VDSO_32), N(ARCH_MAP_VDSO_64),
#endif
	END,
};
/* glibc's sigabbrev_np() says POLL for 29, strace and kill -l say IO. */
static const struct decode_named signals[] = {
	N(SIGHUP), N(SIGINT), N(SIGQUIT), N(SIGILL), N(SIGTRAP), N(SIGABRT), N(SIGBUS),
	N(SIGFPE), N(SIGKILL), N(SIGUSR1), N(SIGSEGV), N(SIGUSR2), N(SIGPIPE), N(SIGALRM),
	N(SIGTERM), N(SIGSTKFLT), N(SIGCHLD), N(SIGCONT), N(SIGSTOP), N(SIGTSTP), N(SIGTTIN),
	N(SIGTTOU), N(SIGURG), N(SIGXCPU), N(SIGXFSZ), N(SIGVTALRM), N(SIGPROF), N(SIGWINCH),
	N(SIGIO), N(SIGPWR), N(SIGSYS), END,
};
static const struct decode_named sigprocmask_hows[] = {
	N(SIG_BLOCK), N(SIG_UNBLOCK), N(SIG_SETMASK), END,
};
static const struct decode_named waitid_types[] = {
	N(P_ALL), N(P_PID), N(P_PGID),
#ifdef P_PIDFD
	N(P_PIDFD),
#endif
	END,
};
static const struct decode_named seek_whences[] = {
	N(SEEK_SET), N(SEEK_CUR), N(SEEK_END), N(SEEK_DATA), N(SEEK_HOLE), END,
};
static const struct decode_named madvise_advices[] = {
	N(MADV_NORMAL), N(MADV_RANDOM), N(MADV_SEQUENTIAL), N(MADV_WILLNEED),
	N(MADV_DONTNEED), N(MADV_FREE), N(MADV_REMOVE), N(MADV_DONTFORK), N(MADV_DOFORK),
	N(MADV_MERGEABLE), N(MADV_UNMERGEABLE), N(MADV_HUGEPAGE), N(MADV_NOHUGEPAGE),
	N(MADV_DONTDUMP), N(MADV_DODUMP), N(MADV_WIPEONFORK), N(MADV_KEEPONFORK),
	N(MADV_COLD), N(MADV_PAGEOUT), N(MADV_POPULATE_READ), N(MADV_POPULATE_WRITE),
#ifdef MADV_DONTNEED_LOCKED
	N(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
	N(MADV_COLLAPSE),
#endif
	N(MADV_HWPOISON),
#ifdef MADV_SOFT_OFFLINE
	N(MADV_SOFT_OFFLINE),
#endif
	END,
};
static const struct decode_named futex_cmds[] = {
	N(FUTEX_WAIT), N(FUTEX_WAKE), N(FUTEX_FD), N(FUTEX_REQUEUE), N(FUTEX_CMP_REQUEUE),
	N(FUTEX_WAKE_OP), N(FUTEX_LOCK_PI), N(FUTEX_UNLOCK_PI), N(FUTEX_TRYLOCK_PI),
	N(FUTEX_WAIT_BITSET), N(FUTEX_WAKE_BITSET), N(FUTEX_WAIT_REQUEUE_PI),
	N(FUTEX_CMP_REQUEUE_PI),
#ifdef FUTEX_LOCK_PI2
	N(FUTEX_LOCK_PI2),
#endif
	END,
};
static const struct decode_named epoll_ops[] = {
	N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD), END,
};
/* Whole personalities first: several are a type with flags. */
static const struct decode_named personalities[] = {
	N(PER_LINUX), N(PER_LINUX_32BIT), N(PER_LINUX_FDPIC), N(PER_SVR4), N(PER_SVR3),
	N(PER_SCOSVR3), N(PER_OSR5), N(PER_WYSEV386), N(PER_ISCR4), N(PER_BSD), N(PER_SUNOS),
	N(PER_XENIX), N(PER_LINUX32), N(PER_LINUX32_3GB), N(PER_IRIX32), N(PER_IRIXN32),
	N(PER_IRIX64), N(PER_RISCOS), N(PER_SOLARIS), N(PER_UW7), N(PER_OSF4), N(PER_HPUX),
	END,
};
static const struct decode_named clock_ids[] = {
	N(CLOCK_REALTIME), N(CLOCK_MONOTONIC), N(CLOCK_PROCESS_CPUTIME_ID),
	N(CLOCK_THREAD_CPUTIME_ID), N(CLOCK_MONOTONIC_RAW), N(CLOCK_REALTIME_COARSE),
	N(CLOCK_MONOTONIC_COARSE), N(CLOCK_BOOTTIME), N(CLOCK_REALTIME_ALARM),
	N(CLOCK_BOOTTIME_ALARM), N(CLOCK_TAI), END,
};
static const struct decode_named rlimit_resources[] = {
	N(RLIMIT_CPU), N(RLIMIT_FSIZE), N(RLIMIT_DATA), N(RLIMIT_STACK), N(RLIMIT_CORE),
	N(RLIMIT_RSS), N(RLIMIT_NPROC), N(RLIMIT_NOFILE), N(RLIMIT_MEMLOCK), N(RLIMIT_AS),
	N(RLIMIT_LOCKS), N(RLIMIT_SIGPENDING), N(RLIMIT_MSGQUEUE), N(RLIMIT_NICE),
	N(RLIMIT_RTPRIO), N(RLIMIT_RTTIME), END,
};
static const struct decode_named shutdown_hows[] = {
	N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR), END,
};

/* Flags: bits, multi-bit masks before the bits they contain. */
static const struct decode_named at_flags[] = {
	N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW), N(AT_NO_AUTOMOUNT),
	N(AT_EMPTY_PATH), N(AT_STATX_FORCE_SYNC), N(AT_STATX_DONT_SYNC), END,
};
static const struct decode_named prot_flags[] = {
	N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC),
#ifdef PROT_SEM
	N(PROT_SEM),
#endif
	N(PROT_GROWSDOWN),
	N(PROT_GROWSUP), END,
};
static const struct decode_named mmap_flags[] = {
	N(MAP_SHARED_VALIDATE), N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_FIXED),
	N(MAP_ANONYMOUS), N(MAP_32BIT), N(MAP_GROWSDOWN), N(MAP_DENYWRITE), N(MAP_EXECUTABLE),
	N(MAP_LOCKED), N(MAP_NORESERVE), N(MAP_POPULATE), N(MAP_NONBLOCK), N(MAP_STACK),
	N(MAP_HUGETLB), N(MAP_SYNC), N(MAP_FIXED_NOREPLACE), END,
};
static const struct decode_named socket_type_flags[] = {
	N(SOCK_CLOEXEC), N(SOCK_NONBLOCK), END,
};
static const struct decode_named fd_flags[] = {
	N(FD_CLOEXEC), END,
};
/* clone's and unshare's: the namespaces and what a child shares. clone's
 * low byte (CSIGNAL) is its exit signal, not flags. */
static const struct decode_named clone_flags[] = {
#ifdef CLONE_NEWTIME
	N(CLONE_NEWTIME), /* in CSIGNAL's bits: unshare and setns only */
#endif
	N(CLONE_VM), N(CLONE_FS), N(CLONE_FILES), N(CLONE_SIGHAND), N(CLONE_PIDFD),
	N(CLONE_PTRACE), N(CLONE_VFORK), N(CLONE_PARENT), N(CLONE_THREAD), N(CLONE_NEWNS),
	N(CLONE_SYSVSEM), N(CLONE_SETTLS), N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID),
	N(CLONE_DETACHED), N(CLONE_UNTRACED), N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP),
	N(CLONE_NEWUTS), N(CLONE_NEWIPC), N(CLONE_NEWUSER), N(CLONE_NEWPID), N(CLONE_NEWNET),
	N(CLONE_IO), END,
};
static const struct decode_named wait4_options[] = {
	N(WNOHANG), N(WUNTRACED), N(WCONTINUED), N(__WNOTHREAD), N(__WALL), N(__WCLONE), END,
};
static const struct decode_named waitid_options[] = {
	N(WNOHANG), N(WSTOPPED), N(WEXITED), N(WCONTINUED), N(WNOWAIT), N(__WNOTHREAD),
	N(__WALL), N(__WCLONE), END,
};
static const struct decode_named access_modes[] = {
	N(R_OK), N(W_OK), N(X_OK), END,
};
static const struct decode_named futex_flags[] = {
	N(FUTEX_CLOCK_REALTIME), END,
};
static const struct decode_named epoll_create_flags[] = {
	N(EPOLL_CLOEXEC), END,
};
static const struct decode_named eventfd_flags[] = {
	N(EFD_SEMAPHORE), N(EFD_CLOEXEC), N(EFD_NONBLOCK), END,
};
static const struct decode_named mount_flags[] = {
	N(MS_MGC_VAL), /* the old magic in the high half, before any bit */
	N(MS_RDONLY), N(MS_NOSUID), N(MS_NODEV), N(MS_NOEXEC), N(MS_SYNCHRONOUS),
	N(MS_REMOUNT), N(MS_MANDLOCK), N(MS_DIRSYNC),
#ifdef MS_NOSYMFOLLOW
	N(MS_NOSYMFOLLOW),
#endif
	N(MS_NOATIME), N(MS_NODIRATIME), N(MS_BIND), N(MS_MOVE), N(MS_REC), N(MS_SILENT),
	N(MS_POSIXACL), N(MS_UNBINDABLE), N(MS_PRIVATE), N(MS_SLAVE), N(MS_SHARED),
	N(MS_RELATIME), N(MS_KERNMOUNT), N(MS_I_VERSION), N(MS_STRICTATIME), N(MS_LAZYTIME),
	N(MS_ACTIVE), N(MS_NOUSER), END,
};
static const struct decode_named umount_flags[] = {
	N(MNT_FORCE), N(MNT_DETACH), N(MNT_EXPIRE), N(UMOUNT_NOFOLLOW), END,
};
static const struct decode_named personality_flags[] = {
	N(UNAME26), N(ADDR_NO_RANDOMIZE), N(FDPIC_FUNCPTRS), N(MMAP_PAGE_ZERO),
	N(ADDR_COMPAT_LAYOUT), N(READ_IMPLIES_EXEC), N(ADDR_LIMIT_32BIT), N(SHORT_INODE),
	N(WHOLE_SECONDS), N(STICKY_TIMEOUTS), N(ADDR_LIMIT_3GB), END,
};
static const struct decode_named getrandom_flags[] = {
	N(GRND_NONBLOCK), N(GRND_RANDOM),
#ifdef GRND_INSECURE
	N(GRND_INSECURE),
#endif
	END,
};
static const struct decode_named flock_ops[] = {
	N(LOCK_SH), N(LOCK_EX), N(LOCK_NB), N(LOCK_UN), END,
};
/* si_code: those any signal may carry (<= 0, SI_KERNEL), then each
 * signal's own (> 0), as <signal.h> names them. Negative values are kept
 * as their uint64_t (name_of compares the sign-extended code). */
#define NC(x) { (uint64_t)(int64_t)(x), #x }
static const struct decode_named si_codes[] = {
	NC(SI_USER), NC(SI_KERNEL), NC(SI_QUEUE), NC(SI_TIMER), NC(SI_MESGQ), NC(SI_ASYNCIO),
	NC(SI_SIGIO), NC(SI_TKILL),
#ifdef SI_DETHREAD
	NC(SI_DETHREAD),
#endif
#ifdef SI_ASYNCNL
	NC(SI_ASYNCNL),
#endif
	END,
};
static const struct decode_named ill_codes[] = {
	N(ILL_ILLOPC), N(ILL_ILLOPN), N(ILL_ILLADR), N(ILL_ILLTRP), N(ILL_PRVOPC), N(ILL_PRVREG),
	N(ILL_COPROC), N(ILL_BADSTK), END,
};
static const struct decode_named fpe_codes[] = {
	N(FPE_INTDIV), N(FPE_INTOVF), N(FPE_FLTDIV), N(FPE_FLTOVF), N(FPE_FLTUND), N(FPE_FLTRES),
	N(FPE_FLTINV), N(FPE_FLTSUB), END,
};
static const struct decode_named segv_codes[] = {
	N(SEGV_MAPERR), N(SEGV_ACCERR),
#ifdef SEGV_BNDERR
	N(SEGV_BNDERR),
#endif
#ifdef SEGV_PKUERR
	N(SEGV_PKUERR),
#endif
	END,
};
static const struct decode_named bus_codes[] = {
	N(BUS_ADRALN), N(BUS_ADRERR), N(BUS_OBJERR),
#ifdef BUS_MCEERR_AR
	N(BUS_MCEERR_AR), N(BUS_MCEERR_AO),
#endif
	END,
};
static const struct decode_named trap_codes[] = {
	N(TRAP_BRKPT), N(TRAP_TRACE),
#ifdef TRAP_BRANCH
	N(TRAP_BRANCH), N(TRAP_HWBKPT),
#endif
	END,
};
static const struct decode_named cld_codes[] = {
	N(CLD_EXITED), N(CLD_KILLED), N(CLD_DUMPED), N(CLD_TRAPPED), N(CLD_STOPPED),
	N(CLD_CONTINUED), END,
};
static const struct decode_named poll_codes[] = {
	N(POLL_IN), N(POLL_OUT), N(POLL_MSG), N(POLL_ERR), N(POLL_PRI), N(POLL_HUP), END,
};
#undef NC
#undef N
#undef END

static const char *name_of(const struct decode_named *t, uint64_t v)
{
	for (; t->name; t++)
		if (t->val == v)
			return t->name;
	return NULL;
}

static void put_enum(FILE *f, const struct decode_named *t, uint64_t v)
{
	const char *name = name_of(t, v);

	if (name)
		fputs(name, f);
	else
		fprintf(f, "%#llx", (unsigned long long)v);
}

/* Known bits by name joined with |, the rest in hex; zero as zero_name
 * (or 0). any: something is already written, so the first name gets a |. */
static void put_flags_after(FILE *f, const struct decode_named *t, uint64_t v,
			    const char *zero_name, bool any)
{
	bool named = false;

	for (; t->name; t++) {
		if (t->val && (v & t->val) == t->val) {
			fprintf(f, "%s%s", any ? "|" : "", t->name);
			v &= ~t->val;
			any = named = true;
		}
	}
	if (v)
		fprintf(f, "%s%#llx", any ? "|" : "", (unsigned long long)v);
	else if (!named && !any)
		fputs(zero_name ? zero_name : "0", f);
}

static void put_flags(FILE *f, const struct decode_named *t, uint64_t v, const char *zero_name)
{
	put_flags_after(f, t, v, zero_name, false);
}

/* The kernel reads an int argument from the register's low 32 bits. A
 * kind reading its neighbour (a protocol its domain) at an edge reads 0. */
static uint64_t int_arg(const struct tt_syscall *s, int i)
{
	return i >= 0 && i < 6 ? (uint32_t)s->args[i] : 0;
}

/* The access mode by name, then the flags (decode_kernel.c's values). */
static void put_open_flags(FILE *f, uint64_t v)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	fputs(acc[v & decode_kernel__o_accmode], f);
	put_flags_after(f, decode_kernel__open_flags, v & ~(uint64_t)decode_kernel__o_accmode,
			NULL, true);
}

const char *decode_args__signal_name(int sig, char *buf, size_t size)
{
	const char *name = name_of(signals, (uint32_t)sig);

	if (name)
		return name;
	/* the kernel's SIGRTMIN, not glibc's, which keeps two for itself */
	if (sig == __SIGRTMIN)
		return "SIGRTMIN";
	if (sig > __SIGRTMIN && sig <= __SIGRTMAX) {
		snprintf(buf, size, "SIGRT_%d", sig - __SIGRTMIN);
		return buf;
	}
	return NULL;
}

const char *decode_args__si_code_name(int sig, int code)
{
	const struct decode_named *t = NULL;

	if (code <= 0 || code == SI_KERNEL)
		return name_of(si_codes, (uint64_t)(int64_t)code);
	switch (sig) {
	case SIGILL: t = ill_codes; break;
	case SIGFPE: t = fpe_codes; break;
	case SIGSEGV: t = segv_codes; break;
	case SIGBUS: t = bus_codes; break;
	case SIGTRAP: t = trap_codes; break;
	case SIGCHLD: t = cld_codes; break;
	case SIGPOLL: t = poll_codes; break;
	default: return NULL; /* SIGSYS's SYS_SECCOMP is in no glibc header: a number */
	}
	return name_of(t, (uint64_t)code);
}

/* As strace: SIGUSR1, SIGRT_2, 0 as 0; a number with no name in hex. */
static void put_signal(FILE *f, uint64_t v)
{
	char buf[16];
	const char *name = NULL;

	if (v <= INT32_MAX)
		name = decode_args__signal_name((int)v, buf, sizeof(buf));
	if (name)
		fputs(name, f);
	else if (!v)
		fputc('0', f);
	else
		fprintf(f, "%#llx", (unsigned long long)v);
}

static void put_socket_type(FILE *f, uint64_t v)
{
	/* The type is the low bits, SOCK_CLOEXEC and SOCK_NONBLOCK above them. */
	uint64_t flags = v & (SOCK_CLOEXEC | SOCK_NONBLOCK);

	put_enum(f, socket_types, v & ~flags);
	if (flags)
		put_flags_after(f, socket_type_flags, flags, NULL, true);
}

static void put_socket_protocol(FILE *f, const struct tt_syscall *s, int i)
{
	uint64_t v = int_arg(s, i);

	switch (int_arg(s, 0)) {
	case AF_INET:
	case AF_INET6: put_enum(f, ip_protocols, v); break;
	case AF_NETLINK: put_enum(f, netlink_protocols, v); break;
	default: fprintf(f, "%llu", (unsigned long long)v);
	}
}

static void put_socket_option(FILE *f, const struct tt_syscall *s, int i)
{
	uint64_t v = int_arg(s, i);

	switch (int_arg(s, i - 1)) {
	case SOL_SOCKET: put_enum(f, socket_options, v); break;
	case SOL_TCP: put_enum(f, tcp_options, v); break;
	case SOL_IP: put_enum(f, ip_options, v); break;
	case SOL_IPV6: put_enum(f, ipv6_options, v); break;
	default: fprintf(f, "%#llx", (unsigned long long)v);
	}
}

/* fcntl's third argument, by its command (argument 1). */
static void put_fcntl_arg(FILE *f, const struct tt_syscall *s, int i)
{
	uint64_t v = s->args[i];

	switch (int_arg(s, 1)) {
	case F_SETFD: put_flags(f, fd_flags, (uint32_t)v, "0"); break;
	case F_SETFL: put_open_flags(f, (uint32_t)v); break;
	case F_SETSIG: put_signal(f, (uint32_t)v); break;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
	case F_SETOWN:
	case F_SETPIPE_SZ:
	case F_SETLEASE:
	case F_NOTIFY:
	case F_ADD_SEALS: fprintf(f, "%d", (int32_t)v); break;
	default: /* a pointer to a struct flock or f_owner_ex */
		if (v)
			fprintf(f, "%#llx", (unsigned long long)v);
		else
			fputs("NULL", f);
	}
}

static bool in_list(const int *list, size_t n, uint64_t v)
{
	for (size_t k = 0; k < n; k++)
		if (v == (uint64_t)list[k])
			return true;
	return false;
}

#define IN_LIST(list, v) in_list(list, sizeof(list) / sizeof(list[0]), v)

/* prctl's arguments after the option (argument 0): a signal, a pointer, or
 * numbers, in decimal as strace shows them for an option it knows; in hex
 * for an option no table names. */
static void put_prctl_arg(FILE *f, const struct tt_syscall *s, int i)
{
	uint64_t option = int_arg(s, 0), v = s->args[i];

	if (i == 1 && option == PR_SET_PDEATHSIG)
		put_signal(f, v);
	else if (i == 1 && IN_LIST(prctl_ptr_arg, option) && !v)
		fputs("NULL", f);
	else if (i == 1 && IN_LIST(prctl_ptr_arg, option))
		fprintf(f, "%#llx", (unsigned long long)v);
	else if (name_of(prctl_options, option))
		fprintf(f, "%llu", (unsigned long long)v);
	else
		fprintf(f, "%#llx", (unsigned long long)v);
}

void decode_args__clone_flags(FILE *f, uint64_t v)
{
	uint64_t sig = v & CSIGNAL;

	v &= ~(uint64_t)CSIGNAL;
	/* CLONE_NEWTIME shares CSIGNAL's bits, so the table's first row is
	 * skipped here: for clone those bits are the signal. */
	if (v)
		put_flags_after(f, clone_flags + 1, v, NULL, false);
	if (sig) {
		if (v)
			fputc('|', f);
		put_signal(f, sig);
	} else if (!v) {
		fputc('0', f);
	}
}

static void put_futex_op(FILE *f, uint64_t v)
{
	const char *name = name_of(futex_cmds, v & FUTEX_CMD_MASK);
	uint64_t rest = v & ~(uint64_t)(FUTEX_CMD_MASK | FUTEX_PRIVATE_FLAG);

	if (!name) {
		fprintf(f, "%#llx", (unsigned long long)v);
		return;
	}
	fprintf(f, "%s%s", name, v & FUTEX_PRIVATE_FLAG ? "_PRIVATE" : "");
	if (rest)
		put_flags_after(f, futex_flags, rest, NULL, true);
}

static void put_personality(FILE *f, uint64_t v)
{
	const char *name = name_of(personalities, v);

	if (name) {
		fputs(name, f);
	} else if (v == 0xffffffff) { /* the query: strace's number too */
		fprintf(f, "%#llx", (unsigned long long)v);
	} else if ((name = name_of(personalities, v & PER_MASK))) {
		fputs(name, f);
		put_flags_after(f, personality_flags, v & ~(uint64_t)PER_MASK, NULL, true);
	} else {
		fprintf(f, "%#llx", (unsigned long long)v);
	}
}

const char decode_args__kinds[] = "oOAPMDTRLNFfICZqKnSHWwtXevUEcjBbYkrhgG";

bool decode_args__put(FILE *f, char kind, const struct tt_syscall *s, int i)
{
	uint64_t v = s->args[i], n = int_arg(s, i);

	switch (kind) {
	case 'o': put_open_flags(f, n); break;
	case 'O': put_flags(f, decode_kernel__open_flags, n, "0"); break;
	case 'A': put_flags(f, at_flags, n, "0"); break;
	case 'P': put_flags(f, prot_flags, v, "PROT_NONE"); break;
	case 'M': put_flags(f, mmap_flags, v, "0"); break;
	case 'D': put_enum(f, socket_domains, n); break;
	case 'T': put_socket_type(f, n); break;
	case 'R': put_socket_protocol(f, s, i); break;
	case 'L': put_enum(f, socket_levels, n); break;
	case 'N': put_socket_option(f, s, i); break;
	case 'F': put_enum(f, fcntl_cmds, n); break;
	case 'f': put_fcntl_arg(f, s, i); break;
	case 'I': put_enum(f, ioctl_requests, n); break; /* an unsigned int */
	case 'C': put_enum(f, prctl_options, n); break;
	case 'Z': put_prctl_arg(f, s, i); break;
	case 'q': put_enum(f, arch_prctl_codes, n); break;
	case 'K': decode_args__clone_flags(f, v); break;
	case 'n': put_flags(f, clone_flags, v, "0"); break;
	case 'S': put_signal(f, n); break;
	case 'H': put_enum(f, sigprocmask_hows, n); break;
	case 'W': put_flags(f, wait4_options, n, "0"); break;
	case 'w': put_flags(f, waitid_options, n, "0"); break;
	case 't': put_enum(f, waitid_types, n); break;
	case 'X': put_flags(f, access_modes, n, "F_OK"); break;
	case 'e': put_enum(f, seek_whences, n); break;
	case 'v': put_enum(f, madvise_advices, n); break;
	case 'U': put_futex_op(f, n); break;
	case 'E': put_enum(f, epoll_ops, n); break;
	case 'c': put_flags(f, epoll_create_flags, n, "0"); break;
	case 'j': put_flags(f, eventfd_flags, n, "0"); break;
	case 'B': put_flags(f, mount_flags, v, "0"); break;
	case 'b': put_flags(f, umount_flags, n, "0"); break;
	case 'Y': put_personality(f, n); break;
	case 'k': put_enum(f, clock_ids, n); break;
	case 'r': put_enum(f, rlimit_resources, n); break;
	case 'h': put_enum(f, shutdown_hows, n); break;
	case 'g': put_flags(f, getrandom_flags, n, "0"); break;
	case 'G': put_flags(f, flock_ops, n, "0"); break;
	default: return false;
	}
	return true;
}

int decode_args__shown(char kind, const struct tt_syscall *s, int i)
{
	uint64_t n = int_arg(s, i);

	switch (kind) {
	case 'o': /* a mode after it means something only when a file may be created
		   (O_TMPFILE holds O_DIRECTORY's bit: all of its bits, not any) */
		return (n & decode_kernel__o_creat) ||
		       (n & decode_kernel__o_tmpfile) == decode_kernel__o_tmpfile ? -1 : i + 1;
	case 'F':
		switch (n) {
		case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
		case F_GETPIPE_SZ: case F_GET_SEALS:
			return i + 1;
		}
		return -1;
	case 'C':
		if (IN_LIST(prctl_no_args, n))
			return i + 1;
		if (IN_LIST(prctl_one_arg, n) || IN_LIST(prctl_ptr_arg, n))
			return i + 2;
		return -1;
	case 'U': /* uaddr, op, val, and for the waits a timeout */
		switch (n & FUTEX_CMD_MASK) {
		case FUTEX_WAKE: return i + 2;
		case FUTEX_WAIT: return i + 3;
		}
		return -1;
	}
	return -1;
}

bool decode_args__put_ret(FILE *f, char kind, const struct tt_syscall *s)
{
	uint64_t r = (uint64_t)s->ret;

	switch (kind) {
	case 'x': fprintf(f, "%#llx", (unsigned long long)r); return true;
	case 'm': fprintf(f, "%#llo", (unsigned long long)r); return true;
	case 'F':
		/* As strace: the flags F_GETFD and F_GETFL return, after the number
		 * (F_GETFD's only when there are any; F_GETFL's has an access mode). */
		if (int_arg(s, 1) == F_GETFD && r) {
			fprintf(f, "%#llx (flags ", (unsigned long long)r);
			put_flags(f, fd_flags, r, "0");
		} else if (int_arg(s, 1) == F_GETFL) {
			fprintf(f, "%#llx (flags ", (unsigned long long)r);
			put_open_flags(f, r);
		} else {
			break;
		}
		fputc(')', f);
		return true;
	case 'Y':
		fprintf(f, "%#llx (", (unsigned long long)r);
		put_personality(f, r);
		fputc(')', f);
		return true;
	}
	return false;
}
